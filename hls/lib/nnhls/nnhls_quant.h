// This file implements quantizer: a training-side quantizer (QKeras,
// HGQ) in its exact hardware form. The layer's config struct supplies the
// rule (a cast, a constant, binary, ternary, power-of-two steps or one cast
// per element) on raw values, and the per-channel scale; the result is one
// conversion to res_T. Raw arithmetic mirrors the Go emulator's kernel.

#ifndef NNHLS_QUANT_H
#define NNHLS_QUANT_H

#include "nnhls_common.h"

namespace nnhls {

template <class data_T, class res_T, class CONFIG_T>
void quantizer(const data_T data[CONFIG_T::n_elem], res_T res[CONFIG_T::n_elem]) {
  NNHLS_PRAGMA(HLS INLINE)
  for (unsigned i = 0; i < CONFIG_T::n_elem; i++) {
    NNHLS_PRAGMA(HLS UNROLL)
    const long long r = raw_of<CONFIG_T::in_width, CONFIG_T::in_signed>(data[i]);
    res[i] = from_raw_at<res_T, CONFIG_T::s_frac>(CONFIG_T::scale(CONFIG_T::rule(r, i), i));
  }
}

}  // namespace nnhls

#endif  // NNHLS_QUANT_H
