// This file implements hand-computed tests for the Apply paths the QKeras
// conformance vectors do not reach: use_sigmoid with a negative slope, po2
// boundaries and floor rounding, the quadratic approximation's half
// exponent clip, use_01 with an auto scale, per-element auto_po2 scales of
// 1-D tensors, qnoise_factor, HGQ fixed point, and errors. Each expected
// value is worked out in its comment.

package quant

import (
	"math"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func mustParse(t *testing.T, s string) *Spec {
	t.Helper()
	spec, err := ParseConfig(s)
	if err != nil {
		t.Fatal(err)
	}
	return spec
}

// sameBits compares float64 slices bit for bit (so -0 ≠ +0).
func sameBits(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Float64bits(a[i]) != math.Float64bits(b[i]) {
			return false
		}
	}
	return true
}

func TestApplyHandComputed(t *testing.T) {
	negZero := math.Copysign(0, -1)
	cases := []struct {
		q         string
		kernel    bool
		shape     []int
		x, y      []float64
		wantScale []float64
	}{
		// quantized_relu(4,0,1,0.5): n = 3, m = 8. x=0.5: hs = 0.75, p = 6,
		// 2·6/8 − 1 = 0.5; negative part 2·rne(3)/4 − 1 = 0.5 clips to 0.
		// x=−1: hs = 0, positive part clips to 0, negative part
		// 2·0 − 1 = −1, times ns = −0.5.
		{q: "quantized_relu(4,0,1,0.5)", x: []float64{0.5, -1}, y: []float64{0.5, -0.5}},
		// quantized_po2(5): emin = −8, emax = 7; log-domain rounding puts
		// the boundary at √2 (1.41 → 1, 1.42 → 2, 1.5 → 2), 300 clips to
		// 2^7, ±0 and 1e−8 give +2^−8, −3 gives −4.
		{q: "quantized_po2(5)", x: []float64{1.41, 1.42, 1.5, 300, negZero, 1e-8, -3}, y: []float64{1, 2, 2, 128, 1.0 / 256, 1.0 / 256, -4}},
		// log2_rounding='floor': 1.9 → 2^0, 3 → 2^1.
		{q: "quantized_po2(5,log2_rounding='floor')", x: []float64{1.9, 3}, y: []float64{1, 2}},
		// quantized_po2(4,1,qa): max_value 1 → no exponent sign bit, emin =
		// −8, emax = 7 → 6. 0.3: log2 √0.3 = −0.87 → −1 → 2^−2. 0.1: −1.66 →
		// −2 → 2^−4. 5 is cut to 1 → 2^0. 1e−4: −6.64 → −7 (inside the half
		// exponent clip) → 2^−14, beyond emin.
		{q: "quantized_po2(4,1,quadratic_approximation=True)", x: []float64{0.3, 0.1, 5, 1e-4}, y: []float64{0.25, 1.0 / 16, 1, math.Ldexp(1, -14)}},
		// quantized_relu_po2(5,2,0.5): max_value 2 > 1 → emin = −16.
		// −3 → −2^e(1.5) = −2; 3 → cut to 2 → 2; −0 → +2^−16.
		{q: "quantized_relu_po2(5,2,0.5)", x: []float64{-3, 3, negZero}, y: []float64{-2, 2, math.Ldexp(1, -16)}},
		// quantized_relu_po2(4): no slope, so negatives give +2^emin = 2^−8.
		{q: "quantized_relu_po2(4)", x: []float64{-5, 0.6}, y: []float64{1.0 / 256, 0.5}},
		// binary(use_01=1,alpha='auto_po2') on [[1,−1],[3,0.5]]: channel 0
		// q = {1,1}, mean(xq) = 2, mean(q²) = 1 → 2; channel 1 q = {0,1},
		// 0.25/0.5 → 0.5.
		{q: "binary(use_01=1,alpha='auto_po2')", shape: []int{2, 2}, x: []float64{1, -1, 3, 0.5}, y: []float64{2, 0, 2, 0.5}, wantScale: []float64{2, 0.5}},
		// quantized_bits(4,0,alpha='auto_po2') on a 1-D tensor: levels 14,
		// S0 = po2(1/14) = 1/16. Element 1 (−0.01) rounds to code 0, so its
		// own least-squares scale becomes po2(0) = 2^−23, then code −7 →
		// po2(0.07/49) = 2^−9, then code −5 → 2^−9 (stable): y = −5/512.
		// Element 0 stays at 1/16 with code 7. scale = S·2^3.
		{q: "quantized_bits(4,0,alpha='auto_po2')", x: []float64{0.5, -0.01}, y: []float64{7.0 / 16, -5.0 / 512}, wantScale: []float64{0.5, 1.0 / 64}},
		// ternary(alpha='auto_po2') on a [3,1] kernel: S0 = po2(2/3) = 0.5;
		// q = {1, 0, −1} → S = po2(0.5333/0.6667) = 1, q unchanged.
		{q: "ternary(alpha='auto_po2')", shape: []int{3, 1}, x: []float64{1, 0.2, -0.6}, y: []float64{1, 0, -1}, wantScale: []float64{1}},
		// The hook on a kernel: quantized_bits(4,0) runs as auto_po2.
		{q: "quantized_bits(4,0)", kernel: true, shape: []int{3, 1}, x: []float64{1, 0.2, -0.6}, y: []float64{0.875, 0.25, -0.625}, wantScale: []float64{1}},
		// quantized_tanh(4,0,1): symmetric drops −1: −5 → −0.875.
		{q: "quantized_tanh(4,0,1)", x: []float64{-5, 0.3}, y: []float64{-0.875, 0.25}},
		// quantized_sigmoid(3): hs(0.3) = 0.65 → rne(5.2)/8 = 0.625.
		{q: "quantized_sigmoid(3)", x: []float64{0.3, 10}, y: []float64{0.625, 0.875}},
		// qnoise_factor 0.5: 5/16 quantizes to 0.25 (code 2.5 → 2), mixed
		// half way back: 0.3125 − 0.03125.
		{q: "quantized_bits(4,0,alpha=1,qnoise_factor=0.5)", x: []float64{0.3125}, y: []float64{0.28125}},
		// fixed_point(1,1,2,RND,SAT): step 0.25, range [−2, 1.75]; RND is
		// floor(x+0.5): 0.125 → 0.25, −0.125 → 0.
		{q: "fixed_point(1,1,2,'RND','SAT')", x: []float64{0.125, -0.125, 5, -5}, y: []float64{0.25, 0, 1.75, -2}},
		{q: "fixed_point(1,1,2,'RND_CONV','SAT_SYM')", x: []float64{0.125, 0.375, -5}, y: []float64{0, 0.5, -1.75}},
		// WRAP on 4 bits (codes −8..7): 2.0 → 8 → −8; −2.1 → floor −9 → 7.
		{q: "fixed_point(1,1,2)", x: []float64{2, 1.9, -2.1}, y: []float64{-2, 1.75, 1.75}},
		// Unsigned 3 bits, step 0.5: 4 → code 8 → 0; −0.5 → −1 → 7.
		{q: "fixed_point(0,2,1)", x: []float64{4, -0.5}, y: []float64{0, 3.5}},
		// Per-channel f on a [2,2] tensor, and k+i+f ≤ 0 → 0.
		{q: "fixed_point(1,0,[1,2])", shape: []int{2, 2}, x: []float64{0.3, 0.3, -0.3, -0.3}, y: []float64{0, 0.25, -0.5, -0.5}},
		{q: "fixed_point(0,0,0)", x: []float64{0.7}, y: []float64{0}},
		// f = 1 (codes in halves): RND_ZERO 0.25 → 0.5 → 0, −0.25 → 0;
		// RND_INF 0.25 → 1 → 0.5; RND_MIN_INF 0.25 → 0, −0.25 → −1 → −0.5;
		// TRN_ZERO −0.3 → −0, which WRAP's (code − low) mod 2^b + low turns
		// into +0, as in HGQ.
		{q: "fixed_point(1,2,1,'RND_ZERO')", x: []float64{0.25, -0.25, 0.3}, y: []float64{0, 0, 0.5}},
		{q: "fixed_point(1,2,1,'RND_INF')", x: []float64{0.25, -0.25}, y: []float64{0.5, -0.5}},
		{q: "fixed_point(1,2,1,'RND_MIN_INF')", x: []float64{0.25, -0.25}, y: []float64{0, -0.5}},
		{q: "fixed_point(1,2,1,'TRN_ZERO')", x: []float64{-0.3, 0.7}, y: []float64{0, 0.5}},
		// 2-bit signed codes −2..1. SAT_ZERO: 2 → 0. WRAP_SM reflects:
		// 2 → 1, 3 → 0, −3 → −2.
		{q: "fixed_point(1,1,0,'TRN','SAT_ZERO')", x: []float64{2, 1, -2, -3}, y: []float64{0, 1, -2, 0}},
		{q: "fixed_point(1,1,0,'TRN','WRAP_SM')", x: []float64{2, 3, 1, -2, -3}, y: []float64{1, 0, 1, -2, -2}},
		// Broadcasting a [1,2,1] shape over [2,2,2]: f = 1 for the first
		// row of each sample, f = 2 for the second.
		{q: "fixed_point(1,2,[1,2],shape=[1,2,1])", shape: []int{2, 2, 2}, x: []float64{0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3}, y: []float64{0, 0, 0.25, 0.25, 0, 0, 0.25, 0.25}},
	}
	for _, c := range cases {
		spec := mustParse(t, c.q)
		if c.kernel {
			spec = spec.ForKernel()
		}
		y, scale, err := spec.Apply(c.x, c.shape)
		if err != nil {
			t.Errorf("%s: %v", c.q, err)
			continue
		}
		if !sameBits(y, c.y) {
			t.Errorf("%s on %v: got %v, want %v", c.q, c.x, y, c.y)
		}
		if !sameBits(scale, c.wantScale) {
			t.Errorf("%s on %v: scale %v, want %v", c.q, c.x, scale, c.wantScale)
		}
	}
}

func TestApplyErrors(t *testing.T) {
	cases := []struct {
		q     string
		x     []float64
		shape []int
		want  string
	}{
		{"quantized_bits(4,0)", []float64{1, 2, 3}, []int{2, 2}, "shape [2 2] holds 4 values, got 3"},
		{"quantized_bits(4,0)", []float64{1}, []int{-1}, "negative dimension"},
		{"ternary(alpha='auto_po2',threshold=0.5)", []float64{1}, nil, "threshold must be None with alpha 'auto_po2'"},
		{"quantized_bits(1,0,alpha='auto')", []float64{1}, nil, "alpha 'auto' needs at least 2 bits"},
		{"fixed_point(1,0,[1,2,3])", []float64{1, 2}, []int{2}, "3 k, i, f values do not divide 2 inputs"},
		{"fixed_point(1,0,[1,2,3],shape=[1,3])", []float64{1, 2}, []int{2}, "k, i, f shape [1 3] does not broadcast to [2]"},
	}
	for _, c := range cases {
		_, _, err := mustParse(t, c.q).Apply(c.x, c.shape)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s.Apply(%v, %v) = %v, want error containing %q", c.q, c.x, c.shape, err, c.want)
		}
	}
	if _, _, err := (*Spec)(nil).Apply([]float64{1}, nil); err == nil {
		t.Error("nil Spec: no error")
	}
}

func TestNewFixedPoint(t *testing.T) {
	// HGQ proxy weights: keep_negative, bits (total width), integers
	// (counting the sign). ufixed<4,2> → k=0, i=2, f=2; fixed<6,3> → k=1,
	// i=2, f=3; a zero-bit element gets k=i=f=0.
	s, err := NewFixedPoint([]float64{0, 1, 1}, []float64{4, 6, 0}, []float64{2, 3, 5}, []int{1, 3}, "RND", "SAT")
	if err != nil {
		t.Fatal(err)
	}
	want := &Spec{Kind: FixedPoint, K: []float64{0, 1, 0}, I: []float64{2, 2, 0}, F: []float64{2, 3, 0},
		Rounding: "RND", Overflow: "SAT", KIFShape: []int{1, 3}}
	if diff := cmp.Diff(want, s); diff != "" {
		t.Errorf("NewFixedPoint (-want +got):\n%s", diff)
	}
	// ufixed<4,2,RND,SAT>: −1 → −0 (HGQ saturates to low = −(high+1)·k,
	// which is −0 for k = 0), 5 → 3.75; fixed<6,3,RND,SAT>: 0.0625 → 0.125
	// (code 0.5 rounds up); the zero-bit element gives 0.
	y, _, err := s.Apply([]float64{-1, 0.0625, 9, 5, -5, 9}, []int{2, 3})
	if err != nil {
		t.Fatal(err)
	}
	if wantY := []float64{math.Copysign(0, -1), 0.125, 0, 3.75, -4, 0}; !sameBits(y, wantY) {
		t.Errorf("Apply = %v, want %v", y, wantY)
	}
	if _, err := NewFixedPoint([]float64{0}, []float64{4, 4}, []float64{2}, nil, "TRN", "WRAP"); err == nil {
		t.Error("mismatched lengths: no error")
	}
}
