package float16

import (
	"math"
	"testing"
)

func TestToFloat64(t *testing.T) {
	// Expected values from the binary16 definition, worked by hand.
	cases := []struct {
		h    uint16
		want float64
	}{
		{0x0000, 0},
		{0x3c00, 1},
		{0xc000, -2},
		{0x3555, 1365.0 / 4096}, // (1024+341)·2^(13-25)
		{0x0001, 0x1p-24},       // smallest subnormal
		{0x03ff, 0x3ffp-24},     // largest subnormal
		{0x7bff, 65504},         // largest normal
		{0x7c00, math.Inf(1)},
		{0xfc00, math.Inf(-1)},
	}
	for _, c := range cases {
		if got := ToFloat64(c.h); got != c.want {
			t.Errorf("ToFloat64(%#04x) = %v, want %v", c.h, got, c.want)
		}
	}
	if got := ToFloat64(0x8000); got != 0 || !math.Signbit(got) {
		t.Errorf("ToFloat64(0x8000) = %v, want -0", got)
	}
	if got := ToFloat64(0x7e00); !math.IsNaN(got) {
		t.Errorf("ToFloat64(0x7e00) = %v, want NaN", got)
	}
}
