// This file implements the conversion of trained float weights into the raw
// values of their fixed-point type, the way an hls4ml project holds them.

package ops

import (
	"fmt"
	"strconv"

	"github.com/nnhls/nnhls/fixed"
)

// hls4ml does not convert weights itself: its writer prints every value
// with Python's '{:.Nf}' (N = the type's fractional bits, 0 when there are
// none) into the weight header, and the C++ compiler reads that decimal
// literal as a double, which the ap_fixed constructor then converts with the
// type's own modes (numerics.md §4.1, trap T1). So a weight becomes
// Q(decimal_N(w)): rounded to N decimal digits (ties to even on the exact
// binary value, as Python's formatting does), read back as the nearest
// double, then quantized (AP_TRN: floor) and overflowed (AP_WRAP) onto the
// grid. Values already on the grid (QKeras weights) survive exactly, because
// a multiple of 2^-N prints exactly with N decimals.
//
// Go's strconv 'f' formatting rounds the exact binary value half to even,
// and ParseFloat returns the nearest double, like strtod; both match the
// Python and C++ steps they stand in for.

// WeightRaw returns the raw value of w in type t as an hls4ml project
// stores it, and what the final conversion did to it.
func WeightRaw(w float64, t fixed.Type) (int64, fixed.Flags, error) {
	c, err := fixed.NewFloatCast64(t)
	if err != nil {
		return 0, 0, err
	}
	r, fl := c.Apply(printedValue(w, t))
	return r, fl, nil
}

// printedValue is w after the print-and-reparse round trip: the double the
// C++ compiler makes of hls4ml's decimal literal.
func printedValue(w float64, t fixed.Type) float64 {
	digits := max(0, t.FracBits())
	d, err := strconv.ParseFloat(strconv.FormatFloat(w, 'f', digits, 64), 64)
	if err != nil {
		// Only ±Inf and NaN fail to round trip; they keep their value
		// and the cast decides (NaN becomes 0 with the NaN flag).
		return w
	}
	return d
}

// weightsRaw converts every value of ws into t with WeightRaw, naming the
// role in errors. Flags are merged into fl so that a caller can warn about
// weights that wrapped.
func weightsRaw(ws []float64, t fixed.Type, role string) ([]int64, fixed.Flags, error) {
	c, err := fixed.NewFloatCast64(t)
	if err != nil {
		return nil, 0, fmt.Errorf("%s: %w", role, err)
	}
	out := make([]int64, len(ws))
	var all fixed.Flags
	for i, w := range ws {
		r, fl := c.Apply(printedValue(w, t))
		out[i] = r
		all |= fl
	}
	return out, all, nil
}
