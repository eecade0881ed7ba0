// This file tests the inlined conversions of fastcast.go against package fixed's own.

package ops

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/nnhls/nnhls/fixed"
)

// TestTrnWrapMatchesCast64 compares the inlined conversion with fixed's
// Cast64 on random raw values, for shifts and widths around the usual
// types, including values far outside the destination range.
func TestTrnWrapMatchesCast64(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for _, c := range []struct {
		src int
		dst string
	}{{10, "fixed<16,6>"}, {20, "fixed<16,6>"}, {20, "fixed<37,17>"}, {12, "ufixed<8,2>"}, {6, "fixed<6,0>"}, {0, "int<8>"}} {
		dst := fixed.MustParse(c.dst)
		tw := newTrnWrap(c.src, dst)
		if !tw.ok {
			t.Fatalf("%v from F=%d: fast path not taken", dst, c.src)
		}
		ref, _ := fixed.NewCast64(c.src, dst)
		for range 10000 {
			v := r.Int64N(1<<44) - 1<<43
			want, _ := ref.Apply(v)
			if got := tw.apply(v); got != want {
				t.Fatalf("%v from F=%d: %d → %d, Cast64 gives %d", dst, c.src, v, got, want)
			}
		}
	}
	if newTrnWrap(10, fixed.MustParse("fixed<16,6,RND,WRAP>")).ok || newTrnWrap(4, fixed.MustParse("fixed<16,6>")).ok {
		t.Error("fast path taken for a rounding mode or a left shift")
	}
}

// TestInputCastMatchesFloatCast64 compares the input fast path with
// FloatCast64, including ties, huge values, negative zero and NaN.
func TestInputCastMatchesFloatCast64(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	for _, s := range []string{"fixed<16,6>", "ufixed<8,3>", "fixed<18,8,RND,SAT>", "fixed<8,10>"} {
		ty := fixed.MustParse(s)
		ic, err := NewInputCast(ty)
		if err != nil {
			t.Fatal(err)
		}
		ref, _ := fixed.NewFloatCast64(ty)
		xs := []float64{0, math.Copysign(0, -1), 1e300, -1e300, math.NaN(), math.Inf(1), 31.9990234375, -32, 32, 0.00048828125}
		for range 10000 {
			xs = append(xs, r.NormFloat64()*20)
		}
		for _, x := range xs {
			want, _ := ref.Apply(x)
			if got := ic.Raw(x); got != want {
				t.Fatalf("%v: %v → %d, FloatCast64 gives %d", ty, x, got, want)
			}
		}
	}
}
