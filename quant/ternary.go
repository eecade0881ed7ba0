// This file implements ternary (and stochastic_ternary, which is ternary at
// inference): -alpha, 0 or +alpha, with a fixed threshold for activations
// and an iterated per-channel scale for kernels (alpha 'auto'/'auto_po2').

package quant

import (
	"fmt"
	"math"
)

// defaultThreshold is QKeras's ternary default_threshold.
const defaultThreshold = 0.33

// applyTernary: for a numeric or None alpha, q = sign(x)·[|x| ≥ T] on the
// raw x (T = threshold or 0.33) and y = alpha·q. For 'auto'/'auto_po2',
// QKeras starts from S = 2·max|x|/3 per channel (po2-rounded for auto_po2)
// and repeats number_of_unrolls times: T = S/2, v = S·rne(x/S),
// q = sign(x)·[|v| ≥ T], S = least-squares scale of (x, q). The output is
// the last S times the last q, which was computed with the previous S.
func (s *Spec) applyTernary(t tensor) (y, scale []float64, err error) {
	y = make([]float64, len(t.x))
	q := make([]float64, len(t.x))
	switch s.Alpha {
	case AlphaAuto, AlphaAutoPo2:
		if s.Threshold != nil {
			return nil, nil, fmt.Errorf("threshold must be None with alpha %s", alphaName(s.Alpha))
		}
		po2 := s.Alpha == AlphaAutoPo2
		sc := t.maxAbs(func(v float64) float64 { return v })
		for c := range sc {
			sc[c] = 2 * sc[c] / 3
			if po2 {
				sc[c] = pow2Round(sc[c])
			}
		}
		for range s.unrolls() {
			for i, v := range t.x {
				c := sc[t.group(i)]
				mag := math.Abs(c * rne(v/c))
				q[i] = b2f(mag >= c/2) * sign(v)
			}
			sc = t.leastSquares(t.x, q, po2)
		}
		for i := range q {
			y[i] = sc[t.group(i)] * q[i]
		}
		return y, sc, nil
	}
	thr := defaultThreshold
	if s.Threshold != nil {
		thr = *s.Threshold
	}
	a := 1.0
	if s.Alpha == AlphaNumber {
		a = s.AlphaValue
	}
	for i, v := range t.x {
		q[i] = b2f(math.Abs(v) >= thr) * sign(v)
		y[i] = a * q[i]
	}
	return y, nil, nil
}
