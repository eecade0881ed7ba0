// This file implements access to nnhls's own C++ implementation of the
// ap_fixed / ap_ufixed / ap_int / ap_uint types and hls::stream, which the
// project writer copies into a generated HLS project when the Xilinx headers
// are not used.

package hls

import "embed"

// Headers holds nnhls's own C++ headers under "include/": ap_fixed.h,
// ap_int.h and hls_stream.h (the names the generated code includes, as with
// the Xilinx headers) and the nnhls_ap_*.h files they include. Copy every
// file of the directory next to each other; they compile under
// g++ -std=c++11 or later without warnings at -Wall -Wextra.
//
//go:embed include/*
var Headers embed.FS
