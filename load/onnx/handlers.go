// This file implements the handler table: every op the loader reads, and
// the function that lowers it, keyed by domain and op type.

package onnx

// QONNX domains: qonnx's own, FINN's older name, and what Brevitas writes.
var qonnxDomains = map[string]bool{
	"qonnx.custom_op.general": true,
	"finn.custom_op.general":  true,
	"onnx.brevitas":           true,
}

// channelsLastDomain holds QONNX's channels-last wrappers of Conv and
// MaxPool: the same ops on NHWC data.
const channelsLastDomain = "qonnx.custom_op.channels_last"

func isQONNXDomain(d string) bool { return qonnxDomains[d] || d == channelsLastDomain }

// handlerKey is the table key of a node: the op type, prefixed by "qonnx."
// or "cl." for the QONNX domains.
func handlerKey(n *node) string {
	switch {
	case qonnxDomains[n.domain]:
		return "qonnx." + n.opType
	case n.domain == channelsLastDomain:
		return "cl." + n.opType
	case n.domain == "" || n.domain == "ai.onnx":
		return n.opType
	}
	return n.domain + "." + n.opType
}

// handlers maps a handler key to its handler. A key missing here is an
// "op ... is not supported" error.
var handlers = map[string]handler{
	// core.go
	"Gemm":               gemm,
	"MatMul":             matmul,
	"BatchNormalization": batchNorm,
	"Relu":               simpleActivation,
	"Sigmoid":            simpleActivation,
	"Tanh":               simpleActivation,
	"Softplus":           simpleActivation,
	"Softsign":           simpleActivation,
	"LeakyRelu":          paramActivation,
	"Elu":                paramActivation,
	"Selu":               paramActivation,
	"ThresholdedRelu":    paramActivation,
	"HardSigmoid":        paramActivation,
	"PRelu":              prelu,
	"Clip":               clip,
	"Softmax":            softmax,
	"Identity":           identityOp,
	"Dropout":            identityOp,
	"Constant":           constantOp,

	// conv.go
	"Conv":          conv,
	"cl.Conv":       conv,
	"ConvTranspose": convTranspose,

	// pool.go
	"MaxPool":           pool,
	"cl.MaxPool":        pool,
	"AveragePool":       pool,
	"GlobalMaxPool":     globalPool,
	"GlobalAveragePool": globalPool,

	// merge.go
	"Add":    arith,
	"Sub":    arith,
	"Mul":    arith,
	"Div":    arith,
	"Max":    arith,
	"Min":    arith,
	"Sum":    arith,
	"Concat": concat,

	// reshape.go
	"Flatten":   flatten,
	"Reshape":   reshape,
	"Transpose": transposeOp,
	"Squeeze":   squeeze,
	"Unsqueeze": squeeze,
	"Pad":       pad,
	"Resize":    resize,
	"Upsample":  resize,
	"Shape":     shapeOp,
	"Gather":    gather,
	"Cast":      cast,
	"Slice":     slice,

	// quant.go
	"qonnx.Quant":        qonnxQuant,
	"qonnx.IntQuant":     qonnxQuant,
	"qonnx.BipolarQuant": bipolarQuant,
	"qonnx.Trunc":        trunc,
	"QuantizeLinear":     quantizeLinear,
	"DequantizeLinear":   dequantizeLinear,
}

// unsupportedOps explains ops nnhls knows it does not read.
var unsupportedOps = map[string]string{
	"LSTM":                  "recurrent layers are out of scope",
	"GRU":                   "recurrent layers are out of scope",
	"RNN":                   "recurrent layers are out of scope",
	"If":                    "control flow is out of scope",
	"Loop":                  "control flow is out of scope",
	"Scan":                  "control flow is out of scope",
	"LRN":                   "local response normalization has no hls4ml-style firmware",
	"InstanceNormalization": "only inference BatchNormalization is supported",
	"LayerNormalization":    "only inference BatchNormalization is supported",
}
