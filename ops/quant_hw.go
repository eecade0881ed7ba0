// This file implements the exact hardware form of a quantizer on raw values:
// the OpQuant kernel for nodes whose HW.Quant["activation"] a pass set
// (quant.HWType: cast, const, binary, ternary, po2, per-element), so that
// the firmware computes what QKeras computes, bit for bit.

package ops

import (
	"fmt"
	"math"
	"math/bits"

	"github.com/nnhls/nnhls/fixed"
	"github.com/nnhls/nnhls/quant"
)

// quantHW computes y = Scale_c · rule(x) for each element, where rule is
// the form's kind, on raw input values with inF fractional bits. The
// unscaled rule gives a raw value at vF fractional bits (the form's Out
// type, which holds every output value); the scale, a per-channel dyadic
// number mul·2^-shift, brings it to sF fractional bits; the result cast
// converts that into result_t, which a pass chose to hold it exactly.
type quantHW struct {
	h      *quant.HWType
	n, c   int // elements, channels (the last axis)
	inF    int
	vF     int
	cast   fixed.Cast64 // HWCast: affine value -> Type
	affUp  uint         // left shift of the input raw to the affine grid
	affOff int64        // InOffset on the affine grid
	neg    bool         // HWCast with a negative side
	negC   fixed.Cast64 // x < 0: NegSlope·x -> NegType
	upT    uint         // Type raw -> vF
	upN    uint         // NegType raw -> vF
	hasMax bool
	maxRaw int64 // OutMax at vF
	outOff int64 // OutOffset at vF
	low    int64 // HWBinary Low, HWTernary −1, at vF
	high   int64 // HWBinary High, HWTernary +1, at vF
	konst  int64 // HWConst at vF
	thr    int64 // HWTernary: x ≥ T ⟺ raw ≥ thr (thr ≤ 0 means sign)
	thrOn  bool
	zero   int64 // HWTernary without a threshold: the value at 0
	// HWPo2: the output is a nondecreasing step function of the input
	// (y = s·2^e(t) is monotone in x for every rule), so it is the value
	// of the last breakpoint at or below the raw input.
	brk  []int64
	vals []int64
	// HWPerElement: one cast per element type, the element's index by
	// broadcasting.
	elem    []fixed.Cast64
	elemOn  []bool
	elemUp  []uint
	elemIdx []int32
	// Scale: per channel, y·mul >> 0 at sF = vF + sh.
	mul []int64
	sh  []uint
	sF  int
	res fixed.Cast64
}

// NewQuantHW builds the kernel of h for n elements with c channels, from
// raw inputs of type in into result_t res. It fails when a value of the
// form cannot be held in the int64 path.
func NewQuantHW(h *quant.HWType, shape []int, in, res fixed.Type) (Kernel, error) {
	if h == nil || !in.Valid() || !res.Valid() {
		return nil, fmt.Errorf("quantizer hardware form: missing form or type")
	}
	out := h.Out
	if !out.Valid() {
		out = h.Type
	}
	k := &quantHW{h: h, n: prod(shape), c: shape[len(shape)-1], inF: in.FracBits(), vF: out.FracBits()}
	var err error
	switch h.Kind {
	case quant.HWCast:
		err = k.buildCast(in)
	case quant.HWConst:
		k.konst, err = dyadicAt(h.Const, k.vF)
	case quant.HWBinary:
		if k.low, err = dyadicAt(h.Low, k.vF); err == nil {
			k.high, err = dyadicAt(h.High, k.vF)
		}
	case quant.HWTernary:
		err = k.buildTernary()
	case quant.HWPo2:
		err = k.buildPo2(in)
	case quant.HWPerElement:
		err = k.buildElem(shape)
	default:
		err = fmt.Errorf("kind %s has no kernel", h.Kind)
	}
	if err != nil {
		return nil, fmt.Errorf("quantizer hardware form %s: %w", h.Kind, err)
	}
	if err := k.buildScale(out); err != nil {
		return nil, err
	}
	if k.res, err = fixed.NewCast64(k.sF, res); err != nil {
		return nil, err
	}
	return k, nil
}

func prod(shape []int) int {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return n
}

// dyadicAt returns v·2^f as an int64 when that is an integer of at most 62
// bits.
func dyadicAt(v float64, f int) (int64, error) {
	r := math.Ldexp(v, f)
	if r != math.Trunc(r) || math.Abs(r) >= 1<<62 {
		return 0, fmt.Errorf("value %v is not on the grid 2^-%d", v, f)
	}
	return int64(r), nil
}

// fracBitsOf is the number of fractional bits v needs (v finite).
func fracBitsOf(v float64) int {
	if v == 0 {
		return math.MinInt32
	}
	frac, exp := math.Frexp(v)
	mant := uint64(math.Ldexp(math.Abs(frac), 53))
	return 53 - exp - bits.TrailingZeros64(mant)
}

// buildCast prepares y = OutOffset + min(Type(InSlope·x + InOffset), OutMax),
// or NegType(NegSlope·x) for x < 0.
func (k *quantHW) buildCast(in fixed.Type) error {
	h := k.h
	frac, exp := math.Frexp(h.InSlope)
	if frac != 0.5 {
		return fmt.Errorf("input slope %v is not a power of two", h.InSlope)
	}
	xF := k.inF - (exp - 1) // InSlope·x has the raw of x at xF fractional bits
	affF := xF
	if h.InOffset != 0 {
		affF = max(affF, fracBitsOf(h.InOffset))
	}
	if in.Width()+affF-xF > 62 {
		return fmt.Errorf("affine input of %v needs %d bits", in, in.Width()+affF-xF)
	}
	k.affUp = uint(affF - xF)
	var err error
	if k.affOff, err = dyadicAt(h.InOffset, affF); err != nil {
		return err
	}
	if k.cast, err = fixed.NewCast64(affF, h.Type); err != nil {
		return err
	}
	if d := k.vF - h.Type.FracBits(); d < 0 {
		return fmt.Errorf("output type finer than the cast %v", h.Type)
	} else {
		k.upT = uint(d)
	}
	if h.NegType.Valid() {
		frac, exp := math.Frexp(h.NegSlope)
		if frac != 0.5 {
			return fmt.Errorf("negative slope %v is not a power of two", h.NegSlope)
		}
		if k.negC, err = fixed.NewCast64(k.inF-(exp-1), h.NegType); err != nil {
			return err
		}
		d := k.vF - h.NegType.FracBits()
		if d < 0 {
			return fmt.Errorf("output type finer than the negative cast %v", h.NegType)
		}
		k.neg, k.upN = true, uint(d)
	}
	if h.OutMax != nil {
		k.hasMax = true
		if k.maxRaw, err = dyadicAt(*h.OutMax, k.vF); err != nil {
			return err
		}
	}
	k.outOff, err = dyadicAt(h.OutOffset, k.vF)
	return err
}

// buildTernary: x ≥ T ⟺ raw ≥ ⌈T·2^inF⌉ for T > 0 (T·2^inF is exact).
func (k *quantHW) buildTernary() error {
	var err error
	if k.low, err = dyadicAt(-1, k.vF); err != nil {
		return err
	}
	if k.high, err = dyadicAt(1, k.vF); err != nil {
		return err
	}
	t := k.h.Threshold
	switch {
	case math.IsNaN(t):
		return fmt.Errorf("thresholds computed from weights hold only for those weights")
	case !(t > 0):
		unscaled := *k.h
		unscaled.Scale = nil
		y, err := unscaled.Apply([]float64{0}, nil)
		if err != nil {
			return err
		}
		k.zero, err = dyadicAt(y[0], k.vF)
		return err
	default:
		c := math.Ceil(math.Ldexp(t, k.inF))
		if c >= 1<<62 {
			c = 1 << 62
		}
		k.thr, k.thrOn = int64(c), true
	}
	return nil
}

// buildPo2 finds the breakpoints of the step function over the input's raw
// range by bisection: the function is nondecreasing, so an interval whose
// ends agree is constant. HWType.Apply, the form's exact definition, gives
// the value at each probe.
func (k *quantHW) buildPo2(in fixed.Type) error {
	lo, hi, ok := in.RawRange64()
	if !ok || in.Width() > 53 {
		// The probes go through float64, exact up to 53 bits.
		return fmt.Errorf("input %v wider than 53 bits", in)
	}
	var err error
	unscaled := *k.h
	unscaled.Scale = nil
	f := func(r int64) int64 {
		y, e := unscaled.Apply([]float64{math.Ldexp(float64(r), -k.inF)}, nil)
		if e != nil {
			err = e
			return 0
		}
		v, e := dyadicAt(y[0], k.vF)
		if e != nil {
			err = e
		}
		return v
	}
	k.brk, k.vals = []int64{lo}, []int64{f(lo)}
	var split func(a, b int64, fa, fb int64)
	split = func(a, b int64, fa, fb int64) {
		if fa == fb || err != nil {
			return
		}
		if b == a+1 {
			k.brk, k.vals = append(k.brk, b), append(k.vals, fb)
			return
		}
		m := a + (b-a)/2
		fm := f(m)
		split(a, m, fa, fm)
		split(m, b, fm, fb)
	}
	split(lo, hi, k.vals[0], f(hi))
	if err != nil {
		return err
	}
	for i := 1; i < len(k.vals); i++ {
		if k.vals[i] < k.vals[i-1] {
			return fmt.Errorf("po2 rule is not monotone at raw %d", k.brk[i])
		}
	}
	return nil
}

// buildElem prepares one cast per element type and each element's type
// index: ElemShape broadcast against the node's shape, aligned right (nil:
// element i takes type i mod len(Elem), as quant's Apply does).
func (k *quantHW) buildElem(shape []int) error {
	h := k.h
	k.elem = make([]fixed.Cast64, len(h.Elem))
	k.elemOn = make([]bool, len(h.Elem))
	k.elemUp = make([]uint, len(h.Elem))
	for j, t := range h.Elem {
		if !t.Valid() {
			continue
		}
		c, err := fixed.NewCast64(k.inF, t)
		if err != nil {
			return err
		}
		if t.FracBits() > k.vF {
			return fmt.Errorf("element type %v finer than the output", t)
		}
		k.elem[j], k.elemOn[j], k.elemUp[j] = c, true, uint(k.vF-t.FracBits())
	}
	k.elemIdx = make([]int32, k.n)
	es := h.ElemShape
	if es == nil {
		// Flat: one type per trailing element (quant's kifIndex), or one
		// for all.
		if k.n%len(h.Elem) != 0 {
			return fmt.Errorf("%d element types do not divide %d values", len(h.Elem), k.n)
		}
		for i := range k.elemIdx {
			k.elemIdx[i] = int32(i % len(h.Elem))
		}
		return nil
	}
	for len(es) > len(shape) && es[0] == 1 {
		es = es[1:] // leading size-1 axes broadcast away
	}
	if prod(es) != len(h.Elem) || len(es) > len(shape) {
		return fmt.Errorf("element shape %v does not fit %d types and shape %v", h.ElemShape, len(h.Elem), shape)
	}
	off := len(shape) - len(es)
	for i := range k.n {
		rem, idx, stride := i, 0, 1
		for a := len(shape) - 1; a >= off; a-- {
			d := rem % shape[a]
			rem /= shape[a]
			e := es[a-off]
			switch {
			case e == 1:
			case e == shape[a]:
				idx += d * stride
			default:
				return fmt.Errorf("element shape %v does not broadcast against %v", es, shape)
			}
			stride *= e
		}
		k.elemIdx[i] = int32(idx)
	}
	return nil
}

// buildScale writes each channel's scale s = mul·2^-e and the common output
// grid sF = vF + max e; a value v at vF becomes v·mul << (sF − vF − e_c).
func (k *quantHW) buildScale(out fixed.Type) error {
	k.sF = k.vF
	if k.h.Scale == nil {
		return nil
	}
	n := len(k.h.Scale)
	if n != 1 && n != k.c {
		return fmt.Errorf("quantizer hardware form: %d scales for %d channels", n, k.c)
	}
	es := make([]int, n)
	k.mul = make([]int64, n)
	top := math.MinInt32
	for i, s := range k.h.Scale {
		if s == 0 || math.IsNaN(s) || math.IsInf(s, 0) {
			return fmt.Errorf("quantizer hardware form: scale %v", s)
		}
		e := fracBitsOf(s)
		m, err := dyadicAt(s, e)
		if err != nil {
			return err
		}
		if out.Width()+bits.Len64(uint64(abs64(m))) > 62 {
			return fmt.Errorf("quantizer hardware form: scale %v too precise for the int64 path", s)
		}
		k.mul[i], es[i] = m, e
		top = max(top, e)
	}
	k.sF = k.vF + top
	k.sh = make([]uint, n)
	for i, e := range es {
		k.sh[i] = uint(top - e)
		if out.Width()+bits.Len64(uint64(abs64(k.mul[i])))+top-e > 62 {
			return fmt.Errorf("quantizer hardware form: scales %v too far apart for the int64 path", k.h.Scale)
		}
	}
	return nil
}

func abs64(v int64) int64 {
	if v < 0 {
		return -v
	}
	return v
}

func (k *quantHW) Scratch() int { return 0 }

// Run applies the form to every element. The quantizer's own rounding and
// saturation are counted in SlotResult, like a result cast's: that is where
// QKeras quantizes.
func (k *quantHW) Run(in [][]int64, out []int64, _ []int64, t *Tally) {
	x := in[0][:k.n]
	out = out[:k.n]
	lsb := math.Ldexp(1, -k.inF)
	for i, r := range x {
		var v int64
		var fl fixed.Flags
		switch k.h.Kind {
		case quant.HWCast:
			v, fl = k.castOne(r)
		case quant.HWConst:
			v = k.konst
		case quant.HWBinary:
			v = k.low
			if r > 0 || k.h.ZeroHigh && r == 0 {
				v = k.high
			}
		case quant.HWTernary:
			v = k.ternary(r)
		case quant.HWPo2:
			v = k.po2(r)
		case quant.HWPerElement:
			j := k.elemIdx[i]
			if k.elemOn[j] {
				v, fl = k.elem[j].Apply(r)
				v <<= k.elemUp[j]
			}
		}
		if k.mul != nil {
			c := 0
			if len(k.mul) > 1 {
				c = i % k.c
			}
			v = v * k.mul[c] << k.sh[c]
		}
		y, fl2 := k.res.Apply(v)
		out[i] = y
		if t != nil {
			t[SlotResult].Observe(float64(r) * lsb)
			if fl|fl2 != 0 {
				countFlags(&t[SlotResult], fl|fl2)
			}
		}
	}
	if t != nil {
		t[SlotResult].Casts += int64(k.n)
	}
}

// castOne is the HWCast rule for one raw input.
func (k *quantHW) castOne(r int64) (int64, fixed.Flags) {
	if k.neg && r < 0 {
		v, fl := k.negC.Apply(r)
		return v << k.upN, fl
	}
	v, fl := k.cast.Apply(r<<k.affUp + k.affOff)
	v <<= k.upT
	if k.hasMax && v > k.maxRaw {
		v = k.maxRaw
	}
	return v + k.outOff, fl
}

// po2 is the value of the last breakpoint at or below r.
func (k *quantHW) po2(r int64) int64 {
	lo, hi := 0, len(k.brk)
	for hi-lo > 1 {
		m := int(uint(lo+hi) >> 1)
		if k.brk[m] <= r {
			lo = m
		} else {
			hi = m
		}
	}
	return k.vals[lo]
}

func (k *quantHW) ternary(r int64) int64 {
	if !k.thrOn {
		switch {
		case r > 0:
			return k.high
		case r < 0:
			return k.low
		}
		return k.zero
	}
	switch {
	case r >= k.thr:
		return k.high
	case r <= -k.thr:
		return k.low
	}
	return 0
}
