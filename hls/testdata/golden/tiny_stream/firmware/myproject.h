// This file implements the interface of the top function myproject.

#ifndef MYPROJECT_H_
#define MYPROJECT_H_

#include "defines.h"

// myproject computes model "tiny". Inputs: in0 = "x" [4]. Outputs: out0 = "sm" [3].
void myproject(hls::stream<layer0_pack_t>& in0, hls::stream<layer3_pack_t>& out0);

#endif  // MYPROJECT_H_
