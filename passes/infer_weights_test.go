package passes

import "testing"

// TestRefWidthTypeCapsFraction pins the fraction cap: an exporter's BatchNorm
// bias of 1e-24 would need I = -79 (95 fractional bits) in 16 bits; it gets
// the 32-bit cap, I = 16 - 32 = -16, and ordinary weights are untouched
// (|w| <= 3.37 in 16 bits: 2 integer bits plus sign, I = 3).
func TestRefWidthTypeCapsFraction(t *testing.T) {
	if got := refWidthType([]float64{1e-24, -3e-25}, 16); got.IntBits() != -16 || got.Width() != 16 || !got.Signed() {
		t.Errorf("tiny values: got %v, want ap_fixed<16,-16>", got)
	}
	if got := refWidthType([]float64{-3.29799, 3.36964}, 16); got.IntBits() != 3 || got.FracBits() != 13 {
		t.Errorf("ordinary values: got %v, want ap_fixed<16,3>", got)
	}
}
