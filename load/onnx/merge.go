// This file implements the elementwise ops with several inputs — Add, Sub,
// Mul, Div, Max, Min, Sum — and Concat. Between runtime tensors they
// become OpMerge and OpConcat; with a constant they become a Dense bias,
// an OpScaleShift per channel, or a ReLU; between constants they are
// computed at load time (shape arithmetic).

package onnx

import (
	"fmt"
	"math"
	"slices"

	"github.com/nnhls/nnhls/ir"
)

// mergeKinds maps the ops between runtime tensors to OpMerge kinds.
var mergeKinds = map[string]ir.MergeKind{
	"Add": ir.MergeAdd, "Sum": ir.MergeAdd, "Sub": ir.MergeSub, "Mul": ir.MergeMul,
	"Max": ir.MergeMax, "Min": ir.MergeMin,
}

// binaryFuncs compute the ops on constants.
var binaryFuncs = map[string]func(a, b float64) float64{
	"Add": func(a, b float64) float64 { return a + b },
	"Sum": func(a, b float64) float64 { return a + b },
	"Sub": func(a, b float64) float64 { return a - b },
	"Mul": func(a, b float64) float64 { return a * b },
	"Div": func(a, b float64) float64 { return a / b },
	"Max": math.Max,
	"Min": math.Min,
}

// arith is Add, Sub, Mul, Div, Max, Min and Sum.
func arith(c *nctx) (*value, error) {
	lo, hi := 2, 2
	if c.n.opType == "Sum" || c.n.opType == "Max" || c.n.opType == "Min" {
		lo, hi = 1, 1<<10
	}
	if err := c.nIn(lo, hi); err != nil {
		return nil, err
	}
	c.ignore("broadcast", "axis", "consumed_inputs")
	var rt, ct []int
	for k := range c.ins {
		v, err := c.in(k)
		if err != nil {
			return nil, err
		}
		if v.c != nil {
			ct = append(ct, k)
		} else {
			rt = append(rt, k)
		}
	}
	switch {
	case len(rt) == 0:
		return foldArith(c)
	case len(ct) == 0:
		return mergeRuntime(c)
	case len(rt) == 1 && len(ct) == 1:
		return withConstant(c, rt[0], ct[0])
	}
	return nil, fmt.Errorf("mixes %d tensors and %d constants; nnhls supports a tensor with one constant", len(rt), len(ct))
}

// foldArith computes the op on constants, with numpy broadcasting.
func foldArith(c *nctx) (*value, error) {
	f := binaryFuncs[c.n.opType]
	acc := c.ins[0].c
	for _, v := range c.ins[1:] {
		shape, err := broadcastShape(acc.shape, v.c.shape)
		if err != nil {
			return nil, err
		}
		a, err := expand(acc.data, acc.shape, shape)
		if err != nil {
			return nil, err
		}
		b, err := expand(v.c.data, v.c.shape, shape)
		if err != nil {
			return nil, err
		}
		out := &constant{shape: shape, data: make([]float64, len(a)), dtype: acc.dtype}
		for i := range a {
			out.data[i] = f(a[i], b[i])
			if acc.isInt() && v.c.isInt() && c.n.opType == "Div" {
				out.data[i] = math.Trunc(out.data[i])
			}
		}
		acc = out
	}
	return &value{node: -1, c: acc}, nil
}

// mergeRuntime combines runtime tensors of one shape into an OpMerge, in
// the first input's layout.
func mergeRuntime(c *nctx) (*value, error) {
	kind, ok := mergeKinds[c.n.opType]
	if !ok {
		return nil, fmt.Errorf("%s of two tensors is not supported (only by a constant)", c.n.opType)
	}
	first, err := c.runtime(0)
	if err != nil {
		return nil, err
	}
	if len(c.ins) == 1 {
		return first, nil
	}
	ins := []int{first.node}
	for k := 1; k < len(c.ins); k++ {
		v, err := c.runtime(k)
		if err != nil {
			return nil, err
		}
		if !slices.Equal(v.shape, first.shape) {
			return nil, fmt.Errorf("input shapes %v and %v differ; nnhls does not broadcast between tensors", first.shape, v.shape)
		}
		i, err := c.b.toLayout(v, first.perm)
		if err != nil {
			return nil, err
		}
		ins = append(ins, i)
	}
	n := &ir.Node{Op: ir.OpMerge, Shape: irShape(first.shape, first.perm), Attrs: ir.Attrs{Merge: kind}}
	return c.result(c.add("", n, ins...), first.shape, first.perm), nil
}

// withConstant is a binary op between runtime input r and constant input k.
func withConstant(c *nctx, r, k int) (*value, error) {
	x, err := c.runtime(r)
	if err != nil {
		return nil, err
	}
	kv := c.ins[k]
	if c.n.opType == "Add" {
		if v := addBias(c, x, c.n.inputs[r], kv); v != nil {
			return v, nil
		}
	}
	if c.n.opType == "Max" && allEqual(kv.c.data, 0) {
		return activation1(c, x, ir.Attrs{Activation: "relu"})
	}
	vals, err := perChannel(x, kv.c)
	if err != nil {
		return nil, fmt.Errorf("%s by a constant: %w; nnhls supports constants per channel", c.n.opType, err)
	}
	ch := len(vals)
	scale, bias := fill(ch, 1), fill(ch, 0)
	switch {
	case c.n.opType == "Add":
		bias = vals
	case c.n.opType == "Sub" && r == 0:
		for i, v := range vals {
			bias[i] = -v
		}
	case c.n.opType == "Sub":
		bias, scale = vals, fill(ch, -1)
	case c.n.opType == "Mul":
		scale = vals
	case c.n.opType == "Div" && r == 0:
		// x / c as x·(1/c): exact when c is a power of two, else the
		// product rounds once more than the division would.
		for i, v := range vals {
			if v == 0 {
				return nil, fmt.Errorf("division by a zero constant")
			}
			scale[i] = 1 / v
		}
	default:
		return nil, fmt.Errorf("%s with a constant as input %d is not supported", c.n.opType, k)
	}
	if !isFinite(scale) || !isFinite(bias) {
		return nil, fmt.Errorf("the constant is not finite")
	}
	n := &ir.Node{Op: ir.OpScaleShift, Shape: irShape(x.shape, x.perm), Weights: map[string]*ir.Tensor{
		"scale": {Shape: []int{ch}, Data: scale}, "bias": {Shape: []int{ch}, Data: bias}}}
	return c.result(c.add("", n, x.node), x.shape, x.perm), nil
}

// activation1 adds an OpActivation on runtime value x.
func activation1(c *nctx, x *value, a ir.Attrs) (*value, error) {
	n := &ir.Node{Op: ir.OpActivation, Shape: irShape(x.shape, x.perm), Attrs: a}
	return c.result(c.add("", n, x.node), x.shape, x.perm), nil
}

func fill(n int, v float64) []float64 {
	s := make([]float64, n)
	for i := range s {
		s[i] = v
	}
	return s
}

func allEqual(s []float64, v float64) bool {
	for _, x := range s {
		if x != v {
			return false
		}
	}
	return true
}

// concat is Concat along one non-batch axis, in the first input's layout.
func concat(c *nctx) (*value, error) {
	if len(c.ins) == 0 {
		return nil, fmt.Errorf("no inputs")
	}
	a, err := c.attrInt("axis", math.MinInt64)
	if err != nil {
		return nil, err
	}
	allConst := true
	for k := range c.ins {
		v, err := c.in(k)
		if err != nil {
			return nil, err
		}
		allConst = allConst && v.c != nil
	}
	if allConst {
		return foldConcat(c, a)
	}
	if a == math.MinInt64 {
		return nil, fmt.Errorf("no axis attribute")
	}
	first, err := c.runtime(0)
	if err != nil {
		return nil, err
	}
	ax, err := axis(a, len(first.shape))
	if err != nil {
		return nil, err
	}
	shape := append([]int(nil), first.shape...)
	ins := []int{first.node}
	for k := 1; k < len(c.ins); k++ {
		v, err := c.runtime(k)
		if err != nil {
			return nil, err
		}
		if len(v.shape) != len(shape) {
			return nil, fmt.Errorf("inputs of ranks %d and %d", len(first.shape)+1, len(v.shape)+1)
		}
		for d := range shape {
			if d != ax && v.shape[d] != first.shape[d] {
				return nil, fmt.Errorf("input shapes %v and %v differ outside axis %d", first.shape, v.shape, a)
			}
		}
		shape[ax] += v.shape[ax]
		i, err := c.b.toLayout(v, first.perm)
		if err != nil {
			return nil, err
		}
		ins = append(ins, i)
	}
	n := &ir.Node{Op: ir.OpConcat, Shape: irShape(shape, first.perm), Attrs: ir.Attrs{Axis: irAxis(first, ax)}}
	return c.result(c.add("", n, ins...), shape, first.perm), nil
}

// foldConcat concatenates constants (shape arithmetic).
func foldConcat(c *nctx, a int64) (*value, error) {
	first := c.ins[0].c
	r := len(first.shape)
	if a == math.MinInt64 {
		return nil, fmt.Errorf("no axis attribute")
	}
	if a < 0 {
		a += int64(r)
	}
	if a < 0 || a >= int64(r) {
		return nil, fmt.Errorf("axis out of range for rank %d", r)
	}
	ax := int(a)
	shape := append([]int(nil), first.shape...)
	shape[ax] = 0
	for _, v := range c.ins {
		if len(v.c.shape) != r {
			return nil, fmt.Errorf("constants of different ranks")
		}
		for d := range shape {
			if d != ax && v.c.shape[d] != first.shape[d] {
				return nil, fmt.Errorf("constant shapes %v and %v differ", first.shape, v.c.shape)
			}
		}
		shape[ax] += v.c.shape[ax]
	}
	if _, err := numel(toInt64(shape)); err != nil {
		return nil, err
	}
	outer := ir.NumElements(shape[:ax])
	out := &constant{shape: shape, dtype: first.dtype}
	for o := range outer {
		for _, v := range c.ins {
			blk := ir.NumElements(v.c.shape[ax:])
			out.data = append(out.data, v.c.data[o*blk:(o+1)*blk]...)
		}
	}
	return &value{node: -1, c: out}, nil
}

func toInt64(s []int) []int64 {
	out := make([]int64, len(s))
	for i, v := range s {
		out[i] = int64(v)
	}
	return out
}
