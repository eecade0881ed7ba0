// This file implements Spec, the parameters of one training-side quantizer,
// and Kind, the table of quantizer families.

package quant

// Kind is a quantizer family.
type Kind uint8

// Quantizer kinds. Add a row to kindNames when adding one.
const (
	KindInvalid Kind = iota
	QuantizedBits
	QuantizedRelu
	QuantizedTanh
	QuantizedSigmoid
	QuantizedPo2
	QuantizedReluPo2
	Binary
	StochasticBinary
	Ternary
	StochasticTernary
	BinaryTanh // the "binary_tanh" activation string
	// FixedPoint is an HGQ / hls4ml-proxy fixed-point quantizer with
	// (possibly per-element) keep_negative, integer and fractional bits.
	FixedPoint
	// QONNXQuant is QONNX's Quant (IntQuant): scale, zero point, bit width,
	// signed, narrow, rounding mode (qonnx.go).
	QONNXQuant
	// BipolarQuant is QONNX's BipolarQuant: ±scale by the sign of x.
	BipolarQuant
	// Trunc is QONNX's Trunc (version 1): drops InBits−Bits low bits of
	// an integer on the scale's grid.
	Trunc
	// QuantizeLinear is ONNX QuantizeLinear followed by DequantizeLinear
	// (the QCDQ form), with an optional Clip on the codes between them.
	QuantizeLinear
	numKinds
)

var kindNames = [...]string{
	KindInvalid:       "invalid",
	QuantizedBits:     "quantized_bits",
	QuantizedRelu:     "quantized_relu",
	QuantizedTanh:     "quantized_tanh",
	QuantizedSigmoid:  "quantized_sigmoid",
	QuantizedPo2:      "quantized_po2",
	QuantizedReluPo2:  "quantized_relu_po2",
	Binary:            "binary",
	StochasticBinary:  "stochastic_binary",
	Ternary:           "ternary",
	StochasticTernary: "stochastic_ternary",
	BinaryTanh:        "binary_tanh",
	FixedPoint:        "fixed_point",
	QONNXQuant:        "Quant",
	BipolarQuant:      "BipolarQuant",
	Trunc:             "Trunc",
	QuantizeLinear:    "QuantizeLinear",
}

// String returns the QKeras spelling of the kind.
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "invalid"
}

// AlphaKind is how a quantizer scales its output.
type AlphaKind uint8

// Alpha kinds. AlphaNone is QKeras's alpha=None, which QKeras turns into
// AlphaAutoPo2 for kernel quantizers inside Q layers (the loader records
// the result of that rewrite, see Spec.AlphaRewritten).
const (
	AlphaNone AlphaKind = iota
	AlphaNumber
	AlphaAuto
	AlphaAutoPo2
)

// Spec is a quantizer with every parameter its framework gives it. Fields a
// kind does not use stay at their zero value; pointers distinguish "not
// given" from zero where the framework does.
type Spec struct {
	Kind Kind
	// Bits and Integer are the bit widths of quantized_bits, quantized_relu,
	// quantized_tanh, quantized_sigmoid, quantized_po2 (Integer unused).
	Bits    int
	Integer int
	// Symmetric: quantized_bits, quantized_tanh, quantized_sigmoid.
	Symmetric bool
	// KeepNegative: quantized_bits (default true).
	KeepNegative bool
	// Alpha and AlphaValue: quantized_bits, binary, ternary.
	Alpha      AlphaKind
	AlphaValue float64
	// AlphaRewritten records that the file said alpha=None and QKeras's
	// layer constructor turned it into auto_po2 (with Symmetric=true).
	AlphaRewritten bool
	// UseSigmoid, NegativeSlope, ReluUpperBound, IsQuantizedClip:
	// quantized_relu (and NegativeSlope for quantized_relu_po2).
	UseSigmoid      bool
	NegativeSlope   float64
	ReluUpperBound  *float64
	IsQuantizedClip bool
	// MaxValue and QuadraticApproximation: quantized_po2, quantized_relu_po2.
	MaxValue               *float64
	QuadraticApproximation bool
	// Use01: binary. Threshold: ternary.
	Use01     bool
	Threshold *float64
	// UseRealTanh, UseRealSigmoid: quantized_tanh, quantized_sigmoid.
	UseReal bool
	// UseStochasticRounding only matters in training; kept for reports.
	UseStochasticRounding bool
	// Log2Rounding: quantized_po2, quantized_relu_po2 ("rnd" or "floor";
	// "" means "rnd").
	Log2Rounding string
	// NumberOfUnrolls: ternary, stochastic_ternary, the iterations of the
	// auto-alpha search (0 means QKeras's default, 5).
	NumberOfUnrolls int
	// QNoiseFactor: quantized_bits, quantized_relu, quantized_po2,
	// quantized_relu_po2; the output is x_u + f·(xq − x_u). nil means 1.
	QNoiseFactor *float64
	// FixedPoint parameters (HGQ): per-element keep_negative, integer and
	// fractional bits (a single element when homogeneous), and the modes in
	// ap_fixed spelling ("RND", "SAT", ...).
	K, I, F  []float64
	Rounding string
	Overflow string
	// KIFShape is the shape of K, I and F when they broadcast against the
	// input by numpy's rules (an HGQ proxy's weight shape, e.g. [1, 16]);
	// nil means flat: one value, or one per trailing element of the input.
	KIFShape []int

	// QONNX and QCDQ parameters (QONNXQuant, BipolarQuant, Trunc,
	// QuantizeLinear). Scale and ZeroPoint hold one value each, or one
	// per element of ScaleShape, which broadcasts against the input by
	// numpy's rules (a per-channel scale of a [in, out] kernel has shape
	// [1, out]). Bits is the bit width (Trunc: out_bitwidth) and InBits
	// Trunc's in_bitwidth. RoundingMode is QONNX's, upper case: ROUND
	// (half to even), HALF_UP, HALF_DOWN, FLOOR, CEIL, UP, DOWN.
	// QuantizeLinear saturates its codes to [QMin, QMax]: the range of
	// the zero point's integer type, narrowed by a Clip.
	Scale        []float64
	ZeroPoint    []float64
	ScaleShape   []int
	Signed       bool
	Narrow       bool
	RoundingMode string
	InBits       int
	QMin, QMax   float64
}
