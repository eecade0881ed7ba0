// This file implements the quantization (rounding) and overflow modes of
// ap_fixed, with their C++ and hls4ml spellings.

package fixed

import (
	"fmt"
	"strings"
)

// Rounding is an ap_fixed quantization mode: what happens to the bits that
// fall below the destination's least significant bit. The zero value is Trn,
// the ap_fixed default.
type Rounding uint8

// Quantization modes, in ap_fixed's documentation order (not its C++ enum
// order). Every mode maps an on-grid value to itself; they differ only in how
// they treat the dropped part f (0 < f < 1 LSB).
const (
	Trn       Rounding = iota // AP_TRN: floor, toward -inf
	TrnZero                   // AP_TRN_ZERO: toward zero
	Rnd                       // AP_RND: nearest, ties toward +inf
	RndZero                   // AP_RND_ZERO: nearest, ties toward zero
	RndMinInf                 // AP_RND_MIN_INF: nearest, ties toward -inf
	RndInf                    // AP_RND_INF: nearest, ties away from zero
	RndConv                   // AP_RND_CONV: nearest, ties to even
	numRoundings
)

var roundingNames = [numRoundings]string{
	"AP_TRN", "AP_TRN_ZERO", "AP_RND", "AP_RND_ZERO", "AP_RND_MIN_INF", "AP_RND_INF", "AP_RND_CONV",
}

// String returns the C++ spelling, e.g. "AP_RND_CONV".
func (q Rounding) String() string {
	if q < numRoundings {
		return roundingNames[q]
	}
	return fmt.Sprintf("Rounding(%d)", uint8(q))
}

// HLS4ML returns hls4ml's spelling, e.g. "RND_CONV".
func (q Rounding) HLS4ML() string { return strings.TrimPrefix(q.String(), "AP_") }

// Valid reports whether q is one of the seven modes.
func (q Rounding) Valid() bool { return q < numRoundings }

// ParseRounding reads a quantization mode in either spelling: "AP_RND_CONV"
// or hls4ml's "RND_CONV". Case is ignored.
func ParseRounding(s string) (Rounding, error) {
	name := modeName(s)
	for q, n := range roundingNames {
		if n == name {
			return Rounding(q), nil
		}
	}
	return 0, fmt.Errorf("unknown rounding mode %q", s)
}

// Overflow is an ap_fixed overflow mode: what happens to a value that, after
// rounding, lies outside the destination's range. The zero value is Wrap, the
// ap_fixed default.
type Overflow uint8

// Overflow modes. The saturation-bit count N of a Type only matters for Wrap
// and WrapSM.
const (
	Wrap    Overflow = iota // AP_WRAP: keep the low W bits (N>0: force the top N bits)
	Sat                     // AP_SAT: clamp to min or max
	SatZero                 // AP_SAT_ZERO: any overflow gives 0
	SatSym                  // AP_SAT_SYM: clamp to ±max (signed); min itself becomes -max
	WrapSM                  // AP_WRAP_SM: sign-magnitude wrap (signed types only)
	numOverflows
)

var overflowNames = [numOverflows]string{"AP_WRAP", "AP_SAT", "AP_SAT_ZERO", "AP_SAT_SYM", "AP_WRAP_SM"}

// String returns the C++ spelling, e.g. "AP_SAT".
func (o Overflow) String() string {
	if o < numOverflows {
		return overflowNames[o]
	}
	return fmt.Sprintf("Overflow(%d)", uint8(o))
}

// HLS4ML returns hls4ml's spelling, e.g. "SAT".
func (o Overflow) HLS4ML() string { return strings.TrimPrefix(o.String(), "AP_") }

// Valid reports whether o is one of the five modes.
func (o Overflow) Valid() bool { return o < numOverflows }

// saturating reports whether o clamps (AP_SAT*) rather than wraps; the flag an
// overflow raises depends on it.
func (o Overflow) saturating() bool { return o == Sat || o == SatZero || o == SatSym }

// ParseOverflow reads an overflow mode in either spelling: "AP_SAT" or
// hls4ml's "SAT". Case is ignored.
func ParseOverflow(s string) (Overflow, error) {
	name := modeName(s)
	for o, n := range overflowNames {
		if n == name {
			return Overflow(o), nil
		}
	}
	return 0, fmt.Errorf("unknown overflow mode %q", s)
}

// modeName normalizes a mode spelling to the C++ form, so that "rnd_conv",
// "RND_CONV" and "AP_RND_CONV" all compare equal.
func modeName(s string) string {
	s = strings.ToUpper(strings.TrimSpace(s))
	if !strings.HasPrefix(s, "AP_") {
		s = "AP_" + s
	}
	return s
}
