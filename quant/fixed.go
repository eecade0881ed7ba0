// This file implements the FixedPoint quantizer of HGQ: per-element (or
// per-channel, or homogeneous) keep_negative, integer and fractional bits
// with the ap_fixed rounding and overflow modes, as HGQ's proxy
// FixedPointQuantizer layer computes them (HGQ/proxy/fixed_point_quantizer.py:
// round the scaled input, then saturate or wrap the integer code).

package quant

import (
	"fmt"
	"math"
)

// roundingModes and overflowModes are the modes of HGQ's proxy quantizer,
// in ap_fixed spelling.
var (
	roundingModes = []string{"TRN", "RND", "RND_CONV", "TRN_ZERO", "RND_ZERO", "RND_MIN_INF", "RND_INF"}
	overflowModes = []string{"WRAP", "SAT", "SAT_SYM", "SAT_ZERO", "WRAP_SM"}
)

// NewFixedPoint builds the Spec of an HGQ proxy FixedPointQuantizer from
// its three weights, keep_negative, bits (the total width) and integers
// (integer bits counting the sign, as ap_fixed's I), their shape (nil for
// flat) and its RND and SAT config strings. As in HGQ, elements with zero
// bits get keep_negative = integers = 0 and output 0.
func NewFixedPoint(keepNegative, bits, integers []float64, shape []int, rnd, sat string) (*Spec, error) {
	if len(keepNegative) != len(bits) || len(bits) != len(integers) {
		return nil, fmt.Errorf("quant: fixed_point: keep_negative, bits and integers have %d, %d and %d values",
			len(keepNegative), len(bits), len(integers))
	}
	s := &Spec{Kind: FixedPoint, Rounding: rnd, Overflow: sat,
		K: make([]float64, len(bits)), I: make([]float64, len(bits)), F: make([]float64, len(bits))}
	if shape != nil {
		s.KIFShape = append([]int(nil), shape...)
	}
	for n, b := range bits {
		if b == 0 {
			continue // k = i = f = 0
		}
		k, in := keepNegative[n], integers[n]
		s.K[n], s.I[n], s.F[n] = k, in-k, b-in
	}
	if err := s.checkFixedPoint(); err != nil {
		return nil, fmt.Errorf("quant: fixed_point: %w", err)
	}
	return s, nil
}

// checkFixedPoint validates K, I, F (equal lengths, or one value each; k in
// {0, 1}; integral bit counts), the modes, and KIFShape against the
// lengths.
func (s *Spec) checkFixedPoint() error {
	n := 0
	for _, p := range []struct {
		name string
		v    []float64
	}{{"k", s.K}, {"i", s.I}, {"f", s.F}} {
		if len(p.v) == 0 {
			return fmt.Errorf("%s is empty", p.name)
		}
		n = max(n, len(p.v))
		for _, v := range p.v {
			if v != math.Trunc(v) || math.Abs(v) > maxInteger {
				return fmt.Errorf("%s: %s is not an integer in [-%d, %d]", p.name, formatFloat(v), maxInteger, maxInteger)
			}
			if p.name == "k" && v != 0 && v != 1 {
				return fmt.Errorf("k: %s is not 0 or 1", formatFloat(v))
			}
		}
	}
	for _, v := range [][]float64{s.K, s.I, s.F} {
		if len(v) != 1 && len(v) != n {
			return fmt.Errorf("k, i and f have %d, %d and %d values", len(s.K), len(s.I), len(s.F))
		}
	}
	if s.KIFShape != nil {
		size := 1
		for _, d := range s.KIFShape {
			if d < 1 || size > math.MaxInt32/d {
				return fmt.Errorf("bad shape %v", s.KIFShape)
			}
			size *= d
		}
		if size != n {
			return fmt.Errorf("shape %v holds %d values, k, i, f have %d", s.KIFShape, size, n)
		}
	}
	if !contains(roundingModes, orDefault(s.Rounding, "TRN")) {
		return fmt.Errorf("round_mode %q is not one of %v", s.Rounding, roundingModes)
	}
	if !contains(overflowModes, orDefault(s.Overflow, "WRAP")) {
		return fmt.Errorf("overflow_mode %q is not one of %v", s.Overflow, overflowModes)
	}
	return nil
}

// kifIndex maps each input element to its K, I, F element: by numpy
// broadcasting when KIFShape is set, else one value for all or one per
// trailing element (the count must divide the input's).
func (s *Spec) kifIndex(t tensor, shape []int, n int) (func(int) int, error) {
	if n == 1 {
		return func(int) int { return 0 }, nil
	}
	if s.KIFShape == nil {
		if len(t.x)%n != 0 {
			return nil, fmt.Errorf("%d k, i, f values do not divide %d inputs", n, len(t.x))
		}
		return func(i int) int { return i % n }, nil
	}
	if shape == nil {
		shape = []int{len(t.x)}
	}
	ks := s.KIFShape
	if len(ks) > len(shape) {
		// Leading size-1 axes broadcast away ([1, 16] against [16]).
		for len(ks) > len(shape) && ks[0] == 1 {
			ks = ks[1:]
		}
		if len(ks) > len(shape) {
			return nil, fmt.Errorf("k, i, f shape %v does not broadcast to %v", s.KIFShape, shape)
		}
	}
	// Strides of the input and of K/I/F (0 along broadcast axes), aligned
	// on trailing axes.
	off := len(shape) - len(ks)
	kStride := make([]int, len(shape))
	st := 1
	for a := len(ks) - 1; a >= 0; a-- {
		switch ks[a] {
		case shape[a+off]:
			kStride[a+off] = st
		case 1:
		default:
			return nil, fmt.Errorf("k, i, f shape %v does not broadcast to %v", s.KIFShape, shape)
		}
		st *= ks[a]
	}
	return func(i int) int {
		k := 0
		for a := len(shape) - 1; a >= 0; a-- {
			d := shape[a]
			k += (i % d) * kStride[a]
			i /= d
		}
		return k
	}, nil
}

// applyFixedPoint quantizes x to code = round(x·2^f) and then saturates or
// wraps the code to k+i+f bits, as HGQ's gfixed_quantizer does; the
// output is code·2^-f, or 0 where k+i+f ≤ 0.
func (s *Spec) applyFixedPoint(t tensor, shape []int) ([]float64, error) {
	if err := s.checkFixedPoint(); err != nil {
		return nil, err
	}
	n := max(len(s.K), len(s.I), len(s.F))
	idx, err := s.kifIndex(t, shape, n)
	if err != nil {
		return nil, err
	}
	at := func(v []float64, j int) float64 {
		if len(v) == 1 {
			return v[0]
		}
		return v[j]
	}
	round := roundFunc(orDefault(s.Rounding, "TRN"))
	overflow := orDefault(s.Overflow, "WRAP")
	y := make([]float64, len(t.x))
	for e, v := range t.x {
		j := idx(e)
		k, i, f := at(s.K, j), at(s.I, j), at(s.F, j)
		b := k + i + f
		if b <= 0 {
			y[e] = 0
			continue
		}
		scale := math.Ldexp(1, int(f))
		code := round(v * scale)
		high := math.Ldexp(1, int(i+f)) - 1
		low := -(high + 1) * k
		switch overflow {
		case "SAT":
			code = clip(code, low, high)
		case "SAT_SYM":
			code = clip(code, -high*k, high)
		case "SAT_ZERO":
			if !(code <= high && code >= low) {
				code = 0
			}
		case "WRAP":
			code = floorMod(code-low, math.Ldexp(1, int(b))) + low
		case "WRAP_SM":
			// Reflect at the bounds: HGQ's |floormod(x − high − 1, 2·2^b)
			// − 2^b + 0.5| − 0.5 + low.
			interval := 2 * math.Ldexp(1, int(b))
			mapped := floorMod(code-high-1, interval)
			code = math.Abs(mapped-interval/2+0.5) - 0.5 + low
		}
		y[e] = code / scale
	}
	return y, nil
}

// floorMod is Python's a % m for m > 0: the result has the sign of m.
func floorMod(a, m float64) float64 {
	r := math.Mod(a, m)
	if r < 0 {
		r += m
	}
	return r
}

// roundFunc returns the rounding of an ap_fixed quantization mode applied
// to a scaled value (HGQ's RND_MAP).
func roundFunc(mode string) func(float64) float64 {
	switch mode {
	case "RND": // nearest, ties toward +∞
		return func(v float64) float64 { return math.Floor(v + 0.5) }
	case "RND_CONV": // nearest, ties to even
		return math.RoundToEven
	// The sign-symmetric modes multiply by sign(x) as HGQ does, which
	// fixes the sign of zero results (RND_ZERO(-0.5) is +0).
	case "TRN_ZERO": // toward zero
		return func(v float64) float64 { return math.Floor(math.Abs(v)) * sign(v) }
	case "RND_ZERO": // nearest, ties toward zero
		return func(v float64) float64 { return -math.Floor(-math.Abs(v)+0.5) * sign(v) }
	case "RND_MIN_INF": // nearest, ties toward −∞
		return func(v float64) float64 { return -math.Floor(-v + 0.5) }
	case "RND_INF": // nearest, ties away from zero
		return func(v float64) float64 { return math.Floor(math.Abs(v)+0.5) * sign(v) }
	}
	return math.Floor // TRN
}
