// This file implements quantized_bits: a fixed-point grid with saturation
// and round half to even, optionally scaled by a number or by a per-channel
// scale searched from the data (alpha 'auto' and 'auto_po2').

package quant

import (
	"fmt"
	"math"
)

func (s *Spec) applyBits(t tensor) (y, scale []float64, err error) {
	keep := 0
	if s.KeepNegative {
		keep = 1
	}
	u := s.Bits - keep
	if u < 0 {
		return nil, nil, fmt.Errorf("bits %d leave no magnitude bits", s.Bits)
	}
	m := math.Ldexp(1, u)
	mi := math.Ldexp(1, s.Integer)
	switch s.Alpha {
	case AlphaAuto, AlphaAutoPo2:
		return s.applyBitsAuto(t, m, mi)
	case AlphaNone, AlphaNumber:
	default:
		return nil, nil, fmt.Errorf("unknown alpha kind %d", s.Alpha)
	}
	a := 1.0
	if s.Alpha == AlphaNumber {
		a = s.AlphaValue
	}
	y = make([]float64, len(t.x))
	if u == 0 {
		// One bit: QKeras's sign with sign(0) = +1, or {0, 1} unsigned,
		// with no 2^integer factor.
		for i, v := range t.x {
			q := signOne(v)
			if keep == 0 {
				q = (q + 1) / 2
			}
			y[i] = s.noise(v, a*q)
		}
		return y, nil, nil
	}
	// y = a · mi · clip(rne(x·m/mi), keep·(sym − m), m − 1) / m.
	lo := float64(keep) * (-m + b2f(s.Symmetric))
	hi := m - 1
	for i, v := range t.x {
		p := v * m / mi
		xq := mi * clip(rne(p), lo, hi) / m
		y[i] = s.noise(v, a*xq)
	}
	return y, nil, nil
}

// applyBitsAuto is the alpha='auto'/'auto_po2' path of QKeras HEAD: a scale
// per channel from the largest magnitude, refined for auto_po2 by five
// least-squares steps over power-of-two scales, with codes rounded half
// away from zero and limited to ±(2^(bits-1) − 1).
func (s *Spec) applyBitsAuto(t tensor, m, mi float64) (y, scale []float64, err error) {
	if s.Bits < 2 {
		return nil, nil, fmt.Errorf("alpha %s needs at least 2 bits", alphaName(s.Alpha))
	}
	levels := 2 * (math.Ldexp(1, s.Bits-1) - 1)
	half := levels / 2
	xs := make([]float64, len(t.x))
	for i, v := range t.x {
		xs[i] = v / mi
	}
	st := tensor{x: xs, channels: t.channels, rank1: t.rank1}
	sc := st.maxAbs(func(v float64) float64 { return v })
	for c := range sc {
		sc[c] = sc[c] * 2 / levels
	}
	z := make([]float64, len(xs))
	codes := func() {
		for i, v := range xs {
			q := math.Floor(math.Abs(v)/sc[st.group(i)] + 0.5)
			if !(q < half) {
				q = half
			}
			z[i] = sign(v) * q
		}
	}
	if s.Alpha == AlphaAutoPo2 {
		for c := range sc {
			sc[c] = pow2Round(sc[c])
		}
		for range 5 {
			codes()
			sc = st.leastSquares(xs, z, true)
		}
	}
	codes()
	y = make([]float64, len(xs))
	for i := range xs {
		// QKeras: scale·m times mi·z/m; both factors are exact.
		xq := (sc[st.group(i)] * m) * (mi * z[i] / m)
		y[i] = s.noise(t.x[i], xq)
	}
	scale = make([]float64, len(sc))
	for c := range sc {
		scale[c] = sc[c] * m
	}
	return y, scale, nil
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

func alphaName(a AlphaKind) string {
	switch a {
	case AlphaAuto:
		return "'auto'"
	case AlphaAutoPo2:
		return "'auto_po2'"
	case AlphaNumber:
		return "number"
	}
	return "None"
}
