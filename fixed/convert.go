// This file implements the one conversion rule of ap_fixed on the wide
// (math/big) path: take the exact source value, round once with the
// destination's quantization mode, then apply its overflow mode. It is the
// reference the int64 path (cast64.go) is tested against.

package fixed

import (
	"fmt"
	"math"
	"math/big"
)

// roundUp reports whether quantization adds one LSB to the floor k of a value
// whose dropped part f is nonzero. neg says the value is negative, half that
// f >= 1/2 LSB, lower that some bit below the half bit is set (so f != 1/2),
// odd that k is odd.
//
// ap_fixed: "AP_RND_CONV: nearest, ties to even"; the other modes differ
// only on exact ties, except the two truncating ones (SEMANTICS.md §3).
func roundUp(q Rounding, neg, half, lower, odd bool) bool {
	switch q {
	case TrnZero:
		return neg
	case Rnd:
		return half
	case RndZero:
		return half && (lower || neg)
	case RndMinInf:
		return half && lower
	case RndInf:
		return half && (lower || !neg)
	case RndConv:
		return half && (lower || odd)
	}
	return false // Trn: floor
}

// quantize converts the exact value m * 2^e into t and returns the raw result
// (in t's raw range) and what happened.
func quantize(m *big.Int, e int, t Type) (*big.Int, Flags) {
	var fl Flags
	shift := e + t.FracBits() // position of m's bit 0 relative to t's LSB
	var k, q *big.Int         // k = floor(x / LSB), q = rounded
	if shift >= 0 {
		k = new(big.Int).Lsh(m, uint(shift))
		q = k
	} else {
		d := uint(-shift)
		k = new(big.Int).Rsh(m, d) // floor, also for negative m
		q = k
		// The dropped part is nonzero when m has a set bit below bit d; the
		// two's complement of a negative m has the same trailing zeros as |m|.
		if tz := m.TrailingZeroBits(); m.Sign() != 0 && tz < d {
			fl |= Rounded
			half := m.Bit(int(d-1)) == 1
			lower := tz < d-1
			if roundUp(t.q, m.Sign() < 0, half, lower, k.Bit(0) == 1) {
				q = new(big.Int).Add(k, big.NewInt(1))
			}
		}
	}
	lo, hi := t.rawMin(), t.rawMax()
	if q.Cmp(lo) < 0 || q.Cmp(hi) > 0 {
		return overflowBig(q, k, t, fl)
	}
	if t.o == SatSym && t.signed && t.w > 1 && q.Cmp(lo) == 0 {
		// ap_fixed AP_SAT_SYM: an exact minimum becomes -max (SEMANTICS.md §4),
		// except for W = 1 where the library's -max pattern "1" is min itself.
		return new(big.Int).Neg(hi), fl | Saturated
	}
	return q, fl
}

// overflowBig applies t's overflow mode to an out-of-range q. k is the
// unrounded floor, whose bit W AP_WRAP_SM with N=0 reads.
func overflowBig(q, k *big.Int, t Type, fl Flags) (*big.Int, Flags) {
	w := int(t.w)
	n := int(t.n)
	neg := q.Sign() < 0
	s := uint(0)
	if neg {
		s = 1
	}
	switch t.o {
	case Sat, SatSym:
		fl |= Saturated
		switch {
		case !neg:
			return t.rawMax(), fl
		case !t.signed:
			return new(big.Int), fl
		case t.o == SatSym && w > 1:
			return new(big.Int).Neg(t.rawMax()), fl
		}
		return t.rawMin(), fl
	case SatZero:
		return new(big.Int), fl | Saturated
	}
	fl |= Wrapped
	mask := new(big.Int).Lsh(big.NewInt(1), uint(w))
	mask.Sub(mask, big.NewInt(1))
	p := new(big.Int).And(q, mask) // the low W bits, as plain wrapping keeps them
	complement := func() { p.Xor(p, mask) }
	switch {
	case t.o == Wrap && n > 0 && !t.signed:
		// Library quirk (SEMANTICS.md §9.1): the top N bits become 1 after
		// any overflow, also a negative one.
		for b := w - n; b < w; b++ {
			p.SetBit(p, b, 1)
		}
	case t.o == Wrap && n > 0:
		p.SetBit(p, w-1, s)
		for b := w - n; b < w-1; b++ {
			p.SetBit(p, b, 1-s)
		}
	case t.o == WrapSM && n == 0:
		// Library quirk (§9.2): the bit above the range comes from the
		// unrounded value.
		if k.Bit(w) != p.Bit(w-1) {
			complement()
		}
	case t.o == WrapSM && n == 1:
		if p.Bit(w-1) != s {
			complement()
		}
		p.SetBit(p, w-1, s)
	case t.o == WrapSM:
		if p.Bit(w-n) == s {
			complement()
		}
		for b := w - n; b < w-1; b++ {
			p.SetBit(p, b, 1-s)
		}
		p.SetBit(p, w-1, s)
	}
	if t.signed && p.Bit(w-1) == 1 {
		p.Sub(p, new(big.Int).Lsh(big.NewInt(1), uint(w)))
	}
	return p, fl
}

// floatParts splits a non-NaN float64 into an integer m and exponent e with
// x = m * 2^e exactly. Infinities are ±2^1024, as the library reads them.
func floatParts(x float64) (m int64, e int) {
	bits := math.Float64bits(x)
	exp := int(bits>>52) & 0x7ff
	frac := int64(bits & (1<<52 - 1))
	switch exp {
	case 0x7ff: // ±inf
		m, e = 1, 1024
	case 0: // zero or subnormal
		m, e = frac, -1074
	default:
		m, e = frac|1<<52, exp-1075
	}
	if bits>>63 != 0 {
		m = -m
	}
	return m, e
}

// FromFloat64 converts x into t exactly as the library's `T y = x;` does:
// from the double's exact binary value (all 53 significand bits), with one
// rounding and then t's overflow mode. ±Inf is read as ±2^1024, so it
// saturates in the AP_SAT modes and becomes 0 under plain AP_WRAP; ±0 gives
// 0. A NaN (garbage in the library) gives 0 with the NaN flag. An invalid t
// gives the zero Value.
func FromFloat64(t Type, x float64) (Value, Flags) {
	if !t.Valid() {
		return Value{}, 0
	}
	if math.IsNaN(x) {
		return newValue(t, new(big.Int)), NaN
	}
	if t.fits64() {
		d := newDst64(t)
		raw, fl := d.fromFloat(x)
		return Value{t: t, small: raw}, fl
	}
	m, e := floatParts(x)
	raw, fl := quantize(big.NewInt(m), e, t)
	return newValue(t, raw), fl
}

// An AbortError reports a conversion on which the Xilinx library stops on an
// assertion ("ap_private::get_bit() index beyond MSB"): the destination
// rounds and every source bit lies below its rounding bit. The library has no
// defined result there.
type AbortError struct {
	From, To Type
}

// Error names both types and says why the conversion has no result.
func (e *AbortError) Error() string {
	return fmt.Sprintf("converting %v to %v: the Xilinx library aborts on this conversion "+
		"(every source bit lies below the destination's rounding bit)", e.From, e.To)
}

// aborts reports whether converting from into to trips the library's
// assertion (SEMANTICS.md §9.5): the destination rounds (Q is not AP_TRN,
// and AP_TRN_ZERO only counts for a signed source) and F_src - F_dst > W_src.
func aborts(from, to Type) bool {
	rounds := to.q != Trn && !(to.q == TrnZero && !from.signed)
	return rounds && from.FracBits()-to.FracBits() > int(from.w)
}

// Convert converts v into the type to, as `To d = v;` does (the one rule:
// exact value, one rounding with to's mode, then to's overflow mode; v's own
// modes play no part). The error is non-nil (an *AbortError) only where the
// library itself aborts; the returned Value then still holds the result of
// the rule (for such inputs every source bit lies below half an LSB, so it is
// what rounding |x| < LSB/2 gives), which callers that must go on, such as
// the emulator, may use. An invalid v or to is an error too.
func (v Value) Convert(to Type) (Value, Flags, error) {
	if !v.t.Valid() || !to.Valid() {
		return Value{}, 0, fmt.Errorf("convert %v to %v: invalid type", v.t, to)
	}
	var err error
	if aborts(v.t, to) {
		err = &AbortError{From: v.t, To: to}
	}
	if v.wide == nil && to.fits64() {
		d := newDst64(to)
		raw, fl := d.cast(v.small, to.FracBits()-v.t.FracBits())
		return Value{t: to, small: raw}, fl, err
	}
	raw, fl := quantize(v.Raw(), -v.t.FracBits(), to)
	return newValue(to, raw), fl, err
}
