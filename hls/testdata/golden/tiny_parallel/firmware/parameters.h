// This file implements the configuration of every layer of myproject.

#ifndef NNHLS_PARAMETERS_H
#define NNHLS_PARAMETERS_H

#include "defines.h"

#include "weights/w1.h"
#include "weights/b1.h"
#include "weights/table2.h"
#include "weights/alpha2.h"
#include "weights/exp_table3.h"
#include "weights/inv_table3.h"

// layer 1: "fc" (Dense)
struct config1 {
  typedef layer1_accum_t accum_t;
  typedef layer1_weight_t weight_t;
  typedef short weight_raw_t;
  static const int weight_width = 16;
  typedef layer1_bias_t bias_t;
  typedef short bias_raw_t;
  static const int bias_width = 16;
  static const bool has_bias = true;
  static const unsigned reuse_factor = 1;
  static const unsigned strategy = nnhls::latency;
  static const unsigned n_in = 4;
  static const unsigned n_out = 3;
  static const unsigned n_pos = 1;
};

// layer 2: "fc_relu" (Activation)
struct config2 {
  static const unsigned n_in = 3;
  static const unsigned kind = 1;
  static const unsigned in_width = 16;
  static const bool in_signed = true;
  typedef layer2_table_t table_t;
  typedef unsigned char table_raw_t;
  static const int table_width = 1;
  static const unsigned table_size = 1;
  typedef layer2_param_t param_t;
  typedef unsigned char param_raw_t;
  static const int param_width = 1;
  static const unsigned n_alpha = 1;
  static const long long thresh = 0LL;
  static const long long ix_mul = 0LL;
  static const long long ix_den = 1LL;
  static const long long ix_sign = 0LL;
  static const long long ix_offset = 0LL;
  static const long long gt_one = 0LL;
  static const long long gt_minus_one = 0LL;
  static const bool plain_unsigned1 = false;
  static const long long slope = 0LL;
  static const long long shift = 0LL;
  static const unsigned prod_at = 0;
  static const unsigned shift_at = 0;
  static const long long gt_sum_one = 0LL;
  static const long long sum_one = 0LL;
  static const int sum_frac = 0;
  static double limit() { return 0.0; }
  static double one() { return 0.0; }
  static double minus_one() { return 0.0; }
};

// layer 3: "sm" (Softmax)
struct config3 {
  static const unsigned n_outer = 1;
  static const unsigned n_slice = 3;
  static const unsigned n_inner = 1;
  static const unsigned impl = 0;
  static const unsigned in_width = 16;
  static const bool in_signed = true;
  static const bool table_signed = true;
  static const long long lx_mul = 0LL;
  static const long long lx_den = 0LL;
  static const long long lx_off = 0LL;
  static const long long li_mul = 0LL;
  static const long long li_den = 0LL;
  static const long long li_off = 0LL;
  static const long long table_one = 0LL;
  typedef layer3_accum_t accum_t;
  typedef layer3_exp_table_t exp_table_t;
  typedef layer3_inv_table_t inv_table_t;
  typedef layer3_inv_inp_t inv_inp_t;
  typedef layer3_inp_norm_t inp_norm_t;
  typedef int exp_raw_t;
  typedef int inv_raw_t;
  static const unsigned exp_table_size = 1024;
  static const unsigned inv_table_size = 1024;
  static const unsigned exp_width = 18;
  static const unsigned inv_width = 18;
  static const unsigned exp_bits = 10;
  static const unsigned inv_bits = 10;
  static const unsigned addr_width = 15;
  static const unsigned inv_inp_width = 18;
  static double one() { return 0.0; }
};


#endif  // NNHLS_PARAMETERS_H
