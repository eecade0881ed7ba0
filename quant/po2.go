// This file implements quantized_po2 and quantized_relu_po2: rounding to a
// signed power of two in the log domain (so the boundary between 2^k and
// 2^(k+1) is √2·2^k), with a clipped exponent range, an optional max_value
// and the quadratic approximation that keeps exponents even.

package quant

import (
	"fmt"
	"math"
)

// po2Exponents is the exponent range [emin, emax]. An exponent sign bit is
// needed unless 0 ≤ max_value ≤ 1; quantized_po2 also spends a bit on the
// sign of x. With the quadratic approximation emax becomes even.
func (s *Spec) po2Exponents() (emin, emax float64, err error) {
	need := 1
	if s.MaxValue != nil && *s.MaxValue <= 1 {
		need = 0
	}
	e := s.Bits - need
	if s.Kind == QuantizedPo2 {
		e-- // the sign of x
	}
	if e < 0 || e > 11 {
		return 0, 0, fmt.Errorf("bits %d give %d exponent magnitude bits; need 0 to 11", s.Bits, e)
	}
	emin = -math.Ldexp(1, e)
	emax = math.Ldexp(1, e) - 1
	if s.QuadraticApproximation {
		emax = 2 * math.Floor(emax/2)
	}
	return emin, emax, nil
}

// po2Exponent is QKeras's _clip_power_of_two for one magnitude t ≥ 0: emin
// below eps (not doubled under the quadratic approximation), else the
// rounded (or floored) log2 of t cut at max_value, clipped to the range;
// with the quadratic approximation the clip applies to the exponent of √t,
// which is then doubled.
func (s *Spec) po2Exponent(t, emin, emax float64) float64 {
	if t < eps {
		return emin
	}
	if s.MaxValue != nil && t >= *s.MaxValue {
		t = *s.MaxValue
	}
	round := math.RoundToEven
	if s.Log2Rounding == "floor" {
		round = math.Floor
	}
	if s.QuadraticApproximation {
		return 2 * clip(round(math.Log2(math.Sqrt(t))), emin, emax)
	}
	return clip(round(math.Log2(t)), emin, emax)
}

// applyPo2: y = sign(x)·2^e(|x|) with sign(0) = +1, so 0 maps to +2^emin.
func (s *Spec) applyPo2(t tensor) ([]float64, error) {
	emin, emax, err := s.po2Exponents()
	if err != nil {
		return nil, err
	}
	y := make([]float64, len(t.x))
	for i, v := range t.x {
		xq := signOne(v) * exp2(s.po2Exponent(math.Abs(v), emin, emax))
		y[i] = s.noise(v, xq)
	}
	return y, nil
}

// applyReluPo2: y = 2^e(relu(x)) for x ≥ 0 or when negative_slope is 0
// (so negatives give +2^emin, not 0), and −2^e(slope·|x|) for x < 0.
func (s *Spec) applyReluPo2(t tensor) ([]float64, error) {
	emin, emax, err := s.po2Exponents()
	if err != nil {
		return nil, err
	}
	ns := s.NegativeSlope
	y := make([]float64, len(t.x))
	for i, v := range t.x {
		var xq float64
		if v >= 0 || ns == 0 {
			xq = exp2(s.po2Exponent(math.Max(v, 0), emin, emax))
		} else {
			xq = -exp2(s.po2Exponent(-v*ns, emin, emax))
		}
		// x_u: the leaky ReLU of x, cut at max_value.
		xu := v
		if v < 0 {
			xu = v * ns
		}
		if s.MaxValue != nil && !(v <= *s.MaxValue) {
			xu = *s.MaxValue
		}
		y[i] = s.noise(xu, xq)
	}
	return y, nil
}
