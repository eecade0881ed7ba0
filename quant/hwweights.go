// This file implements HWTypeForWeights: the hardware form of a kernel or
// bias quantizer on its weight tensor, with the values the firmware stores.

package quant

import (
	"fmt"
	"math"

	"github.com/nnhls/nnhls/fixed"
)

// HWTypeForWeights returns the hardware form of s applied to the weight
// tensor w (row-major, with the given shape; the last axis is the output
// channel) and the values the firmware stores: w quantized onto the grid
// of the form's Type, the scale divided out. The stored value times
// Scale[c] is what s.ForKernel() (or s, if already rewritten) gives. Call it
// on the Spec as the layer runs it (after ForKernel).
//
// With alpha 'auto' or 'auto_po2' the scale is computed from w as QKeras
// computes it (Spec.Apply); the grid then holds the integer codes z times
// 2^integer/2^(bits−keep_negative), and the form is exact when every
// Scale[c]·grid is exact in float64 (always for 'auto_po2'; for 'auto' the
// product QKeras stores is rounded, so scaling after the accumulation can
// differ from QKeras by those roundings).
func (s *Spec) HWTypeForWeights(w []float64, shape []int) (HWType, []float64, error) {
	if s == nil {
		return HWType{}, nil, fmt.Errorf("quant: HWTypeForWeights on a nil Spec")
	}
	t, err := newTensor(w, shape)
	if err != nil {
		return HWType{}, nil, fmt.Errorf("quant: %v: %w", s, err)
	}
	auto := s.Alpha == AlphaAuto || s.Alpha == AlphaAutoPo2
	var h HWType
	var grid []float64
	switch {
	case auto && s.Kind == QuantizedBits:
		h, grid, err = s.hwBitsWeights(t, shape)
	case auto && (s.Kind == Binary || s.Kind == StochasticBinary || s.Kind == Ternary || s.Kind == StochasticTernary):
		h, grid, err = s.hwSignWeights(t, shape)
	default:
		h, err = s.hwType()
		if err == nil {
			grid, err = h.unscaled(w, shape)
		}
		if err == nil && h.Kind == HWPo2 {
			err = s.po2Weights(h, w, grid, shape)
		}
	}
	if err == nil {
		err = h.setOut(s)
	}
	if err != nil {
		return HWType{}, nil, fmt.Errorf("quant: %v: weights: %w", s, err)
	}
	return h, grid, nil
}

// po2Weights replaces, in grid, the rule's exponent by QKeras's float64
// one where math.Log2 rounded a weight within a few ulps of a decision
// boundary onto the other side: weights are constants, so the firmware
// stores exactly what the reference computed. Values that are not a power
// of two of the type (the straight-through mix of a huge weight) keep the
// rule's.
func (s *Spec) po2Weights(h HWType, w, grid []float64, shape []int) error {
	y, _, err := s.Apply(w, shape)
	if err != nil {
		return err
	}
	for i, v := range y {
		if v == grid[i] || !isPo2(v) {
			continue
		}
		if r, fl := fixed.FromFloat64(h.Type, v); fl == 0 && r.Float64() == v {
			grid[i] = v
		}
	}
	return nil
}

// hwBitsWeights is quantized_bits with alpha 'auto'/'auto_po2': z =
// sign(x/mi)·min(floor(|x/mi|/S + 1/2), 2^(b−1) − 1), stored as mi·z/m, is
// the cast of x/Scale (Scale = S·m) onto the step mi/m with b bits, ties
// away from zero (AP_RND_INF) and symmetric saturation. The codes keep
// their sign also with keep_negative=False (a QKeras quirk), so the type is
// signed: ap_fixed<b, b+i−u>.
func (s *Spec) hwBitsWeights(t tensor, shape []int) (HWType, []float64, error) {
	_, scale, err := s.Apply(t.x, shape)
	if err != nil {
		return HWType{}, nil, err
	}
	k := 0
	if s.KeepNegative {
		k = 1
	}
	u := s.Bits - k
	m := math.Ldexp(1, u)
	mi := math.Ldexp(1, s.Integer)
	half := math.Ldexp(1, s.Bits-1) - 1
	grid := make([]float64, len(t.x))
	po2, inexact := true, 0
	for _, sc := range scale {
		po2 = po2 && isPo2(sc)
	}
	for i, v := range t.x {
		c := scale[t.group(i)]
		// The same float operations as QKeras: S = scale/m is exact.
		q := math.Floor(math.Abs(v/mi)/(c/m) + 0.5)
		if !(q < half) {
			q = half
		}
		grid[i] = mi * (sign(v/mi) * q) / m
		if p := c * grid[i]; math.FMA(c, grid[i], -p) != 0 {
			inexact++
		}
	}
	h := HWType{Kind: HWCast, Type: mustType(s.Bits, s.Bits+s.Integer-u, true, fixed.RndInf, satSym),
		InSlope: 1, Scale: scale, Po2Scale: po2, DivideByScale: true, Exact: inexact == 0}
	if inexact > 0 {
		// The exact alternative: store QKeras's rounded products themselves.
		y := make([]float64, len(grid))
		for i, g := range grid {
			y[i] = scale[t.group(i)] * g
		}
		h.Note = fmt.Sprintf("alpha %s: QKeras rounds scale·code in floating point for %d of %d weights, so scaling after the accumulation differs by those roundings; storing the rounded weights themselves is exact and needs %v",
			alphaName(s.Alpha), inexact, len(t.x), holdingType(y))
	}
	return h, grid, nil
}

// hwSignWeights is binary and ternary with alpha 'auto'/'auto_po2': codes
// ±1 (binary, {0, 1} with use_01) or −1, 0, +1 (ternary) times the
// per-channel least-squares scale, exact as a product.
func (s *Spec) hwSignWeights(t tensor, shape []int) (HWType, []float64, error) {
	y, scale, err := s.Apply(t.x, shape)
	if err != nil {
		return HWType{}, nil, err
	}
	po2 := true
	for _, sc := range scale {
		po2 = po2 && isPo2(sc)
	}
	h := HWType{Type: pm1Type(), Scale: scale, Po2Scale: po2, Exact: true}
	grid := make([]float64, len(t.x))
	switch s.Kind {
	case Binary, StochasticBinary:
		h.Kind, h.Low, h.High, h.ZeroHigh = HWBinary, -1, 1, true
		if s.Use01 {
			h.Type, h.Low = mustType(1, 1, false, fixed.Trn, fixed.Wrap), 0
		}
		for i, v := range t.x {
			grid[i] = h.High
			if v < 0 {
				grid[i] = h.Low
			}
		}
	default:
		// The codes come from the scale before the last; y = S·q with q in
		// {−1, 0, 1} gives them back exactly.
		h.Kind, h.GridOnly, h.Threshold = HWTernary, true, math.NaN()
		for i := range t.x {
			if c := scale[t.group(i)]; c != 0 && y[i] != 0 {
				grid[i] = y[i] / c
			}
		}
	}
	return h, grid, nil
}
