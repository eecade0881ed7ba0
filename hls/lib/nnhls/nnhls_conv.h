// This file implements Conv1D/Conv2D and their depthwise form over a tap
// table: taps[p * n_taps + t] is the input pixel that tap t of output
// position p reads (-1 where the window overhangs the input, i.e.
// padding). For each output, products are added in (tap, channel) order
// after the bias, each converted to accum_t, as the Go emulator does.
//
// conv and depthwise_conv read the whole input array (im2col, io_parallel).
// conv_stream and depthwise_conv_stream are the line-buffer forms of
// io_stream: pixels arrive in row-major order into a ring of the last
// n_ring pixels, and output p is computed as soon as pixel ready[p], the
// last one its window needs, has arrived. Both forms share the
// per-position code, so they compute the same bits.

#ifndef NNHLS_CONV_H
#define NNHLS_CONV_H

#include "nnhls_common.h"

namespace nnhls {

// conv_pos computes output position p into y from the pixels in buf, where
// pixel pix lives at (pix % RING) * n_chan.
template <class data_T, class res_T, class CONFIG_T, unsigned RING>
void conv_pos(const data_T* buf, unsigned p, res_T* y,
              const typename CONFIG_T::weight_raw_t weights[CONFIG_T::n_taps * CONFIG_T::n_chan * CONFIG_T::n_out],
              const typename CONFIG_T::bias_raw_t biases[CONFIG_T::n_out],
              const int taps[CONFIG_T::n_pos * CONFIG_T::n_taps]) {
  typedef typename CONFIG_T::accum_t accum_t;
  typedef typename CONFIG_T::weight_t weight_t;
  typedef typename CONFIG_T::bias_t bias_t;
  accum_t acc[CONFIG_T::n_out];
  NNHLS_PRAGMA(HLS ARRAY_PARTITION variable = acc complete)
  for (unsigned j = 0; j < CONFIG_T::n_out; j++) {
    acc[j] = CONFIG_T::has_bias ? accum_t(from_raw<bias_t, CONFIG_T::bias_width>(biases[j])) : accum_t(0);
  }
  for (unsigned t = 0; t < CONFIG_T::n_taps; t++) {
    const int pix = taps[p * CONFIG_T::n_taps + t];
    if (pix < 0) continue;
    const data_T* x = buf + ((unsigned)pix % RING) * CONFIG_T::n_chan;
    for (unsigned c = 0; c < CONFIG_T::n_chan; c++) {
      for (unsigned j = 0; j < CONFIG_T::n_out; j++) {
        acc[j] += accum_t(x[c] * from_raw<weight_t, CONFIG_T::weight_width>(
                                     weights[(t * CONFIG_T::n_chan + c) * CONFIG_T::n_out + j]));
      }
    }
  }
  for (unsigned j = 0; j < CONFIG_T::n_out; j++) {
    y[j] = res_T(acc[j]);
  }
}

// depthwise_pos is conv_pos for a depthwise convolution: output channel
// c * mult + m reads input channel c only.
template <class data_T, class res_T, class CONFIG_T, unsigned RING>
void depthwise_pos(const data_T* buf, unsigned p, res_T* y,
                   const typename CONFIG_T::weight_raw_t weights[CONFIG_T::n_taps * CONFIG_T::n_out],
                   const typename CONFIG_T::bias_raw_t biases[CONFIG_T::n_out],
                   const int taps[CONFIG_T::n_pos * CONFIG_T::n_taps]) {
  typedef typename CONFIG_T::accum_t accum_t;
  typedef typename CONFIG_T::weight_t weight_t;
  typedef typename CONFIG_T::bias_t bias_t;
  accum_t acc[CONFIG_T::n_out];
  NNHLS_PRAGMA(HLS ARRAY_PARTITION variable = acc complete)
  for (unsigned j = 0; j < CONFIG_T::n_out; j++) {
    acc[j] = CONFIG_T::has_bias ? accum_t(from_raw<bias_t, CONFIG_T::bias_width>(biases[j])) : accum_t(0);
  }
  for (unsigned t = 0; t < CONFIG_T::n_taps; t++) {
    const int pix = taps[p * CONFIG_T::n_taps + t];
    if (pix < 0) continue;
    const data_T* x = buf + ((unsigned)pix % RING) * CONFIG_T::n_chan;
    for (unsigned c = 0; c < CONFIG_T::n_chan; c++) {
      for (unsigned m = 0; m < CONFIG_T::mult; m++) {
        acc[c * CONFIG_T::mult + m] += accum_t(
            x[c] * from_raw<weight_t, CONFIG_T::weight_width>(weights[(t * CONFIG_T::n_chan + c) * CONFIG_T::mult + m]));
      }
    }
  }
  for (unsigned j = 0; j < CONFIG_T::n_out; j++) {
    y[j] = res_T(acc[j]);
  }
}

template <class data_T, class res_T, class CONFIG_T>
void conv(const data_T data[CONFIG_T::n_in_pix * CONFIG_T::n_chan], res_T res[CONFIG_T::n_pos * CONFIG_T::n_out],
          const typename CONFIG_T::weight_raw_t weights[CONFIG_T::n_taps * CONFIG_T::n_chan * CONFIG_T::n_out],
          const typename CONFIG_T::bias_raw_t biases[CONFIG_T::n_out], const int taps[CONFIG_T::n_pos * CONFIG_T::n_taps]) {
  for (unsigned p = 0; p < CONFIG_T::n_pos; p++) {
    NNHLS_PRAGMA(HLS PIPELINE II = CONFIG_T::reuse_factor)
    conv_pos<data_T, res_T, CONFIG_T, CONFIG_T::n_in_pix>(data, p, res + p * CONFIG_T::n_out, weights, biases, taps);
  }
}

template <class data_T, class res_T, class CONFIG_T>
void depthwise_conv(const data_T data[CONFIG_T::n_in_pix * CONFIG_T::n_chan],
                    res_T res[CONFIG_T::n_pos * CONFIG_T::n_out],
                    const typename CONFIG_T::weight_raw_t weights[CONFIG_T::n_taps * CONFIG_T::n_out],
                    const typename CONFIG_T::bias_raw_t biases[CONFIG_T::n_out],
                    const int taps[CONFIG_T::n_pos * CONFIG_T::n_taps]) {
  for (unsigned p = 0; p < CONFIG_T::n_pos; p++) {
    NNHLS_PRAGMA(HLS PIPELINE II = CONFIG_T::reuse_factor)
    depthwise_pos<data_T, res_T, CONFIG_T, CONFIG_T::n_in_pix>(data, p, res + p * CONFIG_T::n_out, weights, biases, taps);
  }
}

// window_stream is the line buffer shared by the streaming window layers:
// it reads n_in_pix packets into a ring of n_ring pixels and, for each
// output position in order, calls POS once pixel ready[p] has arrived.
template <class data_T, class res_T, class CONFIG_T, unsigned N_OUT, class POS>
void window_stream(hls::stream<packet<data_T, CONFIG_T::n_chan> >& in, hls::stream<packet<res_T, N_OUT> >& out,
                   const int ready[CONFIG_T::n_pos], POS pos) {
  data_T ring[CONFIG_T::n_ring * CONFIG_T::n_chan];
  NNHLS_PRAGMA(HLS ARRAY_PARTITION variable = ring complete)
  unsigned next = 0;
  for (unsigned k = 0; k < CONFIG_T::n_in_pix; k++) {
    NNHLS_PRAGMA(HLS PIPELINE II = CONFIG_T::reuse_factor)
    const packet<data_T, CONFIG_T::n_chan> v = in.read();
    for (unsigned c = 0; c < CONFIG_T::n_chan; c++) {
      NNHLS_PRAGMA(HLS UNROLL)
      ring[(k % CONFIG_T::n_ring) * CONFIG_T::n_chan + c] = v[c];
    }
    while (next < CONFIG_T::n_pos && ready[next] == (int)k) {
      packet<res_T, N_OUT> y;
      pos(ring, next, y.data);
      out.write(y);
      next++;
    }
  }
}

// The position functions as objects, for window_stream.
template <class data_T, class res_T, class CONFIG_T>
struct conv_step {
  const typename CONFIG_T::weight_raw_t* w;
  const typename CONFIG_T::bias_raw_t* b;
  const int* taps;
  void operator()(const data_T* ring, unsigned p, res_T* y) const {
    conv_pos<data_T, res_T, CONFIG_T, CONFIG_T::n_ring>(ring, p, y, w, b, taps);
  }
};

template <class data_T, class res_T, class CONFIG_T>
struct depthwise_step {
  const typename CONFIG_T::weight_raw_t* w;
  const typename CONFIG_T::bias_raw_t* b;
  const int* taps;
  void operator()(const data_T* ring, unsigned p, res_T* y) const {
    depthwise_pos<data_T, res_T, CONFIG_T, CONFIG_T::n_ring>(ring, p, y, w, b, taps);
  }
};

template <class data_T, class res_T, class CONFIG_T>
void conv_stream(hls::stream<packet<data_T, CONFIG_T::n_chan> >& in, hls::stream<packet<res_T, CONFIG_T::n_out> >& out,
                 const typename CONFIG_T::weight_raw_t weights[CONFIG_T::n_taps * CONFIG_T::n_chan * CONFIG_T::n_out],
                 const typename CONFIG_T::bias_raw_t biases[CONFIG_T::n_out],
                 const int taps[CONFIG_T::n_pos * CONFIG_T::n_taps], const int ready[CONFIG_T::n_pos]) {
  const conv_step<data_T, res_T, CONFIG_T> step = {weights, biases, taps};
  window_stream<data_T, res_T, CONFIG_T, CONFIG_T::n_out>(in, out, ready, step);
}

template <class data_T, class res_T, class CONFIG_T>
void depthwise_conv_stream(hls::stream<packet<data_T, CONFIG_T::n_chan> >& in,
                           hls::stream<packet<res_T, CONFIG_T::n_out> >& out,
                           const typename CONFIG_T::weight_raw_t weights[CONFIG_T::n_taps * CONFIG_T::n_out],
                           const typename CONFIG_T::bias_raw_t biases[CONFIG_T::n_out],
                           const int taps[CONFIG_T::n_pos * CONFIG_T::n_taps], const int ready[CONFIG_T::n_pos]) {
  const depthwise_step<data_T, res_T, CONFIG_T> step = {weights, biases, taps};
  window_stream<data_T, res_T, CONFIG_T, CONFIG_T::n_out>(in, out, ready, step);
}

}  // namespace nnhls

#endif  // NNHLS_CONV_H
