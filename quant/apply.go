// This file implements Spec.Apply, which dispatches to one file per
// quantizer family, and the arithmetic those files share: QKeras's
// rounding, clipping and sign conventions in float64, and the per-channel
// reductions of the auto-alpha searches.

package quant

import (
	"fmt"
	"math"
)

// eps is Keras's fuzz factor K.epsilon(), which QKeras adds in the
// auto-alpha least-squares scale and in every log2.
const eps = 1e-7

// Apply quantizes x (row-major, with the given shape; the last axis is the
// channel axis of per-channel alpha scales) with QKeras's inference
// semantics, computed in float64 as the QKeras reference implementation
// computes them. A nil shape means a 1-D tensor of len(x) elements.
//
// For alpha 'auto' and 'auto_po2' (quantized_bits, binary, ternary and the
// stochastic variants) it also returns the scale QKeras keeps in
// quantizer.scale: one value per channel (shape[last]), or per element for
// a 1-D tensor, where QKeras's least-squares step does not average. Then
// y = scale[c]·q with q on the quantizer's unscaled grid: quantized_bits
// codes times 2^(integer-bits+1), or ±1 and 0 for binary and ternary. For
// every other quantizer scale is nil.
//
// Results are bit-exact against QKeras run in float64, including the sign
// of zero outputs, except where QKeras calls a transcendental function
// (use_real_tanh, use_real_sigmoid), which follows Go's math package.
func (s *Spec) Apply(x []float64, shape []int) (y []float64, scale []float64, err error) {
	if s == nil {
		return nil, nil, fmt.Errorf("quant: Apply on a nil Spec")
	}
	t, err := newTensor(x, shape)
	if err != nil {
		return nil, nil, fmt.Errorf("quant: %v: %w", s, err)
	}
	if len(x) == 0 {
		return []float64{}, nil, nil
	}
	if s.QNoiseFactor != nil && math.IsNaN(*s.QNoiseFactor) {
		return nil, nil, fmt.Errorf("quant: %v: qnoise_factor is NaN", s)
	}
	switch s.Kind {
	case QuantizedBits:
		y, scale, err = s.applyBits(t)
	case QuantizedRelu:
		y, err = s.applyRelu(t)
	case QuantizedTanh:
		y, err = s.applyTanh(t)
	case QuantizedSigmoid:
		y, err = s.applySigmoid(t)
	case QuantizedPo2:
		y, err = s.applyPo2(t)
	case QuantizedReluPo2:
		y, err = s.applyReluPo2(t)
	case Binary, StochasticBinary:
		y, scale, err = s.applyBinary(t)
	case Ternary, StochasticTernary:
		y, scale, err = s.applyTernary(t)
	case BinaryTanh:
		y = applyBinaryTanh(t)
	case FixedPoint:
		y, err = s.applyFixedPoint(t, shape)
	case QONNXQuant, BipolarQuant, Trunc, QuantizeLinear:
		y, err = s.applyQONNX(t, shape)
	default:
		err = fmt.Errorf("unknown quantizer kind %d", s.Kind)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("quant: %v: %w", s, err)
	}
	return y, scale, nil
}

// tensor is an input array with its channel structure.
type tensor struct {
	x        []float64
	channels int  // size of the last axis (1 for a scalar)
	rank1    bool // rank ≤ 1: QKeras's least squares does not average
}

func newTensor(x []float64, shape []int) (tensor, error) {
	if shape == nil {
		return tensor{x: x, channels: max(len(x), 1), rank1: true}, nil
	}
	n := 1
	for _, d := range shape {
		if d < 0 {
			return tensor{}, fmt.Errorf("negative dimension in shape %v", shape)
		}
		if d > 0 && n > math.MaxInt32/d {
			return tensor{}, fmt.Errorf("shape %v too large", shape)
		}
		n *= d
	}
	if n != len(x) {
		return tensor{}, fmt.Errorf("shape %v holds %d values, got %d", shape, n, len(x))
	}
	t := tensor{x: x, channels: 1, rank1: len(shape) <= 1}
	if len(shape) > 0 {
		t.channels = max(shape[len(shape)-1], 1)
	}
	return t, nil
}

// groups is the number of least-squares scales: one per channel, or one per
// element for a rank-1 tensor.
func (t tensor) groups() int {
	if t.rank1 {
		return len(t.x)
	}
	return t.channels
}

// group is the least-squares group of element i.
func (t tensor) group(i int) int {
	if t.rank1 {
		return i
	}
	return i % t.channels
}

// maxAbs is max|x·f| per least-squares group; for a rank-1 tensor QKeras
// takes the maximum over the whole tensor, so every group gets it.
func (t tensor) maxAbs(f func(float64) float64) []float64 {
	g := t.groups()
	out := make([]float64, g)
	if t.rank1 {
		m := 0.0
		for _, v := range t.x {
			m = math.Max(m, math.Abs(f(v)))
		}
		for i := range out {
			out[i] = m
		}
		return out
	}
	for i, v := range t.x {
		c := i % t.channels
		out[c] = math.Max(out[c], math.Abs(f(v)))
	}
	return out
}

// leastSquares is QKeras's _get_least_squares_scale: per group,
// mean(x·q) / (mean(q·q) + eps), rounded to a power of two when po2. The
// means add the rows in order, as numpy reduces a C-ordered array over its
// leading axes.
func (t tensor) leastSquares(x, q []float64, po2 bool) []float64 {
	g := t.groups()
	sxq := make([]float64, g)
	sqq := make([]float64, g)
	for i := range x {
		c := t.group(i)
		sxq[c] += float64(x[i] * q[i]) // no fused multiply-add
		sqq[c] += float64(q[i] * q[i])
	}
	n := float64(len(x) / g)
	out := make([]float64, g)
	for c := range out {
		out[c] = (sxq[c] / n) / (sqq[c]/n + eps)
		if po2 {
			out[c] = pow2Round(out[c])
		}
	}
	return out
}

// pow2Round is QKeras's 2^round(log2(t + eps)), with round half to even.
func pow2Round(t float64) float64 {
	return exp2(math.RoundToEven(math.Log2(t + eps)))
}

// exp2 is 2^e for an integral e, exactly (0 or +Inf beyond float64's
// range, NaN for NaN).
func exp2(e float64) float64 {
	if math.IsNaN(e) {
		return e
	}
	return math.Ldexp(1, int(math.Max(-2000, math.Min(2000, e))))
}

// rne is tf.round: round half to even.
func rne(v float64) float64 { return math.RoundToEven(v) }

// clip is numpy's clip, min(max(v, lo), hi) with max(a,b) = a > b ? a : b,
// so that a value equal to a bound (-0 against 0) becomes the bound.
func clip(v, lo, hi float64) float64 {
	if !(v > lo) {
		v = lo
	}
	if !(v < hi) {
		v = hi
	}
	return v
}

// signOne is QKeras's sign with 0 mapped to +1 (tf.sign(x) + (1 - |sign|)).
func signOne(v float64) float64 {
	if v < 0 {
		return -1
	}
	return 1
}

// sign is numpy's sign: -1, +1, or +0 for both zeros.
func sign(v float64) float64 {
	switch {
	case v < 0:
		return -1
	case v > 0:
		return 1
	}
	return 0
}

// hardSigmoid is QKeras's default internal sigmoid, clip(0.5·x + 0.5, 0, 1).
// The explicit conversion stops Go from fusing the multiply-add, which would
// round once instead of twice.
func hardSigmoid(v float64) float64 {
	return clip(float64(0.5*v)+0.5, 0, 1)
}

// noise mixes the quantized value back with the unquantized one as QKeras's
// straight-through output does, x_u + f·(xq − x_u). With f = 1 this is xq
// except for the sign of a zero: -0.3 + (-0 - -0.3) is +0.
func (s *Spec) noise(xu, xq float64) float64 {
	f := 1.0
	if s.QNoiseFactor != nil {
		f = *s.QNoiseFactor
	}
	return xu + float64(f*(xq-xu))
}
