// Package ir defines nnhls's graph intermediate representation: a network as
// a list of nodes in topological order, each with one op from a small closed
// set, its attributes, its weights (float64, exactly as trained) and the
// training-side quantizers that apply to it.
//
// Loaders translate model files into an ir.Graph; passes rewrite it and attach
// fixed-point types; the emulator and the HLS writer consume it. Shapes never
// include the batch dimension and are channels-last.
package ir
