// This file implements the top function myproject, one call per layer (io_parallel).

#include "myproject.h"
#include "parameters.h"

void myproject(const layer0_t in0[4], layer3_t out0[3]) {
  NNHLS_PRAGMA(HLS ARRAY_RESHAPE variable = in0 complete dim = 0)
  NNHLS_PRAGMA(HLS ARRAY_PARTITION variable = out0 complete dim = 0)
  NNHLS_PRAGMA(HLS INTERFACE ap_vld port = in0,out0)
  NNHLS_PRAGMA(HLS PIPELINE)

  // layer 1: "fc" (Dense)
  layer1_t layer1_out[3];
  NNHLS_PRAGMA(HLS ARRAY_PARTITION variable = layer1_out complete dim = 0)
  nnhls::dense<layer0_t, layer1_t, config1>(in0, layer1_out, w1, b1);

  // layer 2: "fc_relu" (Activation)
  layer2_t layer2_out[3];
  NNHLS_PRAGMA(HLS ARRAY_PARTITION variable = layer2_out complete dim = 0)
  nnhls::activation<layer1_t, layer2_t, config2>(layer1_out, layer2_out, table2, alpha2);

  // layer 3: "sm" (Softmax)
  nnhls::softmax<layer2_t, layer3_t, config3>(layer2_out, out0, exp_table3, inv_table3);
}
