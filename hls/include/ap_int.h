// This file implements the ap_int.h entry point of nnhls's own arbitrary
// precision types: ap_int<W> and ap_uint<W> (and, as with the vendor
// headers, the fixed-point types too). See nnhls_ap_types.h.

#ifndef NNHLS_AP_INT_H
#define NNHLS_AP_INT_H

#include "nnhls_ap_types.h"

#endif  // NNHLS_AP_INT_H
