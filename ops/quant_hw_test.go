// This file tests the OpQuant hardware-form kernel against QKeras's
// semantics (quant.Spec.Apply, exact on fixed-point inputs) on every raw
// value of an input type.

package ops

import (
	"math"
	"testing"

	"github.com/nnhls/nnhls/fixed"
	"github.com/nnhls/nnhls/quant"
)

// TestQuantHWExhaustive runs every raw value of ap_fixed<12,5> (and of a
// 4-channel tensor, for per-channel scales) through the kernel of each
// quantizer's hardware form and requires QKeras's value exactly.
func TestQuantHWExhaustive(t *testing.T) {
	in := fixed.MustNew(12, 5, true, fixed.Trn, fixed.Wrap, 0)
	cases := []string{
		"quantized_bits(6,2)",
		"quantized_bits(6,2,alpha=1)",
		"quantized_bits(4,0,symmetric=1,alpha=1)",
		"quantized_bits(4,1,keep_negative=False,alpha=1)",
		"quantized_bits(5,1,alpha=0.75)",
		"quantized_bits(5,1,alpha=4)",
		"quantized_bits(1,0,alpha=1)",
		"quantized_relu(6)",
		"quantized_relu(3,1)",
		"quantized_relu(6,2,negative_slope=0.25)",
		"quantized_relu(5,1,use_sigmoid=1)",
		"quantized_tanh(5)",
		"quantized_tanh(4,symmetric=1)",
		"quantized_sigmoid(5)",
		"quantized_po2(4,1)",
		"quantized_po2(5)",
		"quantized_po2(4,1,quadratic_approximation=True)",
		"quantized_relu_po2(4,4)",
		"quantized_relu_po2(5,2,negative_slope=0.5)",
		"binary(alpha=1)",
		"binary_tanh",
		"ternary(alpha=1,threshold=0.5)",
		"ternary(alpha=1)",
	}
	lo, hi, _ := in.RawRange64()
	const c = 4
	n := int(hi-lo+1) / c * c
	raw := make([]int64, n)
	x := make([]float64, n)
	for i := range raw {
		raw[i] = lo + int64(i)
		x[i] = math.Ldexp(float64(raw[i]), -in.FracBits())
	}
	shape := []int{n / c, c}
	for _, src := range cases {
		q, err := quant.ParseConfig(src)
		if err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		want, _, err := q.Apply(x, shape)
		if err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		h, err := q.HWTypeFor()
		if err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		if !h.Exact {
			t.Errorf("%s: form not exact: %s", src, h.Note)
			continue
		}
		res := h.Out
		if h.Scale != nil {
			// Scaled outputs: a type with room for the scale's bits.
			res = fixed.MustNew(h.Out.Width()+8, h.Out.IntBits()+3, true, fixed.Trn, fixed.Wrap, 0)
		}
		k, err := NewQuantHW(&h, shape, in, res)
		if err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		out := make([]int64, n)
		var tally Tally
		k.Run([][]int64{raw}, out, nil, &tally)
		bad := 0
		for i := range out {
			got := math.Ldexp(float64(out[i]), -res.FracBits())
			if got != want[i] && !(got == 0 && want[i] == 0) {
				if bad < 3 {
					t.Errorf("%s: x = %v: kernel %v, QKeras %v", src, x[i], got, want[i])
				}
				bad++
			}
		}
		if bad > 0 {
			t.Errorf("%s: %d of %d values differ", src, bad, n)
		}
		if tally[SlotResult].Casts != int64(n) {
			t.Errorf("%s: %d casts counted, want %d", src, tally[SlotResult].Casts, n)
		}
	}
}

// TestQuantHWCounts: quantized_relu(3,1) (step 1/4, range [0, 1.75]) on
// ap_fixed<12,5> (step 2^-7) counts a saturation for every input whose
// rounded value leaves the range: x ≥ 1.875 (the tie rounds to even, 2.0)
// and x < −1/8 (−1/8 itself rounds to even, 0).
func TestQuantHWCounts(t *testing.T) {
	in := fixed.MustNew(12, 5, true, fixed.Trn, fixed.Wrap, 0)
	q, _ := quant.ParseConfig("quantized_relu(3,1)")
	h, err := q.HWTypeFor()
	if err != nil {
		t.Fatal(err)
	}
	lo, hi, _ := in.RawRange64()
	n := int(hi - lo + 1)
	raw := make([]int64, n)
	for i := range raw {
		raw[i] = lo + int64(i)
	}
	k, err := NewQuantHW(&h, []int{n}, in, h.Out)
	if err != nil {
		t.Fatal(err)
	}
	var tally Tally
	k.Run([][]int64{raw}, make([]int64, n), nil, &tally)
	// 1.875 is raw 240 and −1/8 raw −16.
	if want := (hi - 240 + 1) + (-17 - lo + 1); tally[SlotResult].Saturated != want {
		t.Errorf("saturated %d, want %d", tally[SlotResult].Saturated, want)
	}
}

// TestQuantHWPerElement: an HGQ proxy quantizer with one type per channel
// (ufixed<4,2>, fixed<6,3>, no bits, fixed<5,1> under RND and SAT, shape
// [1, 4]) on every raw value of ap_fixed<12,5> in 4 channels, against
// HGQ's semantics (quant.Spec.Apply).
func TestQuantHWPerElement(t *testing.T) {
	q, err := quant.NewFixedPoint([]float64{0, 1, 1, 1}, []float64{4, 6, 0, 5}, []float64{2, 3, 5, 1}, []int{1, 4}, "RND", "SAT")
	if err != nil {
		t.Fatal(err)
	}
	in := fixed.MustNew(12, 5, true, fixed.Trn, fixed.Wrap, 0)
	lo, hi, _ := in.RawRange64()
	const c = 4
	n := int(hi-lo+1) * c
	raw := make([]int64, n)
	x := make([]float64, n)
	for i := range raw {
		raw[i] = lo + int64(i/c)
		x[i] = math.Ldexp(float64(raw[i]), -in.FracBits())
	}
	shape := []int{n / c, c}
	want, _, err := q.Apply(x, shape)
	if err != nil {
		t.Fatal(err)
	}
	h, err := q.HWTypeFor()
	if err != nil || !h.Exact {
		t.Fatalf("form %v, %v", err, h.Note)
	}
	k, err := NewQuantHW(&h, shape, in, h.Out)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]int64, n)
	k.Run([][]int64{raw}, out, nil, nil)
	for i := range out {
		if got := math.Ldexp(float64(out[i]), -h.Out.FracBits()); got != want[i] {
			t.Fatalf("x = %v channel %d: kernel %v, HGQ %v", x[i], i%c, got, want[i])
		}
	}
}
