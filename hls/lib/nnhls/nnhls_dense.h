// This file implements Dense and Dot: for each output j,
//   acc = accum_t(bias_j); for i ascending: acc = accum_t(acc + accum_t(x_i * w_ij));
//   y_j = res_T(acc)
// in the Latency (fully unrolled) and Resource (ReuseFactor multipliers
// shared in time) structures. Both keep i ascending per output, so a
// saturating accumulator gives the same bits in either.

#ifndef NNHLS_DENSE_H
#define NNHLS_DENSE_H

#include "nnhls_common.h"

namespace nnhls {

// dense_pos computes one position: n_in inputs into n_out outputs.
template <class data_T, class res_T, class CONFIG_T>
void dense_pos(const data_T* x, res_T* y, const typename CONFIG_T::weight_raw_t weights[CONFIG_T::n_in * CONFIG_T::n_out],
               const typename CONFIG_T::bias_raw_t biases[CONFIG_T::n_out]) {
  typedef typename CONFIG_T::accum_t accum_t;
  typedef typename CONFIG_T::weight_t weight_t;
  typedef typename CONFIG_T::bias_t bias_t;
  accum_t acc[CONFIG_T::n_out];
  NNHLS_PRAGMA(HLS ARRAY_PARTITION variable = acc complete)
  for (unsigned j = 0; j < CONFIG_T::n_out; j++) {
    NNHLS_PRAGMA(HLS UNROLL)
    acc[j] = CONFIG_T::has_bias ? accum_t(from_raw<bias_t, CONFIG_T::bias_width>(biases[j])) : accum_t(0);
  }
  if (CONFIG_T::strategy == latency) {
    for (unsigned i = 0; i < CONFIG_T::n_in; i++) {
      NNHLS_PRAGMA(HLS UNROLL)
      for (unsigned j = 0; j < CONFIG_T::n_out; j++) {
        NNHLS_PRAGMA(HLS UNROLL)
        acc[j] += accum_t(x[i] * from_raw<weight_t, CONFIG_T::weight_width>(weights[i * CONFIG_T::n_out + j]));
      }
    }
  } else {
    // Resource: weight index w = r * block + b walks the [in][out] array
    // in order, so each output still sees its inputs in ascending order.
    const unsigned block = CONFIG_T::n_in * CONFIG_T::n_out / CONFIG_T::reuse_factor;
    for (unsigned r = 0; r < CONFIG_T::reuse_factor; r++) {
      NNHLS_PRAGMA(HLS PIPELINE II = 1 rewind)
      for (unsigned b = 0; b < block; b++) {
        NNHLS_PRAGMA(HLS UNROLL)
        const unsigned w = r * block + b;
        acc[w % CONFIG_T::n_out] += accum_t(x[w / CONFIG_T::n_out] * from_raw<weight_t, CONFIG_T::weight_width>(weights[w]));
      }
    }
  }
  for (unsigned j = 0; j < CONFIG_T::n_out; j++) {
    NNHLS_PRAGMA(HLS UNROLL)
    y[j] = res_T(acc[j]);
  }
}

// dense applies the layer at each of n_pos positions (a Dense on [T, C]
// applies to each of the T rows).
template <class data_T, class res_T, class CONFIG_T>
void dense(const data_T data[CONFIG_T::n_pos * CONFIG_T::n_in], res_T res[CONFIG_T::n_pos * CONFIG_T::n_out],
           const typename CONFIG_T::weight_raw_t weights[CONFIG_T::n_in * CONFIG_T::n_out],
           const typename CONFIG_T::bias_raw_t biases[CONFIG_T::n_out]) {
  NNHLS_PRAGMA(HLS INLINE)
  for (unsigned p = 0; p < CONFIG_T::n_pos; p++) {
    dense_pos<data_T, res_T, CONFIG_T>(data + p * CONFIG_T::n_in, res + p * CONFIG_T::n_out, weights, biases);
  }
}

// dot is the dot product of two vectors of n_in values.
template <class a_T, class b_T, class res_T, class CONFIG_T>
void dot(const a_T a[CONFIG_T::n_in], const b_T b[CONFIG_T::n_in], res_T res[1]) {
  NNHLS_PRAGMA(HLS INLINE)
  typename CONFIG_T::accum_t acc = 0;
  for (unsigned i = 0; i < CONFIG_T::n_in; i++) {
    NNHLS_PRAGMA(HLS UNROLL)
    acc += typename CONFIG_T::accum_t(a[i] * b[i]);
  }
  res[0] = res_T(acc);
}

}  // namespace nnhls

#endif  // NNHLS_DENSE_H
