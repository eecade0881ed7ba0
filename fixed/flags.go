// This file implements Flags, the report of what a conversion did to a value.

package fixed

import "strings"

// Flags records what a conversion did, so that the emulator can count
// rounding and overflow events per layer. The zero value means the value was
// taken over exactly.
type Flags uint8

// The flag bits.
const (
	// Rounded: the source value was not on the destination's grid, so the
	// quantization mode changed it.
	Rounded Flags = 1 << iota
	// Saturated: the rounded value was outside the range and a saturating
	// mode (AP_SAT, AP_SAT_ZERO, AP_SAT_SYM) replaced it; also set when
	// AP_SAT_SYM turns an exact minimum into -max.
	Saturated
	// Wrapped: the rounded value was outside the range and a wrapping mode
	// (AP_WRAP, AP_WRAP_SM) replaced it.
	Wrapped
	// NaN: the source was a NaN. The library produces garbage; nnhls gives 0.
	NaN
)

// Overflowed is the set of flags that mean the value left the range.
const Overflowed = Saturated | Wrapped

var flagNames = [...]string{"rounded", "saturated", "wrapped", "nan"}

// Has reports whether any of the bits of f are set in fl.
func (fl Flags) Has(f Flags) bool { return fl&f != 0 }

// String lists the set flags joined by "|", e.g. "rounded|saturated", or
// returns "exact" when none is set.
func (fl Flags) String() string {
	if fl == 0 {
		return "exact"
	}
	var names []string
	for i, n := range flagNames {
		if fl&(1<<i) != 0 {
			names = append(names, n)
		}
	}
	return strings.Join(names, "|")
}
