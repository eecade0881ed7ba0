// This file implements the types of every tensor and variable of myproject.

#ifndef NNHLS_DEFINES_H
#define NNHLS_DEFINES_H

#include "ap_fixed.h"
#include "ap_int.h"
#include "hls_stream.h"
#include "nnhls/nnhls.h"

// layer 0: "x" (Input), output shape [4]
typedef ap_fixed<16,6> layer0_t;
typedef nnhls::packet<layer0_t, 4> layer0_pack_t;  // 1 packets

// layer 1: "fc" (Dense), output shape [3]
typedef ap_fixed<16,6> layer1_t;
typedef ap_fixed<16,6> layer1_accum_t;
typedef ap_fixed<16,6> layer1_weight_t;
typedef ap_fixed<16,6> layer1_bias_t;
typedef nnhls::packet<layer1_t, 3> layer1_pack_t;  // 1 packets

// layer 2: "fc_relu" (Activation), output shape [3]
typedef ap_fixed<16,6> layer2_t;
typedef ap_uint<1> layer2_table_t;
typedef ap_uint<1> layer2_param_t;
typedef nnhls::packet<layer2_t, 3> layer2_pack_t;  // 1 packets

// layer 3: "sm" (Softmax), output shape [3]
typedef ap_fixed<16,6> layer3_t;
typedef ap_fixed<16,6> layer3_accum_t;
typedef ap_fixed<18,8,AP_RND,AP_SAT> layer3_exp_table_t;
typedef ap_fixed<18,8,AP_RND,AP_SAT> layer3_inv_table_t;
typedef ap_fixed<18,8,AP_RND,AP_SAT> layer3_inv_inp_t;
typedef ap_ufixed<15,5> layer3_inp_norm_t;
typedef nnhls::packet<layer3_t, 3> layer3_pack_t;  // 1 packets


#endif  // NNHLS_DEFINES_H
