// This file implements the interval rules of the layers with weights
// (Dense, Conv, DepthwiseConv, BatchNorm, ScaleShift), of the elementwise
// activations and of quantizers, and the choice of weight types.

package passes

import (
	"fmt"
	"math"

	"github.com/nnhls/nnhls/fixed"
	"github.com/nnhls/nnhls/ir"
	"github.com/nnhls/nnhls/ops"
	"github.com/nnhls/nnhls/quant"
)

// mac is the rule of Dense, Conv and DepthwiseConv. hls4ml's kernel
// (numerics.md §4.2) starts each output at accum_t(bias), adds every
// product converted to accum_t, and casts the sum into result_t. Output o
// sums, over the rows r of the kernel seen as [rows][cols], w[r][o]·x with x
// in the input's interval: Dense has rows = inputs; Conv rows = window ×
// input channels; DepthwiseConv rows = window and one column per output
// channel (Keras's [k..., cin, multiplier] layout flattens that way).
// Sums are bounded per output and joined; a wrapping accumulator only
// needs its final sums to fit, a saturating one every partial sum in
// hls4ml's order (bias, then rows ascending).
func (x *nodeCtx) mac() (span, error) {
	n := x.n
	v, xt := x.in(0)
	k := n.Weight("kernel")
	if k == nil || len(k.Shape) < 2 {
		return span{}, fmt.Errorf("no kernel")
	}
	cols := k.Shape[len(k.Shape)-1]
	if n.Op == ir.OpDepthwiseConv {
		cols *= k.Shape[len(k.Shape)-2]
	}
	rows := k.Len() / max(cols, 1)
	if n.Op != ir.OpDense && n.Attrs.Padding != ir.PadValid {
		v = v.withZero()
	}
	w, err := x.weights("kernel", ops.VarWeight)
	if err != nil {
		return span{}, err
	}
	b, err := x.weights("bias", ops.VarBias)
	if err != nil {
		return span{}, err
	}
	wt := x.typ(ops.VarWeight)
	if !wt.Signed() && wt.Width() == 1 {
		wt = fixed.Int(2, true) // binary weights: ±1 (ops.weightType)
	}
	prodF := xt.FracBits() + wt.FracBits()
	accF := prodF
	if b != nil {
		accF = max(accF, x.typ(ops.VarBias).FracBits())
	}
	final := span{math.Inf(1), math.Inf(-1)}
	prefix := final
	for o := range cols {
		var lo, hi float64
		if b != nil {
			lo, hi = b[o], b[o]
		}
		plo, phi := lo, hi
		for r := range rows {
			wv := w[r*cols+o]
			p, q := wv*v.lo, wv*v.hi
			lo += math.Min(p, q)
			hi += math.Max(p, q)
			plo, phi = math.Min(plo, lo), math.Max(phi, hi)
		}
		final = final.union(span{lo, hi})
		prefix = prefix.union(span{plo, phi})
	}
	final, prefix = final.slack(), prefix.slack()
	if x.inferable(ops.VarAccum) {
		x.set(ops.VarAccum, fitLimited(final, accF, rows+1, maxInferredAccum), "interval of the sums "+final.String())
	}
	acc := x.typ(ops.VarAccum)
	if acc.FracBits() < accF {
		// Each product (and the bias) is rounded onto accum_t's grid on
		// its own: the sum moves by less than one step per term.
		d := float64(rows+1) * acc.LSB()
		final = span{final.lo - d, final.hi + d}
		prefix = span{prefix.lo - d, prefix.hi + d}
	}
	if acc.Overflow() == fixed.Wrap && acc.SatBits() == 0 {
		x.check(ops.VarAccum, acc, final)
	} else {
		x.check(ops.VarAccum, acc, prefix)
	}
	return x.result(final, acc.FracBits(), min(acc.FracBits(), x.refFrac()), "of the sums"), nil
}

// weights returns the values of the weight role as the firmware holds
// them: through the role's quantizer, then converted into the variable's
// type the way hls4ml stores weights (ops.WeightRaw). An inferable type is
// chosen first: a quantizer's grid gets its minimal exact type, float
// weights the reference width with the integer bits their values need.
// Values that overflow the type are reported. A missing weight gives nil.
func (x *nodeCtx) weights(role, v string) ([]float64, error) {
	t := x.n.Weight(role)
	if t == nil {
		return nil, nil
	}
	data := t.Data
	q := x.n.Quantizer(role)
	if q != nil {
		y, _, err := q.Apply(t.Data, t.Shape)
		if err != nil {
			return nil, fmt.Errorf("%s quantizer: %w", role, err)
		}
		data = y
	}
	if x.inferable(v) && (q == nil || x.n.HW.Quant[role] == nil) {
		if q != nil {
			x.n.HW.SetType(v, exactGridType(data), "quantizer grid of "+q.String())
		} else {
			x.set(v, refWidthType(data, x.f.ref.Width()), fmt.Sprintf("%s values %v in %d bits", role, valuesSpan(data), x.f.ref.Width()))
		}
	}
	wt := x.typ(v)
	if !wt.Signed() && wt.Width() == 1 {
		return data, nil // binary: held as ±1 (ops.weightType)
	}
	out := make([]float64, len(data))
	bad := 0
	worst := 0.0
	for i, w := range data {
		r, fl, err := ops.WeightRaw(w, wt)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", role, err)
		}
		if fl&fixed.Overflowed != 0 {
			bad++
			if math.Abs(w) > math.Abs(worst) {
				worst = w
			}
		}
		out[i] = float64(r) * wt.LSB()
	}
	if bad > 0 {
		x.unsafe("%d %s values do not fit %s %s (e.g. %g)", bad, role, v, wt.HLS4ML(), worst)
	}
	return out, nil
}

// maxWeightFrac caps the fractional bits refWidthType gives weights.
const maxWeightFrac = 32

// valuesSpan is the interval of the values of data.
func valuesSpan(data []float64) span {
	v := span{math.Inf(1), math.Inf(-1)}
	for _, d := range data {
		v = v.union(span{d, d})
	}
	if len(data) == 0 {
		return span{}
	}
	return v
}

// refWidthType is the type of total width w whose integer bits hold every
// value of data (signed unless none is negative). Weights printed with F
// decimals and floored onto the 2^-F grid stay inside it: a value at most
// the type's maximum prints within 10^-F/2 of itself, less than a step.
// The fraction is capped at maxWeightFrac bits: a tensor of values all
// below 2^-(maxWeightFrac-w) (a BatchNorm bias of 1e-24 from an exporter)
// would otherwise ask for ~100 fractional bits, which no accumulator holds;
// such values are zero at any precision the rest of the layer keeps.
func refWidthType(data []float64, w int) fixed.Type {
	v := valuesSpan(data)
	signed := v.lo < 0
	i := intBitsFor(v, w-1, signed)
	for range 4 {
		j := intBitsFor(v, w-i, signed)
		if j == i {
			break
		}
		i = j
	}
	i = max(i, w-maxWeightFrac)
	t, err := fixed.New(w, i, signed, fixed.Trn, fixed.Wrap, 0)
	if err != nil {
		return fitSpan(v, w-i)
	}
	return t
}

// exactGridType is the smallest type holding every value of data exactly: the
// fractional bits of the finest value, the integer bits of the largest.
func exactGridType(data []float64) fixed.Type {
	frac := -64
	for _, d := range data {
		if d == 0 || math.IsInf(d, 0) || math.IsNaN(d) {
			continue
		}
		f := -64
		for f < 64 && d*math.Ldexp(1, f) != math.Trunc(d*math.Ldexp(1, f)) {
			f++
		}
		for f > -64 && math.Mod(d*math.Ldexp(1, f-1), 1) == 0 {
			f--
		}
		frac = max(frac, f)
	}
	if frac == -64 {
		frac = 0
	}
	return fitSpan(valuesSpan(data), frac)
}

// scaleShift is the rule of BatchNorm and ScaleShift: y = result_t(x·s +
// b) per channel, with s and b held in scale_t and bias_t, the product and
// sum exact (nnet_batchnorm.h). A BatchNorm fused with a binary or ternary
// tanh outputs ±1 (or 0).
func (x *nodeCtx) scaleShift() (span, error) {
	n := x.n
	v, xt := x.in(0)
	if n.Attrs.Activation != "" {
		return x.result(span{-1, 1}, 0, 0, "of the thresholds"), nil
	}
	scale, bias, err := ops.ScaleBias(n, n.Shape[len(n.Shape)-1])
	if err != nil {
		return span{}, err
	}
	s, err := x.heldValues(scale, ops.VarScale, "scale")
	if err != nil {
		return span{}, err
	}
	b, err := x.heldValues(bias, ops.VarBias, "bias")
	if err != nil {
		return span{}, err
	}
	out := span{math.Inf(1), math.Inf(-1)}
	for c := range s {
		p := mulSpan(v, span{s[c], s[c]})
		out = out.union(span{p.lo + b[c], p.hi + b[c]})
	}
	out = out.slack()
	f := max(xt.FracBits()+x.typ(ops.VarScale).FracBits(), x.typ(ops.VarBias).FracBits())
	return x.result(out, f, min(f, x.refFrac()), "of x·scale+bias"), nil
}

// heldValues is weights for values computed by the pass (BatchNorm's
// scale and bias): an inferable type gets the reference width.
func (x *nodeCtx) heldValues(data []float64, v, role string) ([]float64, error) {
	n := x.n
	saved := n.Weights
	n.Weights = map[string]*ir.Tensor{role: {Shape: []int{len(data)}, Data: data}}
	savedQ := n.Quantizers
	n.Quantizers = nil
	out, err := x.weights(role, v)
	n.Weights, n.Quantizers = saved, savedQ
	return out, err
}

// activation is the rule of the elementwise activations: relu and its
// relatives keep the input's bound and grid; table and hard functions have
// fixed output ranges (sigmoid [0,1], tanh [-1,1]) and round.
func (x *nodeCtx) activation() (span, error) {
	n := x.n
	kind, err := ops.ParseActKind(n.Attrs.Activation)
	if err != nil {
		return span{}, err
	}
	v, t := x.in(0)
	f := t.FracBits()
	tableF := x.refFrac()
	if tt, ok := n.HW.Types[ops.VarTable]; ok {
		tableF = tt.FracBits()
	}
	exact := func(r span) span { return x.result(r, f, f, "of the input") }
	rounded := func(r span, src int) span {
		switch kind {
		case ops.ActSigmoid, ops.ActHardSigmoid, ops.ActTanh, ops.ActHardTanh, ops.ActSoftsign:
			x.bounded = true
		}
		return x.result(r, src, min(src, x.refFrac()), "of "+kind.String())
	}
	relu := span{math.Max(v.lo, 0), math.Max(v.hi, 0)}
	switch kind {
	case ops.ActLinear:
		return exact(v), nil
	case ops.ActRelu:
		if m := n.Attrs.MaxValue; m != nil {
			relu.hi = math.Min(relu.hi, *m)
			relu.lo = math.Min(relu.lo, relu.hi)
		}
		return exact(relu), nil
	case ops.ActRelu6:
		return exact(span{math.Min(relu.lo, 6), math.Min(relu.hi, 6)}), nil
	case ops.ActRelu1:
		return exact(span{math.Min(relu.lo, 1), math.Min(relu.hi, 1)}), nil
	case ops.ActThresholdedRelu:
		return exact(span{math.Min(0, math.Max(v.lo, n.Attrs.Theta)), math.Max(v.hi, 0)}), nil
	case ops.ActLeakyRelu, ops.ActPRelu:
		alphas := []float64{n.Attrs.Alpha}
		if a := n.Weight("alpha"); a != nil && kind == ops.ActPRelu {
			alphas = a.Data
		}
		r := v.withZero()
		for _, a := range alphas {
			r = r.union(mulSpan(span{math.Min(v.lo, 0), math.Min(v.hi, 0)}, span{a, a}))
		}
		r = span{math.Min(r.lo, v.lo), math.Max(v.hi, r.hi)}
		pt := t
		if p, ok := n.HW.Types[ops.VarParam]; ok {
			pt = p
		}
		return rounded(r.slack(), f+pt.FracBits()), nil
	case ops.ActElu, ops.ActSelu:
		a := n.Attrs.Alpha
		if a == 0 {
			a = 1
		}
		lo, hi := -a, math.Max(v.hi, 0)
		if kind == ops.ActSelu {
			lo, hi = -1.7581, 1.0508*hi
		}
		return rounded(span{lo, hi}, max(tableF, f)), nil
	case ops.ActSigmoid, ops.ActHardSigmoid:
		return rounded(span{0, 1}, tableF), nil
	case ops.ActTanh, ops.ActHardTanh, ops.ActSoftsign:
		return rounded(span{-1, 1}, tableF), nil
	case ops.ActSoftplus:
		// The table covers [-8, 8): softplus(8) < 8.001.
		return rounded(span{0, 8.001}, tableF), nil
	case ops.ActBinaryTanh, ops.ActTernaryTanh:
		return x.result(span{-1, 1}, 0, 0, "of "+kind.String()), nil
	}
	return spanOf(x.typ(ops.VarResult)), nil
}

// quantizer is the rule of OpQuant: the result is the quantizer's own
// type (quantizerOut), or the input's interval when it has none.
func (x *nodeCtx) quantizer() span {
	v, t := x.in(0)
	return x.result(v, t.FracBits(), t.FracBits(), "of the input")
}

// quantizerOut handles a result that the node's output quantizer decides:
// the type is the quantizer's hardware type (kept when another pass chose
// it, ir.HW.Quant), and its saturation is the quantizer's function, not an
// overflow. ok is false when the node has no output quantizer.
func (x *nodeCtx) quantizerOut(v span, srcFrac int) (span, bool) {
	q := x.n.Quantizer("activation")
	if q == nil {
		return span{}, false
	}
	if h := x.n.HW.Quant["activation"]; h != nil {
		if h.Out.Valid() {
			return spanOf(h.Out), true
		}
		return spanOf(x.typ(ops.VarResult)), true
	}
	h, err := q.HWTypeFor()
	if err != nil || !plainCastForm(h) {
		// Another form (binary, po2, ...): its values are its type's.
		return spanOf(x.typ(ops.VarResult)), true
	}
	if x.inferable(ops.VarResult) {
		x.n.HW.SetType(ops.VarResult, h.Type, "quantizer "+q.String())
	}
	t := x.typ(ops.VarResult)
	if t.Overflow() == fixed.Wrap {
		x.check(ops.VarResult, t, v)
	}
	return castSpan(t, v, srcFrac), true
}

// plainCastForm reports whether a quantizer's hardware form is one cast into
// its type, with nothing before or after.
func plainCastForm(h quant.HWType) bool {
	return h.Kind == quant.HWCast && h.Exact && h.Scale == nil && (h.InSlope == 1 || h.InSlope == 0) &&
		h.InOffset == 0 && h.OutOffset == 0 && h.OutMax == nil && !h.NegType.Valid() && !h.DivideByScale
}
