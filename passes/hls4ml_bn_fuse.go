// This file implements FuseBatchNormHLS4ML: a float BatchNormalization
// fused into the Dense or convolution before it the way hls4ml fuses it,
// for configurations written for the graph hls4ml built after that fusion.

package passes

import (
	"fmt"

	"github.com/nnhls/nnhls/config"
	"github.com/nnhls/nnhls/ir"
	"github.com/nnhls/nnhls/ops"
)

// FuseBatchNormHLS4ML fuses a float BatchNorm into its producer as hls4ml's
// FuseBatchNormalization does (numerics.md §5): with the BN's scale
// s = γ/√(var+ε) and bias t = β − s·μ (float64, ops.ScaleBias), the
// producer's kernel becomes W' = s·W per output channel and its bias
// b' = s·b + t (t where it has none), in float64. The fused values stay
// float: the emulator stores them with the producer's weight and bias
// types by hls4ml's print-then-truncate rule (ops.WeightRaw), as hls4ml
// writes them. The BatchNorm node is removed; its readers read the
// producer.
//
// The pass runs only when the configuration was written for hls4ml's
// fused graph: its LayerName section names the producer but not the
// BatchNorm (config.Config.NamesLayer). That is what hls4ml's resolved
// configuration of a model it fused looks like (hls4ml fuses when the
// producer's result type is "auto", i.e. under 'name' granularity, and
// then writes out only the layers that survive). Any other configuration
// (none, Model or LayerType only, or one that names the BatchNorm) keeps
// the BatchNorm for the later passes.
//
// The structural conditions are hls4ml's: the producer is a Dense or a 1D
// or 2D convolution (not depthwise) without kernel or bias quantizer, its
// output is read by the BatchNorm alone, and the BatchNorm has no
// quantizers and no fused activation.
func FuseBatchNormHLS4ML(g *ir.Graph, c *config.Config) error {
	if c == nil {
		return nil
	}
	var errs ir.ErrorList
	for i := 0; i < len(g.Nodes); i++ {
		n := g.Nodes[i]
		if n.Op != ir.OpBatchNorm || n.Attrs.Activation != "" || len(n.Quantizers) > 0 || len(n.Inputs) != 1 {
			continue
		}
		p := n.Inputs[0]
		prev := g.Nodes[p]
		if !c.NamesLayer(prev.Name) || c.NamesLayer(n.Name) || !hls4mlFusable(g, p) {
			continue
		}
		if err := fuseInto(prev, n); err != nil {
			errs.Add(n.Pos, fmt.Errorf("layer %q (%s): fusing into %q: %w", n.Name, n.Class, prev.Name, err))
			continue
		}
		note(prev, "batchnorm", fmt.Sprintf("BatchNorm %q fused as hls4ml fuses it: the configuration names %q but not %q", n.Name, prev.Name, n.Name))
		removeNode(g, i, p)
		i--
	}
	return errs.Err()
}

// hls4mlFusable reports whether node p may take in the BatchNorm that reads
// it under hls4ml's rule: a Dense or Conv without kernel or bias quantizer
// whose output nothing else reads.
func hls4mlFusable(g *ir.Graph, p int) bool {
	prev := g.Nodes[p]
	if prev.Op != ir.OpDense && prev.Op != ir.OpConv {
		return false
	}
	if prev.Quantizer("kernel") != nil || prev.Quantizer("bias") != nil || prev.Weight("kernel") == nil {
		return false
	}
	return len(g.Consumers()[p]) == 1 && !isOutput(g, p)
}

// fuseInto replaces prev's kernel and bias with the fused float64 values
// of BatchNorm bn. The tensors are new: the loaded ones may be shared.
func fuseInto(prev, bn *ir.Node) error {
	k := prev.Weight("kernel")
	ch := k.Shape[len(k.Shape)-1]
	scale, shift, err := ops.ScaleBias(bn, ch)
	if err != nil {
		return err
	}
	chanOf := outChannel(prev, k.Shape)
	w := make([]float64, k.Len())
	for j, v := range k.Data {
		w[j] = scale[chanOf(j)] * v
	}
	b := make([]float64, ch)
	old := prev.Weight("bias")
	if old != nil && old.Len() != ch {
		return fmt.Errorf("bias has %d values for %d channels", old.Len(), ch)
	}
	for j := range b {
		if old != nil {
			b[j] = scale[j]*old.Data[j] + shift[j]
		} else {
			b[j] = shift[j]
		}
	}
	prev.Weights["kernel"] = &ir.Tensor{Shape: append([]int(nil), k.Shape...), Data: w}
	prev.Weights["bias"] = &ir.Tensor{Shape: []int{ch}, Data: b}
	return nil
}
