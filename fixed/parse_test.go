// This file implements the tests of type parsing and printing.

package fixed

import (
	"strings"
	"testing"
)

func TestParseSpellings(t *testing.T) {
	tests := []struct {
		in                string
		w, i              int
		signed            bool
		q                 Rounding
		o                 Overflow
		n                 int
		canonical, hls4ml string
	}{
		{"ap_fixed<16,6>", 16, 6, true, Trn, Wrap, 0, "ap_fixed<16,6>", "fixed<16,6>"},
		{"ap_fixed<16,6,AP_RND_CONV,AP_SAT>", 16, 6, true, RndConv, Sat, 0, "ap_fixed<16,6,AP_RND_CONV,AP_SAT>", "fixed<16,6,RND_CONV,SAT>"},
		{"ap_ufixed<8,0,AP_RND,AP_SAT,0>", 8, 0, false, Rnd, Sat, 0, "ap_ufixed<8,0,AP_RND,AP_SAT>", "ufixed<8,0,RND,SAT>"},
		{"ap_int<8>", 8, 8, true, Trn, Wrap, 0, "ap_int<8>", "int<8>"},
		{"ap_uint<4>", 4, 4, false, Trn, Wrap, 0, "ap_uint<4>", "uint<4>"},
		{"fixed<16,6,RND_CONV,SAT>", 16, 6, true, RndConv, Sat, 0, "ap_fixed<16,6,AP_RND_CONV,AP_SAT>", "fixed<16,6,RND_CONV,SAT>"},
		{"ufixed<8,3>", 8, 3, false, Trn, Wrap, 0, "ap_ufixed<8,3>", "ufixed<8,3>"},
		{"int<8>", 8, 8, true, Trn, Wrap, 0, "ap_int<8>", "int<8>"},
		{"uint<4>", 4, 4, false, Trn, Wrap, 0, "ap_uint<4>", "uint<4>"},
		{" ap_fixed < 16 , 6 , AP_RND_CONV , AP_SAT > ", 16, 6, true, RndConv, Sat, 0, "ap_fixed<16,6,AP_RND_CONV,AP_SAT>", "fixed<16,6,RND_CONV,SAT>"},
		{"ap_fixed<4,2,AP_TRN,AP_WRAP,2>", 4, 2, true, Trn, Wrap, 2, "ap_fixed<4,2,AP_TRN,AP_WRAP,2>", "fixed<4,2,TRN,WRAP,2>"},
		{"ap_fixed<4,2,AP_RND>", 4, 2, true, Rnd, Wrap, 0, "ap_fixed<4,2,AP_RND>", "fixed<4,2,RND>"},
		{"ap_fixed<4,2,AP_TRN,AP_SAT_SYM>", 4, 2, true, Trn, SatSym, 0, "ap_fixed<4,2,AP_TRN,AP_SAT_SYM>", "fixed<4,2,TRN,SAT_SYM>"},
		{"ap_fixed<2,-2>", 2, -2, true, Trn, Wrap, 0, "ap_fixed<2,-2>", "fixed<2,-2>"},
		{"ap_ufixed<9,16,AP_RND_CONV,AP_SAT>", 9, 16, false, RndConv, Sat, 0, "ap_ufixed<9,16,AP_RND_CONV,AP_SAT>", "ufixed<9,16,RND_CONV,SAT>"},
		{"ap_fixed<8,8>", 8, 8, true, Trn, Wrap, 0, "ap_int<8>", "int<8>"},
		{"fixed<3,3,rnd_inf,wrap_sm,2>", 3, 3, true, RndInf, WrapSM, 2, "ap_fixed<3,3,AP_RND_INF,AP_WRAP_SM,2>", "fixed<3,3,RND_INF,WRAP_SM,2>"},
		{"ap_fixed<1024,12,AP_RND_MIN_INF,AP_SAT_ZERO>", 1024, 12, true, RndMinInf, SatZero, 0, "ap_fixed<1024,12,AP_RND_MIN_INF,AP_SAT_ZERO>", "fixed<1024,12,RND_MIN_INF,SAT_ZERO>"},
		{"ap_fixed<10,4,AP_TRN_ZERO,AP_SAT,3>", 10, 4, true, TrnZero, Sat, 3, "ap_fixed<10,4,AP_TRN_ZERO,AP_SAT,3>", "fixed<10,4,TRN_ZERO,SAT,3>"},
	}
	for _, tt := range tests {
		ty, err := Parse(tt.in)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.in, err)
			continue
		}
		if ty.Width() != tt.w || ty.IntBits() != tt.i || ty.Signed() != tt.signed || ty.Rounding() != tt.q ||
			ty.Overflow() != tt.o || ty.SatBits() != tt.n || ty.FracBits() != tt.w-tt.i || !ty.Valid() {
			t.Errorf("Parse(%q) = <%d,%d,%v,%v,%v,%d>, want <%d,%d,%v,%v,%v,%d>", tt.in,
				ty.Width(), ty.IntBits(), ty.Signed(), ty.Rounding(), ty.Overflow(), ty.SatBits(),
				tt.w, tt.i, tt.signed, tt.q, tt.o, tt.n)
		}
		if got := ty.String(); got != tt.canonical {
			t.Errorf("Parse(%q).String() = %q, want %q", tt.in, got, tt.canonical)
		}
		if got := ty.HLS4ML(); got != tt.hls4ml {
			t.Errorf("Parse(%q).HLS4ML() = %q, want %q", tt.in, got, tt.hls4ml)
		}
		for _, s := range []string{ty.String(), ty.HLS4ML()} {
			if back, err := Parse(s); err != nil || back != ty {
				t.Errorf("Parse(%q) = %v, %v; want %v", s, back, err, ty)
			}
		}
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct{ in, want string }{
		{"ap_fixed<16>", "column 12: missing integer bits"},
		{"", "column 1: empty type"},
		{"   ", "empty type"},
		{"ap_fixed", `column 9: expected '<' after "ap_fixed"`},
		{"ap_fixed<", "column 10: missing width"},
		{"ap_fixed<>", "column 10: missing width"},
		{"ap_fixed<,6>", "column 10: missing width"},
		{"ap_fixed<16,6", "column 14: missing '>'"},
		{"ap_fixed<16,>", "column 13: missing integer bits"},
		{"ap_fixed<16,6>x", `column 15: unexpected "x" after the type`},
		{"foo<1,2>", `column 1: unknown type name "foo"`},
		{"<1,2>", `expected a type name, found "<"`},
		{"ap_fixed<0,1>", "column 10: width 0 out of range 1..32768"},
		{"ap_fixed<40000,1>", "width 40000 out of range"},
		{"ap_fixed<16,100000>", "column 13: integer bits 100000 out of range"},
		{"ap_fixed<16,6,AP_SAT>", `column 15: "AP_SAT" is an overflow mode`},
		{"ap_fixed<16,6,AP_RND,AP_RND>", `column 22: "AP_RND" is a rounding mode`},
		{"ap_fixed<16,6,AP_ROUND>", `column 15: unknown rounding mode "AP_ROUND"`},
		{"ap_fixed<16,6,AP_RND,SATURATE>", `unknown overflow mode "SATURATE"`},
		{"ap_fixed<a,6>", `column 10: width "a" is not an integer`},
		{"ap_fixed<16;6>", `width "16;6" is not an integer`},
		{"ap_fixed<16,6.5>", `integer bits "6.5" is not an integer`},
		{"ap_fixed<99999999999999999999,1>", "width 99999999999999999999 is out of range"},
		{"ap_int<8,3>", "column 10: ap_int takes one parameter (the width)"},
		{"ap_uint<>", "missing width"},
		{"ap_fixed<16,6,AP_TRN,AP_WRAP,2,3>", "column 32: too many parameters: ap_fixed takes at most 5"},
		{"ap_ufixed<8,2,AP_TRN,AP_WRAP_SM>", "column 22: AP_WRAP_SM needs a signed type"},
		{"ap_fixed<4,2,AP_TRN,AP_WRAP,5>", "column 29: saturation bits 5 out of range 0..4"},
		{"ap_fixed<4,2,AP_TRN,AP_WRAP,-1>", "saturation bits -1 out of range"},
		{"ap_fixed<16 6>", "unexpected \"6\" in parameter list"},
	}
	for _, tt := range tests {
		ty, err := Parse(tt.in)
		if err == nil {
			t.Errorf("Parse(%q) = %v, want an error containing %q", tt.in, ty, tt.want)
			continue
		}
		if !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Parse(%q) error = %q, want it to contain %q", tt.in, err, tt.want)
		}
		if !strings.Contains(err.Error(), `type "`) {
			t.Errorf("Parse(%q) error = %q does not quote the input", tt.in, err)
		}
		if ty.Valid() {
			t.Errorf("Parse(%q) returned a valid type with an error", tt.in)
		}
	}
}

func TestModeNames(t *testing.T) {
	for q := Trn; q < numRoundings; q++ {
		for _, s := range []string{q.String(), q.HLS4ML(), strings.ToLower(q.HLS4ML())} {
			if got, err := ParseRounding(s); err != nil || got != q {
				t.Errorf("ParseRounding(%q) = %v, %v; want %v", s, got, err, q)
			}
		}
	}
	for o := Wrap; o < numOverflows; o++ {
		for _, s := range []string{o.String(), o.HLS4ML()} {
			if got, err := ParseOverflow(s); err != nil || got != o {
				t.Errorf("ParseOverflow(%q) = %v, %v; want %v", s, got, err, o)
			}
		}
	}
	if RndConv.String() != "AP_RND_CONV" || SatSym.HLS4ML() != "SAT_SYM" || Rounding(9).String() != "Rounding(9)" {
		t.Errorf("mode spellings: %v %v %v", RndConv, SatSym.HLS4ML(), Rounding(9))
	}
}

func TestZeroTypeInvalid(t *testing.T) {
	var z Type
	if z.Valid() || z.String() != "invalid" {
		t.Errorf("zero Type: Valid %v, String %q", z.Valid(), z.String())
	}
	if z == MustParse("ap_fixed<16,6>") {
		t.Error("zero Type equals ap_fixed<16,6>")
	}
	if _, _, ok := z.RawRange64(); ok {
		t.Error("zero Type has a raw range")
	}
	if u := MustParse("ap_ufixed<8,3>").WithModes(Trn, WrapSM, 0); u.Valid() {
		t.Errorf("unsigned WithModes(WrapSM) = %v, want invalid", u)
	}
	m := map[Type]int{MustParse("ap_fixed<16,6>"): 1}
	if m[MustParse("fixed<16,6,TRN,WRAP,0>")] != 1 {
		t.Error("equal types are not the same map key")
	}
}
