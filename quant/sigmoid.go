// This file implements quantized_tanh and quantized_sigmoid: the hard (or
// real) tanh and sigmoid rounded half to even onto a grid of 2^-(bits-1) or
// 2^-bits, with the top value (and, when symmetric, the bottom one) cut.

package quant

import "math"

// applyTanh: p = 2·hs(x) − 1 (QKeras's hard tanh, which is clip(x, -1, 1)
// up to rounding and the sign of zero) or tanh(x), then
// clip(rne(p·m)/m, −1 + symmetric/m, 1 − 1/m) with m = 2^(bits−1).
// QKeras returns this directly, without the straight-through mix, so a
// small negative x gives −0.
func (s *Spec) applyTanh(t tensor) ([]float64, error) {
	m := math.Ldexp(1, s.Bits-1)
	lo := -1 + b2f(s.Symmetric)/m
	hi := 1 - 1/m
	y := make([]float64, len(t.x))
	for i, v := range t.x {
		var p float64
		if s.UseReal {
			p = math.Tanh(v)
		} else {
			p = float64(2*hardSigmoid(v)) - 1
		}
		y[i] = clip(rne(p*m)/m, lo, hi)
	}
	return y, nil
}

// applySigmoid: p = hs(x) or σ(x), then clip(rne(p·m)/m, symmetric/m,
// 1 − 1/m) with m = 2^bits.
func (s *Spec) applySigmoid(t tensor) ([]float64, error) {
	m := math.Ldexp(1, s.Bits)
	lo := b2f(s.Symmetric) / m
	hi := 1 - 1/m
	y := make([]float64, len(t.x))
	for i, v := range t.x {
		var p float64
		if s.UseReal {
			p = 1 / (1 + math.Exp(-v))
		} else {
			p = hardSigmoid(v)
		}
		y[i] = clip(rne(p*m)/m, lo, hi)
	}
	return y, nil
}
