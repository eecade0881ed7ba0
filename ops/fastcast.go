// This file implements the inlined conversions of the hot loops: the
// AP_TRN / AP_WRAP narrowing that hls4ml's default types make of almost
// every cast, and the float64 input conversion into such a type.

package ops

import (
	"math"

	"github.com/nnhls/nnhls/fixed"
)

// trnWrap is a conversion into an AP_TRN, AP_WRAP (no saturation bits)
// type from raw values with at least its fractional bits: an arithmetic
// shift (floor) and a sign extension (or mask) of the low W bits. It gives
// exactly what fixed.Cast64 gives for such a pair, without flags; kernels
// use it when nobody counts, and Cast64 otherwise.
type trnWrap struct {
	ok     bool // the destination and shift qualify
	shift  uint
	ext    uint // 64 - W
	mask   int64
	lo, hi int64
	signed bool
}

// newTrnWrap prepares the conversion from srcFrac fractional bits into
// dst; ok is false when dst is not TRN/WRAP or would need a left shift.
func newTrnWrap(srcFrac int, dst fixed.Type) trnWrap {
	s := srcFrac - dst.FracBits()
	lo, hi, fits := dst.RawRange64()
	if !fits || dst.Rounding() != fixed.Trn || dst.Overflow() != fixed.Wrap || dst.SatBits() != 0 || s < 0 || s > 62 {
		return trnWrap{}
	}
	return trnWrap{ok: true, shift: uint(s), ext: uint(64 - dst.Width()), mask: int64(^uint64(0) >> uint(64-dst.Width())),
		lo: lo, hi: hi, signed: dst.Signed()}
}

// apply converts v; it is small enough to be inlined.
func (c *trnWrap) apply(v int64) int64 {
	q := v >> (c.shift & 63)
	if q < c.lo || q > c.hi {
		if c.signed {
			return q << (c.ext & 63) >> (c.ext & 63)
		}
		return q & c.mask
	}
	return q
}

// An InputCast converts float64 inputs into an input layer's type, as
// hls4ml's testbench does (input_t(x) with the type's modes). It is
// fixed.FloatCast64 with an inlined fast path for the common AP_TRN /
// AP_WRAP types.
type InputCast struct {
	c     fixed.FloatCast64
	fast  bool
	scale float64 // 2^F
	tw    trnWrap
}

// NewInputCast prepares the conversion into t.
func NewInputCast(t fixed.Type) (*InputCast, error) {
	c, err := fixed.NewFloatCast64(t)
	if err != nil {
		return nil, err
	}
	ic := &InputCast{c: c, scale: math.Ldexp(1, t.FracBits())}
	ic.tw = newTrnWrap(t.FracBits(), t)
	// With F >= 0 the product x·2^F is exact (no underflow), and floor of
	// it is the AP_TRN quantization.
	ic.fast = ic.tw.ok && t.FracBits() >= 0
	return ic, nil
}

// Apply converts x and reports what the conversion did.
func (c *InputCast) Apply(x float64) (int64, fixed.Flags) { return c.c.Apply(x) }

// Raw converts x without reporting flags.
func (c *InputCast) Raw(x float64) int64 {
	if c.fast {
		// |v| < 2^62 keeps the conversion to int64 exact; NaN fails the
		// test and takes the general path.
		if v := math.Floor(x * c.scale); v > -(1<<62) && v < 1<<62 {
			return c.tw.apply(int64(v))
		}
	}
	r, _ := c.c.Apply(x)
	return r
}
