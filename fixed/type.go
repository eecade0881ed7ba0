// This file implements Type, the description of one ap_fixed / ap_ufixed /
// ap_int / ap_uint type, its derived range, and the exact result types of
// + - and *.

package fixed

import (
	"errors"
	"fmt"
	"math"
	"math/big"
)

// Limits on the parameters a Type accepts. MaxWidth is far above the Xilinx
// default AP_INT_MAX_W (1024) so that products of wide types stay
// representable; the integer-bit bound only keeps absurd exponents (whose
// exact decimal would have millions of digits) out of the program.
const (
	MaxWidth   = 32768
	MaxIntBits = 1 << 16
)

// A Type is a fixed-point type: width W, integer bits I (including the sign
// bit of a signed type; any value, also <= 0 or > W), signedness, quantization
// and overflow modes and saturation bits N. A value of the type is a W-bit
// integer r meaning r * 2^(I-W).
//
// Type is small and comparable, so it can be a map key and compared with ==.
// Its zero value is invalid (Valid reports false), so a type nobody chose is
// caught instead of silently becoming ap_fixed<16,6>. Build one with New or
// Parse.
type Type struct {
	w, i, n int32
	signed  bool
	q       Rounding
	o       Overflow
}

// New returns the type ap_fixed<width,intBits,q,o,satBits> (signed) or
// ap_ufixed<...> (unsigned). It fails when width is outside 1..MaxWidth,
// |intBits| exceeds MaxIntBits, satBits is outside 0..width, a mode is
// unknown, or o is WrapSM on an unsigned type (the library rejects that
// combination at compile time).
func New(width, intBits int, signed bool, q Rounding, o Overflow, satBits int) (Type, error) {
	if _, err := validate(width, intBits, signed, q, o, satBits); err != nil {
		return Type{}, err
	}
	return Type{w: int32(width), i: int32(intBits), n: int32(satBits), signed: signed, q: q, o: o}, nil
}

// validate checks the parameters of New. It also returns the position of the
// offending parameter (0 width, 1 integer bits, 2 rounding, 3 overflow,
// 4 saturation bits), so that Parse can point at it.
func validate(width, intBits int, signed bool, q Rounding, o Overflow, satBits int) (int, error) {
	switch {
	case width < 1 || width > MaxWidth:
		return 0, fmt.Errorf("width %d out of range 1..%d", width, MaxWidth)
	case intBits < -MaxIntBits || intBits > MaxIntBits:
		return 1, fmt.Errorf("integer bits %d out of range %d..%d", intBits, -MaxIntBits, MaxIntBits)
	case !q.Valid():
		return 2, fmt.Errorf("invalid rounding mode %d", uint8(q))
	case !o.Valid():
		return 3, fmt.Errorf("invalid overflow mode %d", uint8(o))
	case satBits < 0 || satBits > width:
		return 4, fmt.Errorf("saturation bits %d out of range 0..%d (the width)", satBits, width)
	case o == WrapSM && !signed:
		return 3, errors.New("AP_WRAP_SM needs a signed type (ap_ufixed does not allow it)")
	}
	return 0, nil
}

// MustNew is New for types known to be valid (tables, tests); it panics on an
// error.
func MustNew(width, intBits int, signed bool, q Rounding, o Overflow, satBits int) Type {
	t, err := New(width, intBits, signed, q, o, satBits)
	if err != nil {
		panic("fixed.MustNew: " + err.Error())
	}
	return t
}

// Valid reports whether t was built by New or Parse (the zero Type is not).
func (t Type) Valid() bool { return t.w > 0 }

// Width returns W, the number of stored bits.
func (t Type) Width() int { return int(t.w) }

// IntBits returns I, the number of integer bits including the sign bit.
func (t Type) IntBits() int { return int(t.i) }

// FracBits returns F = W - I; the LSB is 2^-F. It is negative when I > W.
func (t Type) FracBits() int { return int(t.w) - int(t.i) }

// Signed reports whether t is ap_fixed (two's complement) rather than ap_ufixed.
func (t Type) Signed() bool { return t.signed }

// Rounding returns the quantization mode.
func (t Type) Rounding() Rounding { return t.q }

// Overflow returns the overflow mode.
func (t Type) Overflow() Overflow { return t.o }

// SatBits returns N, the saturation bits (used only by Wrap and WrapSM).
func (t Type) SatBits() int { return int(t.n) }

// IsInt reports whether t is an integer type with default modes, i.e. what
// ap_int<W> / ap_uint<W> mean.
func (t Type) IsInt() bool { return t.Valid() && t.i == t.w && t.q == Trn && t.o == Wrap && t.n == 0 }

// WithModes returns t with other modes and saturation bits, keeping W, I and
// signedness. It returns the invalid zero Type when the combination is not
// allowed (see New).
func (t Type) WithModes(q Rounding, o Overflow, n int) Type {
	u, err := New(int(t.w), int(t.i), t.signed, q, o, n)
	if err != nil || !t.Valid() {
		return Type{}
	}
	return u
}

// Int returns ap_int<width> (signed) or ap_uint<width>, or the invalid zero
// Type when width is out of range.
func Int(width int, signed bool) Type {
	t, err := New(width, width, signed, Trn, Wrap, 0)
	if err != nil {
		return Type{}
	}
	return t
}

// rawMin and rawMax return the raw range: [-2^(W-1), 2^(W-1)-1] signed,
// [0, 2^W-1] unsigned.
func (t Type) rawMin() *big.Int {
	if !t.signed {
		return new(big.Int)
	}
	return new(big.Int).Neg(new(big.Int).Lsh(big.NewInt(1), uint(t.w-1)))
}

func (t Type) rawMax() *big.Int {
	w := uint(t.w)
	if t.signed {
		w--
	}
	m := new(big.Int).Lsh(big.NewInt(1), w)
	return m.Sub(m, big.NewInt(1))
}

// fits64 reports whether every raw value of t fits in an int64: signed W <= 64
// or unsigned W <= 63.
func (t Type) fits64() bool {
	return t.Valid() && (t.signed && t.w <= 64 || !t.signed && t.w <= 63)
}

// RawRange64 returns the raw range of t as int64 values. ok is false when the
// range does not fit in an int64: for signed W > 64 and unsigned W > 63 (an
// ap_ufixed<64,...> needs the 64th bit for magnitude), and for the zero Type.
func (t Type) RawRange64() (lo, hi int64, ok bool) {
	if !t.fits64() {
		return 0, 0, false
	}
	if t.signed {
		return -1 << (t.w - 1), 1<<(t.w-1) - 1, true
	}
	return 0, 1<<t.w - 1, true
}

// scaled returns raw * 2^-F as the nearest float64 (ties to even, overflowing
// to ±Inf).
func (t Type) scaled(raw *big.Int) float64 {
	f := new(big.Float).SetInt(raw)
	f.SetMantExp(f, -t.FracBits())
	x, _ := f.Float64()
	return x
}

// Min returns the smallest value of t, rounded to the nearest float64.
func (t Type) Min() float64 {
	if !t.Valid() {
		return 0
	}
	return t.scaled(t.rawMin())
}

// Max returns the largest value of t, rounded to the nearest float64 (for
// W > 53 this can be a power of two the type cannot hold).
func (t Type) Max() float64 {
	if !t.Valid() {
		return 0
	}
	return t.scaled(t.rawMax())
}

// LSB returns the step 2^-F, rounded to the nearest float64 (0 or +Inf when
// the exponent is beyond float64's range).
func (t Type) LSB() float64 {
	if !t.Valid() {
		return 0
	}
	return math.Ldexp(1, -t.FracBits())
}

// resultType builds a result type of + - *: always AP_TRN / AP_WRAP / N=0,
// whatever the operands' modes. It returns the zero Type when the operands
// are invalid or the result would exceed the limits of New.
func resultType(a, b Type, w, i int, signed bool) Type {
	if !a.Valid() || !b.Valid() {
		return Type{}
	}
	t, err := New(w, i, signed, Trn, Wrap, 0)
	if err != nil {
		return Type{}
	}
	return t
}

// MulType returns the exact result type of a*b: W = Wa+Wb, I = Ia+Ib, signed
// if either is (ap_fixed<8,3> × ap_ufixed<6,2> → ap_fixed<14,5>). It returns
// the invalid zero Type when W would exceed MaxWidth.
func MulType(a, b Type) Type {
	return resultType(a, b, int(a.w+b.w), int(a.i+b.i), a.signed || b.signed)
}

// addBits returns I and W of a+b and a-b. An unsigned operand added to a
// signed one gets one more integer bit for its sign, and the sum one more for
// the carry: ap_fixed<1,1> + ap_ufixed<7,7> → ap_fixed<9,9>.
func addBits(a, b Type) (w, i int) {
	ia, ib := int(a.i), int(b.i)
	if b.signed && !a.signed {
		ia++
	}
	if a.signed && !b.signed {
		ib++
	}
	i = max(ia, ib) + 1
	return i + max(a.FracBits(), b.FracBits()), i
}

// AddType returns the exact result type of a+b (signed if either operand is).
func AddType(a, b Type) Type {
	w, i := addBits(a, b)
	return resultType(a, b, w, i, a.signed || b.signed)
}

// SubType returns the exact result type of a-b. It has the bits of AddType
// but is always signed, also for two unsigned operands.
func SubType(a, b Type) Type {
	w, i := addBits(a, b)
	return resultType(a, b, w, i, true)
}

// MinValue returns the smallest value of t exactly (the zero Value for an
// invalid t).
func (t Type) MinValue() Value {
	if !t.Valid() {
		return Value{}
	}
	return newValue(t, t.rawMin())
}

// MaxValue returns the largest value of t exactly (the zero Value for an
// invalid t).
func (t Type) MaxValue() Value {
	if !t.Valid() {
		return Value{}
	}
	return newValue(t, t.rawMax())
}

// LSBText returns the step 2^-F as an exact decimal: "0.0009765625" for
// ap_fixed<16,6>, "128" for ap_ufixed<9,16>.
func (t Type) LSBText() string {
	return exactDecimal(big.NewInt(1), t.FracBits())
}
