// This file implements OpBatchNorm and OpScaleShift: y = x·scale + bias per
// channel, with one rounding.

package ops

import (
	"fmt"
	"math"

	"github.com/nnhls/nnhls/fixed"
	"github.com/nnhls/nnhls/ir"
)

// hls4ml computes a BatchNormalization's scale = γ/√(var+ε) and bias =
// β − scale·μ from the raw trained values (layers.py
// BatchNormalization.initialize; absent γ/β are 1/0), stores them in
// scale_t and bias_t like any weight (weights.go), and computes
// y = result_t(x·scale_c + bias_c) with an exact product and sum
// (nnet_batchnorm.h normalize, numerics.md §4.3). The channel of element i
// is i mod C, channels-last.

func batchNormDef() *Def {
	return &Def{
		Op:     ir.OpBatchNorm,
		Class:  func(*ir.Node) string { return "BatchNormalization" },
		Vars:   func(*ir.Node) []string { return []string{VarScale, VarBias} },
		Kernel: buildScaleShift,
		Float:  buildScaleShiftFloat,
	}
}

func scaleShiftDef() *Def {
	return &Def{
		Op:     ir.OpScaleShift,
		Class:  func(*ir.Node) string { return "ApplyAlpha" },
		Vars:   func(*ir.Node) []string { return []string{VarScale, VarBias} },
		Kernel: buildScaleShift,
		Float:  buildScaleShiftFloat,
	}
}

// ScaleBias returns the float64 per-channel scale and bias of a BatchNorm
// (γ/√(var+ε) and β − scale·mean, as hls4ml computes them) or a ScaleShift
// node ("scale", "bias"; absent means 1 and 0) with c channels.
func ScaleBias(n *ir.Node, c int) (scale, bias []float64, err error) {
	get := func(role string, def float64) ([]float64, error) {
		t := n.Weight(role)
		if t == nil {
			if math.IsNaN(def) {
				return nil, fmt.Errorf("missing weight %q", role)
			}
			v := make([]float64, c)
			for i := range v {
				v[i] = def
			}
			return v, nil
		}
		if t.Len() != c {
			return nil, fmt.Errorf("weight %q has %d values for %d channels", role, t.Len(), c)
		}
		return t.Data, nil
	}
	if n.Op == ir.OpScaleShift {
		if scale, err = get("scale", 1); err != nil {
			return nil, nil, err
		}
		if bias, err = get("bias", 0); err != nil {
			return nil, nil, err
		}
		return scale, bias, nil
	}
	gamma, err := get("gamma", 1)
	if err != nil {
		return nil, nil, err
	}
	beta, err := get("beta", 0)
	if err != nil {
		return nil, nil, err
	}
	mean, err := get("moving_mean", math.NaN())
	if err != nil {
		return nil, nil, err
	}
	variance, err := get("moving_variance", math.NaN())
	if err != nil {
		return nil, nil, err
	}
	scale, bias = make([]float64, c), make([]float64, c)
	for i := range c {
		scale[i] = gamma[i] / math.Sqrt(variance[i]+n.Attrs.Epsilon)
		bias[i] = beta[i] - scale[i]*mean[i]
	}
	return scale, bias, nil
}

// channels returns the channel count of a per-channel op on shape: the last
// axis.
func channels(inShapes [][]int) (int, int, error) {
	if len(inShapes) != 1 || len(inShapes[0]) == 0 {
		return 0, 0, fmt.Errorf("needs one input")
	}
	in := inShapes[0]
	return in[len(in)-1], ir.NumElements(in), nil
}

// scaleShiftKernel computes result_t(x·s + b) exactly at the common
// fractional bits f of the product and the bias.
type scaleShiftKernel struct {
	c, n    int
	s, b    []int64 // b already aligned to f
	prodUp  uint    // left shift of the product to reach f
	res     fixed.Cast64
	resFast trnWrap
	lsb     float64 // 2^-f
}

func buildScaleShift(b *Build) (Kernel, error) {
	c, total, err := channels(b.InShapes)
	if err != nil {
		return nil, err
	}
	scale, bias, err := ScaleBias(b.Node, c)
	if err != nil {
		return nil, err
	}
	if b.Node.Attrs.Activation != "" {
		return buildThreshold(b, scale, bias, total)
	}
	st, bt, in := b.Types[VarScale], b.Types[VarBias], b.InTypes[0]
	s, _, err := weightsRaw(scale, st, "scale")
	if err != nil {
		return nil, err
	}
	braw, _, err := weightsRaw(bias, bt, "bias")
	if err != nil {
		return nil, err
	}
	pf := in.FracBits() + st.FracBits()
	f := max(pf, bt.FracBits())
	if in.Width()+st.Width()+(f-pf) > 61 || bt.Width()+(f-bt.FracBits()) > 61 {
		return nil, fmt.Errorf("input %v, scale %v and bias %v are too wide for the int64 path", in, st, bt)
	}
	k := &scaleShiftKernel{c: c, n: total, s: s, b: make([]int64, c), prodUp: uint(f - pf)}
	for i, v := range braw {
		k.b[i] = v << uint(f-bt.FracBits())
	}
	if k.res, err = fixed.NewCast64(f, b.Result()); err != nil {
		return nil, err
	}
	k.resFast = newTrnWrap(f, b.Result())
	k.lsb = math.Ldexp(1, -f)
	return k, nil
}

func (k *scaleShiftKernel) Scratch() int { return 0 }

func (k *scaleShiftKernel) Run(in [][]int64, out []int64, _ []int64, t *Tally) {
	x := in[0][:k.n]
	out = out[:k.n]
	ch := 0
	if t == nil && k.resFast.ok {
		s, b := k.s[:k.c], k.b[:k.c]
		for i, v := range x {
			out[i] = k.resFast.apply(v*s[ch]<<k.prodUp + b[ch])
			if ch++; ch == k.c {
				ch = 0
			}
		}
		return
	}
	for i, v := range x {
		e := v*k.s[ch]<<k.prodUp + k.b[ch]
		r, fl := k.res.Apply(e)
		out[i] = r
		if t != nil {
			t[SlotResult].Observe(float64(e) * k.lsb)
			if fl != 0 {
				countFlags(&t[SlotResult], fl)
			}
		}
		if ch++; ch == k.c {
			ch = 0
		}
	}
	if t != nil {
		t[SlotResult].Casts += int64(k.n)
	}
}

// scaleShiftFloat is the float64 forward pass.
type scaleShiftFloat struct {
	c    int
	s, b []float64
	act  *actFloatKernel // a fused binary or ternary tanh
}

func buildScaleShiftFloat(n *ir.Node, inShapes [][]int) (FloatKernel, error) {
	c, _, err := channels(inShapes)
	if err != nil {
		return nil, err
	}
	s, b, err := ScaleBias(n, c)
	if err != nil {
		return nil, err
	}
	f := &scaleShiftFloat{c: c, s: s, b: b}
	if a := n.Attrs.Activation; a != "" {
		kind, err := ParseActKind(a)
		if err != nil || (kind != ActBinaryTanh && kind != ActTernaryTanh) {
			return nil, fmt.Errorf("a batch normalization cannot fuse activation %q", a)
		}
		f.act = &actFloatKernel{kind: kind}
	}
	return f, nil
}

func (f *scaleShiftFloat) Run(in [][]float64, out []float64) {
	for i, v := range in[0] {
		ch := i % f.c
		out[i] = v*f.s[ch] + f.b[ch]
		if f.act != nil {
			out[i] = f.act.f(out[i], i)
		}
	}
}
