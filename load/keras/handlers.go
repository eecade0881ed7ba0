// This file implements the handler table: every layer class the loader
// reads, and the function that lowers it.

package keras

// handlers maps a Keras class name to its handler. A class missing here is
// an "unsupported layer class" error.
var handlers = map[string]handler{
	// core.go
	"InputLayer":             inputLayer,
	"Dense":                  dense,
	"BinaryDense":            binaryDense,
	"TernaryDense":           binaryDense,
	"Activation":             activationLayer,
	"ReLU":                   reluLayer,
	"LeakyReLU":              paramActivation,
	"ELU":                    paramActivation,
	"ThresholdedReLU":        paramActivation,
	"PReLU":                  prelu,
	"Softmax":                softmaxLayer,
	"BatchNormalization":     batchNorm,
	"Dropout":                identity,
	"SpatialDropout1D":       identity,
	"SpatialDropout2D":       identity,
	"GaussianDropout":        identity,
	"GaussianNoise":          identity,
	"AlphaDropout":           identity,
	"ActivityRegularization": identity,

	// conv.go (every class of convClasses)
	"Conv1D":                    conv,
	"Conv2D":                    conv,
	"DepthwiseConv1D":           conv,
	"DepthwiseConv2D":           conv,
	"SeparableConv1D":           conv,
	"SeparableConv2D":           conv,
	"QConv1D":                   conv,
	"QConv2D":                   conv,
	"QDepthwiseConv2D":          conv,
	"QSeparableConv1D":          conv,
	"QSeparableConv2D":          conv,
	"QConv2DBatchnorm":          conv,
	"QDepthwiseConv2DBatchnorm": conv,

	// pool.go
	"MaxPooling1D":            pool,
	"MaxPooling2D":            pool,
	"AveragePooling1D":        pool,
	"AveragePooling2D":        pool,
	"QAveragePooling2D":       pool,
	"GlobalMaxPooling1D":      globalPool,
	"GlobalMaxPooling2D":      globalPool,
	"GlobalAveragePooling1D":  globalPool,
	"GlobalAveragePooling2D":  globalPool,
	"QGlobalAveragePooling2D": globalPool,

	// merge.go
	"Add":         merge,
	"Subtract":    merge,
	"Multiply":    merge,
	"Average":     merge,
	"Maximum":     merge,
	"Minimum":     merge,
	"Concatenate": concatenate,
	"Dot":         dot,

	// reshape.go
	"Flatten":       flatten,
	"Reshape":       reshape,
	"Permute":       permute,
	"ZeroPadding1D": padCrop,
	"ZeroPadding2D": padCrop,
	"Cropping1D":    padCrop,
	"Cropping2D":    padCrop,
	"UpSampling1D":  upsample,
	"UpSampling2D":  upsample,

	// quant.go (QKeras)
	"QDense":              qdense,
	"QDenseBatchnorm":     qdense,
	"QActivation":         qactivation,
	"QBatchNormalization": qbatchnorm,

	// hgq.go
	"FixedPointQuantizer": fixedPointQuantizer,
}
