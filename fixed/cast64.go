// This file implements the int64 path: conversions whose source raw value
// and destination raw range fit in an int64, with the shifts, masks and
// modes chosen once (NewCast64, NewFloatCast64) and applied without
// allocation. It computes exactly what quantize and overflowBig compute.

package fixed

import (
	"fmt"
	"math"
)

// dst64 is a destination type that fits in an int64, with everything the
// conversion needs precomputed.
type dst64 struct {
	min, max int64
	mask     uint64 // the low W bits
	top      uint64 // bit W-1
	satMask  uint64 // Wrap/WrapSM with N>0: the bits the N rule forces
	nBit     uint64 // WrapSM with N>=2: bit W-N, which decides the complement
	w, n     int
	frac     int // F = W - I
	signed   bool
	symMin   bool // AP_SAT_SYM on a signed type with W > 1: min becomes -max
	q        Rounding
	o        Overflow
}

func newDst64(t Type) dst64 {
	lo, hi, _ := t.RawRange64()
	w, n := int(t.w), int(t.n)
	d := dst64{
		min: lo, max: hi,
		mask: ^uint64(0) >> (64 - w),
		top:  1 << (w - 1),
		w:    w, n: n,
		frac:   t.FracBits(),
		signed: t.signed,
		symMin: t.o == SatSym && t.signed && w > 1,
		q:      t.q, o: t.o,
	}
	switch {
	case n == 0:
	case t.o == Wrap && !t.signed:
		d.satMask = (^uint64(0) >> (64 - n)) << (w - n) // bits W-N..W-1
	default:
		d.satMask = (^uint64(0) >> (64 - n)) << (w - n) &^ d.top // bits W-N..W-2
		d.nBit = 1 << (w - n)
	}
	return d
}

// cast converts raw * 2^-srcFrac, given as raw and shift = F_dst - F_src
// (how far raw's bit 0 sits above the destination's LSB), into the
// destination.
func (d *dst64) cast(raw int64, shift int) (int64, Flags) {
	var q int64
	var fl Flags
	if shift >= 0 {
		if shift >= 64 || raw<<shift>>shift != raw {
			if raw == 0 {
				return 0, 0
			}
			// The exact value needs more than 64 bits, so it is out of
			// range; the bits it keeps are raw's shifted low bits.
			var p uint64
			if shift < 64 {
				p = uint64(raw) << shift
			}
			return d.overflow(p, raw < 0, d.bitAbove(raw, shift))
		}
		q = raw << shift
	} else if s := -shift; s < 64 {
		q = raw >> s // floor
		if f := uint64(raw) & (1<<s - 1); f != 0 {
			fl = Rounded
			half := f>>(s-1) != 0
			lower := f&(1<<(s-1)-1) != 0
			if d.q != Trn && roundUp(d.q, raw < 0, half, lower, q&1 != 0) {
				q++
			}
		}
	} else {
		// Every bit of raw lies below the LSB: k is 0 or -1. The half bit
		// (bit s-1 >= 63) is the sign bit of raw, sign-extended.
		q = raw >> 63
		if raw != 0 {
			fl = Rounded
			// Only -2^63 * 2^-64 is an exact tie.
			lower := raw != math.MinInt64 || s > 64
			if roundUp(d.q, raw < 0, raw < 0, lower, q&1 != 0) {
				q++
			}
		}
	}
	if q < d.min || q > d.max {
		v, ofl := d.overflow(uint64(q), q < 0, d.bitAbove(raw, shift))
		return v, fl | ofl
	}
	if d.symMin && q == d.min {
		return -d.max, fl | Saturated
	}
	return q, fl
}

// bitAbove returns bit W of floor(raw * 2^shift), the unrounded value, which
// AP_WRAP_SM with N=0 reads (SEMANTICS.md §9.2).
func (d *dst64) bitAbove(raw int64, shift int) uint64 {
	i := d.w - shift
	switch {
	case i < 0:
		return 0
	case i > 63:
		i = 63
	}
	return uint64(raw>>i) & 1
}

// overflow applies the overflow mode to an out-of-range value whose low bits
// are p, whose sign is neg, and whose unrounded bit W is above. It returns
// only the overflow flag; the caller adds Rounded.
func (d *dst64) overflow(p uint64, neg bool, above uint64) (int64, Flags) {
	switch d.o {
	case Sat, SatSym:
		switch {
		case !neg:
			return d.max, Saturated
		case !d.signed:
			return 0, Saturated
		case d.symMin:
			return -d.max, Saturated
		}
		return d.min, Saturated
	case SatZero:
		return 0, Saturated
	}
	p &= d.mask
	switch {
	case d.n == 0 && d.o == Wrap:
	case d.o == Wrap && !d.signed:
		p |= d.satMask // library quirk §9.1: ones, also after a negative overflow
	case d.o == Wrap:
		p = d.setSign(p, neg)
	case d.n == 0: // WrapSM
		if above != p>>(d.w-1)&1 {
			p ^= d.mask
		}
	case d.n == 1:
		if (p&d.top != 0) != neg {
			p ^= d.mask
		}
		p = d.setSign(p, neg)
	default:
		if (p&d.nBit != 0) == neg {
			p ^= d.mask
		}
		p = d.setSign(p, neg)
	}
	if d.signed {
		return int64(p<<(64-d.w)) >> (64 - d.w), Wrapped
	}
	return int64(p), Wrapped
}

// setSign sets the top bit to the sign and the N-1 bits below it to its
// complement.
func (d *dst64) setSign(p uint64, neg bool) uint64 {
	if neg {
		return (p | d.top) &^ d.satMask
	}
	return (p &^ d.top) | d.satMask
}

// fromFloat converts a non-NaN float64 from its exact binary value.
func (d *dst64) fromFloat(x float64) (int64, Flags) {
	m, e := floatParts(x)
	return d.cast(m, e+d.frac)
}

// A Cast64 converts raw int64 values with a fixed number of fractional bits
// into a destination type whose raw range fits in an int64, exactly as
// Value.Convert does, without allocating. Build it once with NewCast64 and
// call Apply in the inner loop.
type Cast64 struct {
	d        dst64
	shift    int
	kind     castKind
	fracMask uint64 // the source bits below the destination LSB (right shifts)
	half     uint64 // the half-LSB bit among them
	rsh, lsh uint   // fast paths: the right shift, and 64-W for sign extension
}

// castKind selects Apply's code: the two commonest narrowings have their own
// few-instruction paths; everything else goes through dst64.cast.
type castKind uint8

const (
	castGeneral    castKind = iota
	castTrnWrapS            // AP_TRN, AP_WRAP, N=0, signed, right shift 0..63
	castTrnWrapU            // the same, unsigned
	castRndConvSat          // AP_RND_CONV, AP_SAT, right shift 0..63
)

// NewCast64 returns the conversion from raw values with srcFrac fractional
// bits (value = raw * 2^-srcFrac; srcFrac may be negative) into dst. It fails
// when dst's raw range does not fit in an int64 (signed W > 64, unsigned
// W > 63) or dst is invalid, or srcFrac is beyond any type's reach.
//
// Unlike Value.Convert, a Cast64 does not know the source width, so it does
// not report the library's abort cases; it returns the rule's result there.
func NewCast64(srcFrac int, dst Type) (Cast64, error) {
	if !dst.fits64() {
		return Cast64{}, fmt.Errorf("int64 cast into %v: the raw range does not fit in an int64", dst)
	}
	if srcFrac < -2*MaxIntBits || srcFrac > 2*MaxIntBits+MaxWidth {
		return Cast64{}, fmt.Errorf("int64 cast into %v: source fractional bits %d out of range", dst, srcFrac)
	}
	c := Cast64{d: newDst64(dst), shift: dst.FracBits() - srcFrac}
	if s := -c.shift; s >= 0 && s < 64 {
		c.rsh, c.lsh = uint(s), uint(64-c.d.w)
		c.fracMask = 1<<s - 1
		c.half = (c.fracMask + 1) >> 1
		switch {
		case dst.q == Trn && dst.o == Wrap && dst.n == 0 && dst.signed:
			c.kind = castTrnWrapS
		case dst.q == Trn && dst.o == Wrap && dst.n == 0:
			c.kind = castTrnWrapU
		case dst.q == RndConv && dst.o == Sat:
			c.kind = castRndConvSat
		}
	}
	return c, nil
}

// Apply converts one raw value and reports what the conversion did. The
// default AP_TRN/AP_WRAP narrowing is tested first and costs three shifts
// and two compares; the other modes go through apply.
func (c *Cast64) Apply(raw int64) (int64, Flags) {
	if c.kind == castTrnWrapS {
		// Floor by an arithmetic shift, then sign-extend the low W bits.
		q := raw >> (c.rsh & 63)
		v := q << (c.lsh & 63) >> (c.lsh & 63)
		var fl Flags
		if uint64(raw)&c.fracMask != 0 {
			fl = Rounded
		}
		if v != q {
			fl |= Wrapped
		}
		return v, fl
	}
	return c.apply(raw)
}

// apply is Apply's path for all other conversions.
func (c *Cast64) apply(raw int64) (int64, Flags) {
	d := &c.d
	switch c.kind {
	case castTrnWrapU:
		q := raw >> (c.rsh & 63)
		v := int64(uint64(q) & d.mask)
		return v, c.roundedIf(raw) | wrappedIf(v != q)
	case castRndConvSat:
		q := raw >> (c.rsh & 63)
		var fl Flags
		if f := uint64(raw) & c.fracMask; f != 0 {
			fl = Rounded
			if f > c.half || f == c.half && q&1 != 0 { // ties to even
				q++
			}
		}
		switch {
		case q > d.max:
			return d.max, fl | Saturated
		case q < d.min: // min is 0 for an unsigned type, as AP_SAT wants
			return d.min, fl | Saturated
		}
		return q, fl
	}
	return d.cast(raw, c.shift)
}

// roundedIf returns Rounded when raw has bits below the destination LSB.
func (c *Cast64) roundedIf(raw int64) Flags {
	if uint64(raw)&c.fracMask != 0 {
		return Rounded
	}
	return 0
}

func wrappedIf(b bool) Flags {
	if b {
		return Wrapped
	}
	return 0
}

// A FloatCast64 converts float64 values into a destination type whose raw
// range fits in an int64, with the same results as FromFloat64, without
// allocating.
type FloatCast64 struct {
	d dst64
}

// NewFloatCast64 returns the conversion from float64 into dst. It fails when
// dst's raw range does not fit in an int64 or dst is invalid.
func NewFloatCast64(dst Type) (FloatCast64, error) {
	if !dst.fits64() {
		return FloatCast64{}, fmt.Errorf("float64 cast into %v: the raw range does not fit in an int64", dst)
	}
	return FloatCast64{d: newDst64(dst)}, nil
}

// Apply converts x into the destination's raw value. A NaN gives 0 with the
// NaN flag, as FromFloat64 does.
func (c *FloatCast64) Apply(x float64) (int64, Flags) {
	if x != x {
		return 0, NaN
	}
	return c.d.fromFloat(x)
}
