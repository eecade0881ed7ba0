// This file implements the elementwise activations. Comparisons and table
// indices work on raw values with constants the Go emulator computed, and
// every result is one conversion to res_T, so the C++ gives the emulator's
// bits: relu family, leaky/parametric/thresholded relu, linear, binary and
// ternary tanh, and the table activations sigmoid, tanh, softplus and
// softsign, whose index is int(x * N / span) + N / 2 clamped to the table.

#ifndef NNHLS_ACTIVATION_H
#define NNHLS_ACTIVATION_H

#include "nnhls_common.h"

namespace nnhls {

// The activation kinds, numbered as ops.ActKind.
enum activation_kind {
  act_linear = 0,
  act_relu = 1,
  act_relu6 = 2,
  act_relu1 = 3,
  act_leaky_relu = 4,
  act_thresholded_relu = 5,
  act_prelu = 6,
  act_elu = 7,
  act_selu = 8,
  act_sigmoid = 9,
  act_tanh = 10,
  act_softplus = 11,
  act_softsign = 12,
  act_hard_sigmoid = 13,
  act_hard_tanh = 14,
  act_binary_tanh = 15,
  act_ternary_tanh = 16
};

// raw_index is the quotient of the table activations' index before any
// clamp: trunc(x * ix_mul / ix_den) * ix_sign, reduced to 32 bits, plus
// the offset in 32-bit unsigned arithmetic.
template <class CONFIG_T>
inline int raw_index(long long x) {
  long long q = x * CONFIG_T::ix_mul / CONFIG_T::ix_den;
  if (CONFIG_T::ix_sign < 0) q = -q;
  return (int)((unsigned)(int)q + (unsigned)CONFIG_T::ix_offset);
}

// table_index is the table activations' index of raw input x: the
// quotient truncated toward zero, reduced to 32 bits, plus the offset in
// 32-bit unsigned arithmetic, then clamped to [0, n - 1].
template <class CONFIG_T>
inline unsigned table_index(long long x) {
  const int i = raw_index<CONFIG_T>(x);
  if (i < 0) return 0;
  if (i > (int)CONFIG_T::table_size - 1) return CONFIG_T::table_size - 1;
  return (unsigned)i;
}

template <class data_T, class res_T, class CONFIG_T>
res_T activation_one(const data_T& x, unsigned i, const typename CONFIG_T::table_raw_t table[CONFIG_T::table_size],
                     const typename CONFIG_T::param_raw_t alpha[CONFIG_T::n_alpha]) {
  const long long r = raw_of<CONFIG_T::in_width, CONFIG_T::in_signed>(x);
  switch (CONFIG_T::kind) {
    case act_relu:
      return r > 0 ? res_T(x) : res_T(0);
    case act_relu6:
    case act_relu1:
      if (r < 0) return res_T(0);
      if (r > CONFIG_T::thresh) return res_T(CONFIG_T::limit());
      return res_T(x);
    case act_leaky_relu:
    case act_prelu:
      if (r > 0) return res_T(x);
      return res_T(from_raw<typename CONFIG_T::param_t, CONFIG_T::param_width>(alpha[i % CONFIG_T::n_alpha]) * x);
    case act_thresholded_relu:
      return r > CONFIG_T::thresh ? res_T(x) : res_T(0);
    case act_sigmoid:
    case act_tanh:
    case act_softplus:
    case act_softsign:
      return res_T(from_raw<typename CONFIG_T::table_t, CONFIG_T::table_width>(table[table_index<CONFIG_T>(r)]));
    case act_elu:
      if (r >= 0) return res_T(x);
      {
        // elu compares the index with an unsigned bound: a negative index
        // reads the last entry.
        const int k = raw_index<CONFIG_T>(r);
        const unsigned idx = k < 0 ? CONFIG_T::table_size - 1 : table_index<CONFIG_T>(r);
        return res_T(from_raw<typename CONFIG_T::param_t, CONFIG_T::param_width>(alpha[0]) *
                     from_raw<typename CONFIG_T::table_t, CONFIG_T::table_width>(table[idx]));
      }
    case act_selu:
      if (r >= 0) return res_T(from_raw<typename CONFIG_T::param_t, CONFIG_T::param_width>(alpha[0]) * x);
      return res_T(from_raw<typename CONFIG_T::table_t, CONFIG_T::table_width>(table[table_index<CONFIG_T>(r)]));
    case act_hard_sigmoid:
    case act_hard_tanh: {
      // s = slope * x + shift, exact, with sum_frac fractional bits.
      long long s = shl(CONFIG_T::slope * r, CONFIG_T::prod_at) + shl(CONFIG_T::shift, CONFIG_T::shift_at);
      if (s > CONFIG_T::gt_sum_one) {
        s = CONFIG_T::sum_one;
      } else if (s < 0) {
        s = 0;
      }
      if (CONFIG_T::kind == act_hard_tanh) s = 2 * s - shl(1, CONFIG_T::sum_frac);
      return from_raw_at<res_T, CONFIG_T::sum_frac>(s);
    }
    case act_binary_tanh:
      if (r >= 0) return res_T(CONFIG_T::one());
      return CONFIG_T::plain_unsigned1 ? res_T(0) : res_T(CONFIG_T::minus_one());
    case act_ternary_tanh: {
      const data_T d = x * 2;
      const long long dr = raw_of<CONFIG_T::in_width, CONFIG_T::in_signed>(d);
      if (dr > CONFIG_T::gt_one) return res_T(CONFIG_T::one());
      if (dr > CONFIG_T::gt_minus_one) return res_T(0);
      return res_T(CONFIG_T::minus_one());
    }
    default:
      return res_T(x);
  }
}

template <class data_T, class res_T, class CONFIG_T>
void activation(const data_T data[CONFIG_T::n_in], res_T res[CONFIG_T::n_in],
                const typename CONFIG_T::table_raw_t table[CONFIG_T::table_size],
                const typename CONFIG_T::param_raw_t alpha[CONFIG_T::n_alpha]) {
  NNHLS_PRAGMA(HLS INLINE)
  for (unsigned i = 0; i < CONFIG_T::n_in; i++) {
    NNHLS_PRAGMA(HLS UNROLL)
    res[i] = activation_one<data_T, res_T, CONFIG_T>(data[i], i, table, alpha);
  }
}

}  // namespace nnhls

#endif  // NNHLS_ACTIVATION_H
