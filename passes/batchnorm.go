// This file implements BatchNorms: QBatchNormalization with its quantizers
// applied exactly, and float BatchNormalization fused into the quantized
// layer before it only where that is exact.

package passes

import (
	"fmt"
	"math"
	"math/big"
	"strings"

	"github.com/nnhls/nnhls/config"
	"github.com/nnhls/nnhls/ir"
	"github.com/nnhls/nnhls/quant"
)

// maxFusedWidth is the widest weight or bias type a fused BatchNorm may
// need: beyond it, fusing costs more multiplier width than the separate
// scale-and-shift it removes.
const maxFusedWidth = 32

// BatchNorms handles every OpBatchNorm without a fused activation:
//   - QBatchNormalization (quantizers on gamma, beta, mean, variance,
//     inverse): qkeras: γ' = Qγ(γ), β' = Qβ(β), μ' = Qμ(μ), v' = Qv(v),
//     inv = γ'/√(v' + ε) (then Qinv), scale = inv, bias = β' − μ'·inv, each
//     quantizer with QKeras's semantics (gamma and variance after the
//     auto_po2 rewrite). The node keeps its name.
//   - A float BatchNorm whose input is a quantized Dense or Conv (weights
//     on a grid, no alpha node between) read by nothing else, whose weight
//     and bias types the configuration leaves to nnhls: fused when every
//     fused weight W·s and bias b·s + (β − μ·s) is exact in a type of at
//     most 32 bits (then the fused layer computes the same real numbers).
//   - Any other float BatchNorm stays an OpBatchNorm (the same
//     scale-and-shift).
//
// HW.Why["batchnorm"] says, on the surviving node, what was done and why a
// BatchNorm was not fused. ExactTypes chooses the scale and bias types.
func BatchNorms(g *ir.Graph, c *config.Config) error {
	var errs ir.ErrorList
	for i := 0; i < len(g.Nodes); i++ {
		n := g.Nodes[i]
		if n.Op != ir.OpBatchNorm || n.Attrs.Activation != "" {
			continue
		}
		scale, bias, quantized, err := bnScaleBias(n)
		if err != nil {
			errs.Add(n.Pos, fmt.Errorf("layer %q (%s): %w", n.Name, n.Class, err))
			continue
		}
		if !quantized {
			fused, why := tryFuse(c, g, i, scale, bias)
			if fused {
				i--
				continue
			}
			// The BatchNorm stays one: its kernel computes the same
			// scale and bias from the same weights, and its class
			// still matches BatchNormalization entries of a config.
			note(n, "batchnorm", "kept as a scale-and-shift: "+why)
			continue
		}
		var qs []string
		for _, r := range n.QuantizerRoles() {
			qs = append(qs, r+" "+n.Quantizers[r].String())
		}
		note(n, "batchnorm", "QBatchNormalization with its quantizers ("+strings.Join(qs, ", ")+") as a scale-and-shift")
		n.Quantizers = nil
		n.Op = ir.OpScaleShift
		ch := len(scale)
		n.Weights = map[string]*ir.Tensor{"scale": {Shape: []int{ch}, Data: scale}, "bias": {Shape: []int{ch}, Data: bias}}
	}
	return errs.Err()
}

// bnScaleBias returns a BatchNorm's per-channel scale and bias in float64,
// as QKeras computes them, and whether any quantizer took part.
func bnScaleBias(n *ir.Node) (scale, bias []float64, quantized bool, err error) {
	c := n.Shape[len(n.Shape)-1]
	get := func(role, qrole string, def float64) ([]float64, error) {
		t := n.Weight(role)
		v := make([]float64, c)
		if t == nil {
			for i := range v {
				v[i] = def
			}
		} else {
			if t.Len() != c {
				return nil, fmt.Errorf("%s has %d values for %d channels", role, t.Len(), c)
			}
			copy(v, t.Data)
		}
		q := n.Quantizer(qrole)
		if q == nil {
			return v, nil
		}
		quantized = true
		y, _, err := q.Apply(v, []int{c})
		if err != nil {
			return nil, fmt.Errorf("%s quantizer: %w", qrole, err)
		}
		return y, nil
	}
	gamma, err := get("gamma", "gamma", 1)
	if err != nil {
		return nil, nil, false, err
	}
	beta, err := get("beta", "beta", 0)
	if err != nil {
		return nil, nil, false, err
	}
	mean, err := get("moving_mean", "mean", 0)
	if err != nil {
		return nil, nil, false, err
	}
	variance, err := get("moving_variance", "variance", 1)
	if err != nil {
		return nil, nil, false, err
	}
	scale, bias = make([]float64, c), make([]float64, c)
	for i := range scale {
		scale[i] = gamma[i] / math.Sqrt(variance[i]+n.Attrs.Epsilon)
	}
	if q := n.Quantizer("inverse"); q != nil {
		quantized = true
		if scale, _, err = q.Apply(scale, []int{c}); err != nil {
			return nil, nil, false, fmt.Errorf("inverse quantizer: %w", err)
		}
	}
	for i := range bias {
		bias[i] = beta[i] - mean[i]*scale[i]
	}
	return scale, bias, quantized, nil
}

// tryFuse fuses the float BatchNorm at index i into the layer before it
// when that is exact (see BatchNorms), removing the BatchNorm node. It
// returns whether it did, and otherwise why not.
func tryFuse(c *config.Config, g *ir.Graph, i int, scale, bias []float64) (bool, string) {
	n := g.Nodes[i]
	p := n.Inputs[0]
	prev := g.Nodes[p]
	for _, v := range []string{"weight", "bias"} {
		if t, ok := userType(c, prev, v); ok {
			return false, fmt.Sprintf("the configuration sets %q's %s type %v", prev.Name, v, t)
		}
	}
	if prev.Op != ir.OpDense && prev.Op != ir.OpConv && prev.Op != ir.OpDepthwiseConv {
		return false, fmt.Sprintf("its input %q is a %s, not a Dense or Conv", prev.Name, prev.Op)
	}
	if prev.HW.Quant["kernel"] == nil {
		return false, fmt.Sprintf("the weights of %q are not quantized", prev.Name)
	}
	if len(g.Consumers()[p]) != 1 || isOutput(g, p) {
		return false, fmt.Sprintf("%q has other readers", prev.Name)
	}
	k := prev.Weight("kernel")
	chanOf := outChannel(prev, k.Shape)
	wf := make([]float64, k.Len())
	for j, w := range k.Data {
		v, ok := exactMulAdd(w, scale[chanOf(j)], 0)
		if !ok {
			return false, fmt.Sprintf("%q's kernel[%d] %v × %v is not a float64", prev.Name, j, w, scale[chanOf(j)])
		}
		wf[j] = v
	}
	var b0 []float64
	if b := prev.Weight("bias"); b != nil {
		b0 = b.Data
	}
	bf := make([]float64, len(scale))
	for c := range bf {
		x := 0.0
		if b0 != nil {
			x = b0[c]
		}
		v, ok := exactMulAdd(x, scale[c], bias[c])
		if !ok {
			return false, fmt.Sprintf("the fused bias of channel %d is not a float64", c)
		}
		bf[c] = v
	}
	wt, bt := holdingType(wf), holdingType(bf)
	if !wt.Valid() || wt.Width() > maxFusedWidth {
		return false, fmt.Sprintf("fused weights need %v, wider than %d bits", wt, maxFusedWidth)
	}
	if !bt.Valid() || bt.Width() > maxFusedWidth {
		return false, fmt.Sprintf("fused biases need %v, wider than %d bits", bt, maxFusedWidth)
	}
	prev.Weights["kernel"] = &ir.Tensor{Shape: k.Shape, Data: wf}
	prev.Weights["bias"] = &ir.Tensor{Shape: []int{len(bf)}, Data: bf}
	prev.HW.SetType("weight", wt, "BatchNorm "+n.Name+" fused exactly")
	prev.HW.SetType("bias", bt, "BatchNorm "+n.Name+" fused exactly")
	prev.HW.Quant["kernel"] = &quant.HWType{Kind: quant.HWCast, Type: wt, Out: wt, Exact: true}
	note(prev, "batchnorm", fmt.Sprintf("BatchNorm %q fused: every fused weight and bias is exact in %v / %v", n.Name, wt, bt))
	removeNode(g, i, p)
	return true, ""
}

// exactMulAdd returns x·s + b when the exact result is a float64.
func exactMulAdd(x, s, b float64) (float64, bool) {
	e := new(big.Float).SetPrec(0).SetMode(big.ToNearestEven)
	e.SetPrec(2200)
	e.Mul(big.NewFloat(x).SetPrec(2200), big.NewFloat(s).SetPrec(2200))
	e.Add(e, big.NewFloat(b).SetPrec(2200))
	v, acc := e.Float64()
	return v, acc == big.Exact && !math.IsInf(v, 0)
}

// BatchNormDecisions lists, after BatchNorms (and FoldQKerasBatchNorm), one
// line per BatchNorm decision: which were folded or fused into which
// layer, and why the others were kept as a scale-and-shift, e.g.
// `bn1: kept as a scale-and-shift: "conv1"'s kernel[0] 0.875 × 0.63 is not
// a float64`. show prints it.
func BatchNormDecisions(g *ir.Graph) []string {
	var out []string
	for _, n := range g.Nodes {
		if why, ok := n.HW.Why["batchnorm"]; ok {
			out = append(out, n.Name+": "+why)
		}
	}
	return out
}
