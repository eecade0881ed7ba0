// This file implements the fuzz tests of the type parser and of float64
// conversion. Without -fuzz they run on their seeds as ordinary tests.

package fixed

import (
	"errors"
	"math"
	"math/big"
	"testing"
)

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"ap_fixed<16,6>", "ap_fixed<16,6,AP_RND_CONV,AP_SAT>", "ap_ufixed<8,0,AP_RND,AP_SAT,0>",
		"ap_int<8>", "uint<4>", "fixed<16,6,RND_CONV,SAT>", " ufixed < 8 , -3 > ", "ap_fixed<16>",
		"ap_fixed<4,2,AP_TRN,AP_WRAP_SM,2>", "ap_fixed<1,1,", "int<>",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ty, err := Parse(s)
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) || pe.Col < 1 || pe.Col > len(s)+1 {
				t.Fatalf("Parse(%q): error %v has no column inside the input", s, err)
			}
			return
		}
		for _, spelling := range []string{ty.String(), ty.HLS4ML()} {
			back, err := Parse(spelling)
			if err != nil || back != ty {
				t.Fatalf("Parse(%q) = %v; Parse(%q) = %v, %v", s, ty, spelling, back, err)
			}
		}
	})
}

func FuzzFromFloat64(f *testing.F) {
	f.Add(16, 6, true, uint8(RndConv), uint8(Sat), 0, 1.3)
	f.Add(4, 2, true, uint8(Rnd), uint8(WrapSM), 0, 3.875)
	f.Add(4, 2, false, uint8(Trn), uint8(Wrap), 1, -2.0)
	f.Add(4, 2, true, uint8(Trn), uint8(SatSym), 0, -2.0)
	f.Add(60, 1, true, uint8(RndConv), uint8(Sat), 0, 1.0)
	f.Add(100, 1, true, uint8(RndInf), uint8(WrapSM), 3, math.Inf(-1))
	f.Add(8, -3, false, uint8(RndZero), uint8(SatZero), 0, 5e-324)
	f.Fuzz(func(t *testing.T, w, i int, signed bool, q, o uint8, n int, x float64) {
		w = 1 + abs(w)%130
		i = abs(i)%300 - 150
		n = abs(n) % (w + 1)
		ty, err := New(w, i, signed, Rounding(q%uint8(numRoundings)), Overflow(o%uint8(numOverflows)), n)
		if err != nil {
			return
		}
		v, fl := FromFloat64(ty, x)
		if math.IsNaN(x) {
			if fl != NaN || v.Raw().Sign() != 0 {
				t.Fatalf("NaN into %v = %v %v", ty, v, fl)
			}
			return
		}
		raw := v.Raw()
		if raw.Cmp(ty.rawMin()) < 0 || raw.Cmp(ty.rawMax()) > 0 {
			t.Fatalf("%v of %v: raw %v outside the range", ty, x, raw)
		}
		// A value on the grid and in range is taken over unchanged (except an
		// exact minimum under AP_SAT_SYM).
		if r, ok := onGrid(x, ty); ok && r.Cmp(ty.rawMin()) >= 0 && r.Cmp(ty.rawMax()) <= 0 &&
			!(ty.Overflow() == SatSym && signed && w > 1 && r.Cmp(ty.rawMin()) == 0) {
			if raw.Cmp(r) != 0 || fl != 0 {
				t.Fatalf("%v of on-grid %v = raw %v %v, want raw %v exact", ty, x, raw, fl, r)
			}
		}
		// Saturating modes clamp to the nearest end.
		if ty.Overflow() == Sat && fl.Has(Saturated) {
			want := ty.rawMax()
			if x < 0 {
				want = ty.rawMin()
				if !signed {
					want = new(big.Int)
				}
			}
			if raw.Cmp(want) != 0 {
				t.Fatalf("%v of %v saturated to %v, want %v", ty, x, raw, want)
			}
		}
		if ty.Overflow().saturating() && fl.Has(Wrapped) || !ty.Overflow().saturating() && fl.Has(Saturated) {
			t.Fatalf("%v of %v: flags %v do not match the mode", ty, x, fl)
		}
		// The int64 paths agree with the big path.
		if fc, err := NewFloatCast64(ty); err == nil {
			got, gfl := fc.Apply(x)
			m, e := floatParts(x)
			want, wfl := quantize(big.NewInt(m), e, ty)
			if got != want.Int64() || gfl != wfl || got != raw.Int64() || gfl != fl {
				t.Fatalf("FloatCast64(%v).Apply(%v) = %d %v, big path %v %v", ty, x, got, gfl, want, wfl)
			}
			// Narrow the result further through Cast64.
			to, err := New(max(1, w-3), i-1, signed, ty.Rounding(), ty.Overflow(), min(n, max(1, w-3)))
			if err == nil {
				if c, err := NewCast64(ty.FracBits(), to); err == nil {
					got, gfl := c.Apply(raw.Int64())
					want, wfl := quantize(raw, -ty.FracBits(), to)
					if got != want.Int64() || gfl != wfl {
						t.Fatalf("Cast64(%v -> %v).Apply(%v) = %d %v, big path %v %v", ty, to, raw, got, gfl, want, wfl)
					}
				}
			}
		}
	})
}

// onGrid returns x / LSB when it is an integer (x finite).
func onGrid(x float64, t Type) (*big.Int, bool) {
	if math.IsInf(x, 0) {
		return nil, false
	}
	b := new(big.Float).SetFloat64(x)
	b.SetMantExp(b, t.FracBits())
	if !b.IsInt() {
		return nil, false
	}
	r, _ := b.Int(nil)
	return r, true
}

func abs(x int) int {
	if x < 0 {
		return -(x + 1)
	}
	return x
}
