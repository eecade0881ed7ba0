// This file implements unit tests of values, conversions and arithmetic on
// hand-computed cases (most quoted from SEMANTICS.md of the shared vectors).

package fixed

import (
	"errors"
	"math"
	"math/big"
	"strings"
	"testing"
)

func TestFromFloat64Cases(t *testing.T) {
	tests := []struct {
		typ   string
		x     float64
		text  string // exact decimal of the result
		raw   string // hex pattern
		flags Flags
	}{
		// 1.3 / 0.25 = 5.2 -> floor 5 -> 1.25.
		{"ap_fixed<4,2>", 1.3, "1.25", "5", Rounded},
		{"ap_fixed<4,2,AP_TRN,AP_SAT>", 5, "1.75", "7", Saturated},
		{"ap_fixed<4,2,AP_TRN,AP_SAT>", -5, "-2", "8", Saturated},
		{"ap_fixed<4,2>", -0.25, "-0.25", "f", 0},
		// 0.625 = 2.5 LSB: ties to even 2 -> 0.5; -2.5 LSB -> -2 -> -0.5.
		{"ap_fixed<4,2,AP_RND_CONV>", 0.625, "0.5", "2", Rounded},
		{"ap_fixed<4,2,AP_RND_CONV>", -0.625, "-0.5", "e", Rounded},
		{"ap_fixed<4,2,AP_RND>", -0.625, "-0.5", "e", Rounded},
		{"ap_fixed<4,2,AP_RND_INF>", -0.625, "-0.75", "d", Rounded},
		{"ap_fixed<4,2,AP_RND_MIN_INF>", 0.625, "0.5", "2", Rounded},
		{"ap_fixed<4,2,AP_TRN_ZERO>", -0.375, "-0.25", "f", Rounded},
		// max + 1/2 LSB rounds up to 2.0, which wraps to -2.
		{"ap_fixed<4,2,AP_RND>", 1.875, "-2", "8", Rounded | Wrapped},
		// 2.748046875 = 5.496 LSB of 0.5: one rounding from all bits gives 5.
		{"ap_fixed<4,3,AP_RND_CONV,AP_WRAP>", 2.748046875, "2.5", "5", Rounded},
		// 23872 = 186.5 LSB of 128 -> 186 (even) -> 23808.
		{"ap_ufixed<9,16,AP_RND_CONV,AP_SAT>", 23872, "23808", "ba", Rounded},
		// Quirk 1: unsigned AP_WRAP, N=1, negative overflow sets the top bit.
		{"ap_ufixed<4,2,AP_TRN,AP_WRAP,1>", -2, "2", "8", Wrapped},
		{"ap_ufixed<4,2,AP_TRN,AP_WRAP,2>", -4, "3", "c", Wrapped},
		// Signed AP_WRAP N=2: 2.0 = 1000 -> top 0, bit 2 := 1 -> 0100 = 1.0.
		{"ap_fixed<4,2,AP_TRN,AP_WRAP,2>", 2, "1", "4", Wrapped},
		// AP_WRAP_SM N=0: 5.5 = 22 LSB = 10110, P=0110, L=1 -> 1001 = -1.75.
		{"ap_fixed<4,2,AP_TRN,AP_WRAP_SM>", 5.5, "-1.75", "9", Wrapped},
		// Quirk 2: 3.875 rounds to 4.0 but L comes from floor 15 = 01111 -> 0.
		{"ap_fixed<4,2,AP_RND,AP_WRAP_SM>", 3.875, "0", "0", Rounded | Wrapped},
		{"ap_fixed<4,2,AP_TRN,AP_WRAP_SM>", 4, "-0.25", "f", Wrapped},
		// Quirk 3: AP_SAT_SYM turns an exact min into -max, except for W=1.
		{"ap_fixed<4,2,AP_TRN,AP_SAT_SYM>", -2, "-1.75", "9", Saturated},
		{"ap_fixed<4,2,AP_TRN,AP_SAT_SYM>", -7, "-1.75", "9", Saturated},
		// -3 = -0.75 LSB of 4: floor -1 LSB = min, which W=1 keeps.
		{"ap_fixed<1,3,AP_TRN,AP_SAT_SYM>", -3, "-4", "1", Rounded},
		{"ap_ufixed<4,2,AP_TRN,AP_SAT_SYM>", -1, "0", "0", Saturated},
		// Infinities are ±2^1024.
		{"ap_fixed<2,1,AP_RND_ZERO,AP_WRAP>", math.Inf(1), "0", "0", Wrapped},
		{"ap_fixed<4,3,AP_RND,AP_SAT>", math.Inf(1), "3.5", "7", Saturated},
		{"ap_fixed<4,3,AP_RND,AP_SAT>", math.Inf(-1), "-4", "8", Saturated},
		{"ap_fixed<3,3,AP_RND_INF,AP_WRAP_SM,2>", math.Inf(1), "3", "3", Wrapped},
		// A subnormal is far below 1/2 LSB.
		{"ap_fixed<8,2>", -5e-324, "-0.015625", "ff", Rounded},
		{"ap_fixed<8,2,AP_RND>", -5e-324, "0", "0", Rounded},
		{"ap_fixed<8,2,AP_TRN_ZERO>", -5e-324, "0", "0", Rounded},
		{"ap_fixed<8,2>", math.Copysign(0, -1), "0", "0", 0},
		{"ap_fixed<2,-2>", -0.125, "-0.125", "2", 0},
		// 1 saturates in ap_fixed<60,1> to 1 - 2^-59.
		{"ap_fixed<60,1,AP_RND_CONV,AP_SAT>", 1, "0." + strings.TrimLeft(decimalOf(1, 59, -1), "0."), "7ffffffffffffff", Saturated},
		// Wide: -1 LSB of ap_fixed<100,1> is 25 f digits.
		{"ap_fixed<100,1>", math.Ldexp(-1, -99), "-" + decimalOf(1, 99, 0), strings.Repeat("f", 25), 0},
		{"ap_fixed<200,100,AP_RND_CONV,AP_SAT>", 0.5, "0.5", "8" + strings.Repeat("0", 24), 0},
	}
	for _, tt := range tests {
		ty := MustParse(tt.typ)
		v, fl := FromFloat64(ty, tt.x)
		if v.Text() != tt.text || v.RawBits() != tt.raw || fl != tt.flags {
			t.Errorf("FromFloat64(%s, %v) = %s raw %s %v, want %s raw %s %v",
				tt.typ, tt.x, v.Text(), v.RawBits(), fl, tt.text, tt.raw, tt.flags)
		}
		if v.Type() != ty {
			t.Errorf("FromFloat64(%s) has type %v", tt.typ, v.Type())
		}
	}
}

// decimalOf returns the exact decimal of num * 2^-k + add, for building
// expected strings of wide values by hand: 2^-k = 5^k / 10^k.
func decimalOf(num int64, k int, add int64) string {
	r := new(big.Rat).SetFrac(big.NewInt(num), new(big.Int).Lsh(big.NewInt(1), uint(k)))
	r.Add(r, new(big.Rat).SetInt64(add))
	r.Abs(r)
	return strings.TrimRight(r.FloatString(k), "0")
}

func TestNaN(t *testing.T) {
	v, fl := FromFloat64(MustParse("ap_fixed<8,4>"), math.NaN())
	if v.Text() != "0" || fl != NaN {
		t.Errorf("NaN -> %s %v, want 0 nan", v.Text(), fl)
	}
}

func TestValueAccessors(t *testing.T) {
	v := FromRaw64(MustParse("ap_fixed<12,6>"), -109)
	if v.Text() != "-1.703125" || v.RawBits() != "f93" || v.Float64() != -1.703125 || v.Raw().Int64() != -109 {
		t.Errorf("-109/64: %s %s %v %v", v.Text(), v.RawBits(), v.Float64(), v.Raw())
	}
	if v.String() != "-1.703125 ap_fixed<12,6>" {
		t.Errorf("String = %q", v.String())
	}
	// The pattern form and the signed form name the same value.
	p, err := FromRaw(MustParse("ap_fixed<12,6>"), big.NewInt(0xf93))
	if err != nil || !p.Equal(v) {
		t.Errorf("FromRaw(0xf93) = %v, %v", p, err)
	}
	for _, raw := range []int64{0x1000, -2049} {
		if _, err := FromRaw(MustParse("ap_fixed<12,6>"), big.NewInt(raw)); err == nil {
			t.Errorf("FromRaw(%d) into 12 bits: no error", raw)
		}
	}
	if _, err := FromRaw(MustParse("ap_ufixed<12,6>"), big.NewInt(-1)); err == nil {
		t.Error("FromRaw(-1) into ap_ufixed: no error")
	}
	// FromRaw64 keeps the low W bits: 0x1ff in 8 signed bits is -1.
	if w := FromRaw64(MustParse("ap_int<8>"), 0x1ff); w.Text() != "-1" {
		t.Errorf("FromRaw64 wrap = %s", w.Text())
	}
	// LSB 128: raw 186 is 23808.
	if w := FromRaw64(MustParse("ap_ufixed<9,16>"), 186); w.Text() != "23808" || w.Float64() != 23808 {
		t.Errorf("ap_ufixed<9,16> raw 186 = %s", w.Text())
	}
	// A wide value: 2^70 - 1 LSBs of 2^-3.
	wide := MustParse("ap_ufixed<80,77>")
	raw := new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 70), big.NewInt(1))
	wv, err := FromRaw(wide, raw)
	if err != nil || wv.Text() != "147573952589676412927.875" || wv.RawBits() != "3fffffffffffffffff" {
		t.Errorf("wide value: %s %s %v", wv.Text(), wv.RawBits(), err)
	}
	if got := wv.Float64(); got != math.Ldexp(1, 67) {
		t.Errorf("wide Float64 = %v, want 2^67 (nearest)", got)
	}
	if wv2, _ := FromRaw(wide, raw); !wv.Equal(wv2) || wv.Equal(FromRaw64(wide, 1)) || wv.Equal(v) {
		t.Error("Equal on wide values")
	}
	if _, ok := wv.Raw64(); ok {
		t.Error("Raw64 of an 80-bit value")
	}
}

func TestRanges(t *testing.T) {
	tests := []struct {
		typ           string
		min, max, lsb float64
	}{
		{"ap_fixed<16,6>", -32, 32 - 1.0/1024, 1.0 / 1024},
		{"ap_ufixed<8,3>", 0, 7.96875, 0.03125},
		{"ap_fixed<2,-2>", -0.125, 0.0625, 0.0625},
		{"ap_ufixed<9,16>", 0, 65408, 128},
		{"ap_fixed<1,1>", -1, 0, 1},
		{"ap_uint<4>", 0, 15, 1},
	}
	for _, tt := range tests {
		ty := MustParse(tt.typ)
		if ty.Min() != tt.min || ty.Max() != tt.max || ty.LSB() != tt.lsb {
			t.Errorf("%s: min %v max %v lsb %v, want %v %v %v", tt.typ, ty.Min(), ty.Max(), ty.LSB(), tt.min, tt.max, tt.lsb)
		}
	}
	r64 := []struct {
		typ    string
		lo, hi int64
		ok     bool
	}{
		{"ap_fixed<64,10>", math.MinInt64, math.MaxInt64, true},
		{"ap_ufixed<63,0>", 0, math.MaxInt64, true},
		{"ap_ufixed<64,10>", 0, 0, false},
		{"ap_fixed<65,10>", 0, 0, false},
		{"ap_fixed<4,2>", -8, 7, true},
	}
	for _, tt := range r64 {
		lo, hi, ok := MustParse(tt.typ).RawRange64()
		if lo != tt.lo || hi != tt.hi || ok != tt.ok {
			t.Errorf("%s RawRange64 = %d %d %v", tt.typ, lo, hi, ok)
		}
	}
}

func TestResultTypes(t *testing.T) {
	tests := []struct{ a, b, mul, add, sub string }{
		{"ap_fixed<8,3>", "ap_ufixed<6,2>", "ap_fixed<14,5>", "ap_fixed<9,4>", "ap_fixed<9,4>"},
		{"ap_fixed<1,1>", "ap_ufixed<7,7>", "ap_int<8>", "ap_int<9>", "ap_int<9>"},
		{"ap_ufixed<10,4>", "ap_ufixed<9,5>", "ap_ufixed<19,9>", "ap_ufixed<12,6>", "ap_fixed<12,6>"},
		{"ap_fixed<16,6,AP_RND,AP_SAT>", "ap_fixed<16,6,AP_RND_CONV,AP_SAT_SYM>", "ap_fixed<32,12>", "ap_fixed<17,7>", "ap_fixed<17,7>"},
	}
	for _, tt := range tests {
		a, b := MustParse(tt.a), MustParse(tt.b)
		if got := MulType(a, b).String(); got != tt.mul {
			t.Errorf("%s * %s = %s, want %s", tt.a, tt.b, got, tt.mul)
		}
		if got := AddType(a, b).String(); got != tt.add {
			t.Errorf("%s + %s = %s, want %s", tt.a, tt.b, got, tt.add)
		}
		if got := SubType(a, b).String(); got != tt.sub {
			t.Errorf("%s - %s = %s, want %s", tt.a, tt.b, got, tt.sub)
		}
	}
	if MulType(MustNew(20000, 1, true, Trn, Wrap, 0), MustNew(20000, 1, true, Trn, Wrap, 0)).Valid() {
		t.Error("MulType beyond MaxWidth is valid")
	}
}

func TestArithmetic(t *testing.T) {
	// P3-00315 of the vectors: 1023/64 - 511/16 = -15.953125 in ap_fixed<12,6>.
	a := FromRaw64(MustParse("ap_ufixed<10,4>"), 1023)
	b := FromRaw64(MustParse("ap_ufixed<9,5>"), 511)
	d := Sub(a, b)
	if d.Text() != "-15.953125" || d.Type().String() != "ap_fixed<12,6>" {
		t.Errorf("sub = %v", d)
	}
	if s := Add(a, b); s.Text() != "47.921875" {
		t.Errorf("add = %v", s)
	}
	// 1023*511 / 2^10 = 522753/1024.
	if m := Mul(a, b); m.Text() != "510.5009765625" || m.Type().String() != "ap_ufixed<19,9>" {
		t.Errorf("mul = %v", m)
	}
	if m := Mul(a, b); m.Raw().Int64() != 1023*511 {
		t.Errorf("mul raw = %v", m.Raw())
	}
	// -1 * 108 = -108 in ap_int<8> (P3-00131).
	m := Mul(FromRaw64(MustParse("ap_fixed<1,1>"), -1), FromRaw64(MustParse("ap_ufixed<7,7>"), 108))
	if m.Text() != "-108" || m.RawBits() != "94" {
		t.Errorf("-1*108 = %v raw %s", m, m.RawBits())
	}
	// Wide: (2^99-1) * (2^99-1) LSBs in ap_fixed<200,2>.
	w := MustParse("ap_fixed<100,1>")
	max := new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 99), big.NewInt(1))
	x, _ := FromRaw(w, max)
	p := Mul(x, x)
	if want := new(big.Int).Mul(max, max); p.Raw().Cmp(want) != 0 || p.Type().String() != "ap_fixed<200,2>" {
		t.Errorf("wide product = %v", p)
	}
	if Mul(Value{}, x).Type().Valid() {
		t.Error("product with the zero Value is valid")
	}
}

func TestConvertAbort(t *testing.T) {
	s := FromRaw64(MustParse("ap_fixed<1,1>"), -1)
	_, _, err := s.Convert(MustParse("ap_fixed<127,133,AP_RND_ZERO,AP_SAT_ZERO>"))
	var ae *AbortError
	if !errors.As(err, &ae) {
		t.Fatalf("Convert: err = %v, want an AbortError", err)
	}
	// The same conversion with AP_TRN reads no rounding bit and works:
	// -1 is -1/64 LSB, floor -1 LSB = -64.
	v, fl, err := s.Convert(MustParse("ap_fixed<127,133,AP_TRN,AP_SAT_ZERO>"))
	if err != nil || v.Text() != "-64" || fl != Rounded {
		t.Errorf("TRN: %v %v %v", v, fl, err)
	}
	// An unsigned source with AP_TRN_ZERO does not abort either.
	u := FromRaw64(MustParse("ap_ufixed<2,-6>"), 3)
	if _, _, err := u.Convert(MustParse("ap_fixed<8,8,AP_TRN_ZERO>")); err != nil {
		t.Errorf("unsigned TRN_ZERO: %v", err)
	}
	if _, _, err := u.Convert(MustParse("ap_fixed<8,8,AP_RND>")); err == nil {
		t.Error("unsigned RND with all bits below the rounding bit: no error")
	}
}

func TestIntOps(t *testing.T) {
	conv := func(from string, raw int64, to string) string {
		v, err := FromRaw64(MustParse(from), raw).ToInt(MustParse(to))
		if err != nil {
			t.Fatalf("ToInt: %v", err)
		}
		return v.RawBits()
	}
	// -91/8 = -11.375 -> -11 -> ap_uint<2>: 0b01.
	if got := conv("ap_fixed<10,7>", -91, "ap_uint<2>"); got != "1" {
		t.Errorf("-11.375 -> ap_uint<2> = %s", got)
	}
	// Quirk 4: I = 0, -0.5 -> -1 (43 ones).
	if got := conv("ap_fixed<12,0>", -2048, "ap_int<43>"); got != "7ffffffffff" {
		t.Errorf("I=0 -0.5 -> %s", got)
	}
	if got := conv("ap_fixed<12,0>", 2047, "ap_int<8>"); got != "0" {
		t.Errorf("I=0 positive -> %s", got)
	}
	if got := conv("ap_fixed<8,-2>", -5, "ap_int<8>"); got != "0" {
		t.Errorf("I<0 -> %s, want the documented 0", got)
	}
	// ap_fixed<8,9> raw -127 is -254 -> ap_int<12> 0xf02.
	if got := conv("ap_fixed<8,9>", -127, "ap_int<12>"); got != "f02" {
		t.Errorf("I>W -> %s", got)
	}
	if _, err := FromRaw64(MustParse("ap_int<8>"), 1).ToInt(MustParse("ap_fixed<8,4>")); err == nil {
		t.Error("ToInt into a fractional type: no error")
	}
	s := FromRaw64(MustParse("ap_ufixed<11,6>"), 0x6af)
	if s.Shl(2).RawBits() != "2bc" || s.Shr(2).RawBits() != "1ab" || s.Shl(-2).RawBits() != "1ab" {
		t.Errorf("shifts: %s %s", s.Shl(2).RawBits(), s.Shr(2).RawBits())
	}
	n := FromRaw64(MustParse("ap_int<8>"), -128)
	if n.Shr(3).Text() != "-16" || n.Shl(1).Text() != "0" || n.Shr(100).Text() != "-1" {
		t.Errorf("signed shifts: %s %s %s", n.Shr(3).Text(), n.Shl(1).Text(), n.Shr(100).Text())
	}
	r, err := FromRaw64(MustParse("ap_ufixed<33,29>"), 0x68828908).Range(30, 11)
	if err != nil || r.RawBits() != "d1051" || r.Type().String() != "ap_uint<20>" {
		t.Errorf("range = %v %s %v", r, r.RawBits(), err)
	}
	if _, err := n.Range(8, 0); err == nil {
		t.Error("range beyond the width: no error")
	}
}

func TestFlagsString(t *testing.T) {
	if s := (Rounded | Saturated).String(); s != "rounded|saturated" {
		t.Errorf("%q", s)
	}
	if s := Flags(0).String(); s != "exact" {
		t.Errorf("%q", s)
	}
	if !(Rounded | Wrapped).Has(Overflowed) || Rounded.Has(Overflowed) {
		t.Error("Has")
	}
}
