// This file implements the interval arithmetic behind InferTypes: value
// intervals, the smallest fixed-point type that holds one, and what a cast
// into a type does to an interval.

package passes

import (
	"fmt"
	"math"

	"github.com/nnhls/nnhls/fixed"
)

// A span bounds every value a tensor can hold: lo <= v <= hi.
type span struct{ lo, hi float64 }

// String prints the bounds with enough digits to compare with a type's
// range: "[-12.5, 31.999]".
func (v span) String() string { return fmt.Sprintf("[%.6g, %.6g]", v.lo, v.hi) }

// union returns the smallest interval holding v and w.
func (v span) union(w span) span {
	return span{math.Min(v.lo, w.lo), math.Max(v.hi, w.hi)}
}

// withZero returns v widened to hold 0 (padding, skipped elements).
func (v span) withZero() span { return v.union(span{0, 0}) }

// maxAbs is the largest magnitude in v.
func (v span) maxAbs() float64 { return math.Max(math.Abs(v.lo), math.Abs(v.hi)) }

// slack widens bounds computed by float64 sums of many products outward by
// far more than their rounding error (at most n·2^-53 relative for n terms)
// and far less than any grid step that matters, so that a bound computed in
// float64 is still a bound of the exact sum.
func (v span) slack() span {
	const rel, abs = 0x1p-36, 0x1p-80
	return span{v.lo - math.Abs(v.lo)*rel - abs, v.hi + math.Abs(v.hi)*rel + abs}
}

// spanOf is the interval of every value of t.
func spanOf(t fixed.Type) span { return span{t.Min(), t.Max()} }

// typeHolds reports whether every value of v is a value of t's range, so that a
// cast of any value of v into t cannot overflow: rounding a value between
// two grid points (t's minimum and maximum are on the grid) stays between
// them.
func typeHolds(t fixed.Type, v span) bool {
	return t.Valid() && v.lo >= t.Min() && v.hi <= t.Max()
}

// intBitsFor returns the smallest integer bits I (sign bit included when
// signed) for which a type with frac fractional bits holds v.
func intBitsFor(v span, frac int, signed bool) int {
	m := v.maxAbs()
	i := -frac
	if m > 0 {
		_, e := math.Frexp(m) // m < 2^e
		i = max(e-1, -frac)
	}
	for ; i < fixed.MaxIntBits; i++ {
		t, err := fixed.New(max(i+frac, 1), i, signed, fixed.Trn, fixed.Wrap, 0)
		if err == nil && t.FracBits() >= frac && typeHolds(t, v) {
			return i
		}
	}
	return fixed.MaxIntBits
}

// fitSpan returns the smallest type with frac fractional bits (AP_TRN,
// AP_WRAP) that holds v: unsigned when v has no negative value. A type
// needs at least one bit, so an interval of zeros gets ap_ufixed<1,-frac+1>
// style types with one fractional bit more.
func fitSpan(v span, frac int) fixed.Type {
	signed := v.lo < 0
	i := intBitsFor(v, frac, signed)
	w := i + frac
	if w < 1 {
		w = 1
	}
	t, err := fixed.New(min(w, fixed.MaxWidth), i, signed, fixed.Trn, fixed.Wrap, 0)
	if err != nil {
		return fixed.Type{}
	}
	return t
}

// capToMax applies a user maximum (Model Precision maximum) to t: integer
// bits above the maximum's are cut (overflow becomes possible, so the type
// saturates), and a width above the maximum's loses fractional bits (only
// rounding changes). It reports whether the integer bits were cut.
func capToMax(t, maxT fixed.Type) (fixed.Type, bool) {
	if !maxT.Valid() {
		return t, false
	}
	i, w, q, o := t.IntBits(), t.Width(), t.Rounding(), t.Overflow()
	cut := false
	if i > maxT.IntBits() {
		i, cut, o = maxT.IntBits(), true, fixed.Sat
	}
	f := w - t.IntBits()
	w = i + f
	if w > maxT.Width() {
		w = maxT.Width()
	}
	if w < 1 {
		w = 1
	}
	c, err := fixed.New(w, i, t.Signed(), q, o, 0)
	if err != nil {
		return t, false
	}
	return c, cut
}

// castSpan returns the interval of the values of v after a cast into t from a
// grid of srcFrac fractional bits: v itself, widened by one step of t when
// the cast rounds, when t holds v; clamped into t when t saturates; t's
// whole range when it wraps.
func castSpan(t fixed.Type, v span, srcFrac int) span {
	r := spanOf(t)
	if !typeHolds(t, v) {
		switch t.Overflow() {
		case fixed.Sat, fixed.SatSym, fixed.SatZero:
			v = span{math.Max(v.lo, r.lo), math.Min(v.hi, r.hi)}
			if t.Overflow() == fixed.SatZero {
				v = v.withZero()
			}
			if v.lo > v.hi {
				return r
			}
		default:
			return r
		}
	}
	if t.FracBits() < srcFrac {
		v = span{v.lo - t.LSB(), v.hi + t.LSB()}
	}
	return span{math.Max(v.lo, r.lo), math.Min(v.hi, r.hi)}
}

// Widths of the types InferTypes chooses, so that the int64 emulator and
// modest hardware can hold them: accumulators at most 60 bits (ops/mac.go
// needs that), results at most 40 (a product of a result and a 16-bit
// weight stays within the emulator's 62 bits).
const (
	maxInferredAccum  = 60
	maxInferredResult = 40
)

// fitLimited is fitSpan for a value built from terms roundings onto the
// type's grid (products into an accumulator: each moves the sum by less
// than one step). When the exact type is wider than maxW it gives up
// fractional bits, widening v by the rounding error of the coarser grid,
// until the type fits (or fractional bits run out, and the wider type is
// returned: rounding cannot help).
func fitLimited(v span, frac, terms, maxW int) fixed.Type {
	t := fitSpan(v, frac)
	for f := maxW - t.IntBits(); t.Width() > maxW && f > -fixed.MaxIntBits/2; f-- {
		d := float64(terms) * math.Ldexp(1, -f)
		c := fitSpan(span{v.lo - d, v.hi + d}, f)
		if c.Width() <= maxW {
			return c
		}
		if c.IntBits() > maxW {
			return t
		}
	}
	return t
}
