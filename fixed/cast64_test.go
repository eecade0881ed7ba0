// This file implements the tests that hold the int64 path (Cast64,
// FloatCast64, and the inline paths of Convert and FromFloat64) to the
// math/big reference quantize, on random inputs.

package fixed

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"
)

// randType returns a random type whose raw range fits in an int64.
func randType(r *rand.Rand) Type {
	signed := r.IntN(2) == 0
	maxW := 63
	if signed {
		maxW = 64
	}
	w := 1 + r.IntN(maxW)
	if r.IntN(4) == 0 {
		w = maxW - r.IntN(3) // the edges of the int64 path
	}
	i := r.IntN(w+41) - 20
	q := Rounding(r.IntN(int(numRoundings)))
	o := Overflow(r.IntN(int(numOverflows)))
	if !signed && o == WrapSM {
		o = Wrap
	}
	n := 0
	if r.IntN(2) == 0 {
		n = r.IntN(w + 1)
	}
	return MustNew(w, i, signed, q, o, n)
}

// randRaw returns a random int64 of random magnitude, often an edge value.
func randRaw(r *rand.Rand) int64 {
	switch r.IntN(10) {
	case 0:
		return []int64{0, 1, -1, math.MinInt64, math.MaxInt64, math.MinInt64 + 1, 2, -2}[r.IntN(8)]
	case 1:
		return int64(1) << r.IntN(63) * int64(1-2*r.IntN(2))
	}
	x := int64(r.Uint64())
	return x >> r.IntN(64)
}

func TestCast64MatchesReference(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 1500 {
		dst := randType(r)
		srcFrac := r.IntN(140) - 40
		c, err := NewCast64(srcFrac, dst)
		if err != nil {
			t.Fatal(err)
		}
		for range 40 {
			raw := randRaw(r)
			got, gfl := c.Apply(raw)
			want, wfl := quantize(big.NewInt(raw), -srcFrac, dst)
			if got != want.Int64() || gfl != wfl {
				t.Fatalf("Cast64(%d frac bits -> %v).Apply(%d) = %d %v, want %v %v", srcFrac, dst, raw, got, gfl, want, wfl)
			}
		}
	}
}

// TestConvertPathsAgree checks Value.Convert between int64-sized types
// (its inline path) against the reference, including abort reporting.
func TestConvertPathsAgree(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for range 20000 {
		src, dst := randType(r), randType(r)
		lo, hi, _ := src.RawRange64()
		raw := randRaw(r)
		if raw < lo || raw > hi {
			raw = lo + int64(uint64(raw)%(uint64(hi-lo)+1))
		}
		v := FromRaw64(src, raw)
		got, gfl, err := v.Convert(dst)
		want, wfl := quantize(big.NewInt(raw), -src.FracBits(), dst)
		if got.Raw().Cmp(want) != 0 || gfl != wfl {
			t.Fatalf("%v raw %d -> %v: got %v %v, want %v %v", src, raw, dst, got.Raw(), gfl, want, wfl)
		}
		if (err != nil) != aborts(src, dst) {
			t.Fatalf("%v -> %v: err %v", src, dst, err)
		}
	}
}

// randFloat returns a random non-NaN float64: random bit patterns (all
// exponents, subnormals, infinities) and values near a small grid.
func randFloat(r *rand.Rand) float64 {
	switch r.IntN(4) {
	case 0:
		for {
			x := math.Float64frombits(r.Uint64())
			if !math.IsNaN(x) {
				return x
			}
		}
	case 1:
		return []float64{0, math.Copysign(0, -1), math.Inf(1), math.Inf(-1), math.MaxFloat64, -math.MaxFloat64,
			math.SmallestNonzeroFloat64, -math.SmallestNonzeroFloat64, 0.5, -0.5}[r.IntN(10)]
	}
	// k/8 LSB-ish values around ties and range edges.
	return math.Ldexp(float64(r.IntN(1<<12)-1<<11)/8, r.IntN(80)-40)
}

func TestFloatCast64MatchesReference(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for range 1500 {
		dst := randType(r)
		c, err := NewFloatCast64(dst)
		if err != nil {
			t.Fatal(err)
		}
		for range 40 {
			x := randFloat(r)
			got, gfl := c.Apply(x)
			m, e := floatParts(x)
			want, wfl := quantize(big.NewInt(m), e, dst)
			if got != want.Int64() || gfl != wfl {
				t.Fatalf("FloatCast64(%v).Apply(%v) = %d %v, want %v %v", dst, x, got, gfl, want, wfl)
			}
			if v, vfl := FromFloat64(dst, x); v.Raw().Cmp(want) != 0 || vfl != wfl {
				t.Fatalf("FromFloat64(%v, %v) = %v %v, want %v %v", dst, x, v.Raw(), vfl, want, wfl)
			}
		}
	}
}

func TestCast64Errors(t *testing.T) {
	if _, err := NewCast64(0, MustParse("ap_ufixed<64,10>")); err == nil {
		t.Error("NewCast64 into ap_ufixed<64,...>: no error")
	}
	if _, err := NewCast64(0, Type{}); err == nil {
		t.Error("NewCast64 into the zero Type: no error")
	}
	if _, err := NewFloatCast64(MustParse("ap_fixed<65,10>")); err == nil {
		t.Error("NewFloatCast64 into ap_fixed<65,...>: no error")
	}
	if _, err := NewCast64(0, MustParse("ap_fixed<64,10>")); err != nil {
		t.Errorf("NewCast64 into ap_fixed<64,10>: %v", err)
	}
}

func TestInt64PathAllocations(t *testing.T) {
	c, _ := NewCast64(20, MustParse("ap_fixed<16,6,AP_RND_CONV,AP_SAT>"))
	fc, _ := NewFloatCast64(MustParse("ap_fixed<16,6,AP_RND_CONV,AP_SAT>"))
	var sink int64
	if n := testing.AllocsPerRun(100, func() {
		a, _ := c.Apply(123456789)
		b, _ := fc.Apply(-3.14159)
		sink += a + b
	}); n != 0 {
		t.Errorf("int64 path allocates %v times per call", n)
	}
	_ = sink
}

// TestCast64FastPaths aims random inputs at Apply's special cases
// (AP_TRN/AP_WRAP and AP_RND_CONV/AP_SAT narrowings by 0..63 bits).
func TestCast64FastPaths(t *testing.T) {
	r := rand.New(rand.NewPCG(15, 16))
	modes := []struct {
		q Rounding
		o Overflow
	}{{Trn, Wrap}, {RndConv, Sat}}
	for it := range 3000 {
		m := modes[it%2]
		dst := randType(r).WithModes(m.q, m.o, 0)
		srcFrac := dst.FracBits() + r.IntN(64)
		c, err := NewCast64(srcFrac, dst)
		if err != nil {
			t.Fatal(err)
		}
		if c.kind == castGeneral {
			t.Fatalf("Cast64(%d -> %v) takes the general path", srcFrac, dst)
		}
		for range 20 {
			raw := randRaw(r)
			got, gfl := c.Apply(raw)
			want, wfl := quantize(big.NewInt(raw), -srcFrac, dst)
			if got != want.Int64() || gfl != wfl {
				t.Fatalf("Cast64(%d frac bits -> %v).Apply(%d) = %d %v, want %v %v", srcFrac, dst, raw, got, gfl, want, wfl)
			}
		}
	}
}
