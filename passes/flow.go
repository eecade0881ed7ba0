// This file implements the exact flow: the passes, in run order, that give
// a quantized model the types under which the firmware computes exactly
// what the quantized model computes.

package passes

import (
	"fmt"

	"github.com/nnhls/nnhls/config"
	"github.com/nnhls/nnhls/fixed"
	"github.com/nnhls/nnhls/ir"
	"github.com/nnhls/nnhls/ops"
)

// A Pass is one named graph rewrite.
type Pass struct {
	Name string
	Run  func(*ir.Graph, *config.Config) error
}

// ExactOptions says what the exact flow may do.
type ExactOptions struct {
	// Approximate accepts quantizers that have no exact hardware form
	// (quant.HWType.Exact false: alpha 'auto' kernels whose products
	// QKeras rounds, non-power-of-two negative slopes, qnoise_factor ≠ 1):
	// their approximation is used and the reason is kept in HW.Why.
	// Without it such a quantizer is an error that names it.
	Approximate bool
}

// ExactFlow returns the passes of nnhls's default typing, in run order:
//
//	assign-types           every variable from the configuration (inputs, float ops)
//	fold-qkeras-batchnorm  QConv2DBatchnorm/QDepthwiseConv2DBatchnorm/QDenseBatchnorm folded as QKeras folds them
//	quantizer-types        weights on their quantizer's grid, activations as their quantizer's exact form
//	alpha-scales           per-channel alpha scales as <layer>_alpha ScaleShift nodes after the accumulation
//	batchnorm              QBatchNormalization exactly; float BatchNorm fused when exact, else a ScaleShift
//	exact-types            accumulators and results that cannot overflow, from the integer weights and input types
func ExactFlow(opt ExactOptions) []Pass {
	return []Pass{
		{"assign-types", AssignTypes},
		{"fold-qkeras-batchnorm", FoldQKerasBatchNorm},
		{"quantizer-types", QuantizerTypes(opt.Approximate)},
		{"alpha-scales", AlphaScales},
		{"batchnorm", BatchNorms},
		{"exact-types", ExactTypes},
	}
}

// RunFlow runs the passes of flow on g in order and stops at the first
// error, which it prefixes with the pass's name.
func RunFlow(g *ir.Graph, c *config.Config, flow []Pass) error {
	if c == nil {
		c = config.Default()
	}
	for _, p := range flow {
		if err := p.Run(g, c); err != nil {
			return fmt.Errorf("%s: %w", p.Name, err)
		}
	}
	return nil
}

// note records a decision that is not a variable's type (a folded or kept
// BatchNorm, an alpha scale) in n.HW.Why under key, for show and reports.
func note(n *ir.Node, key, msg string) {
	if n.HW.Why == nil {
		n.HW.Why = map[string]string{}
	}
	n.HW.Why[key] = msg
}

// userType returns the type the configuration gives variable v of n when
// the user wrote one (at any level, "auto" excepted): the exact flow keeps
// such types as written, so that an hls4ml configuration gives hls4ml's
// firmware, and chooses the others. The node's hls4ml class is its current
// op's (ops.Def.Class).
func userType(c *config.Config, n *ir.Node, v string) (fixed.Type, bool) {
	if c == nil {
		return fixed.Type{}, false
	}
	def, err := ops.Lookup(n.Op)
	if err != nil {
		return fixed.Type{}, false
	}
	p := c.Precision(n.Name, def.Class(n), v)
	if p.Auto || p.Source.Level == config.LevelBuiltin || !p.Type.Valid() {
		return fixed.Type{}, false
	}
	return p.Type, true
}
