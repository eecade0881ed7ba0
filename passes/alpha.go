// This file implements AlphaScales: a kernel quantizer's per-channel alpha
// scale applied after the accumulation, never folded into the weights.

package passes

import (
	"fmt"

	"github.com/nnhls/nnhls/config"
	"github.com/nnhls/nnhls/ir"
	"github.com/nnhls/nnhls/ops"
	"github.com/nnhls/nnhls/quant"
)

// AlphaScales matches Dense, Conv and DepthwiseConv nodes whose kernel
// quantizer has a scale (HW.Quant["kernel"].Scale: alpha 'auto',
// 'auto_po2', a number, and alpha=None on a kernel, which QKeras turns into
// 'auto_po2') and inserts after each an OpScaleShift named "<layer>_alpha"
// (Origin: the layer) with the per-output-channel scale and the layer's
// bias, which moves there: QKeras computes x·(S·Wq) + b, which is
// S·(x·Wq) + b. The weights stay on their integer grid, so the
// accumulation is exact in a narrow type, and a power-of-two scale is a
// shift. hls4ml does this only for Dense and Conv (and gives an 'auto'
// scale the model default type, which truncates it); for other layers it
// stores scale·code in the quantizer's fixed<b,i+1>, which truncates a
// scale below 1 and wraps one above (numerics.md §3.1).
func AlphaScales(g *ir.Graph, _ *config.Config) error {
	var errs ir.ErrorList
	for i := 0; i < len(g.Nodes); i++ {
		n := g.Nodes[i]
		h := n.HW.Quant["kernel"]
		if h == nil || h.Scale == nil || n.Op != ir.OpDense && n.Op != ir.OpConv && n.Op != ir.OpDepthwiseConv {
			continue
		}
		k := n.Weight("kernel")
		nOut := n.Shape[len(n.Shape)-1]
		scale := make([]float64, nOut)
		switch {
		case len(h.Scale) == 1:
			for c := range scale {
				scale[c] = h.Scale[0]
			}
		case n.Op == ir.OpDepthwiseConv && len(h.Scale) == k.Shape[len(k.Shape)-1]:
			// One scale per depth multiplier m; output channel i·dm + m.
			dm := len(h.Scale)
			for c := range scale {
				scale[c] = h.Scale[c%dm]
			}
		case len(h.Scale) == nOut:
			copy(scale, h.Scale)
		default:
			errs.Add(n.Pos, fmt.Errorf("layer %q: %d alpha scales for %d output channels", n.Name, len(h.Scale), nOut))
			continue
		}
		a := &ir.Node{
			Name:    n.Name + "_alpha",
			Origin:  layerOf(n),
			Class:   "ApplyAlpha",
			Op:      ir.OpScaleShift,
			Shape:   append([]int(nil), n.Shape...),
			Weights: map[string]*ir.Tensor{"scale": {Shape: []int{nOut}, Data: scale}},
			Pos:     n.Pos,
		}
		a.HW = ir.HW{ReuseFactor: n.HW.ReuseFactor, Strategy: n.HW.Strategy}
		st := holdingType(scale)
		kind := "a multiplication"
		if h.Po2Scale {
			kind = "a shift"
		}
		a.HW.SetType(ops.VarScale, st, fmt.Sprintf("alpha scale of %q's kernel quantizer, per output channel, applied after the accumulation (%s)", n.Name, kind))
		if b := n.Weight("bias"); b != nil {
			a.Weights["bias"] = b
			delete(n.Weights, "bias")
			bt, _ := n.HW.Type(ops.VarBias)
			why := n.HW.Why[ops.VarBias]
			if hb := n.HW.Quant["bias"]; hb != nil {
				a.HW.Quant = map[string]*quant.HWType{"bias": hb}
				delete(n.HW.Quant, "bias")
			}
			a.HW.SetType(ops.VarBias, bt, why+"; moved from "+n.Name+", added after the scale")
			n.HW.SetType(ops.VarBias, bt, "bias moved to "+a.Name)
		} else {
			a.HW.SetType(ops.VarBias, holdingType(nil), "no bias")
		}
		note(n, "alpha", fmt.Sprintf("kernel scale applied by %q after the accumulation; the weights stay on their grid", a.Name))
		insertAfter(g, i, a)
		i++
	}
	return errs.Err()
}

// layerOf is the model layer a node belongs to.
func layerOf(n *ir.Node) string {
	if n.Origin != "" {
		return n.Origin
	}
	return n.Name
}

// insertAfter inserts a at index i+1, reading node i: every other use of
// node i (as an input or a graph output) becomes a use of a, and indices
// after i shift by one.
func insertAfter(g *ir.Graph, i int, a *ir.Node) {
	a.Inputs = []int{i}
	g.Nodes = append(g.Nodes, nil)
	copy(g.Nodes[i+2:], g.Nodes[i+1:])
	g.Nodes[i+1] = a
	renum := func(j int) int {
		switch {
		case j == i:
			return i + 1
		case j > i:
			return j + 1
		}
		return j
	}
	for k, n := range g.Nodes {
		if k == i+1 {
			continue
		}
		for m, in := range n.Inputs {
			n.Inputs[m] = renum(in)
		}
	}
	for k, o := range g.Outputs {
		g.Outputs[k] = renum(o)
	}
	for k, in := range g.Inputs {
		if in > i {
			g.Inputs[k] = in + 1
		}
	}
}
