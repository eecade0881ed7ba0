// This file implements binary (and stochastic_binary, which is binary at
// inference) and the binary_tanh activation.

package quant

// applyBinary: q = sign(x) with sign(0) = +1, mapped to {0, 1} by use_01,
// times 1 (alpha None), the given alpha, or the per-channel least-squares
// scale mean(x·q)/(mean(q²) + eps) (rounded to a power of two for
// 'auto_po2').
func (s *Spec) applyBinary(t tensor) (y, scale []float64, err error) {
	q := make([]float64, len(t.x))
	for i, v := range t.x {
		q[i] = signOne(v)
		if s.Use01 {
			q[i] = (q[i] + 1) / 2
		}
	}
	y = make([]float64, len(t.x))
	switch s.Alpha {
	case AlphaAuto, AlphaAutoPo2:
		scale = t.leastSquares(t.x, q, s.Alpha == AlphaAutoPo2)
		for i := range q {
			y[i] = scale[t.group(i)] * q[i]
		}
		return y, scale, nil
	}
	a := 1.0
	if s.Alpha == AlphaNumber {
		a = s.AlphaValue
	}
	for i := range q {
		y[i] = a * q[i]
	}
	return y, nil, nil
}

// applyBinaryTanh is 2·rne(hs(x)) − 1 with QKeras's hard sigmoid, which is
// −1 at x = 0 (hs(0) = 0.5 rounds to even, 0).
func applyBinaryTanh(t tensor) []float64 {
	y := make([]float64, len(t.x))
	for i, v := range t.x {
		y[i] = 2*rne(hardSigmoid(v)) - 1
	}
	return y
}
