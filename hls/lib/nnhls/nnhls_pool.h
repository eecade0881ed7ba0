// This file implements max and average pooling over a tap table (see
// nnhls_conv.h). Values enter accum_t one by one; the first tap inside the
// input starts the accumulator; average pooling divides the raw sum by the
// tap count, truncating toward zero, as the Go emulator does.

#ifndef NNHLS_POOL_H
#define NNHLS_POOL_H

#include "nnhls_common.h"

namespace nnhls {

template <class data_T, class res_T, class CONFIG_T>
void pool(const data_T data[CONFIG_T::n_in_pix * CONFIG_T::n_chan], res_T res[CONFIG_T::n_pos * CONFIG_T::n_chan],
          const int taps[CONFIG_T::n_pos * CONFIG_T::n_taps], const int counts[CONFIG_T::n_pos]) {
  typedef typename CONFIG_T::accum_t accum_t;
  for (unsigned p = 0; p < CONFIG_T::n_pos; p++) {
    NNHLS_PRAGMA(HLS PIPELINE)
    for (unsigned c = 0; c < CONFIG_T::n_chan; c++) {
      accum_t acc = 0;
      bool first = true;
      for (unsigned t = 0; t < CONFIG_T::n_taps; t++) {
        const int pix = taps[p * CONFIG_T::n_taps + t];
        if (pix < 0) continue;
        const accum_t v = accum_t(data[pix * CONFIG_T::n_chan + c]);
        if (first) {
          acc = v;
          first = false;
        } else if (CONFIG_T::average) {
          acc += v;
        } else if (v > acc) {
          acc = v;
        }
      }
      if (CONFIG_T::average) {
        const long long n = CONFIG_T::count_pad ? (long long)CONFIG_T::n_taps : (long long)counts[p];
        if (n > 0) {
          set_raw<CONFIG_T::accum_width>(acc, raw_of<CONFIG_T::accum_width, CONFIG_T::accum_signed>(acc) / n);
        }
      }
      res[p * CONFIG_T::n_chan + c] = res_T(acc);
    }
  }
}

}  // namespace nnhls

#endif  // NNHLS_POOL_H
