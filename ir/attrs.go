package ir

// Padding is a convolution or pooling padding rule.
type Padding uint8

// Padding rules, as Keras names them.
const (
	PadValid Padding = iota
	PadSame
	PadCausal
)

var paddingNames = [...]string{"valid", "same", "causal"}

func (p Padding) String() string { return paddingNames[p] }

// PoolKind says what a pooling node computes.
type PoolKind uint8

// Pooling kinds.
const (
	PoolMax PoolKind = iota
	PoolAvg
)

func (p PoolKind) String() string { return [...]string{"max", "avg"}[p] }

// MergeKind says how an OpMerge combines its inputs.
type MergeKind uint8

// Merge kinds.
const (
	MergeAdd MergeKind = iota
	MergeSub
	MergeMul
	MergeAvg
	MergeMax
	MergeMin
)

func (m MergeKind) String() string {
	return [...]string{"add", "sub", "mul", "avg", "max", "min"}[m]
}

// Attrs holds the attributes of a node. One flat struct serves every op; each
// field's comment says which ops read it. Fields an op does not read stay zero.
type Attrs struct {
	// Units is the output width of OpDense.
	Units int `json:"units,omitempty"`
	// Filters is the output channel count of OpConv; DepthMultiplier that of
	// OpDepthwiseConv.
	Filters         int `json:"filters,omitempty"`
	DepthMultiplier int `json:"depth_multiplier,omitempty"`
	// Kernel is the window of OpConv, OpDepthwiseConv and OpPool; its length
	// is the number of spatial axes (1 or 2).
	Kernel   []int   `json:"kernel,omitempty"`
	Strides  []int   `json:"strides,omitempty"`
	Dilation []int   `json:"dilation,omitempty"`
	Padding  Padding `json:"padding,omitempty"`
	// Pool is the kind of OpPool and OpGlobalPool. CountPad makes an average
	// pool divide by the full window, padding included.
	Pool     PoolKind `json:"pool,omitempty"`
	CountPad bool     `json:"count_pad,omitempty"`
	// Activation names the function of OpActivation, in Keras spelling:
	// relu, sigmoid, tanh, hard_sigmoid, softplus, softsign, elu, selu,
	// leaky_relu, thresholded_relu, prelu, relu6, linear, exponential, ...
	Activation string `json:"activation,omitempty"`
	// Alpha is leaky_relu's slope and elu's alpha; Theta thresholded_relu's
	// threshold; MaxValue caps relu (ReLU(max_value)); Threshold is the
	// value below which ReLU(threshold) outputs NegativeSlope·(x-threshold).
	Alpha     float64  `json:"alpha,omitempty"`
	Theta     float64  `json:"theta,omitempty"`
	MaxValue  *float64 `json:"max_value,omitempty"`
	Threshold float64  `json:"threshold,omitempty"`
	// Axis is the axis of OpSoftmax and OpConcat, counted without the batch
	// axis and non-negative.
	Axis int `json:"axis,omitempty"`
	// Merge is the kind of OpMerge.
	Merge MergeKind `json:"merge,omitempty"`
	// Epsilon is OpBatchNorm's variance epsilon.
	Epsilon float64 `json:"epsilon,omitempty"`
	// Perm is OpTranspose's permutation of the non-batch axes.
	Perm []int `json:"perm,omitempty"`
	// Pads is OpPad's and OpCrop's [before, after] per spatial axis.
	Pads [][2]int `json:"pads,omitempty"`
	// Size is OpUpsample's factor per spatial axis.
	Size []int `json:"size,omitempty"`
	// Interpolation is OpUpsample's method: "nearest" or "bilinear".
	Interpolation string `json:"interpolation,omitempty"`
}
