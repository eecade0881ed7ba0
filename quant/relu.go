// This file implements quantized_relu: an unsigned fixed-point ReLU with
// saturation and round half to even, with an optional power-of-two negative
// slope and the optional hard-sigmoid normalisation (use_sigmoid).

package quant

import "math"

func (s *Spec) applyRelu(t tensor) ([]float64, error) {
	ns := s.NegativeSlope
	n := s.Bits
	if ns != 0 {
		n-- // one bit holds the sign of the negative side
	}
	m := math.Ldexp(1, n)
	mi := math.Ldexp(1, s.Integer)
	negFactor := 1 / (ns * m)
	y := make([]float64, len(t.x))
	for i, v := range t.x {
		var xq float64
		if s.UseSigmoid {
			p := hardSigmoid(v/mi) * m
			xq = mi * clip(2*(rne(p)/m)-1, 0, 1-1/m)
			if ns > 0 {
				xq += mi * ns * clip(2*(rne(p*ns)*negFactor)-1, -1, 0)
			}
		} else {
			p := v * m / mi
			xq = mi * clip(rne(p)/m, 0, 1-1/m)
			if ns > 0 {
				xq += mi * ns * clip(rne(p*ns)*negFactor, -1, 0)
			}
		}
		y[i] = s.noise(s.reluUnquantized(v, n, mi), xq)
	}
	return y, nil
}

// reluUnquantized is the x_u QKeras mixes the quantized value with: the
// leaky ReLU of x, cut at the largest code 2^integer − 2^(integer−n) while
// is_quantized_clip holds (always, after loading a file), else at
// relu_upper_bound when one is given.
func (s *Spec) reluUnquantized(v float64, n int, mi float64) float64 {
	r := v
	if r < 0 {
		r *= s.NegativeSlope
	}
	if math.IsNaN(v) {
		return v
	}
	switch {
	case s.IsQuantizedClip:
		top := mi - math.Ldexp(1, s.Integer-n)
		if !(v <= top) {
			return top
		}
	case s.ReluUpperBound != nil:
		if !(v <= *s.ReluUpperBound) {
			return *s.ReluUpperBound
		}
	}
	return r
}
