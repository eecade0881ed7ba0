// This file implements the exact arithmetic operators + - *, whose results
// carry the full-precision result types of ap_fixed.

package fixed

import "math/big"

// Mul returns a*b exactly, in MulType(a.Type(), b.Type()): the raw result is
// the product of the raw operands. Assign it into a narrower type with
// Convert. It returns the zero Value when either operand is invalid or the
// result would exceed MaxWidth.
func Mul(a, b Value) Value {
	t := MulType(a.t, b.t)
	if !t.Valid() {
		return Value{}
	}
	if a.wide == nil && b.wide == nil && t.fits64() {
		// |a| < 2^(Wa-1), |b| < 2^(Wb-1) (or 2^W unsigned), and W <= 64 for
		// the product type, so the int64 product cannot overflow.
		return Value{t: t, small: a.small * b.small}
	}
	return newValue(t, new(big.Int).Mul(a.Raw(), b.Raw()))
}

// Add returns a+b exactly, in AddType(a.Type(), b.Type()). It returns the
// zero Value when either operand is invalid or the result would exceed
// MaxWidth.
func Add(a, b Value) Value { return addSub(a, b, AddType(a.t, b.t), false) }

// Sub returns a-b exactly, in SubType(a.Type(), b.Type()), which is signed
// even for unsigned operands. It returns the zero Value when either operand
// is invalid or the result would exceed MaxWidth.
func Sub(a, b Value) Value { return addSub(a, b, SubType(a.t, b.t), true) }

// addSub aligns both operands to the result's LSB (F = max(Fa, Fb)) and adds
// or subtracts the raw values.
func addSub(a, b Value, t Type, sub bool) Value {
	if !t.Valid() {
		return Value{}
	}
	f := t.FracBits()
	sa, sb := uint(f-a.t.FracBits()), uint(f-b.t.FracBits())
	if a.wide == nil && b.wide == nil && t.fits64() {
		// Each aligned operand is below 2^(W-2) in magnitude, and the result
		// type has room for the carry, so nothing overflows.
		x, y := a.small<<sa, b.small<<sb
		if sub {
			return Value{t: t, small: x - y}
		}
		return Value{t: t, small: x + y}
	}
	x := new(big.Int).Lsh(a.Raw(), sa)
	y := new(big.Int).Lsh(b.Raw(), sb)
	if sub {
		return newValue(t, x.Sub(x, y))
	}
	return newValue(t, x.Add(x, y))
}
