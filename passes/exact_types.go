// This file implements ExactTypes: accumulator and result types that
// cannot overflow, from the input types, the integer weights and the
// quantizers, by interval arithmetic on raw values.

package passes

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"math/bits"

	"github.com/nnhls/nnhls/config"
	"github.com/nnhls/nnhls/fixed"
	"github.com/nnhls/nnhls/ir"
	"github.com/nnhls/nnhls/ops"
)

// Limits of the int64 emulator the types must respect (ops/mac.go,
// ops/batchnorm.go, sim.Compile).
const (
	maxAccWidth    = 60
	maxResultWidth = 62
	// maxScaleWidth is the most bits a rounded BatchNorm scale gets.
	maxScaleWidth = 48
	// maxWeightWidth is the widest exact type float weights may get
	// before they are rounded into the configured weight type.
	maxWeightWidth = 32
)

// exactRange is a closed range of raw values at f fractional bits.
type exactRange struct {
	lo, hi *big.Int
	f      int
}

func typeExactRange(t fixed.Type) exactRange {
	lo, hi, _ := t.RawRange64()
	return exactRange{big.NewInt(lo), big.NewInt(hi), t.FracBits()}
}

// at returns r on the finer grid f ≥ r.f.
func (r exactRange) at(f int) exactRange {
	s := uint(f - r.f)
	return exactRange{new(big.Int).Lsh(r.lo, s), new(big.Int).Lsh(r.hi, s), f}
}

// withZero widens r to contain 0 (padding).
func (r exactRange) withZero() exactRange {
	lo, hi := new(big.Int).Set(r.lo), new(big.Int).Set(r.hi)
	if lo.Sign() > 0 {
		lo.SetInt64(0)
	}
	if hi.Sign() < 0 {
		hi.SetInt64(0)
	}
	return exactRange{lo, hi, r.f}
}

// typ is the narrowest type holding r.
func (r exactRange) typ() (fixed.Type, error) {
	if !r.lo.IsInt64() || !r.hi.IsInt64() || r.lo.BitLen() > 62 || r.hi.BitLen() > 62 {
		return fixed.Type{}, tooWide(fmt.Sprintf("range [%v, %v] needs more than 62 bits", r.float(r.lo), r.float(r.hi)))
	}
	return typeForRaw(r.lo.Int64(), r.hi.Int64(), r.f)
}

func (r exactRange) float(v *big.Int) float64 {
	f, _ := new(big.Float).SetInt(v).Float64()
	return math.Ldexp(f, -r.f)
}

func (r exactRange) String() string {
	return fmt.Sprintf("[%g, %g]", r.float(r.lo), r.float(r.hi))
}

// ExactTypes gives every node whose output QKeras computes exactly an
// exact type, visiting nodes in order with the range of each output:
//   - inputs keep their configured type; OpQuant nodes their quantizer's;
//   - Dense, Conv, DepthwiseConv: accum = result = the narrowest type
//     holding every sum of products of the input range and the integer
//     weights (per output channel, bias included), so nothing rounds or
//     overflows before the next quantizer; float (unquantized) weights get
//     their exact type when it has at most 32 bits;
//   - ScaleShift (alpha scales, BatchNorms): the scale and bias exactly when
//     they fit the int64 path, else rounded to nearest with up to 48 bits
//     (HW.Why says so), the result exact;
//   - max pooling, reshapes, padding, concatenation, additions, relu and
//     linear: exact from their inputs.
//
// Float functions (softmax, sigmoid, tanh, average pooling, ...) keep their
// configured types, and HW.Why says they are not exact. A node whose exact
// type needs more bits than the int64 emulator has (float weights on wide
// inputs) keeps its configured types too, and HW.Why["exact"] says so.
func ExactTypes(g *ir.Graph, c *config.Config) error {
	var errs ir.ErrorList
	rs := make([]exactRange, len(g.Nodes))
	for i, n := range g.Nodes {
		r, err := nodeRange(c, g, rs, n)
		var wide *wideError
		switch {
		case errors.As(err, &wide):
			// Float weights times wide inputs: no exact type fits the
			// int64 path. The configured types stay, reported.
			r = keepType(n, wide.msg+": configured types kept, they may round or overflow")
		case err != nil:
			errs.Add(n.Pos, fmt.Errorf("layer %q (%s): %w", n.Name, n.Op, err))
			t, _ := n.HW.Type(ops.VarResult)
			r = typeExactRange(t)
		}
		rs[i] = r
	}
	return errs.Err()
}

// A wideError says that an exact type needs more bits than the int64
// emulator has.
type wideError struct{ msg string }

func (e *wideError) Error() string { return e.msg }

func tooWide(msg string) error { return &wideError{msg} }

// avgPoolRange types an average pooling whose every window holds N = 2^k
// values (valid padding, or global): the sum at k more fractional bits
// divided by N is exact (ops/pool.go divides the raw sum by N), so
// accum and result get the input's fractional bits plus k. Other windows
// (Keras's 'same' padding averages over the values inside, a varying
// count; N not a power of two; QKeras's average_quantizer) keep their
// configured types.
func avgPoolRange(c *config.Config, n *ir.Node, inShape []int, x exactRange) (exactRange, error) {
	var win int
	switch {
	case n.Quantizer("average") != nil:
		return keepType(n, "average pooling with an average_quantizer: configured types, not checked"), nil
	case n.Op == ir.OpGlobalPool:
		win = ir.NumElements(inShape) / inShape[len(inShape)-1]
	case n.Attrs.Padding == ir.PadValid:
		win = ir.NumElements(n.Attrs.Kernel)
	default:
		return keepType(n, "average pooling with padding divides by a varying count: configured types, not exact"), nil
	}
	if win <= 0 || win&(win-1) != 0 {
		return keepType(n, fmt.Sprintf("average pooling divides by %d, not a power of two: configured types, not exact", win)), nil
	}
	k := bits.Len(uint(win)) - 1
	sum := exactRange{new(big.Int).Mul(x.lo, big.NewInt(int64(win))), new(big.Int).Mul(x.hi, big.NewInt(int64(win))), x.f}.at(x.f + k)
	if _, ok := userType(c, n, ops.VarAccum); !ok {
		t, err := sum.typ()
		if err != nil {
			return exactRange{}, err
		}
		n.HW.SetType(ops.VarAccum, t, fmt.Sprintf("interval %v: sums of %d values, divided exactly by %d", sum, win, win))
	}
	return setResult(c, n, x.at(x.f+k), fmt.Sprintf("average of %d values, exact", win))
}

// keepType leaves n's configured result type and returns its range.
func keepType(n *ir.Node, why string) exactRange {
	t, _ := n.HW.Type(ops.VarResult)
	if why != "" {
		note(n, "exact", why)
	}
	return typeExactRange(t)
}

// setResult sets n's result type to the narrowest holding r, unless the
// configuration sets it; then the range is that type's.
func setResult(c *config.Config, n *ir.Node, r exactRange, why string) (exactRange, error) {
	if ut, ok := userType(c, n, ops.VarResult); ok {
		if _, set := n.HW.Type(ops.VarResult); !set {
			// A node a pass added (an alpha scale) after the configuration
			// was read.
			n.HW.SetType(ops.VarResult, ut, "configuration")
		}
		return typeExactRange(ut), nil
	}
	t, err := r.typ()
	if err != nil {
		return exactRange{}, err
	}
	if t.Width() > maxResultWidth {
		return exactRange{}, tooWide(fmt.Sprintf("exact result type %v is wider than the emulator's %d bits", t, maxResultWidth))
	}
	n.HW.SetType(ops.VarResult, t, fmt.Sprintf("interval %v: %s", r, why))
	return r, nil
}

func nodeRange(c *config.Config, g *ir.Graph, rs []exactRange, n *ir.Node) (exactRange, error) {
	var in []exactRange
	var inT []fixed.Type
	for _, j := range n.Inputs {
		in = append(in, rs[j])
		t, _ := g.Nodes[j].HW.Type(ops.VarResult)
		inT = append(inT, t)
	}
	switch n.Op {
	case ir.OpInput:
		return keepType(n, ""), nil
	case ir.OpQuant:
		if n.HW.Quant["activation"] == nil {
			return keepType(n, "no exact quantizer form: configured type"), nil
		}
		return keepType(n, ""), nil
	case ir.OpDense, ir.OpConv, ir.OpDepthwiseConv:
		return macRange(c, n, in[0], inT[0])
	case ir.OpScaleShift:
		s, b := n.Weight("scale"), n.Weight("bias")
		if s == nil {
			return exactRange{}, fmt.Errorf("no scale")
		}
		var bv []float64
		if b != nil {
			bv = b.Data
		}
		return scaleShiftRange(c, n, s.Data, bv, in[0], inT[0])
	case ir.OpBatchNorm:
		if n.Attrs.Activation != "" {
			return keepType(n, "BatchNorm with "+n.Attrs.Activation+": configured types"), nil
		}
		s, b, _, err := bnScaleBias(n)
		if err != nil {
			return exactRange{}, err
		}
		return scaleShiftRange(c, n, s, b, in[0], inT[0])
	case ir.OpPool, ir.OpGlobalPool:
		if n.Attrs.Pool != ir.PoolMax {
			return avgPoolRange(c, n, g.Nodes[n.Inputs[0]].Shape, in[0])
		}
		n.HW.SetType(ops.VarAccum, inT[0], "max pooling: the input type")
		return setResult(c, n, in[0], "max pooling")
	case ir.OpReshape, ir.OpTranspose, ir.OpCrop, ir.OpUpsample:
		return setResult(c, n, in[0], "moves values")
	case ir.OpPad:
		return setResult(c, n, in[0].withZero(), "zero padding")
	case ir.OpConcat:
		return setResult(c, n, unionRanges(in), "concatenation")
	case ir.OpMerge:
		switch n.Attrs.Merge {
		case ir.MergeAdd:
			return setResult(c, n, sumRanges(in), "exact sum")
		case ir.MergeMax, ir.MergeMin:
			return setResult(c, n, unionRanges(in), "max/min")
		}
		return keepType(n, fmt.Sprintf("merge %s: configured type, not checked", n.Attrs.Merge)), nil
	case ir.OpActivation:
		switch n.Attrs.Activation {
		case "linear":
			return setResult(c, n, in[0], "linear")
		case "relu":
			if n.Attrs.MaxValue == nil && n.Attrs.Threshold == 0 && n.Attrs.Alpha == 0 {
				r := in[0]
				lo, hi := new(big.Int).Set(r.lo), new(big.Int).Set(r.hi)
				if lo.Sign() < 0 {
					lo.SetInt64(0)
				}
				if hi.Sign() < 0 {
					hi.SetInt64(0)
				}
				return setResult(c, n, exactRange{lo, hi, r.f}, "relu")
			}
		}
		return keepType(n, fmt.Sprintf("float function %s: configured types, compare with a tolerance", n.Attrs.Activation)), nil
	case ir.OpSoftmax:
		return keepType(n, "float softmax: configured types, compare with a tolerance"), nil
	}
	return keepType(n, fmt.Sprintf("%s: configured type, not checked", n.Op)), nil
}

func unionRanges(in []exactRange) exactRange {
	f := math.MinInt32
	for _, r := range in {
		f = max(f, r.f)
	}
	var out exactRange
	for k, r := range in {
		r = r.at(f)
		if k == 0 {
			out = exactRange{new(big.Int).Set(r.lo), new(big.Int).Set(r.hi), f}
			continue
		}
		if r.lo.Cmp(out.lo) < 0 {
			out.lo.Set(r.lo)
		}
		if r.hi.Cmp(out.hi) > 0 {
			out.hi.Set(r.hi)
		}
	}
	return out
}

func sumRanges(in []exactRange) exactRange {
	f := math.MinInt32
	for _, r := range in {
		f = max(f, r.f)
	}
	out := exactRange{new(big.Int), new(big.Int), f}
	for _, r := range in {
		r = r.at(f)
		out.lo.Add(out.lo, r.lo)
		out.hi.Add(out.hi, r.hi)
	}
	return out
}

// weightRaws returns the raw values of weight role in the node's type for
// var v, choosing an exact type for float weights when one of at most
// maxWeightWidth bits exists. Quantized weights are on their type's grid.
func weightRaws(c *config.Config, n *ir.Node, role, v string) ([]int64, fixed.Type, error) {
	w := n.Weight(role)
	if w == nil {
		return nil, fixed.Type{}, nil
	}
	t, _ := n.HW.Type(v)
	_, user := userType(c, n, v)
	if n.HW.Quant[role] == nil && !user {
		if h := holdingType(w.Data); h.Valid() && h.Width() <= maxWeightWidth {
			t = h
			n.HW.SetType(v, t, "exact type of the float "+role+" values")
		} else {
			note(n, "exact", fmt.Sprintf("float %s values need more than %d bits: rounded into %v", role, maxWeightWidth, t))
		}
	}
	if !t.Valid() {
		return nil, t, fmt.Errorf("no %s type", v)
	}
	raw := make([]int64, w.Len())
	for i, x := range w.Data {
		r, _, err := ops.WeightRaw(x, t)
		if err != nil {
			return nil, t, fmt.Errorf("%s: %w", role, err)
		}
		raw[i] = r
	}
	return raw, t, nil
}

// macRange types a Dense or Conv: per output channel, the bias plus
// the extreme product of each weight with the input range.
func macRange(c *config.Config, n *ir.Node, x exactRange, inT fixed.Type) (exactRange, error) {
	if n.Op != ir.OpDense && n.Attrs.Padding != ir.PadValid {
		x = x.withZero()
	}
	k := n.Weight("kernel")
	if k == nil || len(k.Shape) < 2 {
		return exactRange{}, fmt.Errorf("no kernel")
	}
	w, wt, err := weightRaws(c, n, "kernel", ops.VarWeight)
	if err != nil {
		return exactRange{}, err
	}
	b, bt, err := weightRaws(c, n, "bias", ops.VarBias)
	if err != nil {
		return exactRange{}, err
	}
	if inT.Width()+wt.Width() > 62 {
		return exactRange{}, tooWide(fmt.Sprintf("products of %v and %v are wider than 62 bits", inT, wt))
	}
	pf := x.f + wt.FracBits()
	f := pf
	if b != nil {
		f = max(f, bt.FracBits())
	}
	nOut := n.Shape[len(n.Shape)-1]
	// The MAC unit sums the products of one output on the accumulator's
	// grid in an int64 (ops/mac.go).
	if terms := k.Len()/max(nOut, 1) + 1; inT.Width()+wt.Width()+(f-pf)+bits.Len(uint(terms)) > 62 {
		return exactRange{}, tooWide(fmt.Sprintf("sums of %d products of %v and %v on a 2^-%d grid are wider than 62 bits", terms-1, inT, wt, f))
	}
	lo, hi := make([]*big.Int, nOut), make([]*big.Int, nOut)
	for c := range nOut {
		lo[c], hi[c] = new(big.Int), new(big.Int)
		if b != nil {
			v := new(big.Int).Lsh(big.NewInt(b[c]), uint(f-bt.FracBits()))
			lo[c].Set(v)
			hi[c].Set(v)
		}
	}
	chanOf := outChannel(n, k.Shape)
	up := uint(f - pf)
	p1, p2 := new(big.Int), new(big.Int)
	for i, wi := range w {
		c := chanOf(i)
		bw := big.NewInt(wi)
		p1.Mul(bw, x.lo).Lsh(p1, up)
		p2.Mul(bw, x.hi).Lsh(p2, up)
		if p1.Cmp(p2) > 0 {
			p1, p2 = p2, p1
		}
		lo[c].Add(lo[c], p1)
		hi[c].Add(hi[c], p2)
	}
	r := exactRange{lo[0], hi[0], f}
	for c := 1; c < nOut; c++ {
		if lo[c].Cmp(r.lo) < 0 {
			r.lo = lo[c]
		}
		if hi[c].Cmp(r.hi) > 0 {
			r.hi = hi[c]
		}
	}
	t, err := r.typ()
	if err != nil {
		return exactRange{}, err
	}
	if t.Width() > maxAccWidth {
		return exactRange{}, tooWide(fmt.Sprintf("exact accumulator %v is wider than the emulator's %d bits", t, maxAccWidth))
	}
	why := fmt.Sprintf("sums of %v × %v products", inT, wt)
	if _, ok := userType(c, n, ops.VarAccum); !ok {
		n.HW.SetType(ops.VarAccum, t, fmt.Sprintf("interval %v: %s", r, why))
	}
	return setResult(c, n, r, why+", exact")
}

// scaleShiftRange types y = x·s + b per channel (a ScaleShift, or a
// BatchNorm with its scale and bias): s and b exactly when possible, else
// rounded to nearest, and the result exactly. Types the configuration sets
// are kept.
func scaleShiftRange(c *config.Config, n *ir.Node, sv, bv []float64, x exactRange, inT fixed.Type) (exactRange, error) {
	nc := len(sv)
	if bv == nil {
		bv = make([]float64, nc)
	}
	st, user := userType(c, n, ops.VarScale)
	if !user {
		st = holdingType(sv)
		sWhy := "exact"
		budget := min(maxScaleWidth, 59-inT.Width())
		if !st.Valid() || st.Width() > budget {
			var err error
			if st, err = roundedType(sv, budget); err != nil {
				return exactRange{}, fmt.Errorf("scale: %w", err)
			}
			sWhy = fmt.Sprintf("rounded to nearest at 2^%d (float64 scale; error ≤ |x|·2^%d)", -st.FracBits(), -st.FracBits()-1)
		}
		if prev, had := n.HW.Why[ops.VarScale]; had && sWhy == "exact" && n.Class == "ApplyAlpha" {
			sWhy = prev
		}
		n.HW.SetType(ops.VarScale, st, sWhy)
	}
	pf := x.f + st.FracBits()
	bt, user := userType(c, n, ops.VarBias)
	if !user {
		bt = holdingType(bv)
		bWhy := "exact"
		if !bt.Valid() || bt.Width()+max(pf-bt.FracBits(), 0) > 61 || inT.Width()+st.Width()+max(bt.FracBits()-pf, 0) > 61 {
			var err error
			if bt, err = roundedTypeAt(bv, pf); err != nil {
				return exactRange{}, fmt.Errorf("bias: %w", err)
			}
			bWhy = fmt.Sprintf("rounded to nearest at 2^%d (error ≤ 2^%d)", -pf, -pf-1)
		}
		if prev, had := n.HW.Why[ops.VarBias]; had && bWhy == "exact" && n.HW.Quant["bias"] != nil {
			bWhy = prev
		}
		n.HW.SetType(ops.VarBias, bt, bWhy)
	}
	f := max(pf, bt.FracBits())
	lo, hi := new(big.Int), new(big.Int)
	first := true
	for ch := range nc {
		sr, _, err := ops.WeightRaw(sv[ch], st)
		if err != nil {
			return exactRange{}, err
		}
		br, _, err := ops.WeightRaw(bv[ch], bt)
		if err != nil {
			return exactRange{}, err
		}
		bs := new(big.Int).Lsh(big.NewInt(br), uint(f-bt.FracBits()))
		p1 := new(big.Int).Mul(x.lo, big.NewInt(sr))
		p2 := new(big.Int).Mul(x.hi, big.NewInt(sr))
		p1.Lsh(p1, uint(f-pf)).Add(p1, bs)
		p2.Lsh(p2, uint(f-pf)).Add(p2, bs)
		if p1.Cmp(p2) > 0 {
			p1, p2 = p2, p1
		}
		if first || p1.Cmp(lo) < 0 {
			lo.Set(p1)
		}
		if first || p2.Cmp(hi) > 0 {
			hi.Set(p2)
		}
		first = false
	}
	return setResult(c, n, exactRange{lo, hi, f}, fmt.Sprintf("x·scale + bias with %v, %v", st, bt))
}

// roundedType is a signed type of w bits, rounding to nearest and
// saturating, whose integer part holds every value of v.
func roundedType(v []float64, w int) (fixed.Type, error) {
	m := 0.0
	for _, x := range v {
		m = max(m, math.Abs(x))
	}
	_, e := math.Frexp(m) // m < 2^e
	if w < 2 {
		return fixed.Type{}, fmt.Errorf("no bits left for the values")
	}
	return fixed.New(w, e+1, true, fixed.Rnd, fixed.Sat, 0)
}

// roundedTypeAt is a signed type with f fractional bits, rounding to
// nearest and saturating, whose integer part holds every value of v.
func roundedTypeAt(v []float64, f int) (fixed.Type, error) {
	m := 0.0
	for _, x := range v {
		m = max(m, math.Abs(x))
	}
	_, e := math.Frexp(m)
	w := e + 1 + f
	if w < 1 || w > 61 {
		return fixed.Type{}, fmt.Errorf("values up to %g at 2^-%d need %d bits", m, f, w)
	}
	return fixed.New(w, e+1, true, fixed.Rnd, fixed.Sat, 0)
}
