// Package keras reads Keras-family model files into an ir.Graph: Keras 2
// full-model .h5 files, the hls4ml convention of an architecture .json
// beside a weights-only .h5, and Keras 3 .keras archives, with QKeras and
// HGQ (v1 proxy model) layers and quantizers.
//
// The loader translates and does not decide: every layer is lowered onto
// the small ir op set with its weights exactly as stored and its quantizers
// with every parameter, and everything it cannot express is an error naming
// the file, the layer (name and class) and the reason.
//
// Layer handlers live in files by family, as in every nnhls loader:
// core.go, conv.go, pool.go, merge.go, reshape.go, quant.go (QKeras) and
// hgq.go; handlers.go lists them in one table.
package keras
