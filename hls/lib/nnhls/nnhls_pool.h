// This file implements max and average pooling over a tap table (see
// nnhls_conv.h), as an array function (io_parallel) and in line-buffer form
// (io_stream). Values enter accum_t one by one; the first tap inside the
// input starts the accumulator; average pooling divides the raw sum by the
// tap count, truncating toward zero, as the Go emulator does.

#ifndef NNHLS_POOL_H
#define NNHLS_POOL_H

#include "nnhls_common.h"
#include "nnhls_conv.h"

namespace nnhls {

// pool_pos computes output position p into y from the pixels in buf, where
// pixel pix lives at (pix % RING) * n_chan.
template <class data_T, class res_T, class CONFIG_T, unsigned RING>
void pool_pos(const data_T* buf, unsigned p, res_T* y, const int taps[CONFIG_T::n_pos * CONFIG_T::n_taps],
              const int counts[CONFIG_T::n_pos]) {
  typedef typename CONFIG_T::accum_t accum_t;
  for (unsigned c = 0; c < CONFIG_T::n_chan; c++) {
    accum_t acc = 0;
    bool first = true;
    for (unsigned t = 0; t < CONFIG_T::n_taps; t++) {
      const int pix = taps[p * CONFIG_T::n_taps + t];
      if (pix < 0) continue;
      const accum_t v = accum_t(buf[((unsigned)pix % RING) * CONFIG_T::n_chan + c]);
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
    y[c] = res_T(acc);
  }
}

template <class data_T, class res_T, class CONFIG_T>
void pool(const data_T data[CONFIG_T::n_in_pix * CONFIG_T::n_chan], res_T res[CONFIG_T::n_pos * CONFIG_T::n_chan],
          const int taps[CONFIG_T::n_pos * CONFIG_T::n_taps], const int counts[CONFIG_T::n_pos]) {
  for (unsigned p = 0; p < CONFIG_T::n_pos; p++) {
    NNHLS_PRAGMA(HLS PIPELINE)
    pool_pos<data_T, res_T, CONFIG_T, CONFIG_T::n_in_pix>(data, p, res + p * CONFIG_T::n_chan, taps, counts);
  }
}

template <class data_T, class res_T, class CONFIG_T>
struct pool_step {
  const int* taps;
  const int* counts;
  void operator()(const data_T* ring, unsigned p, res_T* y) const {
    pool_pos<data_T, res_T, CONFIG_T, CONFIG_T::n_ring>(ring, p, y, taps, counts);
  }
};

template <class data_T, class res_T, class CONFIG_T>
void pool_stream(hls::stream<packet<data_T, CONFIG_T::n_chan> >& in, hls::stream<packet<res_T, CONFIG_T::n_chan> >& out,
                 const int taps[CONFIG_T::n_pos * CONFIG_T::n_taps], const int counts[CONFIG_T::n_pos],
                 const int ready[CONFIG_T::n_pos]) {
  const pool_step<data_T, res_T, CONFIG_T> step = {taps, counts};
  window_stream<data_T, res_T, CONFIG_T, CONFIG_T::n_chan>(in, out, ready, step);
}

}  // namespace nnhls

#endif  // NNHLS_POOL_H
