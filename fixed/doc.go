// Package fixed implements the arithmetic of the Xilinx HLS arbitrary
// precision types ap_fixed, ap_ufixed, ap_int and ap_uint, bit for bit.
//
// A Type describes one fixed-point type (width, integer bits, signedness,
// quantization and overflow modes, saturation bits); Parse and Type.String
// read and print the C++ and hls4ml spellings. A Value is a Type plus its raw
// two's-complement bits. Conversions (from float64, between types, from
// arithmetic results) follow the library's one rule: take the exact source
// value, round once with the destination's quantization mode, then apply the
// destination's overflow mode. Each conversion reports in Flags whether it
// rounded, saturated or wrapped.
//
// Two paths compute the same results. The wide path (math/big) handles any
// width up to MaxWidth and is the reference. The int64 path (Cast64,
// FloatCast64) is allocation-free and serves the emulator's inner loops
// wherever the types fit in 64 bits.
//
// The semantics, including four places where the library departs from the
// textbook definition, are those written down and measured in the shared
// conformance vectors (conformance/apfixed/SEMANTICS.md):
//
//   - unsigned AP_WRAP with N > 0 sets the top N bits to 1 after any
//     overflow, also a negative one;
//   - AP_WRAP_SM with N = 0 takes the bit above the range from the unrounded
//     value;
//   - AP_SAT_SYM turns an exact minimum into -max, except for W = 1;
//   - fixed-to-int conversion with I = 0 gives -1 for every negative value.
//
// Where the library aborts on an assertion (a rounding destination whose
// rounding bit lies above every source bit), Value.Convert returns an error.
package fixed
