// This file implements the pipeline: the passes nnhls runs between loading
// a model and emulating or writing it, in run order, as "nnhls show
// --passes" prints them.

package passes

import "github.com/nnhls/nnhls/ir"

// PipelineOptions are the settings of Pipeline.
type PipelineOptions struct {
	// Exact is passed to the quantizer passes.
	Exact ExactOptions
	// Infer is passed to InferTypesWith (calibration).
	Infer InferOptions
}

// Pipeline returns the passes nnhls runs on g, in run order. A model whose
// every Dense and convolution is quantized (QKeras, HGQ) takes the exact
// flow (ExactFlow: the firmware computes what the quantized model
// computes), then infer-types, which only checks what the exact flow chose
// and types what it left open. Any other model takes the same structural
// passes with infer-types choosing every open type by interval arithmetic
// (or calibration):
//
//	fuse-bn-tanh           a BatchNorm followed by a binary or ternary tanh becomes one threshold node
//	assign-types           every variable from the configuration
//	hls4ml-bn-fuse         (float models) BatchNorms fused as hls4ml fuses them, for a configuration of hls4ml's fused graph
//	fold-qkeras-batchnorm  QConv2DBatchnorm and friends folded as QKeras folds them
//	quantizer-types        weights and activations as their quantizer's exact form
//	alpha-scales           alpha scales applied after the accumulation
//	batchnorm              BatchNorms fused when exact, else a ScaleShift
//	interval-types         (quantized models) exact accumulators and results
//	infer-types            open types that cannot overflow; every type checked
func Pipeline(g *ir.Graph, opt PipelineOptions) []Pass {
	ps := []Pass{{"fuse-bn-tanh", FuseBatchNormTanh}}
	if Quantized(g) {
		ps = append(ps, ExactFlow(opt.Exact)...)
	} else {
		ps = append(ps,
			Pass{"assign-types", AssignTypes},
			Pass{"hls4ml-bn-fuse", FuseBatchNormHLS4ML},
			Pass{"fold-qkeras-batchnorm", FoldQKerasBatchNorm},
			Pass{"quantizer-types", QuantizerTypes(opt.Exact.Approximate)},
			Pass{"alpha-scales", AlphaScales},
			Pass{"batchnorm", BatchNorms},
		)
	}
	return append(ps, Pass{"infer-types", InferTypesWith(opt.Infer)})
}

// Quantized reports whether every Dense, Conv and DepthwiseConv of g has a
// kernel quantizer (and g has at least one): a QKeras or HGQ model whose
// arithmetic the exact flow reproduces.
func Quantized(g *ir.Graph) bool {
	found := false
	for _, n := range g.Nodes {
		switch n.Op {
		case ir.OpDense, ir.OpConv, ir.OpDepthwiseConv:
			if n.Quantizer("kernel") == nil {
				return false
			}
			found = true
		}
	}
	return found
}
