// This file implements the tests of the QONNX/QCDQ hardware forms: the
// types written by hand from the QONNX README's operator description and
// SEMANTICS.md §3, the README's worked examples through the form, and a
// randomized comparison of HWType.Apply with Spec.Apply on ties, range
// edges and random values.

package quant

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

func qonnxSpec(bits int, signed, narrow bool, mode string, scale, zp float64) *Spec {
	return &Spec{Kind: QONNXQuant, Bits: bits, Signed: signed, Narrow: narrow, RoundingMode: mode,
		Scale: []float64{scale}, ZeroPoint: []float64{zp}}
}

func TestHWTypeQONNXRules(t *testing.T) {
	tests := []struct {
		name string
		s    *Spec
		typ  string // "" for forms other than a plain cast
		note string // "" when exact
	}{
		// Quant, scale 2^-F: b bits with F fractional bits.
		{"round s8 2^-4", qonnxSpec(8, true, false, "ROUND", 1.0/16, 0), "ap_fixed<8,4,AP_RND_CONV,AP_SAT>", ""},
		{"half_even", qonnxSpec(8, true, false, "HALF_EVEN", 1.0/16, 0), "ap_fixed<8,4,AP_RND_CONV,AP_SAT>", ""},
		{"floor narrow", qonnxSpec(6, true, true, "FLOOR", 0.25, 0), "ap_fixed<6,4,AP_TRN,AP_SAT_SYM>", ""},
		{"half_up u6", qonnxSpec(6, false, false, "HALF_UP", 0.125, 0), "ap_ufixed<6,3,AP_RND_INF,AP_SAT>", ""},
		{"half_down", qonnxSpec(4, true, false, "HALF_DOWN", 0.25, 0), "ap_fixed<4,2,AP_RND_ZERO,AP_SAT>", ""},
		{"down", qonnxSpec(4, true, true, "DOWN", 0.25, 0), "ap_fixed<4,2,AP_TRN_ZERO,AP_SAT_SYM>", ""},
		{"scale 4", qonnxSpec(4, true, false, "ROUND", 4, 0), "ap_fixed<4,6,AP_RND_CONV,AP_SAT>", ""},
		{"ceil", qonnxSpec(4, false, false, "CEIL", 0.25, 0), "", "has no ap_fixed equivalent"},
		{"zero point", qonnxSpec(5, false, false, "ROUND", 0.25, 5), "", ""},
		{"up", qonnxSpec(3, true, false, "UP", 0.25, 0), "", "has no ap_fixed equivalent"},
		{"not po2", qonnxSpec(6, true, false, "ROUND", 0.3, 0), "", "non-power-of-two scale; applying it after the accumulation is not implemented"},
		{"bipolar", &Spec{Kind: BipolarQuant, Scale: []float64{0.5}}, "", ""},
		{"trunc floor", &Spec{Kind: Trunc, Bits: 6, InBits: 8, RoundingMode: "FLOOR", Scale: []float64{0.125}}, "", ""},
		{"trunc round", &Spec{Kind: Trunc, Bits: 6, InBits: 8, RoundingMode: "ROUND", Scale: []float64{0.125}}, "", "rounds twice"},
		{"qcdq int8", &Spec{Kind: QuantizeLinear, Bits: 8, Signed: true, QMin: -128, QMax: 127, Scale: []float64{0.5}}, "ap_fixed<8,7,AP_RND_CONV,AP_SAT>", ""},
		{"qcdq not po2", &Spec{Kind: QuantizeLinear, Bits: 8, QMin: 0, QMax: 255, Scale: []float64{0.1}}, "", "non-power-of-two"},
	}
	for _, tt := range tests {
		h, err := tt.s.HWTypeFor()
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if tt.typ != "" && (h.Kind != HWCast || h.Type.String() != tt.typ || h.InOffset != 0 || h.OutMax != nil || h.Scale != nil) {
			t.Errorf("%s: %s %v (offset %v, max %v, scale %v), want a cast to %s", tt.name, h.Kind, h.Type, h.InOffset, h.OutMax, h.Scale, tt.typ)
		}
		if h.Exact != (tt.note == "") || !strings.Contains(h.Note, tt.note) {
			t.Errorf("%s: exact %v note %q, want note %q", tt.name, h.Exact, h.Note, tt.note)
		}
	}
}

// TestHWTypeQONNXReadmeExamples runs the worked examples of the QONNX
// README through the hardware forms.
func TestHWTypeQONNXReadmeExamples(t *testing.T) {
	tests := []struct {
		name string
		s    *Spec
		x    []float64
		want []float64
	}{
		// "scale 0.25, zero point 3, unsigned 4 b, HALF_UP: x = −0.625
		// gives ... Y = −0.5".
		{"zp3 half_up", qonnxSpec(4, false, false, "HALF_UP", 0.25, 3), []float64{-0.625}, []float64{-0.5}},
		// "scale 0.25, zero point 1, x = 0.125: Quant ... outputs 0.25,
		// QuantizeLinear ... outputs 0.0".
		{"quant zp1", qonnxSpec(8, false, false, "ROUND", 0.25, 1), []float64{0.125}, []float64{0.25}},
		{"qcdq zp1", &Spec{Kind: QuantizeLinear, Bits: 8, QMin: 0, QMax: 255, Scale: []float64{0.25}, ZeroPoint: []float64{1}}, []float64{0.125}, []float64{0}},
		// Trunc, scale 0.125, 8 → 6: −0.375 → FLOOR −0.125; 0.25 → FLOOR 0.
		{"trunc floor", &Spec{Kind: Trunc, Bits: 6, InBits: 8, RoundingMode: "FLOOR", Scale: []float64{0.125}}, []float64{-0.375, 0.25}, []float64{-0.125, 0}},
		// BipolarQuant: 0 and −0 give +scale.
		{"bipolar", &Spec{Kind: BipolarQuant, Scale: []float64{0.5}}, []float64{0, math.Copysign(0, -1), -1e-9, 3}, []float64{0.5, 0.5, -0.5, 0.5}},
		// ROUND ties: 0.5 → 0, −0.5 → 0, 5.5 → 6, −5.5 → −6 (scale 1).
		{"round ties", qonnxSpec(8, true, false, "ROUND", 1, 0), []float64{0.5, -0.5, 5.5, -5.5}, []float64{0, 0, 6, -6}},
		{"half_down ties", qonnxSpec(8, true, false, "HALF_DOWN", 1, 0), []float64{5.5, -5.5}, []float64{5, -5}},
		// The README's rounding table: DOWN of 2.5, −2.5, 1.6, −1.6, 1.1, −1.1.
		{"down table", qonnxSpec(8, true, false, "DOWN", 1, 0), []float64{2.5, -2.5, 1.6, -1.6, 1.1, -1.1}, []float64{2, -2, 1, -1, 1, -1}},
	}
	for _, tt := range tests {
		h, err := tt.s.HWTypeFor()
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if !h.Exact {
			t.Fatalf("%s: not exact: %s", tt.name, h.Note)
		}
		got, err := h.Apply(tt.x, nil)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		for i := range got {
			if got[i] != tt.want[i] {
				t.Errorf("%s: x=%v gives %v, want %v", tt.name, tt.x[i], got[i], tt.want[i])
			}
		}
	}
}

var qonnxModeNames = []string{"ROUND", "HALF_EVEN", "HALF_UP", "HALF_DOWN", "FLOOR", "CEIL", "UP", "DOWN"}

// randomQONNXSpec draws a QONNX or QCDQ quantizer with power-of-two scales
// (sometimes per channel, over 4 channels) and small integer zero points.
func randomQONNXSpec(rng *rand.Rand) *Spec {
	s := &Spec{Kind: []Kind{QONNXQuant, QONNXQuant, BipolarQuant, Trunc, QuantizeLinear}[rng.IntN(5)]}
	n := 1
	if rng.IntN(3) == 0 {
		n = 4
		if rng.IntN(2) == 0 {
			s.ScaleShape = []int{1, 4}
		}
	}
	for range n {
		s.Scale = append(s.Scale, math.Ldexp(1, rng.IntN(10)-6))
		z := 0.0
		if rng.IntN(2) == 0 && s.Kind != Trunc {
			z = float64(rng.IntN(17) - 8)
		}
		s.ZeroPoint = append(s.ZeroPoint, z)
	}
	if rng.IntN(4) == 0 {
		for i := range s.Scale {
			s.Scale[i], s.ZeroPoint[i] = s.Scale[0], s.ZeroPoint[0]
		}
	}
	s.RoundingMode = qonnxModeNames[rng.IntN(len(qonnxModeNames))]
	switch s.Kind {
	case QONNXQuant:
		s.Bits = 1 + rng.IntN(10)
		s.Signed, s.Narrow = rng.IntN(2) == 0, rng.IntN(3) == 0
	case Trunc:
		s.Bits = 2 + rng.IntN(8)
		s.InBits = s.Bits + rng.IntN(5)
		s.RoundingMode = []string{"FLOOR", "CEIL", "ROUND"}[rng.IntN(3)]
	case QuantizeLinear:
		s.QMin, s.QMax = 0, 255
		if rng.IntN(2) == 0 {
			s.QMin, s.QMax = -128, 127
		}
		if rng.IntN(2) == 0 { // a Clip narrows the codes
			s.QMin += float64(rng.IntN(100))
			s.QMax -= float64(rng.IntN(100))
		}
	}
	return s
}

// qonnxInputs are values around every code of the spec's range: codes,
// quarter steps (ties included) and the edges, at each channel's scale,
// plus random values; Trunc's inputs stay within its in_bitwidth.
func qonnxInputs(rng *rand.Rand, s *Spec, shape []int) []float64 {
	lo, hi := -300.0, 300.0
	switch s.Kind {
	case QONNXQuant:
		lo, hi = s.IntRange()
	case Trunc:
		lo, hi = -math.Ldexp(1, s.InBits-1), math.Ldexp(1, s.InBits-1)-1
	case QuantizeLinear:
		lo, hi = s.QMin, s.QMax
	}
	n := shape[0] * shape[1]
	x := make([]float64, n)
	idx, _ := s.paramIndex(n, shape)
	for i := range x {
		k := idx(i)
		sc, z := s.Scale[k], s.ZeroPoint[k]
		var c float64
		switch r := rng.IntN(10); {
		case r < 6: // quarter steps around the range, in codes of v
			c = (lo-3)*4 + float64(rng.IntN(int(hi-lo+6)*4+1))
			c /= 4
		case r < 8: // a random value with many bits
			c = lo - 2 + rng.Float64()*(hi-lo+4)
		default: // an edge ± 1/2
			c = []float64{lo, hi, lo - 0.5, hi + 0.5, lo + 0.5, hi - 0.5}[rng.IntN(6)]
		}
		if s.Kind == Trunc {
			c = max(min(c, hi), lo)
		}
		if s.Kind == QuantizeLinear {
			z = 0 // codes of x/scale, before the zero point
		}
		x[i] = (c - z) * sc
		if rng.IntN(40) == 0 {
			x[i] = math.Copysign(0, -1)
		}
	}
	return x
}

func TestHWTypeQONNXRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	shape := []int{64, 4}
	var exact, inexact, values int
	forms := map[string]int{}
	for range 3000 {
		s := randomQONNXSpec(rng)
		if s.CheckQONNX() != nil {
			continue
		}
		h, err := s.HWTypeFor()
		if err != nil {
			// No exact form and no approximation either: a clear error.
			if !strings.Contains(err.Error(), "no approximation") {
				t.Fatalf("%v: %v", s, err)
			}
			inexact++
			continue
		}
		if !h.Exact {
			inexact++
			if h.Note == "" {
				t.Errorf("%v: not exact without a note", s)
			}
			continue
		}
		exact++
		switch {
		case h.Kind == HWBinary:
			forms["binary"]++
		case h.Kind == HWPerElement:
			forms["per-channel"]++
		case h.InSlope != 1:
			forms["trunc shift"]++
		case h.OutMax != nil:
			forms["capped"]++
		case h.InOffset != 0:
			forms["offset"]++
		default:
			forms["cast"]++
		}
		x := qonnxInputs(rng, s, shape)
		want, _, err := s.Apply(x, shape)
		if err != nil {
			t.Fatalf("%v: %v", s, err)
		}
		got, err := h.Apply(x, shape)
		if err != nil {
			t.Fatalf("%v: %v", s, err)
		}
		for i := range x {
			values++
			if !sameValue(got[i], want[i]) {
				t.Fatalf("%v: form %s %v (in %v·x+%v, out +%v, max %v, scale %v): x=%v gives %v, Apply %v",
					s, h.Kind, h.Type, h.InSlope, h.InOffset, h.OutOffset, h.OutMax, h.Scale, x[i], got[i], want[i])
			}
		}
		// Out holds every output value before the scale.
		un, _ := h.unscaled(x, shape)
		for _, v := range un {
			if v < h.Out.Min() || v > h.Out.Max() || math.Mod(v, h.Out.LSB()) != 0 {
				t.Fatalf("%v: value %v outside Out %v", s, v, h.Out)
			}
		}
	}
	t.Logf("%d exact forms %v (%d values equal), %d not exact", exact, forms, values, inexact)
	if exact < 1500 || inexact == 0 {
		t.Errorf("%d exact and %d inexact forms: the draw does not cover both", exact, inexact)
	}
	for _, f := range []string{"binary", "per-channel", "trunc shift", "capped", "offset", "cast"} {
		if forms[f] < 20 {
			t.Errorf("only %d %s forms drawn", forms[f], f)
		}
	}
}

// TestHWTypeQONNXTruncApproximation: Trunc with ROUND rounds twice, so the
// form is an approximation (one rounding), which agrees with the operator
// on inputs on the scale's grid and differs just off it.
func TestHWTypeQONNXTruncApproximation(t *testing.T) {
	s := &Spec{Kind: Trunc, Bits: 6, InBits: 8, RoundingMode: "ROUND", Scale: []float64{0.125}}
	h, err := s.HWTypeFor()
	if err != nil {
		t.Fatal(err)
	}
	if h.Exact || !strings.Contains(h.Note, "one rounding") {
		t.Fatalf("exact %v, note %q", h.Exact, h.Note)
	}
	var x []float64
	for c := -128; c <= 127; c++ {
		x = append(x, float64(c)*0.125)
	}
	want, _, _ := s.Apply(x, nil)
	got, err := h.Apply(x, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := range x {
		if got[i] != want[i] {
			t.Errorf("x=%v: %v, Trunc %v", x[i], got[i], want[i])
		}
	}
	// 0.1875 = 1.5 codes: ROUND gives 2, 2/4 = 0.5 rounds to 0; one
	// rounding of 1.5/4 = 0.375 gives 0 too. 0.3125 = 2.5 codes: ROUND
	// gives 2 → 0.5 → 0, one rounding of 0.625 gives 1 (0.125).
	y, _ := h.Apply([]float64{0.3125}, nil)
	if y[0] != 0.125 {
		t.Errorf("approximation of 0.3125: %v, want 0.125", y[0])
	}
	if ref, _, _ := s.Apply([]float64{0.3125}, nil); ref[0] != 0 {
		t.Errorf("Trunc of 0.3125: %v, want 0", ref[0])
	}
}
