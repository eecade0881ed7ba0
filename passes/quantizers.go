// This file implements QuantizerTypes: every QKeras/HGQ quantizer becomes
// its exact hardware form (quant.HWType), weights move onto their
// quantizer's integer grid, and the types of the quantized variables come
// from the quantizers instead of configuration defaults.

package passes

import (
	"fmt"
	"math"
	"math/bits"

	"github.com/nnhls/nnhls/config"
	"github.com/nnhls/nnhls/fixed"
	"github.com/nnhls/nnhls/ir"
	"github.com/nnhls/nnhls/ops"
	"github.com/nnhls/nnhls/quant"
)

// QuantizerTypes returns the pass that applies every quantizer of the graph
// in its exact hardware form (quant.Spec.HWTypeFor and HWTypeForWeights):
//   - Dense, Conv and DepthwiseConv "kernel" and "bias" quantizers: the
//     weights are replaced by their grid values (the quantizer's output
//     without its alpha scale), held exactly in the form's Out type, which
//     becomes the weight or bias type; the quantizer moves from
//     n.Quantizers to n.HW.Quant, so nothing applies it twice. A kernel's
//     per-channel scale stays in HW.Quant["kernel"].Scale for AlphaScales.
//   - OpQuant "activation" quantizers: HW.Quant["activation"] is the form
//     the kernel computes and the result type is the form's Out type
//     (scaled by a numeric alpha).
//
// A type the configuration writes (userType) is kept: weights are then
// stored in it, and an OpQuant with a configured result type keeps
// hls4ml's lowering, so that an hls4ml configuration gives hls4ml's
// firmware.
//
// A quantizer without an exact form is an error that names the layer, the
// quantizer and the reason, unless approximate is set; then the
// approximation is used and the reason is kept in HW.Why.
func QuantizerTypes(approximate bool) func(*ir.Graph, *config.Config) error {
	return func(g *ir.Graph, c *config.Config) error {
		var errs ir.ErrorList
		for _, n := range g.Nodes {
			var err error
			switch n.Op {
			case ir.OpDense, ir.OpConv, ir.OpDepthwiseConv:
				err = quantizeWeights(c, n, approximate)
			case ir.OpQuant:
				err = quantizeActivation(c, n, approximate)
			}
			if err != nil {
				errs.Add(n.Pos, fmt.Errorf("layer %q (%s): %w", n.Name, n.Class, err))
			}
		}
		return errs.Err()
	}
}

// checkExact turns an inexact form into an error unless approximations are
// allowed, and returns the text HW.Why gets.
func checkExact(h *quant.HWType, q *quant.Spec, role string, approximate bool) (string, error) {
	why := "quantizer " + q.String()
	if h.Exact {
		return why, nil
	}
	if !approximate {
		return "", fmt.Errorf("%s quantizer %s has no exact hardware form: %s (predict --approximate accepts the approximation)", role, q, h.Note)
	}
	return why + " (approximate: " + h.Note + ")", nil
}

func quantizeWeights(c *config.Config, n *ir.Node, approximate bool) error {
	for _, role := range []string{"kernel", "bias"} {
		q, w := n.Quantizer(role), n.Weight(role)
		if q == nil || w == nil {
			continue
		}
		h, grid, err := q.HWTypeForWeights(w.Data, w.Shape)
		if err != nil {
			return fmt.Errorf("%s quantizer: %w", role, err)
		}
		why, err := checkExact(&h, q, role, approximate)
		if err != nil {
			return err
		}
		t := h.Out
		if role == "bias" && h.Scale != nil {
			// A bias is added after the kernel's scale; its own scale
			// (a numeric alpha) multiplies the stored values.
			if grid, err = h.Apply(w.Data, w.Shape); err != nil {
				return fmt.Errorf("bias quantizer: %w", err)
			}
			h.Scale = nil
			t = holdingType(grid)
		}
		if !t.Valid() {
			return fmt.Errorf("%s quantizer %s: no type holds its values", role, q)
		}
		n.Weights[role] = &ir.Tensor{Shape: append([]int(nil), w.Shape...), Data: grid}
		delete(n.Quantizers, role)
		if n.HW.Quant == nil {
			n.HW.Quant = map[string]*quant.HWType{}
		}
		n.HW.Quant[role] = &h
		v := ops.VarWeight
		if role == "bias" {
			v = ops.VarBias
		}
		if _, ok := userType(c, n, v); ok {
			// The user's type holds the grid values, rounded and
			// overflowed by its modes where it cannot.
			continue
		}
		n.HW.SetType(v, t, why)
	}
	return nil
}

func quantizeActivation(c *config.Config, n *ir.Node, approximate bool) error {
	q := n.Quantizer("activation")
	if q == nil {
		return nil
	}
	if _, ok := userType(c, n, ops.VarResult); ok {
		// hls4ml's lowering into the user's result type (ops/quant.go).
		return nil
	}
	h, err := q.HWTypeFor()
	if err != nil {
		return err
	}
	why, err := checkExact(&h, q, "activation", approximate)
	if err != nil {
		return err
	}
	t := h.Out
	if h.Scale != nil {
		if t, err = scaledType(h.Out, h.Scale); err != nil {
			return fmt.Errorf("activation quantizer %s: %w", q, err)
		}
	}
	if n.HW.Quant == nil {
		n.HW.Quant = map[string]*quant.HWType{}
	}
	n.HW.Quant["activation"] = &h
	n.HW.SetType(ops.VarResult, t, why)
	return nil
}

// scaledType is the narrowest type holding s·v for every value v of t and
// every scale s.
func scaledType(t fixed.Type, scale []float64) (fixed.Type, error) {
	var vals []float64
	for _, s := range scale {
		vals = append(vals, t.Min()*s, t.Max()*s, t.LSB()*s)
	}
	h := holdingType(vals)
	if !h.Valid() {
		return fixed.Type{}, fmt.Errorf("no type holds %v scaled by %v", t, scale)
	}
	return h, nil
}

// holdingType is the narrowest type (AP_TRN, AP_WRAP) that holds every
// finite value of v exactly: unsigned when none is negative, the finest
// LSB among them, enough integer bits for the largest magnitude. It is
// invalid when that needs more than fixed.MaxWidth bits.
func holdingType(v []float64) fixed.Type {
	f := math.MinInt32
	lo, hi := 0.0, 0.0
	for _, x := range v {
		if x == 0 || math.IsNaN(x) || math.IsInf(x, 0) {
			continue
		}
		f = max(f, fracBits(x))
		lo, hi = min(lo, x), max(hi, x)
	}
	if f == math.MinInt32 {
		return fixed.MustNew(1, 1, false, fixed.Trn, fixed.Wrap, 0)
	}
	t, err := typeForRange(lo, hi, f)
	if err != nil {
		return fixed.Type{}
	}
	return t
}

// fracBits is the number of fractional bits x ≠ 0 needs (negative for
// multiples of 2^k, k > 0).
func fracBits(x float64) int {
	frac, exp := math.Frexp(math.Abs(x))
	mant := uint64(math.Ldexp(frac, 53))
	return 53 - exp - bits.TrailingZeros64(mant)
}

// typeForRange is the narrowest type (AP_TRN, AP_WRAP) with f fractional
// bits holding every grid value in [lo, hi]: unsigned when lo ≥ 0.
func typeForRange(lo, hi float64, f int) (fixed.Type, error) {
	rlo := math.Floor(math.Ldexp(lo, f))
	rhi := math.Ceil(math.Ldexp(hi, f))
	if math.Abs(rlo) >= 1<<62 || math.Abs(rhi) >= 1<<62 {
		return fixed.Type{}, fmt.Errorf("range [%g, %g] at 2^-%d needs more than 62 bits", lo, hi, f)
	}
	return typeForRaw(int64(rlo), int64(rhi), f)
}

// typeForRaw is typeForRange on raw bounds at f fractional bits.
func typeForRaw(rlo, rhi int64, f int) (fixed.Type, error) {
	var w int
	signed := rlo < 0
	if signed {
		w = 1 + max(bits.Len64(uint64(-(rlo+1))), bits.Len64(uint64(max(rhi, 0))))
	} else {
		w = max(bits.Len64(uint64(rhi)), 1)
	}
	return fixed.New(w, w-f, signed, fixed.Trn, fixed.Wrap, 0)
}
