// This file implements Conv1D/Conv2D and their depthwise form by im2col
// over a tap table: taps[p * n_taps + t] is the input pixel that tap t of
// output position p reads (-1 where the window overhangs the input, i.e.
// padding). For each output, products are added in (tap, channel) order
// after the bias, each converted to accum_t, as the Go emulator does.

#ifndef NNHLS_CONV_H
#define NNHLS_CONV_H

#include "nnhls_common.h"

namespace nnhls {

template <class data_T, class res_T, class CONFIG_T>
void conv(const data_T data[CONFIG_T::n_in_pix * CONFIG_T::n_chan], res_T res[CONFIG_T::n_pos * CONFIG_T::n_out],
          const typename CONFIG_T::weight_raw_t weights[CONFIG_T::n_taps * CONFIG_T::n_chan * CONFIG_T::n_out],
          const typename CONFIG_T::bias_raw_t biases[CONFIG_T::n_out], const int taps[CONFIG_T::n_pos * CONFIG_T::n_taps]) {
  typedef typename CONFIG_T::accum_t accum_t;
  typedef typename CONFIG_T::weight_t weight_t;
  typedef typename CONFIG_T::bias_t bias_t;
  for (unsigned p = 0; p < CONFIG_T::n_pos; p++) {
    NNHLS_PRAGMA(HLS PIPELINE II = CONFIG_T::reuse_factor)
    accum_t acc[CONFIG_T::n_out];
    NNHLS_PRAGMA(HLS ARRAY_PARTITION variable = acc complete)
    for (unsigned j = 0; j < CONFIG_T::n_out; j++) {
      acc[j] = CONFIG_T::has_bias ? accum_t(from_raw<bias_t, CONFIG_T::bias_width>(biases[j])) : accum_t(0);
    }
    for (unsigned t = 0; t < CONFIG_T::n_taps; t++) {
      const int pix = taps[p * CONFIG_T::n_taps + t];
      if (pix < 0) continue;
      for (unsigned c = 0; c < CONFIG_T::n_chan; c++) {
        for (unsigned j = 0; j < CONFIG_T::n_out; j++) {
          acc[j] += accum_t(data[pix * CONFIG_T::n_chan + c] *
                            from_raw<weight_t, CONFIG_T::weight_width>(
                                weights[(t * CONFIG_T::n_chan + c) * CONFIG_T::n_out + j]));
        }
      }
    }
    for (unsigned j = 0; j < CONFIG_T::n_out; j++) {
      res[p * CONFIG_T::n_out + j] = res_T(acc[j]);
    }
  }
}

// depthwise_conv: output channel c * mult + m reads input channel c only.
template <class data_T, class res_T, class CONFIG_T>
void depthwise_conv(const data_T data[CONFIG_T::n_in_pix * CONFIG_T::n_chan],
                    res_T res[CONFIG_T::n_pos * CONFIG_T::n_out],
                    const typename CONFIG_T::weight_raw_t weights[CONFIG_T::n_taps * CONFIG_T::n_out],
                    const typename CONFIG_T::bias_raw_t biases[CONFIG_T::n_out],
                    const int taps[CONFIG_T::n_pos * CONFIG_T::n_taps]) {
  typedef typename CONFIG_T::accum_t accum_t;
  typedef typename CONFIG_T::weight_t weight_t;
  typedef typename CONFIG_T::bias_t bias_t;
  for (unsigned p = 0; p < CONFIG_T::n_pos; p++) {
    NNHLS_PRAGMA(HLS PIPELINE II = CONFIG_T::reuse_factor)
    accum_t acc[CONFIG_T::n_out];
    NNHLS_PRAGMA(HLS ARRAY_PARTITION variable = acc complete)
    for (unsigned j = 0; j < CONFIG_T::n_out; j++) {
      acc[j] = CONFIG_T::has_bias ? accum_t(from_raw<bias_t, CONFIG_T::bias_width>(biases[j])) : accum_t(0);
    }
    for (unsigned t = 0; t < CONFIG_T::n_taps; t++) {
      const int pix = taps[p * CONFIG_T::n_taps + t];
      if (pix < 0) continue;
      for (unsigned c = 0; c < CONFIG_T::n_chan; c++) {
        for (unsigned m = 0; m < CONFIG_T::mult; m++) {
          acc[c * CONFIG_T::mult + m] +=
              accum_t(data[pix * CONFIG_T::n_chan + c] *
                      from_raw<weight_t, CONFIG_T::weight_width>(weights[(t * CONFIG_T::n_chan + c) * CONFIG_T::mult + m]));
        }
      }
    }
    for (unsigned j = 0; j < CONFIG_T::n_out; j++) {
      res[p * CONFIG_T::n_out + j] = res_T(acc[j]);
    }
  }
}

}  // namespace nnhls

#endif  // NNHLS_CONV_H
