// This file implements softmax in the stable, latency and argmax forms.
// Stable: d_j = inp_norm_t(max - x_j); e_j = accum_t(exp_table[top bits of
// d_j]); latency indexes the exp table with x_j itself. The sum is a tree
// in accum_t, converted to inv_inp_t, whose top bits index the inverse
// table; y_j = res_T(e_j * inverse). The tables come from the Go
// emulator's own computation, written into the project as exact values.

#ifndef NNHLS_SOFTMAX_H
#define NNHLS_SOFTMAX_H

#include "nnhls_common.h"

namespace nnhls {

enum softmax_impl { softmax_stable = 0, softmax_latency = 1, softmax_legacy = 2, softmax_argmax = 3 };

// trunc_index is legacy softmax's table index of raw x: int32(trunc(x *
// mul / den)) + off in 32-bit arithmetic, clamped to [0, n - 1].
inline unsigned trunc_index(long long x, long long mul, long long den, long long off, unsigned n) {
  if (den == 0) return 0;
  const long long q = x * mul / den;
  const int i = (int)((unsigned)(int)q + (unsigned)off);
  if (i < 0) return 0;
  if (i > (int)n - 1) return n - 1;
  return (unsigned)i;
}

template <class data_T, class res_T, class CONFIG_T>
void softmax_slice(const data_T x[CONFIG_T::n_slice], res_T y[CONFIG_T::n_slice],
                   const typename CONFIG_T::exp_raw_t exp_table[CONFIG_T::exp_table_size],
                   const typename CONFIG_T::inv_raw_t inv_table[CONFIG_T::inv_table_size]) {
  typedef typename CONFIG_T::accum_t accum_t;
  if (CONFIG_T::impl == softmax_argmax) {
    unsigned best = 0;
    for (unsigned j = 1; j < CONFIG_T::n_slice; j++) {
      if (x[j] > x[best]) best = j;
    }
    for (unsigned j = 0; j < CONFIG_T::n_slice; j++) {
      y[j] = j == best ? res_T(CONFIG_T::one()) : res_T(0);
    }
    return;
  }
  if (CONFIG_T::impl == softmax_legacy) {
    // For each i, the sum over j of exp(x_j - x_i) from the exp table (1
    // for j = i) in table_t, inverted by the second table.
    typedef typename CONFIG_T::exp_table_t table_t;
      for (unsigned i = 0; i < CONFIG_T::n_slice; i++) {
      const long long xi = raw_of<CONFIG_T::in_width, CONFIG_T::in_signed>(x[i]);
      table_t s = 0;
        for (unsigned j = 0; j < CONFIG_T::n_slice; j++) {
        long long v = CONFIG_T::table_one;
        if (j != i) {
          const long long d = raw_of<CONFIG_T::in_width, CONFIG_T::in_signed>(x[j]) - xi;
          v = exp_table[trunc_index(d, CONFIG_T::lx_mul, CONFIG_T::lx_den, CONFIG_T::lx_off, CONFIG_T::exp_table_size)];
        }
        s += from_raw<table_t, CONFIG_T::exp_width>(v);
      }
      const long long sr = raw_of<CONFIG_T::exp_width, CONFIG_T::table_signed>(s);
      y[i] = res_T(from_raw<table_t, CONFIG_T::exp_width>(
          inv_table[trunc_index(sr, CONFIG_T::li_mul, CONFIG_T::li_den, CONFIG_T::li_off, CONFIG_T::inv_table_size)]));
    }
    return;
  }
  accum_t e[CONFIG_T::n_slice];
  NNHLS_PRAGMA(HLS ARRAY_PARTITION variable = e complete)
  if (CONFIG_T::impl == softmax_stable) {
    data_T m = x[0];
    for (unsigned j = 1; j < CONFIG_T::n_slice; j++) {
      if (x[j] > m) m = x[j];
    }
    for (unsigned j = 0; j < CONFIG_T::n_slice; j++) {
      const typename CONFIG_T::inp_norm_t d = m - x[j];
      e[j] = accum_t(from_raw<typename CONFIG_T::exp_table_t, CONFIG_T::exp_width>(
          exp_table[top_bits<CONFIG_T::addr_width, CONFIG_T::exp_bits>(d)]));
    }
  } else {
    for (unsigned j = 0; j < CONFIG_T::n_slice; j++) {
      e[j] = accum_t(from_raw<typename CONFIG_T::exp_table_t, CONFIG_T::exp_width>(
          exp_table[top_bits<CONFIG_T::addr_width, CONFIG_T::exp_bits>(x[j])]));
    }
  }
  const typename CONFIG_T::inv_inp_t s = tree_sum<accum_t, CONFIG_T::n_slice>::run(e);
  const typename CONFIG_T::inv_table_t inv = from_raw<typename CONFIG_T::inv_table_t, CONFIG_T::inv_width>(
      inv_table[top_bits<CONFIG_T::inv_inp_width, CONFIG_T::inv_bits>(s)]);
  for (unsigned j = 0; j < CONFIG_T::n_slice; j++) {
    y[j] = res_T(e[j] * inv);
  }
}

// softmax runs n_outer * n_inner independent softmaxes of n_slice values
// each, the slice axis having stride n_inner.
template <class data_T, class res_T, class CONFIG_T>
void softmax(const data_T data[CONFIG_T::n_outer * CONFIG_T::n_slice * CONFIG_T::n_inner],
             res_T res[CONFIG_T::n_outer * CONFIG_T::n_slice * CONFIG_T::n_inner],
             const typename CONFIG_T::exp_raw_t exp_table[CONFIG_T::exp_table_size],
             const typename CONFIG_T::inv_raw_t inv_table[CONFIG_T::inv_table_size]) {
  NNHLS_PRAGMA(HLS PIPELINE)
  for (unsigned o = 0; o < CONFIG_T::n_outer; o++) {
    for (unsigned c = 0; c < CONFIG_T::n_inner; c++) {
      data_T x[CONFIG_T::n_slice];
      res_T y[CONFIG_T::n_slice];
      const unsigned base = o * CONFIG_T::n_slice * CONFIG_T::n_inner + c;
      for (unsigned j = 0; j < CONFIG_T::n_slice; j++) x[j] = data[base + j * CONFIG_T::n_inner];
      softmax_slice<data_T, res_T, CONFIG_T>(x, y, exp_table, inv_table);
      for (unsigned j = 0; j < CONFIG_T::n_slice; j++) res[base + j * CONFIG_T::n_inner] = y[j];
    }
  }
}

}  // namespace nnhls

#endif  // NNHLS_SOFTMAX_H
