// This file implements HWType.Apply, the exact executable definition of a
// hardware form, and the exact casts and exponent rules it is built on.

package quant

import (
	"errors"
	"fmt"
	"math"
	"math/bits"

	"github.com/nnhls/nnhls/fixed"
)

// Apply computes the hardware form on x (row-major with the given shape; nil
// for 1-D) exactly: each cast rounds the exact value of its input once, and
// the scale is a float64 multiplication, as QKeras's own. It is the
// executable definition the emulator and the C++ are held to. NaN inputs
// give what fixed.FromFloat64 gives (0) for casts.
func (h *HWType) Apply(x []float64, shape []int) ([]float64, error) {
	y, err := h.unscaled(x, shape)
	if err != nil {
		return nil, err
	}
	if h.Scale == nil {
		return y, nil
	}
	t, _ := newTensor(x, shape)
	for i := range y {
		y[i] *= h.scaleAt(t, i)
	}
	return y, nil
}

// scaleAt is the scale of element i: one value for all, or per group.
func (h *HWType) scaleAt(t tensor, i int) float64 {
	if len(h.Scale) == 1 {
		return h.Scale[0]
	}
	return h.Scale[t.group(i)]
}

// unscaled applies the rule without the final scale (dividing by it first
// when DivideByScale).
func (h *HWType) unscaled(x []float64, shape []int) ([]float64, error) {
	t, err := newTensor(x, shape)
	if err != nil {
		return nil, fmt.Errorf("quant: hardware form: %w", err)
	}
	if h.GridOnly {
		return nil, fmt.Errorf("quant: hardware form: %s with data-dependent thresholds holds only for its own weights", h.Kind)
	}
	if h.Scale != nil && len(h.Scale) != 1 && len(h.Scale) != t.groups() {
		return nil, fmt.Errorf("quant: hardware form: %d scales for %d channels", len(h.Scale), t.groups())
	}
	y := make([]float64, len(x))
	switch h.Kind {
	case HWCast:
		for i, v := range x {
			if h.DivideByScale && h.Scale != nil {
				v /= h.scaleAt(t, i)
			}
			y[i], err = h.cast(v)
			if err != nil {
				return nil, err
			}
		}
	case HWConst:
		for i := range y {
			y[i] = h.Const
		}
	case HWBinary:
		for i, v := range x {
			y[i] = h.Low
			if v > 0 || h.ZeroHigh && !(v < 0) {
				y[i] = h.High
			}
		}
	case HWTernary:
		for i, v := range x {
			y[i] = ternaryCode(v, h.Threshold)
		}
	case HWPo2:
		for i, v := range x {
			y[i] = h.Po2.apply(v)
		}
	case HWPerElement:
		idx, err := (&Spec{Kind: FixedPoint, KIFShape: h.ElemShape}).kifIndex(t, shape, len(h.Elem))
		if err != nil {
			return nil, fmt.Errorf("quant: hardware form: %w", err)
		}
		for i, v := range x {
			if et := h.Elem[idx(i)]; et.Valid() {
				r, _ := fixed.FromFloat64(et, v)
				y[i] = r.Float64()
			}
		}
	default:
		return nil, fmt.Errorf("quant: hardware form: invalid kind %s", h.Kind)
	}
	return y, nil
}

// ternaryCode is +1 for x ≥ thr, −1 for x ≤ −thr, else 0, and sign(x) for
// thr ≤ 0 (QKeras's sign(x)·[|x| ≥ thr]).
func ternaryCode(x, thr float64) float64 {
	if !(thr > 0) {
		if math.IsNaN(thr) {
			return 0
		}
		return sign(x)
	}
	switch {
	case x >= thr:
		return 1
	case x <= -thr:
		return -1
	}
	return 0
}

// cast is the HWCast rule for one value.
func (h *HWType) cast(x float64) (float64, error) {
	typ, slope, offset := h.Type, h.InSlope, h.InOffset
	if h.NegType.Valid() && x < 0 {
		typ, slope, offset = h.NegType, h.NegSlope, 0
	}
	v, err := exactAffineCast(x, slope, offset, typ)
	if err != nil {
		return 0, err
	}
	y := v.Float64()
	if h.OutMax != nil && y > *h.OutMax {
		y = *h.OutMax
	}
	return y + h.OutOffset, nil
}

// exactAffineCast converts slope·x + offset, computed exactly, into typ
// with one rounding (slope a power of two, offset any finite float64).
func exactAffineCast(x, slope, offset float64, typ fixed.Type) (fixed.Value, error) {
	if slope == 1 && offset == 0 || math.IsNaN(x) || math.IsInf(x, 0) {
		v, _ := fixed.FromFloat64(typ, x)
		return v, nil
	}
	frac, exp := math.Frexp(slope)
	if frac != 0.5 {
		return fixed.Value{}, fmt.Errorf("quant: hardware form: input slope %v is not a power of two", slope)
	}
	v := exactValue(x, exp-1)
	if offset != 0 {
		v = fixed.Add(v, exactValue(offset, 0))
	}
	r, _, err := v.Convert(typ)
	var abort *fixed.AbortError
	if err != nil && !errors.As(err, &abort) {
		return fixed.Value{}, fmt.Errorf("quant: hardware form: %w", err)
	}
	// An AbortError only says the Xilinx library asserts on such a
	// conversion; the value is the rule's (every source bit lies below
	// half an LSB). The firmware computes the affine step in a type whose
	// LSB is the destination's rounding bit or finer, so it never aborts.
	return r, nil
}

// exactValue is x·2^j as a fixed-point value, exactly: the 53-bit
// significand in a 55-bit signed type with the matching binary point.
func exactValue(x float64, j int) fixed.Value {
	frac, exp := math.Frexp(x)
	mant := int64(math.Ldexp(frac, 53)) // |mant| < 2^53, exact
	f := 53 - exp - j                   // x·2^j = mant·2^-f
	t := mustType(55, 55-f, true, fixed.Trn, fixed.Wrap)
	return fixed.FromRaw64(t, mant)
}

// apply is the exponent rule for one input.
func (r Po2Rule) apply(x float64) float64 {
	var t, sgn float64 = x, 1
	switch {
	case r.Signed:
		t = math.Abs(x)
		if x < 0 {
			sgn = -1
		}
	case x >= 0 || r.NegSlope == 0:
		t = math.Max(x, 0)
	default:
		t, sgn = -x*r.NegSlope, -1
	}
	return sgn * math.Ldexp(1, r.exponent(t))
}

// exponent is e(t): exact comparisons instead of a floating-point log2.
func (r Po2Rule) exponent(t float64) int {
	if !(t >= r.Eps) {
		return r.EMin
	}
	if r.MaxValue != nil && t >= *r.MaxValue {
		t = *r.MaxValue
	}
	var e int
	if math.IsInf(t, 1) {
		e = 1 << 20
	} else {
		frac, exp := math.Frexp(t)
		e0, f := exp-1, 2*frac // t = f·2^e0, 1 ≤ f < 2
		switch {
		case r.Quadratic && r.Floor:
			e = floorDiv2(e0)
		case r.Quadratic:
			// log2 √t = (e0 + log2 f)/2 rounds up past j + 1/2, i.e. for
			// odd e0 with f > 1; at f = 1 it is a tie (QuadTieUp).
			e = floorDiv2(e0)
			if e0%2 != 0 && (f > 1 || r.QuadTieUp(e)) {
				e++
			}
		case r.Floor:
			e = e0
		default:
			// The boundary √2·2^e0 is irrational, so t never equals it:
			// f > √2 ⟺ f² − 2 > 0, whose sign one fused multiply-add gives.
			e = e0
			if math.FMA(f, f, -2) > 0 {
				e++
			}
		}
	}
	e = min(max(e, r.EMin), r.EMax)
	if r.Quadratic {
		e *= 2
	}
	return e
}

// QuadTieUp reports whether the quadratic approximation sends t = 2^(2j+1),
// where log2 √t = j + 1/2 exactly, to the half exponent j + 1. Exact
// rounding half to even would pick the even one of j and j + 1; QKeras in
// float64 first rounds √t to a double, and math.Log2 of that double decides
// the tie. The reference follows float64, so the firmware's tie table does
// too: for j = 0, √2 rounds up, log2 gives 0.5000000000000001 and t = 2
// maps to 4, not to 1 (float32 TensorFlow, whose √2 rounds down, gives 1).
func (r Po2Rule) QuadTieUp(j int) bool {
	if j < -600 || j > 600 {
		return j%2 != 0 // beyond float64, exact rounding half to even
	}
	return math.RoundToEven(math.Log2(math.Sqrt(math.Ldexp(1, 2*j+1)))) > float64(j)
}

// floorDiv2 is ⌊e/2⌋ for any sign.
func floorDiv2(e int) int {
	if e < 0 {
		return -((1 - e) / 2)
	}
	return e / 2
}

// holdingType is the narrowest signed type that holds every finite value of
// v exactly: the finest LSB and the largest magnitude among them.
func holdingType(v []float64) fixed.Type {
	lsb, top, any := 0, 0, false
	for _, x := range v {
		if x == 0 || math.IsNaN(x) || math.IsInf(x, 0) {
			continue
		}
		frac, exp := math.Frexp(math.Abs(x))
		mant := uint64(math.Ldexp(frac, 53))
		low := exp - 53 + bits.TrailingZeros64(mant) // x = odd·2^low
		if !any || low < lsb {
			lsb = low
		}
		if !any || exp > top {
			top = exp // |x| < 2^exp
		}
		any = true
	}
	if !any {
		return mustType(1, 1, true, fixed.Trn, fixed.Wrap)
	}
	t, err := fixed.New(top+1-lsb, top+1, true, fixed.Trn, fixed.Wrap, 0)
	if err != nil {
		return fixed.Type{}
	}
	return t
}
