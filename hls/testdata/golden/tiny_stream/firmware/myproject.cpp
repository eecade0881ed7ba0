// This file implements the top function myproject, one call per layer (io_stream).

#include "myproject.h"
#include "parameters.h"

// layer 1: "fc" (Dense)
static void layer1(hls::stream<layer0_pack_t>& s0, hls::stream<layer1_pack_t>& out) {
  NNHLS_PRAGMA(HLS INLINE off)
  layer0_t x0[4];
  nnhls::read_stream<layer0_t, 4, 1>(s0, x0);
  layer1_t y[3];
  nnhls::dense<layer0_t, layer1_t, config1>(x0, y, w1, b1);
  nnhls::write_stream<layer1_t, 3, 1>(y, out);
}

// layer 2: "fc_relu" (Activation)
static void layer2(hls::stream<layer1_pack_t>& s0, hls::stream<layer2_pack_t>& out) {
  NNHLS_PRAGMA(HLS INLINE off)
  layer1_t x0[3];
  nnhls::read_stream<layer1_t, 3, 1>(s0, x0);
  layer2_t y[3];
  nnhls::activation<layer1_t, layer2_t, config2>(x0, y, table2, alpha2);
  nnhls::write_stream<layer2_t, 3, 1>(y, out);
}

// layer 3: "sm" (Softmax)
static void layer3(hls::stream<layer2_pack_t>& s0, hls::stream<layer3_pack_t>& out) {
  NNHLS_PRAGMA(HLS INLINE off)
  layer2_t x0[3];
  nnhls::read_stream<layer2_t, 3, 1>(s0, x0);
  layer3_t y[3];
  nnhls::softmax<layer2_t, layer3_t, config3>(x0, y, exp_table3, inv_table3);
  nnhls::write_stream<layer3_t, 3, 1>(y, out);
}

void myproject(hls::stream<layer0_pack_t>& in0, hls::stream<layer3_pack_t>& out0) {
  NNHLS_PRAGMA(HLS INTERFACE axis port = in0)
  NNHLS_PRAGMA(HLS INTERFACE axis port = out0)
  NNHLS_PRAGMA(HLS DATAFLOW)

  hls::stream<layer1_pack_t> layer1_out("layer1_out");
  NNHLS_PRAGMA(HLS STREAM variable = layer1_out depth = 1)
  hls::stream<layer2_pack_t> layer2_out("layer2_out");
  NNHLS_PRAGMA(HLS STREAM variable = layer2_out depth = 1)

  layer1(in0, layer1_out);
  layer2(layer1_out, layer2_out);
  layer3(layer2_out, out0);
}
