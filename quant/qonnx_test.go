// This file tests the QONNX quantizers against values worked out by hand
// from the operator descriptions (the rounding-mode table of the QONNX
// reference README, its Quant and Trunc examples).

package quant

import (
	"math"
	"slices"
	"strings"
	"testing"
)

// TestQONNXRoundingTable is the README's table: 2.5 −2.5 1.6 −1.6 1.1 −1.1
// per mode, through a Quant with scale 1, zero point 0 and a range wide
// enough not to clip.
func TestQONNXRoundingTable(t *testing.T) {
	x := []float64{2.5, -2.5, 1.6, -1.6, 1.1, -1.1, 5.5, -5.5, 0.5, -0.5}
	table := map[string][]float64{
		"ROUND":     {2, -2, 2, -2, 1, -1, 6, -6, 0, 0},
		"HALF_EVEN": {2, -2, 2, -2, 1, -1, 6, -6, 0, 0},
		"HALF_UP":   {3, -3, 2, -2, 1, -1, 6, -6, 1, -1},
		"HALF_DOWN": {2, -2, 2, -2, 1, -1, 5, -5, 0, 0},
		"FLOOR":     {2, -3, 1, -2, 1, -2, 5, -6, 0, -1},
		"CEIL":      {3, -2, 2, -1, 2, -1, 6, -5, 1, 0},
		"UP":        {3, -3, 2, -2, 2, -2, 6, -6, 1, -1},
		"DOWN":      {2, -2, 1, -1, 1, -1, 5, -5, 0, 0},
	}
	for mode, want := range table {
		s := &Spec{Kind: QONNXQuant, Bits: 8, Signed: true, RoundingMode: mode, Scale: []float64{1}}
		y, _, err := s.Apply(x, nil)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(y, want) {
			t.Errorf("%s: got %v, want %v", mode, y, want)
		}
	}
}

func TestQONNXIntRange(t *testing.T) {
	for _, tt := range []struct {
		signed, narrow bool
		lo, hi         float64
	}{
		{true, false, -32, 31}, {true, true, -31, 31}, {false, false, 0, 63}, {false, true, 0, 62},
	} {
		s := &Spec{Kind: QONNXQuant, Bits: 6, Signed: tt.signed, Narrow: tt.narrow}
		if lo, hi := s.IntRange(); lo != tt.lo || hi != tt.hi {
			t.Errorf("signed=%v narrow=%v: [%v, %v], want [%v, %v]", tt.signed, tt.narrow, lo, hi, tt.lo, tt.hi)
		}
	}
}

func TestQONNXQuantClipAndZeroPoint(t *testing.T) {
	// README: scale 0.25, zero point 3, unsigned 4 b, HALF_UP: x = −0.625
	// gives v = 0.5 -> 1 -> Y = −0.5. 10 clips at 15: (15−3)·0.25 = 3.
	s := &Spec{Kind: QONNXQuant, Bits: 4, RoundingMode: "HALF_UP", Scale: []float64{0.25}, ZeroPoint: []float64{3}}
	y, _, err := s.Apply([]float64{-0.625, 10, -10}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := []float64{-0.5, 3, -0.75}; !slices.Equal(y, want) {
		t.Errorf("got %v, want %v", y, want)
	}
}

func TestQONNXPerChannel(t *testing.T) {
	// A [2, 3] tensor with scale shape [1, 3]: column scales 1, 0.5, 0.25.
	s := &Spec{Kind: QONNXQuant, Bits: 8, Signed: true, RoundingMode: "ROUND",
		Scale: []float64{1, 0.5, 0.25}, ScaleShape: []int{1, 3}}
	x := []float64{0.6, 0.6, 0.6, -1.3, -1.3, -1.3}
	// 0.6 -> 1·1, 1.2 -> 1·0.5, 2.4 -> 2·0.25; −1.3, −2.6 -> −3·0.5, −5.2 -> −5·0.25.
	want := []float64{1, 0.5, 0.5, -1, -1.5, -1.25}
	y, _, err := s.Apply(x, []int{2, 3})
	if err != nil || !slices.Equal(y, want) {
		t.Errorf("got %v, %v; want %v", y, err, want)
	}
	// Scale shape [2, 1]: one scale per row.
	s.Scale, s.ScaleShape = []float64{1, 0.25}, []int{2, 1}
	want = []float64{1, 1, 1, -1.25, -1.25, -1.25}
	if y, _, err = s.Apply(x, []int{2, 3}); err != nil || !slices.Equal(y, want) {
		t.Errorf("rows: got %v, %v; want %v", y, err, want)
	}
	// A 1-D (C,) scale against a (C,) bias.
	s.Scale, s.ScaleShape = []float64{1, 0.5, 0.25}, []int{3}
	want = []float64{1, 0.5, 0.5}
	if y, _, err = s.Apply(x[:3], []int{3}); err != nil || !slices.Equal(y, want) {
		t.Errorf("1-D: got %v, %v; want %v", y, err, want)
	}
	// A scale shape that does not broadcast is an error.
	s.ScaleShape = []int{3, 1}
	if _, _, err = s.Apply(x, []int{2, 3}); err == nil {
		t.Errorf("scale shape [3 1] against [2 3]: no error")
	}
}

func TestQONNXBipolar(t *testing.T) {
	s := &Spec{Kind: BipolarQuant, Scale: []float64{0.5}}
	y, _, err := s.Apply([]float64{0, math.Copysign(0, -1), -1e-300, 7}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := []float64{0.5, 0.5, -0.5, 0.5}; !slices.Equal(y, want) {
		t.Errorf("got %v, want %v", y, want)
	}
}

func TestQONNXTrunc(t *testing.T) {
	// README: scale 0.125, 8 -> 6 bits (s = 2): −0.375 is u = −3, w = −0.75;
	// 0.25 is w = 0.5. No clamping to 6 bits: 100 (u = 800) -> 200·0.125.
	x := []float64{-0.375, 0.25, 100}
	for mode, want := range map[string][]float64{
		"FLOOR": {-0.125, 0, 25},
		"CEIL":  {0, 0.125, 25},
		"ROUND": {-0.125, 0, 25},
	} {
		s := &Spec{Kind: Trunc, Bits: 6, InBits: 8, RoundingMode: mode, Scale: []float64{0.125}, ZeroPoint: []float64{0}}
		y, _, err := s.Apply(x, nil)
		if err != nil || !slices.Equal(y, want) {
			t.Errorf("%s: got %v, %v; want %v", mode, y, err, want)
		}
	}
}

func TestQuantizeLinear(t *testing.T) {
	// README: scale 0.25, zero point 1, x = 0.125: round(0.5) = 0, + 1 = 1,
	// dequantized (1 − 1)·0.25 = 0 (Quant would give 0.25).
	s := &Spec{Kind: QuantizeLinear, Bits: 8, QMin: 0, QMax: 255, Scale: []float64{0.25}, ZeroPoint: []float64{1}}
	y, _, err := s.Apply([]float64{0.125, 0.375, 1000, -5}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := []float64{0, 0.5, 63.5, -0.25}; !slices.Equal(y, want) {
		t.Errorf("got %v, want %v", y, want)
	}
}

func TestQONNXErrors(t *testing.T) {
	for _, s := range []*Spec{
		{Kind: QONNXQuant, Bits: 4, RoundingMode: "ROUND"},                                                  // no scale
		{Kind: QONNXQuant, Bits: 4, RoundingMode: "ROUND", Scale: []float64{0}},                             // zero scale
		{Kind: QONNXQuant, Bits: 0, RoundingMode: "ROUND", Scale: []float64{1}},                             // no bits
		{Kind: QONNXQuant, Bits: 4, RoundingMode: "STOCHASTIC", Scale: []float64{1}},                        // mode
		{Kind: Trunc, Bits: 6, InBits: 4, RoundingMode: "FLOOR", Scale: []float64{1}},                       // in < out
		{Kind: QuantizeLinear, QMin: 5, QMax: 1, Scale: []float64{1}},                                       // range
		{Kind: QONNXQuant, Bits: 4, RoundingMode: "ROUND", Scale: []float64{1, 2}, ZeroPoint: []float64{0}}, // counts
	} {
		if _, _, err := s.Apply([]float64{1, 2}, nil); err == nil {
			t.Errorf("%+v: no error", s)
		}
	}
	if _, err := NormalizeRoundingMode("half_up"); err != nil {
		t.Errorf("half_up: %v", err)
	}
}

func TestQONNXString(t *testing.T) {
	s := &Spec{Kind: QONNXQuant, Bits: 6, Signed: true, Narrow: true, RoundingMode: "ROUND", Scale: []float64{0.0625}}
	if got, want := s.String(), "Quant(bits=6,signed=1,narrow=1,rounding_mode=ROUND,scale=0.0625)"; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
	c := s.Clone()
	c.Scale[0] = 1
	if s.Scale[0] != 0.0625 || !strings.HasPrefix((&Spec{Kind: BipolarQuant, Scale: []float64{1}}).String(), "BipolarQuant(") {
		t.Errorf("Clone shares Scale, or BipolarQuant prints wrong")
	}
}
