// This file implements Value, a fixed-point number held as raw bits, and its
// exact printing.

package fixed

import (
	"fmt"
	"math"
	"math/big"
	"strings"
)

// A Value is a number of a fixed-point Type, held as its raw two's-complement
// integer r (value = r * 2^-F). Raw values of types that fit in an int64 (see
// Type.RawRange64) are stored inline; wider ones in a math/big integer that
// is never modified after construction, so Values can be copied freely. The
// zero Value has the invalid zero Type. Compare Values with Equal: == also
// compares the pointer of a wide value.
type Value struct {
	t     Type
	small int64
	wide  *big.Int // nil exactly when t.fits64()
}

// newValue builds a Value from a raw integer already in t's range; raw is
// owned by the result.
func newValue(t Type, raw *big.Int) Value {
	if t.fits64() {
		return Value{t: t, small: raw.Int64()}
	}
	return Value{t: t, wide: raw}
}

// FromRaw returns the value of t with raw bits raw. raw may be given either
// as the signed raw integer or as the W-bit unsigned pattern (as the
// conformance vectors write it): any integer in [-2^(W-1), 2^W) for a signed
// type, [0, 2^W) for an unsigned one. Anything else, or an invalid t, is an
// error.
func FromRaw(t Type, raw *big.Int) (Value, error) {
	if !t.Valid() {
		return Value{}, fmt.Errorf("raw value for an invalid type")
	}
	if raw.Sign() < 0 && (!t.signed || raw.Cmp(t.rawMin()) < 0) || raw.BitLen() > int(t.w) {
		return Value{}, fmt.Errorf("raw value %s does not fit in the %d bits of %v", raw, t.w, t)
	}
	r := new(big.Int).Set(raw)
	if t.signed && r.Sign() > 0 && r.Bit(int(t.w-1)) == 1 {
		r.Sub(r, new(big.Int).Lsh(big.NewInt(1), uint(t.w)))
	}
	return newValue(t, r), nil
}

// FromRaw64 returns the value of t whose raw bits are the low W bits of raw
// (sign-extended for a signed type), so an in-range raw is taken as it is.
// It returns the zero Value for an invalid t.
func FromRaw64(t Type, raw int64) Value {
	if !t.Valid() {
		return Value{}
	}
	return newValue(t, wrapBits(big.NewInt(raw), t))
}

// wrapBits reduces x modulo 2^W into t's raw range, in place.
func wrapBits(x *big.Int, t Type) *big.Int {
	w := uint(t.w)
	mask := new(big.Int).Lsh(big.NewInt(1), w)
	mask.Sub(mask, big.NewInt(1))
	x.And(x, mask) // two's-complement semantics for negative x
	if t.signed && x.Bit(int(w-1)) == 1 {
		x.Sub(x, new(big.Int).Lsh(big.NewInt(1), w))
	}
	return x
}

// Equal reports whether v and w have the same type and the same raw bits.
func (v Value) Equal(w Value) bool {
	if v.t != w.t {
		return false
	}
	if v.wide == nil || w.wide == nil {
		return v.wide == nil && w.wide == nil && v.small == w.small
	}
	return v.wide.Cmp(w.wide) == 0
}

// Type returns the value's type.
func (v Value) Type() Type { return v.t }

// Raw returns the signed raw integer r (value = r * 2^-F) as a new big.Int.
func (v Value) Raw() *big.Int {
	if v.wide != nil {
		return new(big.Int).Set(v.wide)
	}
	return big.NewInt(v.small)
}

// Raw64 returns the raw integer when the type fits in an int64 (ok false
// otherwise).
func (v Value) Raw64() (raw int64, ok bool) {
	if v.wide != nil || !v.t.Valid() {
		return 0, false
	}
	return v.small, true
}

// RawBits returns the W-bit two's-complement pattern in lowercase hex,
// without prefix or leading zeros ("0" for zero): -0.25 in ap_fixed<4,2> is
// "f".
func (v Value) RawBits() string {
	if !v.t.Valid() {
		return "0"
	}
	if v.wide == nil && v.small >= 0 {
		return fmt.Sprintf("%x", v.small)
	}
	u := v.Raw()
	if u.Sign() < 0 {
		u.Add(u, new(big.Int).Lsh(big.NewInt(1), uint(v.t.w)))
	}
	return u.Text(16)
}

// Float64 returns the value rounded to the nearest float64, ties to even
// (what the library's to_double() returns). Values beyond float64's range
// give ±Inf.
func (v Value) Float64() float64 {
	if v.wide == nil {
		// An int64 converts to the nearest float64 (ties to even); scaling by
		// a power of two is then exact unless the result leaves the normal
		// range, which the big path handles.
		f := float64(v.small)
		if f == 0 {
			return 0
		}
		_, e := math.Frexp(f)
		if e2 := e - v.t.FracBits(); e2 > -1021 && e2 < 1024 {
			return math.Ldexp(f, -v.t.FracBits())
		}
		return v.t.scaled(big.NewInt(v.small))
	}
	return v.t.scaled(v.wide)
}

// Text returns the exact decimal value: "-1.703125", "23808", "0". It never
// uses an exponent, so a value with F fractional bits can have up to F digits
// after the point.
func (v Value) Text() string {
	return exactDecimal(v.Raw(), v.t.FracBits())
}

// String returns the exact decimal value followed by the type, e.g.
// "1.25 ap_fixed<4,2>".
func (v Value) String() string { return v.Text() + " " + v.t.String() }

// exactDecimal prints raw * 2^-frac exactly: raw * 5^frac / 10^frac.
func exactDecimal(raw *big.Int, frac int) string {
	neg := raw.Sign() < 0
	a := new(big.Int).Abs(raw)
	if frac <= 0 {
		a.Lsh(a, uint(-frac))
		if neg {
			return "-" + a.String()
		}
		return a.String()
	}
	a.Mul(a, new(big.Int).Exp(big.NewInt(5), big.NewInt(int64(frac)), nil))
	digits := a.String()
	if len(digits) <= frac {
		digits = strings.Repeat("0", frac-len(digits)+1) + digits
	}
	intPart, fracPart := digits[:len(digits)-frac], strings.TrimRight(digits[len(digits)-frac:], "0")
	s := intPart
	if fracPart != "" {
		s += "." + fracPart
	}
	if neg && s != "0" {
		s = "-" + s
	}
	return s
}
