// Package quant holds the float-domain semantics of training-side quantizers
// (QKeras, HGQ, QONNX): what each does to a value, parsed from the forms model
// files store them in, and the exact fixed-point type of its output.
//
// A quantizer is a [Spec]. [ParseConfig] reads one as a Keras config stores
// it, either a Python-call string such as "quantized_bits(6,0,alpha=1)" or a
// {"class_name", "config"} dict, with the positional argument order and
// defaults of google/qkeras HEAD. [Spec.ForKernel] applies the rewrite
// QKeras's layer constructors make to kernel quantizers (alpha=None becomes
// 'auto_po2'), and [Spec.String] prints the canonical spelling, which
// ParseConfig reads back. [NewFixedPoint] builds the quantizer of an HGQ
// proxy FixedPointQuantizer layer from its weights.
//
// [Spec.Apply] quantizes an array with QKeras's inference semantics,
// computed in float64 exactly as the QKeras reference implementation
// (qkeras-reference.md in the shared reference material) computes them:
// round half to even where QKeras uses tf.round, half away from zero in the
// auto-alpha search, eps = 1e-7, QKeras HEAD's auto/auto_po2 algorithm, and
// QKeras's order of operations, so that inexact results (alpha='auto')
// round the same way and zero outputs carry the same sign. The conformance
// test reproduces every output of testdata/qkeras/quantizers.jsonl bit for
// bit.
package quant
