// This file tests the table builders and the two indexing schemes with
// values computed by hand (docs/hls4ml-activations.md §2–§4).

package ops

import (
	"testing"

	"github.com/nnhls/nnhls/fixed"
)

var (
	tFixed18_8    = fixed.MustParse("fixed<18,8>")
	tFixed18_8RS  = fixed.MustParse("fixed<18,8,RND,SAT>")
	tFixed16_6    = fixed.MustParse("fixed<16,6>")
	tUfixed15_5   = fixed.MustParse("ufixed<15,5>")
	tUfixed37_17  = fixed.MustParse("ufixed<37,17>")
	tFixed38_18   = fixed.MustParse("fixed<38,18>")
	tFixed8_3     = fixed.MustParse("fixed<8,3>")
	tFixed8_4     = fixed.MustParse("fixed<8,4>")
	tUfixed8_0    = fixed.MustParse("ufixed<8,0>")
	tFixed4_2     = fixed.MustParse("fixed<4,2>")
	tApUint1      = fixed.MustParse("ap_uint<1>")
	tFixed4_4SAT  = fixed.MustParse("ap_fixed<4,4,AP_TRN,AP_SAT>")
	tFixed6_3     = fixed.MustParse("fixed<6,3>")
	tFixed16_6RCS = fixed.MustParse("fixed<16,6,RND_CONV,SAT>")
)

func TestLog2(t *testing.T) {
	for _, c := range []struct{ n, ceil, floor int }{
		{1, 1, 0}, {2, 1, 1}, {3, 2, 1}, {4, 2, 2}, {5, 3, 2}, {1000, 10, 9}, {1024, 10, 10}, {1025, 11, 10},
	} {
		if got := ceilLog2(c.n); got != c.ceil {
			t.Errorf("ceilLog2(%d) = %d, want %d", c.n, got, c.ceil)
		}
		if got := floorLog2(c.n); got != c.floor {
			t.Errorf("floorLog2(%d) = %d, want %d", c.n, got, c.floor)
		}
	}
}

func TestSliceIndexAndValue(t *testing.T) {
	// The top 3 of 8 bits: raw -1 is 0b11111111 → 7; 37 = 0b00100101 → 1.
	for _, c := range []struct {
		raw      int64
		w, n, ix int
	}{{-1, 8, 3, 7}, {37, 8, 3, 1}, {-128, 8, 3, 4}, {127, 8, 3, 3}, {5 << 27, 37, 10, 5}} {
		if got := sliceIndex(c.raw, c.w, c.n); got != c.ix {
			t.Errorf("sliceIndex(%d, %d, %d) = %d, want %d", c.raw, c.w, c.n, got, c.ix)
		}
	}
	// Bin 5 of ufixed<37,17> with 10 address bits starts at 5·128 = 640;
	// bin 4 of fixed<8,3> (3 bits) is raw 0b10000000 = −128 → −4.0.
	if got := sliceValue(5, tUfixed37_17, 10); got != 640 {
		t.Errorf("sliceValue(5, ufixed<37,17>, 10) = %g, want 640", got)
	}
	if got := sliceValue(4, tFixed8_3, 3); got != -4 {
		t.Errorf("sliceValue(4, fixed<8,3>, 3) = %g, want -4", got)
	}
}

func TestTruncIndexAsymmetric(t *testing.T) {
	// sigmoid, N = 1024, input fixed<16,6> (F = 10): index = trunc0(raw·1024/(16·1024)) + 512.
	ix := newTruncIndexer(1024, 16, 512, 10, 16)
	for _, c := range []struct {
		raw  int64
		want int32
	}{
		{-11, 512}, // −0.6875 → 0: the bin around 0 is two bins wide
		{-16, 511}, // exactly −1
		{-17, 511}, // −1.0625 → −1, where floor would give −2
		{15, 512}, {16, 513},
		{-32768, -1536}, // −32 → −2048 + 512 (clamped later)
		{32767, 2559},   // 2047.9375 → 2047
	} {
		if got := ix.index(c.raw); got != c.want {
			t.Errorf("index(%d) = %d, want %d", c.raw, got, c.want)
		}
	}
	if clampIndex(-1536, 1024) != 0 || clampIndex(2559, 1024) != 1023 {
		t.Error("clampIndex does not clamp")
	}
	// The slow path (negative fractional bits) agrees: fixed<8,10> has F = −2.
	slow := newTruncIndexer(1024, 16, 512, -2, 8)
	if slow.fast {
		t.Fatal("expected the big.Int path")
	}
	if got := slow.index(-3); got != 512-768 { // −12·64 = −768
		t.Errorf("slow index(-3) = %d, want %d", got, 512-768)
	}
}

func TestFuncTablesByHand(t *testing.T) {
	// Entries of the 1024-entry tables in fixed<18,8> (TRN), as raw values
	// (value·1024), computed by hand.
	for _, c := range []struct {
		f    TableFunc
		i    int
		want int64
	}{
		{TableSigmoid, 512, 512},   // σ(0) = 0.5
		{TableSigmoid, 0, 0},       // σ(−8) = 3.35e-4 → 0.343 → 0
		{TableSigmoid, 1023, 1023}, // σ(7.984375) = 0.9996594 → 1023.65
		{TableSigmoid, 511, 508},   // σ(−0.015625) = 0.49609383 → 508.00008
		{TableTanh, 512, 0},
		{TableTanh, 768, 987},  // tanh(2) = 0.9640276 → 987.16
		{TableTanh, 256, -988}, // tanh(−2) → −987.16 → floor −988
		{TableSoftsign, 576, 512},
		{TableSoftsign, 448, -512},
		{TableSoftplus, 512, 709}, // log 2 = 0.6931472 → 709.78
		{TableElu, 0, 0},          // e^0 − 1
		{TableElu, 128, -648},     // e^−1 − 1 = −0.6321206 → −647.29 → −648
		{TableSelu, 128, -1139},   // λα(e^−1 − 1) = 1.7580993·(−0.6321206) = −1.1113307 → −1138.003
		{TableSelu, 1023, -1800},  // x = −7.9921875: 1.7580993·(3.380937e-4 − 1) = −1.7575049 → −1799.69
	} {
		tab, err := FuncTable(c.f, 1024, tFixed18_8)
		if err != nil {
			t.Fatal(err)
		}
		if len(tab.Uncertain) != 0 {
			t.Errorf("table %d: uncertain entries %v", c.f, tab.Uncertain)
		}
		if got := tab.Raw[c.i]; got != c.want {
			t.Errorf("table %d entry %d = %d, want %d", c.f, c.i, got, c.want)
		}
	}
}
