// This file implements the quantization ops: QONNX's Quant (IntQuant),
// BipolarQuant and Trunc, and standard ONNX's QCDQ form (QuantizeLinear,
// an optional Clip on the codes, DequantizeLinear). On a runtime tensor
// they become one OpQuant node whose quant.Spec carries every parameter;
// on a constant (a weight or a bias) they are evaluated at load time with
// the same quant.Spec.Apply, and the consumer (Dense, Conv) records the
// spec as its "kernel" or "bias" quantizer.

package onnx

import (
	"fmt"
	"math"
	"slices"

	"github.com/nnhls/nnhls/ir"
	"github.com/nnhls/nnhls/quant"
)

// quantSpec shortens the quantizer type in node literals.
type quantSpec = quant.Spec

// A constQuant is the quantizer that produced a constant, with its scale
// and zero point expanded to the constant's shape, so that the constant's
// layout changes (Transpose, a Conv kernel's reordering) can move them
// along.
type constQuant struct {
	base        *quant.Spec
	shape       []int
	scale, zero []float64
}

// transposed returns q for the constant transposed by perm (nil for nil).
func (q *constQuant) transposed(shape, perm []int) *constQuant {
	if q == nil {
		return nil
	}
	out := &constQuant{base: q.base}
	out.scale, out.shape = transpose(q.scale, shape, perm)
	if q.zero != nil {
		out.zero, _ = transpose(q.zero, shape, perm)
	}
	return out
}

// spec returns the quantizer for the weight of the given final shape (the
// same elements in the same order as q's constant), with the scale and
// zero point reduced to the smallest broadcast shape (a zero point of
// zeros is dropped).
func (q *constQuant) spec(final []int) *quant.Spec {
	if q == nil || ir.NumElements(final) != len(q.scale) {
		return nil
	}
	s := q.base.Clone()
	sc, ss := compress(q.scale, final)
	zp, zs := sc, ss
	if q.zero != nil && !allEqual(q.zero, 0) {
		zp, zs = compress(q.zero, final)
	}
	if !slices.Equal(ss, zs) {
		bs, err := broadcastShape(ss, zs)
		if err != nil {
			return nil
		}
		sc, _ = expand(sc, ss, bs)
		zp, _ = expand(zp, zs, bs)
		ss = bs
	}
	s.Scale = sc
	s.ZeroPoint = nil
	if q.zero != nil && !allEqual(q.zero, 0) {
		s.ZeroPoint = zp
	}
	s.ScaleShape = ss
	if len(sc) == 1 {
		s.ScaleShape = nil
	}
	return s
}

// A param is a quantizer parameter (scale, zero point) with a shape of
// the input's full rank that broadcasts against it; nil data means absent.
type param struct {
	data  []float64
	shape []int
}

// quantParam reads input k as a constant parameter broadcast against a
// tensor of full shape full.
func quantParam(c *nctx, k int, full []int, what string) (param, error) {
	p, err := c.constIn(k)
	if err != nil {
		return param{}, fmt.Errorf("%s: %w", what, err)
	}
	if bs, err := broadcastShape(full, p.shape); err != nil || !slices.Equal(bs, full) {
		return param{}, fmt.Errorf("%s of shape %v does not broadcast to the input's shape %v", what, p.shape, full)
	}
	ps := make([]int, len(full))
	for i := range ps {
		ps[i] = 1
		if j := i - (len(full) - len(p.shape)); j >= 0 {
			ps[i] = p.shape[j]
		}
	}
	return param{p.data, ps}, nil
}

// scalarInt reads input k as a constant integer scalar (a bit width).
func scalarInt(c *nctx, k int, what string) (int, error) {
	p, err := c.constIn(k)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", what, err)
	}
	if len(p.data) != 1 || p.data[0] != math.Trunc(p.data[0]) || p.data[0] < 1 || p.data[0] > 64 {
		return 0, fmt.Errorf("%s must be one integer from 1 to 64, have %v", what, p.data)
	}
	return int(p.data[0]), nil
}

// fullShape is the shape Quant's parameters broadcast against: the ONNX
// shape with the batch axis for a runtime tensor, the constant's own shape
// for a constant.
func fullShape(x *value) []int {
	if x.c != nil {
		return x.c.shape
	}
	return append([]int{1}, x.shape...)
}

// finishQuant applies spec s with parameters sc and zp (zp may be absent)
// to input x: an OpQuant node for a runtime tensor, a folded constant for
// a constant.
func finishQuant(c *nctx, x *value, s *quant.Spec, sc, zp param) (*value, error) {
	if x.c != nil {
		full := x.c.shape
		scale, err := expand(sc.data, sc.shape, full)
		if err != nil {
			return nil, err
		}
		var zero []float64
		if zp.data != nil {
			if zero, err = expand(zp.data, zp.shape, full); err != nil {
				return nil, err
			}
		}
		s.Scale, s.ZeroPoint, s.ScaleShape = scale, zero, append([]int{}, full...)
		if len(full) == 0 {
			s.ScaleShape = nil
		}
		y, _, err := s.Apply(x.c.data, full)
		if err != nil {
			return nil, err
		}
		s.Scale, s.ZeroPoint, s.ScaleShape = nil, nil, nil
		q := &constQuant{base: s, shape: full, scale: scale, zero: zero}
		return &value{node: -1, c: &constant{shape: full, data: y, dtype: dtFloat}, q: q}, nil
	}
	var err error
	var ss, zs []int
	if s.Scale, ss, err = layoutParam(x, sc.data, sc.shape); err != nil {
		return nil, fmt.Errorf("scale: %w", err)
	}
	if zp.data != nil && !allEqual(zp.data, 0) {
		if s.ZeroPoint, zs, err = layoutParam(x, zp.data, zp.shape); err != nil {
			return nil, fmt.Errorf("zero point: %w", err)
		}
		if !slices.Equal(ss, zs) {
			bs, err := broadcastShape(ss, zs)
			if err != nil {
				return nil, err
			}
			s.Scale, _ = expand(s.Scale, ss, bs)
			s.ZeroPoint, _ = expand(s.ZeroPoint, zs, bs)
			ss = bs
		}
	}
	if len(s.Scale) > 1 {
		s.ScaleShape = ss
	}
	if err := s.CheckQONNX(); err != nil {
		return nil, err
	}
	n := &ir.Node{Op: ir.OpQuant, Shape: irShape(x.shape, x.perm), Quantizers: map[string]*quant.Spec{"activation": s}}
	return c.result(c.add("", n, x.node), x.shape, x.perm), nil
}

// quantInput returns input 0 of a quantizer: a runtime tensor or a
// constant.
func quantInput(c *nctx) (*value, error) {
	x, err := c.in(0)
	if err != nil {
		return nil, err
	}
	if x.c == nil {
		return c.runtime(0)
	}
	return x, nil
}

// qonnxQuant is QONNX Quant(X, scale, zeropt, bitwidth; signed, narrow,
// rounding_mode).
func qonnxQuant(c *nctx) (*value, error) {
	if err := c.nIn(4, 4); err != nil {
		return nil, err
	}
	x, err := quantInput(c)
	if err != nil {
		return nil, err
	}
	s := &quant.Spec{Kind: quant.QONNXQuant}
	signed, err := c.attrInt("signed", 1)
	if err != nil {
		return nil, err
	}
	narrow, err := c.attrInt("narrow", 0)
	if err != nil {
		return nil, err
	}
	mode, err := c.attrString("rounding_mode", "ROUND")
	if err != nil {
		return nil, err
	}
	if s.RoundingMode, err = quant.NormalizeRoundingMode(mode); err != nil {
		return nil, err
	}
	s.Signed, s.Narrow = signed != 0, narrow != 0
	if s.Bits, err = scalarInt(c, 3, "bitwidth"); err != nil {
		return nil, err
	}
	full := fullShape(x)
	sc, err := quantParam(c, 1, full, "scale")
	if err != nil {
		return nil, err
	}
	zp, err := quantParam(c, 2, full, "zeropt")
	if err != nil {
		return nil, err
	}
	return finishQuant(c, x, s, sc, zp)
}

// bipolarQuant is QONNX BipolarQuant(X, scale).
func bipolarQuant(c *nctx) (*value, error) {
	if err := c.nIn(2, 2); err != nil {
		return nil, err
	}
	x, err := quantInput(c)
	if err != nil {
		return nil, err
	}
	sc, err := quantParam(c, 1, fullShape(x), "scale")
	if err != nil {
		return nil, err
	}
	return finishQuant(c, x, &quant.Spec{Kind: quant.BipolarQuant}, sc, param{})
}

// trunc is QONNX Trunc version 1 (X, scale, zeropt, in_bitwidth,
// out_bitwidth; rounding_mode).
func trunc(c *nctx) (*value, error) {
	if len(c.ins) == 6 {
		return nil, fmt.Errorf("Trunc version 2 (with out_scale) is not supported")
	}
	if err := c.nIn(5, 5); err != nil {
		return nil, err
	}
	x, err := quantInput(c)
	if err != nil {
		return nil, err
	}
	s := &quant.Spec{Kind: quant.Trunc}
	mode, err := c.attrString("rounding_mode", "FLOOR")
	if err != nil {
		return nil, err
	}
	if s.RoundingMode, err = quant.NormalizeRoundingMode(mode); err != nil {
		return nil, err
	}
	if s.InBits, err = scalarInt(c, 3, "in_bitwidth"); err != nil {
		return nil, err
	}
	if s.Bits, err = scalarInt(c, 4, "out_bitwidth"); err != nil {
		return nil, err
	}
	if s.InBits < s.Bits {
		return nil, fmt.Errorf("in_bitwidth %d is below out_bitwidth %d", s.InBits, s.Bits)
	}
	full := fullShape(x)
	sc, err := quantParam(c, 1, full, "scale")
	if err != nil {
		return nil, err
	}
	zp, err := quantParam(c, 2, full, "zeropt")
	if err != nil {
		return nil, err
	}
	return finishQuant(c, x, s, sc, zp)
}

// A pendingQ is the integer output of a QuantizeLinear, waiting for its
// DequantizeLinear (possibly through a Clip): ir has no integer tensors,
// so the group becomes one OpQuant.
type pendingQ struct {
	x      *value // the float input
	spec   *quant.Spec
	sc, zp param
	scale  *constant // the parameters as given, to check the pair
	zero   *constant
	axis   int64
}

// linearParams reads QuantizeLinear/DequantizeLinear's scale (input 1) and
// optional zero point (input 2) for input x, expanded to fullShape(x):
// 0-d (or one element) per tensor, 1-D along `axis`.
func linearParams(c *nctx, x *value, full []int) (sc, zp param, scale, zero *constant, ax int64, err error) {
	if scale, err = c.constIn(1); err != nil {
		return param{}, param{}, nil, nil, 0, fmt.Errorf("scale: %w", err)
	}
	if z := c.optIn(2); z != nil {
		if z.c == nil {
			return param{}, param{}, nil, nil, 0, fmt.Errorf("zero point must be a constant")
		}
		zero = z.c
	}
	ax, err = c.attrInt("axis", 1)
	if err != nil {
		return param{}, param{}, nil, nil, 0, err
	}
	c.ignore("saturate")
	if bs, _ := c.attrInt("block_size", 0); bs != 0 {
		return param{}, param{}, nil, nil, 0, fmt.Errorf("blocked quantization (block_size) is not supported")
	}
	get := func(p *constant, what string) (param, error) {
		if len(p.data) == 1 {
			return param{p.data[:1], ones(len(full))}, nil
		}
		if len(p.shape) != 1 {
			return param{}, fmt.Errorf("%s of shape %v: only 0-d and 1-D parameters are supported", what, p.shape)
		}
		a := ax
		if a < 0 {
			a += int64(len(full))
		}
		if a < 0 || a >= int64(len(full)) || full[a] != p.shape[0] {
			return param{}, fmt.Errorf("%s of %d values does not fit axis %d of shape %v", what, p.shape[0], ax, full)
		}
		if x.c == nil && a == 0 {
			return param{}, fmt.Errorf("%s along the batch axis", what)
		}
		ps := make([]int, len(full))
		for i := range ps {
			ps[i] = 1
		}
		ps[a] = p.shape[0]
		return param{p.data, ps}, nil
	}
	if sc, err = get(scale, "scale"); err != nil {
		return param{}, param{}, nil, nil, 0, err
	}
	if zero != nil {
		if zp, err = get(zero, "zero point"); err != nil {
			return param{}, param{}, nil, nil, 0, err
		}
	}
	return sc, zp, scale, zero, ax, nil
}

// quantizeLinear is QuantizeLinear(x, y_scale, y_zero_point): it waits for
// its DequantizeLinear.
func quantizeLinear(c *nctx) (*value, error) {
	if err := c.nIn(2, 3); err != nil {
		return nil, err
	}
	x, err := quantInput(c)
	if err != nil {
		return nil, err
	}
	full := fullShape(x)
	sc, zp, scale, zero, ax, err := linearParams(c, x, full)
	if err != nil {
		return nil, err
	}
	s := &quant.Spec{Kind: quant.QuantizeLinear, Bits: 8, QMin: 0, QMax: 255}
	if zero != nil {
		switch zero.dtype {
		case dtUint8:
		case dtInt8:
			s.Signed, s.QMin, s.QMax = true, -128, 127
		case dtUint16:
			s.Bits, s.QMax = 16, 65535
		case dtInt16:
			s.Signed, s.Bits, s.QMin, s.QMax = true, 16, -32768, 32767
		default:
			return nil, fmt.Errorf("zero point of type %s: nnhls reads int8, uint8, int16 and uint16 codes", dtypeName(zero.dtype))
		}
	}
	return &value{node: -1, pending: &pendingQ{x: x, spec: s, sc: sc, zp: zp, scale: scale, zero: zero, axis: ax}}, nil
}

// clipCodes is a Clip on QuantizeLinear codes: it narrows the code range.
func clipCodes(c *nctx, p *pendingQ) (*value, error) {
	q := *p
	s := *p.spec
	q.spec = &s
	for k, bound := range []*float64{&s.QMin, &s.QMax} {
		v := c.optIn(k + 1)
		if v == nil {
			continue
		}
		if v.c == nil || len(v.c.data) != 1 {
			return nil, fmt.Errorf("input %d must be a scalar constant", k+1)
		}
		b := v.c.data[0]
		if k == 0 {
			*bound = math.Max(*bound, math.Ceil(b))
		} else {
			*bound = math.Min(*bound, math.Floor(b))
		}
	}
	if s.QMin > s.QMax {
		return nil, fmt.Errorf("the clip range is empty")
	}
	return &value{node: -1, pending: &q}, nil
}

// dequantizeLinear is DequantizeLinear(x, x_scale, x_zero_point): after a
// QuantizeLinear (and Clip) it closes the QCDQ group; on integer constant
// codes (int8 weights, int32 biases) it computes the float weights.
func dequantizeLinear(c *nctx) (*value, error) {
	if err := c.nIn(2, 3); err != nil {
		return nil, err
	}
	x, err := c.in(0)
	if err != nil {
		return nil, err
	}
	if p := x.pending; p != nil {
		_, _, scale, zero, ax, err := linearParams(c, p.x, fullShape(p.x))
		if err != nil {
			return nil, err
		}
		if !sameConst(scale, p.scale) || !sameConst(zero, p.zero) || (len(scale.data) > 1 && ax != p.axis) {
			return nil, fmt.Errorf("scale, zero point or axis differ from those of the QuantizeLinear it reads; nnhls reads QuantizeLinear/DequantizeLinear pairs that share them")
		}
		s := *p.spec
		return finishQuant(c, p.x, &s, p.sc, p.zp)
	}
	if x.c == nil {
		return nil, fmt.Errorf("input x must come from a QuantizeLinear (possibly through a Clip) or be constant integer codes")
	}
	if !x.c.isInt() {
		return nil, fmt.Errorf("input x is a float constant; DequantizeLinear reads integer codes")
	}
	full := x.c.shape
	sc, zp, _, _, _, err := linearParams(c, x, full)
	if err != nil {
		return nil, err
	}
	scale, err := expand(sc.data, sc.shape, full)
	if err != nil {
		return nil, err
	}
	var zero []float64
	if zp.data != nil {
		if zero, err = expand(zp.data, zp.shape, full); err != nil {
			return nil, err
		}
	}
	y := make([]float64, len(x.c.data))
	for i, v := range x.c.data {
		z := 0.0
		if zero != nil {
			z = zero[i]
		}
		y[i] = (v - z) * scale[i]
	}
	// The codes' own range: the spec records what grid the weights lie on.
	lo, hi := x.c.codeRange()
	s := &quant.Spec{Kind: quant.QuantizeLinear, Bits: 8, Signed: lo < 0, QMin: lo, QMax: hi}
	if x.c.dtype == dtInt32 {
		s.Bits = 32
	}
	q := &constQuant{base: s, shape: full, scale: scale, zero: zero}
	return &value{node: -1, c: &constant{shape: full, data: y, dtype: dtFloat}, q: q}, nil
}

// codeRange is the range of a constant's integer type.
func (c *constant) codeRange() (float64, float64) {
	switch c.dtype {
	case dtInt8:
		return -128, 127
	case dtUint8:
		return 0, 255
	case dtInt16:
		return -32768, 32767
	case dtUint16:
		return 0, 65535
	}
	return -2147483648, 2147483647
}

// sameConst compares two optional constants by value.
func sameConst(a, b *constant) bool {
	if a == nil || b == nil {
		return a == b
	}
	if !slices.Equal(a.shape, b.shape) || len(a.data) != len(b.data) {
		return false
	}
	for i := range a.data {
		if a.data[i] != b.data[i] {
			return false
		}
	}
	return true
}
