// Package ops holds the definition of every ir op in one place: which typed
// variables it has, the hls4ml layer class its configuration keys use, and
// the kernels that compute it — on raw fixed-point integers for the
// bit-exact emulator, and on float64 for the reference forward pass.
//
// The table in defs.go is indexed by ir.Op; sim and hls walk a graph and call
// into it, and hold no per-op arithmetic themselves.
package ops
