// This file implements HWType, the hardware form of a quantizer: the
// fixed-point type and ap_fixed modes (or, where no single cast does it, the
// comparison or exponent rule) whose result equals the quantizer's output,
// and Spec.HWTypeFor / Spec.HWTypeForWeights, which derive it.
//
// The hardware form reproduces the quantizer's semantics as written in
// qkeras-reference.md, evaluated exactly. Spec.Apply evaluates the same
// formulas in float64, which is exact for every value a fixed-point
// input can hold (at most 52 fractional bits, no huge magnitudes); for
// arbitrary float64 inputs Apply rounds in three places the hardware does
// not, and HWType.Apply is the exact value:
//   - the straight-through mix x + (xq − x): for |x| ≥ 2^53·LSB the
//     difference is rounded, so Apply can leave the grid (trap T8);
//   - the hard sigmoid 0.5·x + 0.5 (quantized_tanh, quantized_sigmoid,
//     binary_tanh, quantized_relu(use_sigmoid)): rounded when x has more
//     than 52 fractional bits, which moves a value within 2^-54 of a tie
//     onto the tie;
//   - math.Log2 within a few ulps of the po2 quantizers' decision
//     boundaries (√2·2^k; 2^k for log2_rounding='floor').
//
// Exact ties are decided as QKeras decides them (half to even; at the
// quadratic approximation's ties the way float64 √ and log2 send them, see
// Po2Rule.QuadTieUp). Fixed point has one zero: where QKeras returns −0
// the form gives +0.

package quant

import (
	"errors"
	"fmt"
	"math"

	"github.com/nnhls/nnhls/fixed"
)

// HWKind is the rule by which the hardware computes a quantizer's output.
type HWKind uint8

// Hardware kinds. In every kind the per-channel HWType.Scale multiplies the
// result last.
const (
	HWInvalid HWKind = iota
	// HWCast: y = OutOffset + min(Type(InSlope·x + InOffset), OutMax), the
	// affine step exact (InSlope a power of two), the cast with Type's
	// rounding and overflow modes, OutMax (when not nil) a cap below the
	// type's maximum. When NegType is valid, negative x instead give
	// NegType(NegSlope·x) (quantized_relu with a negative slope).
	HWCast
	// HWConst: y = Const for every x (quantizers whose range is one value).
	HWConst
	// HWBinary: y = High when x > 0, else Low; with ZeroHigh, High unless
	// x < 0 (zero and NaN give High, as QKeras's sign with sign(0) = +1).
	// A one-bit encoding; Type holds both values.
	HWBinary
	// HWTernary: y = +1 when x ≥ Threshold, −1 when x ≤ −Threshold, else 0
	// (for Threshold ≤ 0: the sign of x, 0 at 0). Type holds −1, 0, +1.
	HWTernary
	// HWPo2: y = ±2^e with the exponent rule Po2; an exponent encoding,
	// no cast. Type holds every output value.
	HWPo2
	// HWPerElement: element e is cast into Elem[j(e)] (HGQ), j by
	// broadcasting ElemShape against the input; an invalid Elem[j] means
	// the element is always 0. Type is the narrowest type that holds every
	// element's values.
	HWPerElement
	numHWKinds
)

var hwKindNames = [...]string{
	HWInvalid:    "invalid",
	HWCast:       "cast",
	HWConst:      "const",
	HWBinary:     "binary",
	HWTernary:    "ternary",
	HWPo2:        "po2",
	HWPerElement: "per_element",
}

// String returns the kind's name, e.g. "cast".
func (k HWKind) String() string {
	if k < numHWKinds {
		return hwKindNames[k]
	}
	return fmt.Sprintf("HWKind(%d)", uint8(k))
}

// Po2Rule is the exponent rule of quantized_po2 and quantized_relu_po2:
// y = s·2^e(t), with t and s from x:
//   - quantized_po2 (Signed): t = |x|, s = −1 for x < 0, else +1;
//   - quantized_relu_po2: for x ≥ 0 (or NegSlope = 0) t = max(x, 0), s = +1,
//     else t = NegSlope·|x|, s = −1.
//
// e(t) is EMin for t < Eps; otherwise t is cut at MaxValue, e = round(log2 t)
// (floor with Floor), where rounding in the log domain puts the boundary
// between 2^k and 2^(k+1) at √2·2^k, clipped to [EMin, EMax]. With
// Quadratic, e = 2·clip(round(log2 √t), EMin, EMax), whose ties at
// t = 2^(2j+1) go the way QKeras's float64 evaluation sends them
// (QuadTieUp).
type Po2Rule struct {
	EMin, EMax int
	Signed     bool
	NegSlope   float64
	MaxValue   *float64
	Floor      bool
	Quadratic  bool
	Eps        float64
}

// HWType is how the firmware reproduces a quantizer.
type HWType struct {
	Kind HWKind
	// Type is the cast target of HWCast, and the type holding the output
	// values (before Scale) of the other kinds.
	Type fixed.Type
	// Out is the narrowest type (AP_TRN, AP_WRAP: nothing is converted into
	// it) holding every output value before Scale. It is Type without its
	// modes, except for HWCast forms with a negative side (the union of
	// Type and NegType), an OutOffset (quantized_sigmoid(symmetric):
	// ap_ufixed<b,0>) or an OutMax off Type's grid (quantized_relu
	// (use_sigmoid)).
	Out fixed.Type
	// Scale multiplies the result per channel (the last axis; per element
	// for a rank-1 tensor): alpha 'auto', 'auto_po2' or a number. nil means
	// 1. Po2Scale says every scale is a power of two, which the firmware
	// applies as a shift.
	Scale    []float64
	Po2Scale bool
	// HWCast parameters.
	InSlope, InOffset, OutOffset float64
	OutMax                       *float64
	NegSlope                     float64
	NegType                      fixed.Type
	// HWConst.
	Const float64
	// HWBinary.
	Low, High float64
	ZeroHigh  bool
	// HWTernary.
	Threshold float64
	// HWPo2.
	Po2 Po2Rule
	// HWPerElement: one type per K/I/F element and their shape (nil: flat,
	// one per trailing element of the input, or one for all).
	Elem      []fixed.Type
	ElemShape []int
	// DivideByScale (HWCast, kernels with alpha 'auto'/'auto_po2'): the
	// cast's input is x/Scale, so y = Scale·Type(x/Scale).
	DivideByScale bool
	// GridOnly (ternary kernels with alpha 'auto'/'auto_po2', whose
	// thresholds come from the previous iteration's scale): the form holds
	// only for the weights it was computed from, as the grid values
	// HWTypeForWeights returned; Apply refuses it.
	GridOnly bool
	// Exact reports whether the form reproduces the quantizer exactly; when
	// false, Note says why, and the form is an approximation a user must
	// opt into.
	Exact bool
	Note  string
}

// ap_fixed modes the QKeras quantizers use.
const (
	rndConv = fixed.RndConv
	sat     = fixed.Sat
	satSym  = fixed.SatSym
)

// HWTypeFor returns the hardware form of s applied to activations, whose
// inputs are arbitrary real values (the exact values of float64 or
// fixed-point inputs). It fails for a nil or invalid Spec and for
// data-dependent scales (alpha 'auto' or 'auto_po2' outside a kernel),
// which have no hardware form. A quantizer the firmware can only
// approximate gets Exact = false and a Note.
//
//	quantized_bits(8,3)                      → cast to ap_fixed<8,4,AP_RND_CONV,AP_SAT>
//	quantized_bits(4,0,symmetric=1)          → cast to ap_fixed<4,1,AP_RND_CONV,AP_SAT_SYM>
//	quantized_bits(4,1,keep_negative=False)  → cast to ap_ufixed<4,1,AP_RND_CONV,AP_SAT>
//	quantized_relu(6,2)                      → cast to ap_ufixed<6,2,AP_RND_CONV,AP_SAT>
func (s *Spec) HWTypeFor() (HWType, error) {
	if s == nil {
		return HWType{}, fmt.Errorf("quant: HWTypeFor on a nil Spec")
	}
	h, err := s.hwType()
	if err == nil {
		err = h.setOut(s)
	}
	if err != nil {
		return HWType{}, fmt.Errorf("quant: %v: hardware type: %w", s, err)
	}
	return h, nil
}

// setOut fills h.Out from the form (see HWType.Out).
func (h *HWType) setOut(s *Spec) error {
	if !h.Type.Valid() {
		return errors.New("no valid type")
	}
	if h.Out.Valid() {
		return nil // set by the form (hwtype_qonnx.go)
	}
	out := h.Type.WithModes(fixed.Trn, fixed.Wrap, 0)
	if h.Kind == HWCast {
		switch {
		case h.NegType.Valid():
			out = unionType(h.Type, h.NegType)
		case h.OutOffset != 0:
			// 1/2 + [−1/2, 1/2): the same bits, unsigned, at 2^0.
			out = mustType(h.Type.Width(), h.Type.IntBits(), false, fixed.Trn, fixed.Wrap)
		case h.OutMax != nil:
			// The cap 2^i − 2^(i−n) needs one more fractional bit.
			out = mustType(h.Type.Width(), s.Integer, false, fixed.Trn, fixed.Wrap)
		}
	}
	if !out.Valid() {
		return fmt.Errorf("no output type for %v", h.Type)
	}
	h.Out = out
	return nil
}

// unionType is the narrowest type (AP_TRN, AP_WRAP) holding every value of
// a and of b: the finer LSB, the larger integer part (one more bit for an
// unsigned type next to a signed one), signed if either is.
func unionType(a, b fixed.Type) fixed.Type {
	signed := a.Signed() || b.Signed()
	ib := func(t fixed.Type) int {
		if signed && !t.Signed() {
			return t.IntBits() + 1
		}
		return t.IntBits()
	}
	i := max(ib(a), ib(b))
	f := max(a.FracBits(), b.FracBits())
	t, err := fixed.New(max(i+f, 1), i, signed, fixed.Trn, fixed.Wrap, 0)
	if err != nil {
		return fixed.Type{}
	}
	return t
}

func (s *Spec) hwType() (HWType, error) {
	if s.QNoiseFactor != nil && *s.QNoiseFactor != 1 {
		// x_u + f·(xq − x_u) passes unquantized input through; the
		// approximation is the quantizer itself (f = 1).
		c := s.Clone()
		c.QNoiseFactor = nil
		h, err := c.hwType()
		if err != nil {
			return HWType{}, err
		}
		h.Exact = false
		h.Note = fmt.Sprintf("qnoise_factor %v mixes the unquantized input into the output; the form is the quantizer with qnoise_factor 1", *s.QNoiseFactor)
		return h, nil
	}
	switch s.Kind {
	case QuantizedBits:
		return s.hwBits()
	case QuantizedRelu:
		return s.hwRelu()
	case QuantizedTanh:
		return s.hwTanh()
	case QuantizedSigmoid:
		return s.hwSigmoid()
	case QuantizedPo2, QuantizedReluPo2:
		return s.hwPo2()
	case Binary, StochasticBinary:
		return s.hwBinary()
	case BinaryTanh:
		// 2·rne(hs(x)) − 1: hs(x) > 1/2 exactly when x > 0; hs(0) = 1/2
		// rounds to even, 0, so 0 gives −1.
		return HWType{Kind: HWBinary, Type: pm1Type(), Low: -1, High: 1, Exact: true}, nil
	case Ternary, StochasticTernary:
		return s.hwTernary()
	case FixedPoint:
		return s.hwFixedPoint()
	case QONNXQuant, BipolarQuant, Trunc, QuantizeLinear:
		return s.hwQONNX() // hwtype_qonnx.go
	}
	return HWType{}, fmt.Errorf("unknown quantizer kind %d", s.Kind)
}

// mustType builds a type whose parameters the caller has checked.
func mustType(w, i int, signed bool, q fixed.Rounding, o fixed.Overflow) fixed.Type {
	t, err := fixed.New(w, i, signed, q, o, 0)
	if err != nil {
		panic("quant: internal error: " + err.Error())
	}
	return t
}

// pm1Type holds −1, 0 and +1: ap_fixed<2,2>.
func pm1Type() fixed.Type { return mustType(2, 2, true, fixed.Trn, fixed.Wrap) }

// numberScale is the Scale of a numeric alpha: nil for 1.
func (s *Spec) numberScale() ([]float64, bool, error) {
	if s.Alpha != AlphaNumber || s.AlphaValue == 1 {
		return nil, false, nil
	}
	a := s.AlphaValue
	if math.IsNaN(a) || math.IsInf(a, 0) {
		return nil, false, fmt.Errorf("alpha %v is not a finite number", a)
	}
	return []float64{a}, isPo2(a), nil
}

// isPo2 reports whether |v| is a power of two.
func isPo2(v float64) bool {
	f, _ := math.Frexp(math.Abs(v))
	return f == 0.5
}

func errDataScale(s *Spec) error {
	return fmt.Errorf("alpha %s computes its scale from the data at run time; it has a hardware form only as a kernel quantizer (HWTypeForWeights)", alphaName(s.Alpha))
}

// floatBound marks h not exact when the quantizer's top value, 1 − 2^-n of
// its range in QKeras's formula, is not a float64: for n > 53 it rounds to
// 1, one step above the type's maximum.
func (h *HWType) floatBound(n int) {
	if n > 53 {
		h.Exact = false
		h.Note = fmt.Sprintf("%d magnitude bits: QKeras's float64 bound 1 − 2^-%d rounds to 1, one step above the type's maximum", n, n)
	}
}

// hwBits: y = a·mi·clip(rne(x·m/mi), k·(sym − m), m − 1)/m is the cast of x
// onto the grid mi/m = 2^(i+k−b) with b bits: ap_fixed<b,i+1> (k = 1) or
// ap_ufixed<b,i> (k = 0), round half to even, saturating, symmetric
// dropping the most negative code (AP_SAT_SYM). Any integer works, also
// i+1 ≥ b (ap_fixed<5,6>: step 2, range [−32, 30]).
func (s *Spec) hwBits() (HWType, error) {
	if s.Alpha == AlphaAuto || s.Alpha == AlphaAutoPo2 {
		return HWType{}, errDataScale(s)
	}
	scale, po2, err := s.numberScale()
	if err != nil {
		return HWType{}, err
	}
	h := HWType{Kind: HWCast, Scale: scale, Po2Scale: po2, InSlope: 1, Exact: true}
	k := 0
	if s.KeepNegative {
		k = 1
	}
	u := s.Bits - k
	switch {
	case u < 0:
		return HWType{}, fmt.Errorf("bits %d leave no magnitude bits", s.Bits)
	case u == 0 && k == 1:
		// One signed bit: sign(x) with sign(0) = +1 and no 2^integer factor.
		h.Kind, h.Type, h.Low, h.High, h.ZeroHigh = HWBinary, pm1Type(), -1, 1, true
		return h, nil
	case u == 0:
		// Zero unsigned bits: {0, 1} by the sign, again without 2^integer.
		h.Kind, h.Type, h.Low, h.High, h.ZeroHigh = HWBinary, mustType(1, 1, false, fixed.Trn, fixed.Wrap), 0, 1, true
		return h, nil
	}
	o := sat
	if s.Symmetric && k == 1 {
		o = satSym
	}
	h.Type = mustType(s.Bits, s.Integer+k, k == 1, rndConv, o)
	h.floatBound(u)
	return h, nil
}

// hwRelu: quantized_relu(b,i) is the cast onto ap_ufixed<n,i> (n = b, or
// b − 1 with a negative slope), half to even, saturating. A power-of-two
// negative slope ns = 2^j adds, for x < 0, mi·ns·clip(rne(ns·x·m/mi)/(ns·m),
// −1, 0): the cast of ns·x onto the same step 2^(i−n), floored at
// −ns·2^i, i.e. ap_fixed<n+j+1, i+j+1>. No single type has the range
// [−ns·2^i, 2^i − 2^(i−n)] unless ns = 1 (hls4ml's LeakyReLU into
// fixed<b,i+1> saturates the negative side at −2^i instead), so the form
// has two casts.
func (s *Spec) hwRelu() (HWType, error) {
	ns := s.NegativeSlope
	n := s.Bits
	if ns != 0 {
		n--
	}
	h := HWType{Kind: HWCast, InSlope: 1, Exact: true}
	if n <= 0 {
		// m = 1: clip(·, 0, 1 − 1/m) leaves only 0 (and no negative part
		// can be built from n + j + 1 ≤ 0 bits).
		if ns > 0 {
			h.Type = mustType(1, 1, false, fixed.Trn, fixed.Wrap)
			h.Exact = false
			h.Note = fmt.Sprintf("quantized_relu with %d bits and a negative slope has no magnitude bits", s.Bits)
			return h, nil
		}
		h.Kind, h.Type = HWConst, mustType(1, 1, false, fixed.Trn, fixed.Wrap)
		return h, nil
	}
	h.floatBound(n)
	if s.UseSigmoid {
		return s.hwReluSigmoid(h, n)
	}
	h.Type = mustType(n, s.Integer, false, rndConv, sat)
	if ns <= 0 || math.IsNaN(ns) {
		// A negative slope only changes the unquantized value QKeras mixes
		// with; the quantized part is the positive cast, 0 below 0.
		return h, nil
	}
	frac, exp := math.Frexp(ns)
	j := exp - 1 // ns = 2^j when frac = 1/2
	switch {
	case frac != 0.5:
		h.Exact = false
		h.Note = fmt.Sprintf("negative_slope %v is not a power of two, so QKeras's negative side is rounded in floating point", ns)
		return h, nil
	case n+j < 0:
		h.Exact = false
		h.Note = fmt.Sprintf("negative_slope %v is below one step (2^-%d): the negative side jumps to −slope·2^integer at −step/2, which no cast reproduces", ns, n)
		return h, nil
	}
	h.NegSlope = ns
	h.NegType = mustType(n+j+1, s.Integer+j+1, true, rndConv, sat)
	return h, nil
}

// hwReluSigmoid: use_sigmoid gives y = mi·clip(2·rne(m·hs(x/mi))/m − 1, 0,
// 1 − 1/m). For n ≥ 2, m/2 is even, so rne(m·x/(2mi) + m/2) − m/2 =
// rne(m·x/(2mi)): the cast of x onto the step 2·mi/m (ap_ufixed<n,i+1>,
// half to even, saturating), whose values 2k·mi/m from k = m/2 on are cut
// to mi·(1 − 1/m), a value off that step (OutMax). For n = 1 the values are
// {0, mi/2}, mi/2 from x = mi/2 on (the odd shift m/2 = 1 sends ties up):
// ap_ufixed<1,i> truncating.
func (s *Spec) hwReluSigmoid(h HWType, n int) (HWType, error) {
	if s.NegativeSlope > 0 {
		h.Type = mustType(n, s.Integer, false, rndConv, sat)
		h.Exact = false
		h.Note = "quantized_relu(use_sigmoid=1) with a negative slope has no exact form"
		return h, nil
	}
	if n == 1 {
		h.Type = mustType(1, s.Integer, false, fixed.Trn, sat)
		return h, nil
	}
	h.Type = mustType(n, s.Integer+1, false, rndConv, sat)
	top := math.Ldexp(1, s.Integer) - math.Ldexp(1, s.Integer-n)
	h.OutMax = &top
	return h, nil
}

// hwTanh: with the hard sigmoid, 2·hs(x) − 1 = clip(x, −1, 1), so
// clip(rne(p·m)/m, −1 + sym/m, 1 − 1/m) with m = 2^(b−1) is the cast onto
// ap_fixed<b,1>, half to even, AP_SAT (AP_SAT_SYM when symmetric).
func (s *Spec) hwTanh() (HWType, error) {
	if s.Bits < 1 {
		return HWType{}, fmt.Errorf("bits %d: quantized_tanh needs at least 1", s.Bits)
	}
	o := sat
	if s.Symmetric {
		o = satSym
	}
	h := HWType{Kind: HWCast, Type: mustType(s.Bits, 1, true, rndConv, o), InSlope: 1, Exact: true}
	h.floatBound(s.Bits - 1)
	if s.Bits == 1 && s.Symmetric {
		// clip(·, 0, 0): always 0 (AP_SAT_SYM with W = 1 would give −1).
		h.Kind = HWConst
	}
	if s.UseReal {
		h.Exact = false
		h.Note = "use_real_tanh needs tanh itself (a table in firmware); the cast after it is exact"
	}
	return h, nil
}

// hwSigmoid: y = clip(rne(m·hs(x))/m, sym/m, 1 − 1/m), m = 2^b, hs(x) =
// clip(x/2 + 1/2, 0, 1): the cast of x/2 + 1/2 onto ap_ufixed<b,0> (half to
// even, saturating). Symmetric raises the floor to 1/m, which no unsigned
// mode does; but for b ≥ 2 m/2 is even, so y = 1/2 + (x/2 cast onto
// ap_fixed<b,0,AP_RND_CONV,AP_SAT_SYM>), whose range ±(1/2 − 1/m) is
// exactly [1/m, 1 − 1/m] shifted.
func (s *Spec) hwSigmoid() (HWType, error) {
	if s.Bits < 1 {
		return HWType{}, fmt.Errorf("bits %d: quantized_sigmoid needs at least 1", s.Bits)
	}
	h := HWType{Kind: HWCast, InSlope: 0.5, Exact: true}
	switch {
	case !s.Symmetric:
		h.InOffset = 0.5
		h.Type = mustType(s.Bits, 0, false, rndConv, sat)
	case s.Bits == 1:
		// clip(·, 1/2, 1/2).
		h.Kind, h.Const, h.Type = HWConst, 0.5, mustType(1, 0, false, rndConv, sat)
	default:
		h.OutOffset = 0.5
		h.Type = mustType(s.Bits, 0, true, rndConv, satSym)
	}
	h.floatBound(s.Bits)
	if s.UseReal {
		h.Exact = false
		h.Note = "use_real_sigmoid needs the logistic function itself (a table in firmware); the cast after it is exact"
	}
	return h, nil
}

// hwPo2 describes quantized_po2 and quantized_relu_po2 by their exponent
// rule: no fixed-point cast rounds in the log domain.
func (s *Spec) hwPo2() (HWType, error) {
	emin, emax, err := s.po2Exponents()
	if err != nil {
		return HWType{}, err
	}
	r := Po2Rule{EMin: int(emin), EMax: int(emax), Signed: s.Kind == QuantizedPo2,
		MaxValue: clonePtr(s.MaxValue), Floor: s.Log2Rounding == "floor",
		Quadratic: s.QuadraticApproximation, Eps: eps}
	h := HWType{Kind: HWPo2, Po2: r, Exact: true}
	if s.Kind == QuantizedReluPo2 && s.NegativeSlope != 0 {
		r.NegSlope = s.NegativeSlope
		h.Po2 = r
		if !isPo2(r.NegSlope) || r.NegSlope < 0 {
			h.Exact = false
			h.Note = fmt.Sprintf("negative_slope %v is not a positive power of two, so slope·|x| is rounded in floating point", r.NegSlope)
		}
	}
	if s.MaxValue != nil && (math.IsNaN(*s.MaxValue) || *s.MaxValue <= 0) {
		h.Exact = false
		h.Note = fmt.Sprintf("max_value %v is not positive", *s.MaxValue)
	}
	// Every output is ±2^e with e from the clipped range; eps gives EMin
	// itself, not doubled.
	lo, hi := r.EMin, r.EMax
	if r.Quadratic {
		lo, hi = 2*r.EMin, 2*r.EMax
	}
	lo, hi = min(lo, r.EMin), max(hi, r.EMin)
	signed := r.Signed || r.NegSlope != 0
	w, in := hi-lo+1, hi+1
	if signed {
		w, in = w+1, in+1
	}
	h.Type = mustType(w, in, signed, fixed.Trn, fixed.Wrap)
	return h, nil
}

// hwBinary: sign(x) with sign(0) = +1, or {0, 1} with use_01.
func (s *Spec) hwBinary() (HWType, error) {
	if s.Alpha == AlphaAuto || s.Alpha == AlphaAutoPo2 {
		return HWType{}, errDataScale(s)
	}
	scale, po2, err := s.numberScale()
	if err != nil {
		return HWType{}, err
	}
	h := HWType{Kind: HWBinary, Type: pm1Type(), Low: -1, High: 1, ZeroHigh: true,
		Scale: scale, Po2Scale: po2, Exact: true}
	if s.Use01 {
		h.Type, h.Low = mustType(1, 1, false, fixed.Trn, fixed.Wrap), 0
	}
	return h, nil
}

// hwTernary: sign(x)·[|x| ≥ T] with T the threshold or 0.33 (QKeras
// compares ≥ on both sides; hls4ml's ternary_tanh compares > on the
// positive side).
func (s *Spec) hwTernary() (HWType, error) {
	if s.Alpha == AlphaAuto || s.Alpha == AlphaAutoPo2 {
		return HWType{}, errDataScale(s)
	}
	scale, po2, err := s.numberScale()
	if err != nil {
		return HWType{}, err
	}
	thr := defaultThreshold
	if s.Threshold != nil {
		thr = *s.Threshold
	}
	h := HWType{Kind: HWTernary, Type: pm1Type(), Threshold: thr, Scale: scale, Po2Scale: po2, Exact: true}
	if math.IsNaN(thr) {
		h.Exact = false
		h.Note = "threshold is NaN"
	}
	return h, nil
}

// hwFixedPoint: HGQ's round-then-overflow on k+i+f bits is the cast onto
// ap_fixed<k+i+f, k+i> (ap_ufixed when k = 0) with the same modes, one type
// per element. Elements with no bits output 0 (an invalid Elem).
func (s *Spec) hwFixedPoint() (HWType, error) {
	if err := s.checkFixedPoint(); err != nil {
		return HWType{}, err
	}
	q, err := fixed.ParseRounding(orDefault(s.Rounding, "TRN"))
	if err != nil {
		return HWType{}, fmt.Errorf("round_mode: %w", err)
	}
	o, err := fixed.ParseOverflow(orDefault(s.Overflow, "WRAP"))
	if err != nil {
		return HWType{}, fmt.Errorf("overflow_mode: %w", err)
	}
	n := max(len(s.K), len(s.I), len(s.F))
	at := func(v []float64, j int) int {
		if len(v) == 1 {
			return int(v[0])
		}
		return int(v[j])
	}
	h := HWType{Kind: HWPerElement, Elem: make([]fixed.Type, n), Exact: true}
	if s.KIFShape != nil {
		h.ElemShape = append([]int(nil), s.KIFShape...)
	}
	for j := range n {
		k, i, f := at(s.K, j), at(s.I, j), at(s.F, j)
		if k+i+f <= 0 || k == 1 && i+f == 0 && o == satSym {
			// No bits, or HGQ's clip(code, −high, high) with high = 0: 0.
			continue
		}
		if k == 0 && o == fixed.WrapSM {
			h.Exact = false
			h.Note = "AP_WRAP_SM needs a signed type; unsigned elements cannot use it"
			continue
		}
		t, err := fixed.New(k+i+f, k+i, k == 1, q, o, 0)
		if err != nil {
			return HWType{}, fmt.Errorf("element %d: %w", j, err)
		}
		h.Elem[j] = t
		// Type: the union of the element types, with their modes where
		// the union allows them.
		if !h.Type.Valid() {
			h.Type = t
		} else if u := unionType(h.Type, t); u.WithModes(q, o, 0).Valid() {
			h.Type = u.WithModes(q, o, 0)
		} else {
			h.Type = u
		}
	}
	if o == fixed.WrapSM && q != fixed.Trn && h.Exact {
		// ap_fixed's AP_WRAP_SM (N = 0) takes the bit above the range from
		// the value before rounding; HGQ reflects the rounded code. They
		// agree when nothing is rounded up (AP_TRN).
		h.Exact = false
		h.Note = fmt.Sprintf("HGQ's WRAP_SM reflects the rounded code, ap_fixed's AP_WRAP_SM reads the unrounded one: they differ under %s", q.HLS4ML())
	}
	if !h.Type.Valid() {
		// Every element is 0.
		h.Type = mustType(1, 1, false, fixed.Trn, fixed.Wrap)
	}
	return h, nil
}
