// This file implements the per-channel layers: scale_shift, the hardware
// form of BatchNormalization (y = res_T(x * scale_c + bias_c), with an
// exact product and sum and one rounding), and threshold, a
// BatchNormalization fused with the binary or ternary tanh after it, which
// compares raw inputs with per-channel raw thresholds.

#ifndef NNHLS_BATCHNORM_H
#define NNHLS_BATCHNORM_H

#include "nnhls_common.h"

namespace nnhls {

template <class data_T, class res_T, class CONFIG_T>
void scale_shift(const data_T data[CONFIG_T::n_pos * CONFIG_T::n_chan], res_T res[CONFIG_T::n_pos * CONFIG_T::n_chan],
                 const typename CONFIG_T::scale_raw_t scale[CONFIG_T::n_chan],
                 const typename CONFIG_T::bias_raw_t bias[CONFIG_T::n_chan]) {
  NNHLS_PRAGMA(HLS INLINE)
  for (unsigned p = 0; p < CONFIG_T::n_pos; p++) {
    NNHLS_PRAGMA(HLS UNROLL)
    for (unsigned c = 0; c < CONFIG_T::n_chan; c++) {
      NNHLS_PRAGMA(HLS UNROLL)
      const unsigned i = p * CONFIG_T::n_chan + c;
      res[i] = res_T(data[i] * from_raw<typename CONFIG_T::scale_t, CONFIG_T::scale_width>(scale[c]) +
                     from_raw<typename CONFIG_T::bias_t, CONFIG_T::bias_width>(bias[c]));
    }
  }
}

template <class data_T, class res_T, class CONFIG_T>
void threshold(const data_T data[CONFIG_T::n_pos * CONFIG_T::n_chan], res_T res[CONFIG_T::n_pos * CONFIG_T::n_chan],
               const long long hi[CONFIG_T::n_chan], const long long lo[CONFIG_T::n_chan]) {
  NNHLS_PRAGMA(HLS INLINE)
  for (unsigned p = 0; p < CONFIG_T::n_pos; p++) {
    NNHLS_PRAGMA(HLS UNROLL)
    for (unsigned c = 0; c < CONFIG_T::n_chan; c++) {
      NNHLS_PRAGMA(HLS UNROLL)
      const unsigned i = p * CONFIG_T::n_chan + c;
      const long long x = raw_of<CONFIG_T::in_width, CONFIG_T::in_signed>(data[i]);
      if (CONFIG_T::ternary) {
        res[i] = x > hi[c] ? res_T(CONFIG_T::plus()) : (x <= lo[c] ? res_T(CONFIG_T::minus()) : res_T(CONFIG_T::zero()));
      } else {
        res[i] = x >= hi[c] ? res_T(CONFIG_T::plus()) : res_T(CONFIG_T::minus());
      }
    }
  }
}

}  // namespace nnhls

#endif  // NNHLS_BATCHNORM_H
