// Package sim is nnhls's bit-exact emulator. Compile turns a typed ir.Graph
// into a Program: a flat list of steps, each an ops kernel with the buffer
// offsets of its inputs and output, built once with every shift, mask and
// rounding rule chosen. Run evaluates a batch on raw int64 fixed-point
// values, on every core, and can count per node how many values each cast
// rounded, saturated and wrapped, keep every node's output (a trace), and
// record the observed range.
//
// Results do not depend on the number of workers: samples are split into
// contiguous chunks, each worker owns its buffers and counters, and counters
// are merged in worker order. The per-sample loop allocates nothing and
// touches no ir, maps or strings. sim holds no per-op arithmetic: that is in
// package ops.
//
// A Program compiled with Float runs the same graph with ops' float64
// kernels: the trained model's own arithmetic, with no fixed point at all.
package sim
