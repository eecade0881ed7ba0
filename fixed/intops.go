// This file implements the ap_int-flavoured operations: conversion to an
// integer type (to_ap_int_base), raw shifts and bit ranges.

package fixed

import (
	"fmt"
	"math/big"
)

// ToInt converts v into the integer type to (one with I = W, such as
// ap_int<W> / ap_uint<W>) as `To d = v;` does for a fixed source: the
// fraction is truncated toward zero, like C's double-to-int, and the integer
// is then truncated, or sign- or zero-extended, to W bits; no rounding or
// overflow mode applies. For an integer source this is the plain bit
// reinterpretation of ap_int -> ap_int.
//
// Library quirks: with I = 0 every negative value gives -1 (not 0). With
// I < 0 the library reads an uninitialised variable; nnhls gives 0.
func (v Value) ToInt(to Type) (Value, error) {
	if !v.t.Valid() || !to.Valid() {
		return Value{}, fmt.Errorf("convert %v to %v: invalid type", v.t, to)
	}
	if to.i != to.w {
		return Value{}, fmt.Errorf("convert %v to %v: not an integer type", v.t, to)
	}
	raw := v.Raw()
	f := v.t.FracBits()
	var n *big.Int
	switch {
	case f <= 0:
		n = raw.Lsh(raw, uint(-f))
	case v.t.i < 0:
		n = new(big.Int)
	case v.t.i == 0 && raw.Sign() < 0:
		n = big.NewInt(-1)
	case raw.Sign() < 0:
		n = raw.Neg(raw.Rsh(raw.Neg(raw), uint(f)))
	default:
		n = raw.Rsh(raw, uint(f))
	}
	return newValue(to, wrapBits(n, to)), nil
}

// Shl returns v << n in v's own type: the raw bits move up, bits leaving the
// top are lost, and no rounding or saturation applies whatever v's modes. A
// negative n shifts right.
func (v Value) Shl(n int) Value {
	if n < 0 {
		return v.Shr(-n)
	}
	if !v.t.Valid() {
		return Value{}
	}
	n = min(n, int(v.t.w))
	return newValue(v.t, wrapBits(new(big.Int).Lsh(v.Raw(), uint(n)), v.t))
}

// Shr returns v >> n in v's own type: arithmetic for a signed type, logical
// for an unsigned one, without rounding. A negative n shifts left.
func (v Value) Shr(n int) Value {
	if n < 0 {
		return v.Shl(-n)
	}
	if !v.t.Valid() {
		return Value{}
	}
	n = min(n, int(v.t.w))
	return newValue(v.t, new(big.Int).Rsh(v.Raw(), uint(n)))
}

// Range returns bits hi..lo of v's raw pattern as an ap_uint<hi-lo+1>, as
// v.range(hi, lo) does. It requires 0 <= lo <= hi < W.
func (v Value) Range(hi, lo int) (Value, error) {
	if !v.t.Valid() || lo < 0 || lo > hi || hi >= int(v.t.w) {
		return Value{}, fmt.Errorf("range(%d, %d) of %v: bits out of order or outside 0..%d", hi, lo, v.t, int(v.t.w)-1)
	}
	to := Int(hi-lo+1, false)
	bits := new(big.Int).Rsh(v.Raw(), uint(lo)) // floor shift keeps two's-complement bits
	return newValue(to, wrapBits(bits, to)), nil
}
