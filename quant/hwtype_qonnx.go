// This file implements the hardware forms of the QONNX quantizers (Quant,
// BipolarQuant, Trunc) and of QCDQ (QuantizeLinear): with power-of-two
// scales and integer zero points most of them are one ap_fixed cast,
// possibly around an exact affine step; the rest get Exact = false and a
// Note that says why.

package quant

import (
	"errors"
	"fmt"
	"math"
	"math/bits"
	"slices"
	"strings"

	"github.com/nnhls/nnhls/fixed"
)

// qonnxMode is how one QONNX rounding mode becomes an ap_fixed cast.
type qonnxMode struct {
	q fixed.Rounding
	// shift: which integer offsets d leave the rounding unchanged,
	// R(v + d) = R(v) + d: any (floor), even ones (half to even), none
	// (modes that look at the sign of v).
	shift shiftRule
}

type shiftRule uint8

const (
	shiftNone shiftRule = iota
	shiftEven
	shiftAny
)

// qonnxModes maps QONNX's modes onto ap_fixed's (SEMANTICS.md §3). CEIL
// and UP (away from zero) have none: CEIL(v) = −FLOOR(−v) needs a negative
// input slope, which HWCast (and its kernel) do not take, and UP is a
// ceiling on one side.
var qonnxModes = map[string]qonnxMode{
	"ROUND":     {q: fixed.RndConv, shift: shiftEven},
	"HALF_EVEN": {q: fixed.RndConv, shift: shiftEven},
	"HALF_UP":   {q: fixed.RndInf},  // ties away from zero
	"HALF_DOWN": {q: fixed.RndZero}, // ties toward zero
	"FLOOR":     {q: fixed.Trn, shift: shiftAny},
	"DOWN":      {q: fixed.TrnZero}, // toward zero
}

// errNoForm marks a quantizer without an exact form; its text is the Note.
type errNoForm string

func (e errNoForm) Error() string { return string(e) }

// hwQONNX is the hardware form of the QONNX and QCDQ kinds. Parameters the
// operator rejects are errors; an operator the firmware cannot reproduce
// exactly gets an approximation with Exact = false and a Note that says
// why and what the approximation changes (or, when none exists either, an
// error).
func (s *Spec) hwQONNX() (HWType, error) {
	if err := s.CheckQONNX(); err != nil {
		return HWType{}, err
	}
	h, err := s.hwQONNXExact(false)
	var nf errNoForm
	if !errors.As(err, &nf) {
		return h, err
	}
	// The approximation: the nearest powers of two for the scales, integer
	// zero points, FLOOR for modes without a cast, one rounding for Trunc,
	// and, when that still has no form, no zero point and FLOOR.
	a := s.Clone()
	var changes []string
	for i, v := range a.Scale {
		if p := math.Exp2(math.Round(math.Log2(v))); p != v {
			a.Scale[i] = p
			changes = appendOnce(changes, "scales rounded to the nearest power of two")
		}
	}
	for i, v := range a.ZeroPoint {
		if r := math.Round(v); r != v {
			a.ZeroPoint[i] = r
			changes = appendOnce(changes, "zero points rounded to integers")
		}
	}
	if _, ok := qonnxModes[a.RoundingMode]; !ok {
		a.RoundingMode = "FLOOR"
		changes = append(changes, "rounding mode FLOOR")
	}
	if a.Kind == Trunc && a.RoundingMode != "FLOOR" {
		changes = append(changes, "one rounding (exact for inputs on the scale's grid)")
	}
	h, err = a.hwQONNXExact(true)
	if errors.As(err, new(errNoForm)) {
		a.ZeroPoint, a.RoundingMode = nil, "FLOOR"
		changes = append(changes, "no zero point, rounding mode FLOOR")
		h, err = a.hwQONNXExact(true)
	}
	if err != nil {
		return HWType{}, fmt.Errorf("%s (and no approximation: %w)", nf, err)
	}
	h.Exact, h.Note = false, string(nf)
	if len(changes) > 0 {
		h.Note += "; the approximation uses " + strings.Join(changes, ", ")
	} else {
		h.Note += "; the approximation rounds once"
	}
	return h, nil
}

func appendOnce(l []string, v string) []string {
	if slices.Contains(l, v) {
		return l
	}
	return append(l, v)
}

// hwQONNXExact is the exact form, or an errNoForm. With once, Trunc rounds
// once (the approximation of its double rounding).
func (s *Spec) hwQONNXExact(once bool) (HWType, error) {
	if s.Kind == BipolarQuant {
		return s.hwBipolar()
	}
	exps := make([]int, len(s.Scale))
	for i, v := range s.Scale {
		frac, exp := math.Frexp(v)
		if frac != 0.5 {
			return HWType{}, errNoForm("non-power-of-two scale; applying it after the accumulation is not implemented")
		}
		exps[i] = 1 - exp // v = 2^-exps[i]
	}
	for _, z := range s.ZeroPoint {
		if z != math.Trunc(z) || math.Abs(z) >= 1<<52 {
			return HWType{}, errNoForm(fmt.Sprintf("zero point %v is not an integer", z))
		}
	}
	zp := func(j int) int64 {
		if s.ZeroPoint == nil {
			return 0
		}
		return int64(s.ZeroPoint[j])
	}
	// One cast per scale: the code v (Quant: x/scale + zeropt) rounded and
	// clamped to [lo, hi], then (q − z)·scale.
	form := func(j int) (HWType, error) {
		switch s.Kind {
		case QONNXQuant:
			m, ok := qonnxModes[s.RoundingMode]
			if !ok {
				return HWType{}, errNoForm(fmt.Sprintf("rounding mode %s has no ap_fixed equivalent", s.RoundingMode))
			}
			lo, hi := s.IntRange()
			return codeCast(exps[j], zp(j), int64(lo), int64(hi), m)
		case QuantizeLinear:
			// The zero point is added after rounding: q − z is x/scale
			// rounded half to even, clamped to [QMin − z, QMax − z].
			return codeCast(exps[j], 0, int64(s.QMin)-zp(j), int64(s.QMax)-zp(j), qonnxModes["ROUND"])
		default:
			return s.truncCast(exps[j], zp(j), once)
		}
	}
	uniform := true
	for j := range s.Scale {
		uniform = uniform && exps[j] == exps[0] && zp(j) == zp(0)
	}
	if uniform {
		return form(0)
	}
	// Per-channel: one plain cast per channel, by broadcasting.
	h := HWType{Kind: HWPerElement, Elem: make([]fixed.Type, len(s.Scale)), Exact: true}
	if s.ScaleShape != nil {
		h.ElemShape = append([]int(nil), s.ScaleShape...)
	}
	for j := range s.Scale {
		e, err := form(j)
		if err != nil {
			return HWType{}, err
		}
		if e.InSlope != 1 || e.InOffset != 0 || e.OutMax != nil {
			return HWType{}, errNoForm("per-channel scales with a zero point, a code range that needs a cap or an offset, or a Trunc shift need an affine step per channel, which is not implemented")
		}
		h.Elem[j] = e.Type
		if j == 0 {
			h.Type = e.Type
		} else if u := unionType(h.Type, e.Type); u.Valid() {
			h.Type = u
		} else {
			return HWType{}, fmt.Errorf("no type holds %v and %v", h.Type, e.Type)
		}
	}
	return h, nil
}

// codeCast is the form of y = (R(clamp(v, lo, hi)) − z)·2^-f with v =
// x·2^f + z as one cast u = v + d onto the grid 2^-f, saturating to
// [lo, hi] + d (d an offset the mode allows, so that [lo, hi] + d is the
// range of an ap_fixed type, capped by OutMax where its top is higher),
// with InOffset (z + d)·2^-f and OutOffset −(z + d)·2^-f. R(clamp) equals
// clamp(R) because lo and hi are integers.
func codeCast(f int, z, lo, hi int64, m qonnxMode) (HWType, error) {
	return affineCodeCast(f, 0, 0, z, lo, hi, m)
}

// affineCodeCast is codeCast of v = (x·2^f + z + half/2)·2^-k (half ∈
// {0, 1}, Trunc's offset; z = 0 when k > 0).
func affineCodeCast(f, k int, half int, z, lo, hi int64, m qonnxMode) (HWType, error) {
	if lo > hi {
		return HWType{}, fmt.Errorf("empty code range [%d, %d]", lo, hi)
	}
	var d int64
	w, signed, o, top, ok := rangeType(lo, hi)
	if !ok && m.shift != shiftNone {
		for _, c := range shiftCandidates(lo, hi) {
			if m.shift == shiftEven && c%2 != 0 {
				continue
			}
			if w, signed, o, top, ok = rangeType(lo+c, hi+c); ok {
				d = c
				break
			}
		}
	}
	if !ok {
		return HWType{}, errNoForm(fmt.Sprintf("code range [%d, %d] is not the range of an ap_fixed type, and the rounding mode does not allow shifting it", lo, hi))
	}
	t, err := fixed.New(w, w-f, signed, m.q, o, 0)
	if err != nil {
		return HWType{}, errNoForm(fmt.Sprintf("no type for codes [%d, %d] at 2^-%d: %v", lo+d, hi+d, f, err))
	}
	lsb := math.Ldexp(1, -f)
	// u = (x·2^f + z + half/2)·2^-k + d, as a value on the grid 2^-f
	// (k > 0 only with z = 0).
	off := (float64(z)+float64(half)/2)*math.Ldexp(lsb, -k) + float64(d)*lsb
	h := HWType{Kind: HWCast, Type: t, InSlope: math.Ldexp(1, -k), InOffset: off, Exact: true}
	h.OutOffset = -float64(z+d) * lsb
	if hi+d < top {
		mx := float64(hi+d) * lsb
		h.OutMax = &mx
	}
	if h.OutOffset != 0 || h.OutMax != nil {
		// Output codes: [lo, hi] − z.
		a, b := lo-z, hi-z
		h.Out, err = codesType(a, b, f)
		if err != nil {
			return HWType{}, err
		}
	}
	return h, nil
}

// rangeType returns the ap_fixed type (width, signedness, overflow mode)
// whose integer codes saturate to exactly [lo, …] with top ≥ hi: unsigned
// from 0, signed from −2^(w−1) (AP_SAT) or from −(2^(w−1) − 1)
// (AP_SAT_SYM); top is its largest code.
func rangeType(lo, hi int64) (w int, signed bool, o fixed.Overflow, top int64, ok bool) {
	switch {
	case lo == 0:
		w = max(bits.Len64(uint64(hi)), 1)
		return w, false, sat, 1<<w - 1, true
	case lo > 0 || lo < -(1<<61):
		return 0, false, 0, 0, false
	}
	m := uint64(-lo)
	if m&(m-1) == 0 { // −2^(w−1)
		w = bits.Len64(m)
		if hi <= int64(m)-1 {
			return w, true, sat, int64(m) - 1, true
		}
	}
	if (m+1)&m == 0 && hi <= int64(m) { // −(2^(w−1) − 1)
		return bits.Len64(m) + 1, true, satSym, int64(m), true
	}
	return 0, false, 0, 0, false
}

// shiftCandidates are the offsets d that move [lo, hi] onto the range of a
// type: to 0 (unsigned), or to −(2^(w−1) − 1) or −2^(w−1) for the
// narrowest w that holds the span.
func shiftCandidates(lo, hi int64) []int64 {
	span := uint64(hi - lo)
	ws := bits.Len64(span+1) + 1 // 2^(w−1) − 1 − (−(2^(w−1) − 1)) ≥ span
	wa := bits.Len64(span) + 1   // 2^(w−1) − 1 + 2^(w−1) ≥ span
	return []int64{-lo, -(int64(1)<<(ws-1) - 1) - lo, -(int64(1) << (wa - 1)) - lo}
}

// codesType is the narrowest type (AP_TRN, AP_WRAP) holding the integer
// codes [a, b] at the grid 2^-f.
func codesType(a, b int64, f int) (fixed.Type, error) {
	var w int
	signed := a < 0
	if signed {
		w = 1 + max(bits.Len64(uint64(-(a+1))), bits.Len64(uint64(max(b, 0))))
	} else {
		w = max(bits.Len64(uint64(b)), 1)
	}
	t, err := fixed.New(w, w-f, signed, fixed.Trn, fixed.Wrap, 0)
	if err != nil {
		return fixed.Type{}, fmt.Errorf("output codes [%d, %d] at 2^-%d: %w", a, b, f, err)
	}
	return t, nil
}

// truncCast is Trunc (version 1) with scale 2^-f and zero point z: r =
// R(ROUND(v)/2^k), v = x·2^f + z, k = in_bitwidth − out_bitwidth, output
// (r − z)·2^-f. Rounding twice is one rounding of a shifted value for
// k = 0 (R of an integer is itself: ROUND(v)) and for FLOOR and CEIL:
// n = ROUND(v) has ⌊n/2^k⌋ = m exactly for v in [m·2^k − 1/2, (m+1)·2^k
// − 1/2) (at both ends the tie goes to the even n = m·2^k, k ≥ 1), so
// FLOOR is ⌊(v + 1/2)/2^k⌋ (likewise CEIL is ⌈(v − 1/2)/2^k⌉, but
// ceiling has no cast, see qonnxModes). ROUND after a shift has windows of
// 2^k ± 1 codes by the parity of r: no single cast.
//
// Trunc does not clamp; the form saturates r beyond the range that
// in_bitwidth's contract allows (x·2^f within [−2^(in−1), 2^in − 1]),
// inside which the two agree. With once, every mode with a cast rounds
// once, R(v/2^k): the approximation, equal for inputs on the scale's grid.
func (s *Spec) truncCast(f int, z int64, once bool) (HWType, error) {
	k := s.InBits - s.Bits
	if k > 0 && z != 0 {
		return HWType{}, errNoForm("Trunc with a zero point and a shift divides the zero point too; not implemented")
	}
	// v − z within [−2^(in−1), 2^in − 1] (signed or unsigned inputs): r − z
	// within [−2^(out−1), 2^out], codes r in that range plus z.
	lo, hi := -(int64(1)<<(s.Bits-1))+z, int64(1)<<s.Bits+z
	if lo < -(1<<52) || hi > 1<<52 {
		return HWType{}, errNoForm("Trunc range beyond 52 bits")
	}
	// Widen to a symmetric range a type holds: −(2^w − 1) … 2^w − 1.
	span := max(-lo, hi)
	w := bits.Len64(uint64(span))
	lo, hi = -(int64(1)<<w - 1), int64(1)<<w-1
	switch {
	case k == 0:
		return affineCodeCast(f, 0, 0, z, lo, hi, qonnxModes["ROUND"])
	case s.RoundingMode == "FLOOR":
		return affineCodeCast(f, k, 1, z, lo, hi, qonnxModes["FLOOR"])
	case once:
		if m, ok := qonnxModes[s.RoundingMode]; ok {
			return affineCodeCast(f, k, 0, z, lo, hi, m)
		}
	}
	if s.RoundingMode == "CEIL" {
		return HWType{}, errNoForm("Trunc with rounding mode CEIL needs a ceiling, which no ap_fixed cast rounds (a negative input slope would, but HWCast does not take one)")
	}
	return HWType{}, errNoForm(fmt.Sprintf("Trunc with rounding mode %s rounds twice (half to even onto the input grid, then %s after the %d-bit shift), which no single cast reproduces", s.RoundingMode, s.RoundingMode, k))
}

// hwBipolar is BipolarQuant: +scale unless x < 0 (0 and −0 give +scale),
// with the values folded into the type for one power-of-two scale, else
// ±1 times a per-channel scale (exact products).
func (s *Spec) hwBipolar() (HWType, error) {
	h := HWType{Kind: HWBinary, Type: pm1Type(), Low: -1, High: 1, ZeroHigh: true, Exact: true}
	if len(s.Scale) == 1 {
		if sc := s.Scale[0]; isPo2(sc) {
			_, exp := math.Frexp(sc) // sc = 2^(exp−1): ±1 at that grid
			h.Type = mustType(2, exp+1, true, fixed.Trn, fixed.Wrap)
			h.Low, h.High = -sc, sc
			return h, nil
		}
		h.Scale, h.Po2Scale = []float64{s.Scale[0]}, false
		return h, nil
	}
	// Scale applies along the last axis only.
	for j, d := range s.ScaleShape {
		if d != 1 && j != len(s.ScaleShape)-1 {
			return HWType{}, errNoForm(fmt.Sprintf("BipolarQuant scale of shape %v is not per last axis", s.ScaleShape))
		}
	}
	h.Scale, h.Po2Scale = cloneSlice(s.Scale), true
	for _, v := range s.Scale {
		h.Po2Scale = h.Po2Scale && isPo2(v)
	}
	return h, nil
}
