package ir

// An Op is the kind of computation a Node performs. The set is small and
// closed: loaders lower framework layers onto it (a SeparableConv2D becomes a
// DepthwiseConv followed by a 1x1 Conv; Flatten becomes Reshape; Dropout
// vanishes).
type Op uint8

// The ops. Add a row to opNames when adding an op.
const (
	OpInvalid Op = iota
	// OpInput is a graph input. Its shape is the model's input shape.
	OpInput
	// OpDense is y = x·kernel + bias over the last axis. Weights "kernel"
	// [in, out] and optional "bias" [out].
	OpDense
	// OpConv is a 1D or 2D convolution (Attrs.Kernel has 1 or 2 entries).
	// Weights "kernel" [k..., in, out] (Keras layout) and optional "bias".
	OpConv
	// OpDepthwiseConv is a depthwise 1D/2D convolution. Weights "kernel"
	// [k..., in, depth_multiplier] and optional "bias" [in*depth_multiplier].
	OpDepthwiseConv
	// OpPool is max or average pooling over a window (Attrs.Pool, Attrs.Kernel).
	OpPool
	// OpGlobalPool is max or average pooling over all spatial positions.
	OpGlobalPool
	// OpBatchNorm is y = gamma·(x-mean)/sqrt(var+eps) + beta per channel.
	// Weights "gamma", "beta", "moving_mean", "moving_variance" (absent
	// gamma/beta mean 1/0). Passes fold it into OpScaleShift.
	OpBatchNorm
	// OpScaleShift is y = x·scale + bias per channel (weights "scale",
	// "bias"): the hardware form of a BatchNorm or of an alpha scale.
	OpScaleShift
	// OpActivation is an elementwise activation named by Attrs.Activation.
	OpActivation
	// OpSoftmax is a softmax over Attrs.Axis.
	OpSoftmax
	// OpQuant applies the training-side quantizer Quantizers["activation"]
	// (QKeras QActivation, an HGQ quantizer, a QONNX Quant).
	OpQuant
	// OpMerge combines two or more inputs elementwise (Attrs.Merge).
	OpMerge
	// OpConcat concatenates inputs along Attrs.Axis.
	OpConcat
	// OpReshape changes the shape, keeping the row-major element order
	// (Flatten, Reshape).
	OpReshape
	// OpTranspose permutes axes (Attrs.Perm, without the batch axis).
	OpTranspose
	// OpPad pads with zeros (Attrs.Pads: before/after per spatial axis).
	OpPad
	// OpCrop removes borders (Attrs.Pads: before/after per spatial axis).
	OpCrop
	// OpUpsample repeats values (Attrs.Size per spatial axis, nearest).
	OpUpsample
	// OpDot is a dot product of two 1-D inputs.
	OpDot
	numOps
)

var opNames = [...]string{
	OpInvalid:       "invalid",
	OpInput:         "Input",
	OpDense:         "Dense",
	OpConv:          "Conv",
	OpDepthwiseConv: "DepthwiseConv",
	OpPool:          "Pool",
	OpGlobalPool:    "GlobalPool",
	OpBatchNorm:     "BatchNorm",
	OpScaleShift:    "ScaleShift",
	OpActivation:    "Activation",
	OpSoftmax:       "Softmax",
	OpQuant:         "Quant",
	OpMerge:         "Merge",
	OpConcat:        "Concat",
	OpReshape:       "Reshape",
	OpTranspose:     "Transpose",
	OpPad:           "Pad",
	OpCrop:          "Crop",
	OpUpsample:      "Upsample",
	OpDot:           "Dot",
}

// String returns the op's name.
func (o Op) String() string {
	if int(o) < len(opNames) {
		return opNames[o]
	}
	return "invalid"
}

// Ops returns every valid op, in declaration order.
func Ops() []Op {
	out := make([]Op, 0, numOps-1)
	for o := OpInput; o < numOps; o++ {
		out = append(out, o)
	}
	return out
}
