// This file implements the ap_fixed.h entry point of nnhls's own arbitrary
// precision types: ap_fixed<W,I,Q,O,N> and ap_ufixed<W,I,Q,O,N>, with the
// quantization (AP_TRN ... AP_RND_CONV) and overflow (AP_SAT ... AP_WRAP_SM)
// modes. See nnhls_ap_types.h.

#ifndef NNHLS_AP_FIXED_H
#define NNHLS_AP_FIXED_H

#include "ap_int.h"

#endif  // NNHLS_AP_FIXED_H
