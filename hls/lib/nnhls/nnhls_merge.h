// This file implements the data-movement and merge layers: copy (Reshape,
// Flatten), gather (Transpose, Pad, Crop, Upsample, Concat: every output
// element is one input element or a zero, by index tables), and the
// elementwise merges of two inputs, computed exactly before one conversion
// to res_T.

#ifndef NNHLS_MERGE_H
#define NNHLS_MERGE_H

#include "nnhls_common.h"

namespace nnhls {

template <class data_T, class res_T, unsigned N>
void copy(const data_T data[N], res_T res[N]) {
  NNHLS_PRAGMA(HLS INLINE)
  for (unsigned i = 0; i < N; i++) {
    NNHLS_PRAGMA(HLS UNROLL)
    res[i] = res_T(data[i]);
  }
}

// gather writes res[out_idx[k]] = res_T(data[in_idx[k]]) for K pairs.
template <class data_T, class res_T, unsigned N_IN, unsigned N_OUT, unsigned K>
void gather(const data_T data[N_IN], res_T res[N_OUT], const int out_idx[K], const int in_idx[K]) {
  NNHLS_PRAGMA(HLS INLINE)
  for (unsigned k = 0; k < K; k++) {
    NNHLS_PRAGMA(HLS UNROLL)
    res[out_idx[k]] = res_T(data[in_idx[k]]);
  }
}

// zero writes res[idx[k]] = 0 for K indices (padding cells).
template <class res_T, unsigned N_OUT, unsigned K>
void zero(res_T res[N_OUT], const int idx[K]) {
  NNHLS_PRAGMA(HLS INLINE)
  for (unsigned k = 0; k < K; k++) {
    NNHLS_PRAGMA(HLS UNROLL)
    res[idx[k]] = res_T(0);
  }
}

enum merge_kind { merge_add = 0, merge_sub = 1, merge_mul = 2, merge_avg = 3, merge_max = 4, merge_min = 5 };

template <class a_T, class b_T, class res_T, class CONFIG_T>
void merge(const a_T a[CONFIG_T::n_elem], const b_T b[CONFIG_T::n_elem], res_T res[CONFIG_T::n_elem]) {
  NNHLS_PRAGMA(HLS INLINE)
  const ap_ufixed<1, 0> half = 0.5;
  for (unsigned i = 0; i < CONFIG_T::n_elem; i++) {
    NNHLS_PRAGMA(HLS UNROLL)
    switch (CONFIG_T::kind) {
      case merge_add:
        res[i] = res_T(a[i] + b[i]);
        break;
      case merge_sub:
        res[i] = res_T(a[i] - b[i]);
        break;
      case merge_mul:
        res[i] = res_T(a[i] * b[i]);
        break;
      case merge_avg:
        res[i] = res_T((a[i] + b[i]) * half);
        break;
      case merge_max:
        res[i] = b[i] > a[i] ? res_T(b[i]) : res_T(a[i]);
        break;
      default:
        res[i] = b[i] < a[i] ? res_T(b[i]) : res_T(a[i]);
        break;
    }
  }
}

}  // namespace nnhls

#endif  // NNHLS_MERGE_H
