// This file implements the QONNX quantizers — Quant (IntQuant),
// BipolarQuant, Trunc (version 1) — and the QCDQ form of standard ONNX
// (QuantizeLinear, an optional Clip on the codes, DequantizeLinear), as
// the operator descriptions in the shared QONNX reference README state
// them, computed in float64.

package quant

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// qonnxRounding are QONNX's rounding modes (upper case).
var qonnxRounding = map[string]func(float64) float64{
	// qonnx: "ROUND (also called HALF_EVEN)": nearest, ties to even.
	"ROUND":     math.RoundToEven,
	"HALF_EVEN": math.RoundToEven,
	// qonnx: "HALF_UP: nearest; exact halves go away from zero".
	"HALF_UP": math.Round,
	// qonnx: "HALF_DOWN: nearest; exact halves go toward zero".
	"HALF_DOWN": func(v float64) float64 {
		if t := math.Trunc(v); math.Abs(v-t) == 0.5 {
			return t
		}
		return math.Round(v)
	},
	"FLOOR": math.Floor,
	"CEIL":  math.Ceil,
	// qonnx: "UP: away from zero", "DOWN: toward zero (truncation)".
	"UP": func(v float64) float64 {
		if v < 0 {
			return math.Floor(v)
		}
		return math.Ceil(v)
	},
	"DOWN": math.Trunc,
}

// NormalizeRoundingMode returns a QONNX rounding mode in canonical upper
// case ("round" is "ROUND"), or an error for an unknown mode.
func NormalizeRoundingMode(m string) (string, error) {
	u := strings.ToUpper(m)
	if _, ok := qonnxRounding[u]; !ok {
		return "", fmt.Errorf("unknown rounding mode %q (QONNX knows ROUND, HALF_EVEN, HALF_UP, HALF_DOWN, FLOOR, CEIL, UP, DOWN)", m)
	}
	return u, nil
}

// IntRange returns the integer range [lo, hi] of a QONNX Quant with the
// spec's bit width, signedness and narrow flag: signed 6 b is −32..31
// (narrow −31..31), unsigned 6 b 0..63 (narrow, as the QONNX reference
// implementation lowers it, 0..62).
func (s *Spec) IntRange() (lo, hi float64) {
	b := float64(s.Bits)
	if s.Signed {
		lo, hi = -math.Exp2(b-1), math.Exp2(b-1)-1
		if s.Narrow {
			lo++
		}
		return lo, hi
	}
	hi = math.Exp2(b) - 1
	if s.Narrow {
		hi--
	}
	return 0, hi
}

// CheckQONNX reports whether the parameters of a QONNX or QCDQ spec are
// usable: positive finite scales, finite zero points of the same count,
// a scale shape that holds them, a bit width from 1 to 53, a known
// rounding mode, and an integer code range.
func (s *Spec) CheckQONNX() error {
	if len(s.Scale) == 0 {
		return fmt.Errorf("no scale")
	}
	for _, v := range s.Scale {
		if !(v > 0) || math.IsInf(v, 0) {
			return fmt.Errorf("scale %v is not a positive finite number", v)
		}
	}
	for _, v := range s.ZeroPoint {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("zero point %v is not finite", v)
		}
	}
	if s.ZeroPoint != nil && len(s.ZeroPoint) != len(s.Scale) {
		return fmt.Errorf("%d zero points for %d scales", len(s.ZeroPoint), len(s.Scale))
	}
	n := 1
	for _, d := range s.ScaleShape {
		if d <= 0 {
			return fmt.Errorf("scale shape %v has a non-positive dimension", s.ScaleShape)
		}
		n *= d
	}
	if s.ScaleShape != nil && n != len(s.Scale) {
		return fmt.Errorf("scale shape %v holds %d values, have %d", s.ScaleShape, n, len(s.Scale))
	}
	switch s.Kind {
	case QONNXQuant, Trunc:
		if s.Bits < 1 || s.Bits > 53 {
			return fmt.Errorf("bit width %d outside 1..53", s.Bits)
		}
		if _, ok := qonnxRounding[s.RoundingMode]; !ok {
			return fmt.Errorf("unknown rounding mode %q", s.RoundingMode)
		}
		if s.Kind == Trunc && (s.InBits < s.Bits || s.InBits > 64) {
			return fmt.Errorf("in_bitwidth %d is below out_bitwidth %d or above 64", s.InBits, s.Bits)
		}
	case QuantizeLinear:
		if !(s.QMin <= s.QMax) || s.QMin != math.Trunc(s.QMin) || s.QMax != math.Trunc(s.QMax) {
			return fmt.Errorf("code range [%v, %v] is not an integer range", s.QMin, s.QMax)
		}
	}
	return nil
}

// paramIndex returns, for element i of an input of the given shape, the
// index of its scale and zero point. A nil ScaleShape means one value, or
// one per element of the last axis (per channel).
func (s *Spec) paramIndex(n int, shape []int) (func(int) int, error) {
	if s.ScaleShape == nil {
		switch {
		case len(s.Scale) == 1:
			return func(int) int { return 0 }, nil
		case len(shape) > 0 && shape[len(shape)-1] == len(s.Scale):
			c := len(s.Scale)
			return func(i int) int { return i % c }, nil
		case shape == nil && n == len(s.Scale):
			return func(i int) int { return i }, nil
		}
		return nil, fmt.Errorf("%d scales do not match input shape %v", len(s.Scale), shape)
	}
	if shape == nil {
		shape = []int{n}
	}
	ps := s.ScaleShape
	if len(ps) > len(shape) {
		return nil, fmt.Errorf("scale shape %v does not broadcast to input shape %v", ps, shape)
	}
	pad := len(shape) - len(ps)
	// Strides of the parameters per input axis (0 where broadcast).
	pst := make([]int, len(shape))
	acc := 1
	for j := len(ps) - 1; j >= 0; j-- {
		switch ps[j] {
		case shape[j+pad]:
			pst[j+pad] = acc
		case 1:
		default:
			return nil, fmt.Errorf("scale shape %v does not broadcast to input shape %v", ps, shape)
		}
		acc *= ps[j]
	}
	return func(i int) int {
		off := 0
		for ax := len(shape) - 1; ax >= 0; ax-- {
			off += (i % shape[ax]) * pst[ax]
			i /= shape[ax]
		}
		return off
	}, nil
}

// applyQONNX quantizes with QONNXQuant, BipolarQuant, Trunc or
// QuantizeLinear semantics.
func (s *Spec) applyQONNX(t tensor, shape []int) ([]float64, error) {
	if err := s.CheckQONNX(); err != nil {
		return nil, err
	}
	idx, err := s.paramIndex(len(t.x), shape)
	if err != nil {
		return nil, err
	}
	zp := func(k int) float64 {
		if s.ZeroPoint == nil {
			return 0
		}
		return s.ZeroPoint[k]
	}
	y := make([]float64, len(t.x))
	switch s.Kind {
	case QONNXQuant:
		// qonnx: "v = X / scale + zeropt; c = clamp(v, lo, hi); q = R(c);
		// Y = (q − zeropt) × scale".
		lo, hi := s.IntRange()
		r := qonnxRounding[s.RoundingMode]
		for i, x := range t.x {
			k := idx(i)
			v := x/s.Scale[k] + zp(k)
			q := r(clip(v, lo, hi))
			y[i] = (q - zp(k)) * s.Scale[k]
		}
	case BipolarQuant:
		// qonnx: "Y = +scale where X ≥ 0, Y = −scale where X < 0" (−0 ≥ 0).
		for i, x := range t.x {
			if x >= 0 {
				y[i] = s.Scale[idx(i)]
			} else {
				y[i] = -s.Scale[idx(i)]
			}
		}
	case Trunc:
		// qonnx: "u = ROUND(X / scale + zeropt); w = u / 2^s; r = R(w);
		// Y = (r − zeropt) × scale", s = in_bitwidth − out_bitwidth.
		r := qonnxRounding[s.RoundingMode]
		div := math.Exp2(float64(s.InBits - s.Bits))
		for i, x := range t.x {
			k := idx(i)
			u := math.RoundToEven(x/s.Scale[k] + zp(k))
			y[i] = (r(u/div) - zp(k)) * s.Scale[k]
		}
	case QuantizeLinear:
		// onnx: "y = saturate(round(x / y_scale) + y_zero_point)", round
		// half to even; then DequantizeLinear "(x − x_zero_point) × x_scale".
		for i, x := range t.x {
			k := idx(i)
			q := clip(math.RoundToEven(x/s.Scale[k])+zp(k), s.QMin, s.QMax)
			y[i] = (q - zp(k)) * s.Scale[k]
		}
	}
	return y, nil
}

// qonnxString prints a QONNX spec as a call with its parameters, e.g.
// Quant(bits=6,signed=1,narrow=0,rounding_mode=ROUND,scale=0.0625,zeropt=0).
func (s *Spec) qonnxString() string {
	var parts []string
	add := func(k, v string) { parts = append(parts, k+"="+v) }
	switch s.Kind {
	case QONNXQuant:
		add("bits", strconv.Itoa(s.Bits))
		add("signed", flagText(s.Signed))
		add("narrow", flagText(s.Narrow))
		add("rounding_mode", s.RoundingMode)
	case Trunc:
		add("in_bits", strconv.Itoa(s.InBits))
		add("out_bits", strconv.Itoa(s.Bits))
		add("rounding_mode", s.RoundingMode)
	case QuantizeLinear:
		add("min", strconv.FormatFloat(s.QMin, 'g', -1, 64))
		add("max", strconv.FormatFloat(s.QMax, 'g', -1, 64))
	}
	add("scale", floatsText(s.Scale, s.ScaleShape))
	if s.Kind != BipolarQuant && s.ZeroPoint != nil {
		add("zeropt", floatsText(s.ZeroPoint, s.ScaleShape))
	}
	return s.Kind.String() + "(" + strings.Join(parts, ",") + ")"
}

// floatsText prints one value, or "[v0 v1 ...]" with the shape when
// per-channel (long lists are elided).
func floatsText(v []float64, shape []int) string {
	if len(v) == 1 {
		return strconv.FormatFloat(v[0], 'g', -1, 64)
	}
	var b strings.Builder
	b.WriteByte('[')
	for i, x := range v {
		if i == 4 && len(v) > 5 {
			fmt.Fprintf(&b, " ... (%d values)", len(v))
			break
		}
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(strconv.FormatFloat(x, 'g', -1, 64))
	}
	b.WriteByte(']')
	if shape != nil {
		fmt.Fprintf(&b, "%v", shape)
	}
	return b.String()
}
