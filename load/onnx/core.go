// This file implements the core ops: Gemm and MatMul (with a following
// Add of a constant as the bias), BatchNormalization, the activations,
// Clip, Softmax, and the identities (Identity, Dropout) and Constant.

package onnx

import (
	"fmt"
	"math"

	"github.com/nnhls/nnhls/ir"
)

// gemm is Y = alpha·A·B' + beta·C with A the runtime [N, K] tensor and B,
// C constants: a Dense with kernel alpha·B' ([K, units]) and bias beta·C.
func gemm(c *nctx) (*value, error) {
	if err := c.nIn(2, 3); err != nil {
		return nil, err
	}
	a, err := c.runtime(0)
	if err != nil {
		return nil, err
	}
	if len(a.shape) != 1 {
		return nil, fmt.Errorf("input A has shape %v without the batch axis; Gemm needs [batch, features]", a.shape)
	}
	bv, err := c.in(1)
	if err != nil {
		return nil, err
	}
	if bv.c == nil {
		return nil, fmt.Errorf("input B must be a constant: nnhls reads Gemm as a Dense layer")
	}
	transA, err := c.attrInt("transA", 0)
	if err != nil {
		return nil, err
	}
	if transA != 0 {
		return nil, fmt.Errorf("transA=1 transposes the batch axis, which nnhls does not support")
	}
	transB, err := c.attrInt("transB", 0)
	if err != nil {
		return nil, err
	}
	alpha, err := c.attrFloat("alpha", 1)
	if err != nil {
		return nil, err
	}
	beta, err := c.attrFloat("beta", 1)
	if err != nil {
		return nil, err
	}
	if c.b.opset < 7 {
		if bc, _ := c.attrInt("broadcast", 0); bc != 1 && c.optIn(2) != nil {
			return nil, fmt.Errorf("broadcast=0 with a bias is not supported")
		}
	}
	kern, q, err := denseKernel(bv, transB != 0, a.shape[0])
	if err != nil {
		return nil, fmt.Errorf("input B: %w", err)
	}
	if alpha != 1 {
		for i := range kern.Data {
			kern.Data[i] *= alpha
		}
		q = nil // the quantizer no longer describes the values
	}
	units := kern.Shape[1]
	n := &ir.Node{Op: ir.OpDense, Class: "Gemm", Shape: []int{units}, Attrs: ir.Attrs{Units: units},
		Weights: map[string]*ir.Tensor{"kernel": kern}}
	if q != nil {
		n.Quantizers = map[string]*quantSpec{"kernel": q}
	}
	if cv := c.optIn(2); cv != nil && beta != 0 {
		if cv.c == nil {
			return nil, fmt.Errorf("input C must be a constant")
		}
		out := &value{shape: []int{units}, perm: []int{0}}
		bias, err := perChannel(out, cv.c)
		if err != nil {
			return nil, fmt.Errorf("input C: %w", err)
		}
		bq := cv.q.spec([]int{units})
		if beta != 1 {
			for i := range bias {
				bias[i] *= beta
			}
			bq = nil
		}
		n.Weights["bias"] = &ir.Tensor{Shape: []int{units}, Data: bias}
		if bq != nil {
			if n.Quantizers == nil {
				n.Quantizers = map[string]*quantSpec{}
			}
			n.Quantizers["bias"] = bq
		}
	}
	c.ignore("broadcast")
	return c.result(c.add("", n, a.node), []int{units}, []int{0}), nil
}

// denseKernel returns a constant 2-D weight as a Dense kernel [in, units]
// (transposed when trans), with its quantizer in that layout.
func denseKernel(bv *value, trans bool, in int) (*ir.Tensor, *quantSpec, error) {
	k := bv.c
	if len(k.shape) != 2 {
		return nil, nil, fmt.Errorf("weight has shape %v; a Dense weight has 2 axes", k.shape)
	}
	data, shape := k.data, k.shape
	q := bv.q
	if trans {
		data, shape = transpose(data, shape, []int{1, 0})
		q = q.transposed(k.shape, []int{1, 0})
	} else {
		data = append([]float64(nil), data...)
	}
	if shape[0] != in {
		return nil, nil, fmt.Errorf("weight of shape %v (as [in, out]) does not fit %d input features", shape, in)
	}
	if shape[1] <= 0 {
		return nil, nil, fmt.Errorf("weight of shape %v has no outputs", shape)
	}
	return &ir.Tensor{Shape: shape, Data: data}, q.spec(shape), nil
}

// matmul is A·B with A a runtime tensor and B a constant [K, N]: a Dense
// over A's last axis. A following Add of a constant becomes its bias
// (see addBias).
func matmul(c *nctx) (*value, error) {
	if err := c.nIn(2, 2); err != nil {
		return nil, err
	}
	a, err := c.runtime(0)
	if err != nil {
		return nil, err
	}
	bv, err := c.in(1)
	if err != nil {
		return nil, err
	}
	if bv.c == nil {
		return nil, fmt.Errorf("input B must be a constant: nnhls reads MatMul as a Dense layer")
	}
	r := len(a.shape)
	kern, q, err := denseKernel(bv, false, a.shape[r-1])
	if err != nil {
		return nil, fmt.Errorf("input B: %w", err)
	}
	// A Dense acts on the last ir axis, which must be ONNX's last axis.
	src, perm, err := lastAxisLayout(c, a)
	if err != nil {
		return nil, err
	}
	units := kern.Shape[1]
	shape := append(append([]int(nil), a.shape[:r-1]...), units)
	n := &ir.Node{Op: ir.OpDense, Class: "MatMul", Shape: irShape(shape, perm), Attrs: ir.Attrs{Units: units},
		Weights: map[string]*ir.Tensor{"kernel": kern}}
	if q != nil {
		n.Quantizers = map[string]*quantSpec{"kernel": q}
	}
	v := c.result(c.add("", n, src), shape, perm)
	v.denseNoBias = true
	return v, nil
}

// lastAxisLayout returns a node holding a with ONNX's last axis as the last
// ir axis: a's own layout when it already is, else the identity layout.
func lastAxisLayout(c *nctx, a *value) (int, []int, error) {
	r := len(a.shape)
	if a.perm[r-1] == r-1 {
		return a.node, a.perm, nil
	}
	id := identity(r)
	i, err := c.b.toLayout(a, id)
	return i, id, err
}

// addBias completes a bias-less Dense (from MatMul) with a constant added
// right after it, when nothing else reads the Dense output. It returns nil
// when the pattern does not apply.
func addBias(c *nctx, x *value, name string, k *value) *value {
	if !x.denseNoBias || c.b.uses[name] != 1 || c.b.outs[name] || k.c == nil {
		return nil
	}
	bias, err := perChannel(x, k.c)
	if err != nil {
		return nil
	}
	n := c.b.g.Nodes[x.node]
	if len(n.Inputs) != 1 {
		return nil
	}
	units := n.Attrs.Units
	n.Weights["bias"] = &ir.Tensor{Shape: []int{units}, Data: bias}
	if bq := k.q.spec([]int{units}); bq != nil {
		if n.Quantizers == nil {
			n.Quantizers = map[string]*quantSpec{}
		}
		n.Quantizers["bias"] = bq
	}
	out := *x
	out.denseNoBias = false
	out.layouts = nil
	return &out
}

// batchNorm is inference BatchNormalization over ONNX axis 1 (the channel
// axis), stored channels-last.
func batchNorm(c *nctx) (*value, error) {
	if err := c.nIn(5, 5); err != nil {
		return nil, err
	}
	x, err := c.in(0)
	if err != nil {
		return nil, err
	}
	if x.node < 0 {
		return nil, fmt.Errorf("input X is a constant")
	}
	eps, err := c.attrFloat("epsilon", 1e-5)
	if err != nil {
		return nil, err
	}
	if t, _ := c.attrInt("training_mode", 0); t != 0 {
		return nil, fmt.Errorf("training_mode=1 is not inference")
	}
	if s, _ := c.attrInt("spatial", 1); s != 1 {
		return nil, fmt.Errorf("spatial=0 (per-element statistics) is not supported")
	}
	if t, _ := c.attrInt("is_test", 1); t != 1 {
		return nil, fmt.Errorf("is_test=0 is not inference")
	}
	c.ignore("momentum", "consumed_inputs")
	var src int
	var perm []int
	var ch int
	if x.batchT {
		// keras2onnx: [N, C] transposed to [C, N]; the features are the channels.
		src, perm, ch = x.node, x.perm, x.shape[0]
	} else {
		perm = channelsLast(len(x.shape))
		if len(x.shape) == 1 {
			perm = []int{0}
		}
		if src, err = c.b.toLayout(x, perm); err != nil {
			return nil, err
		}
		ch = x.shape[0]
	}
	n := &ir.Node{Op: ir.OpBatchNorm, Class: "BatchNormalization", Shape: append([]int(nil), c.b.g.Nodes[src].Shape...),
		Attrs: ir.Attrs{Epsilon: eps}, Weights: map[string]*ir.Tensor{}}
	for k, role := range []string{"gamma", "beta", "moving_mean", "moving_variance"} {
		w, err := c.constIn(k + 1)
		if err != nil {
			return nil, err
		}
		if len(w.data) != ch {
			return nil, fmt.Errorf("input %d (%s) has %d values for %d channels", k+1, role, len(w.data), ch)
		}
		n.Weights[role] = &ir.Tensor{Shape: []int{ch}, Data: append([]float64(nil), w.data...)}
	}
	v := c.result(c.add("", n, src), x.shape, perm)
	v.batchT = x.batchT
	return v, nil
}

// simpleActivations maps parameterless ONNX activations to ir names.
var simpleActivations = map[string]string{
	"Relu": "relu", "Sigmoid": "sigmoid", "Tanh": "tanh", "Softplus": "softplus", "Softsign": "softsign",
}

// simpleActivation is an elementwise activation without attributes; it
// keeps its input's layout.
func simpleActivation(c *nctx) (*value, error) {
	return activation(c, ir.Attrs{Activation: simpleActivations[c.n.opType]}, nil)
}

// activation adds an elementwise OpActivation on input 0.
func activation(c *nctx, a ir.Attrs, w map[string]*ir.Tensor) (*value, error) {
	x, err := c.runtime(0)
	if err != nil {
		return nil, err
	}
	n := &ir.Node{Op: ir.OpActivation, Shape: irShape(x.shape, x.perm), Attrs: a, Weights: w}
	return c.result(c.add("", n, x.node), x.shape, x.perm), nil
}

// ONNX's Selu defaults, the float32 roundings of the SELU constants.
const (
	seluAlpha = 1.67326319217681884765625
	seluGamma = 1.05070102214813232421875
)

// paramActivation is LeakyRelu, Elu, Selu, ThresholdedRelu and HardSigmoid
// with their ONNX defaults.
func paramActivation(c *nctx) (*value, error) {
	if err := c.nIn(1, 1); err != nil {
		return nil, err
	}
	var a ir.Attrs
	var err error
	switch c.n.opType {
	case "LeakyRelu":
		a.Activation = "leaky_relu"
		a.Alpha, err = c.attrFloat("alpha", 0.01)
	case "Elu":
		a.Activation = "elu"
		a.Alpha, err = c.attrFloat("alpha", 1)
	case "ThresholdedRelu":
		a.Activation = "thresholded_relu"
		a.Theta, err = c.attrFloat("alpha", 1)
	case "Selu":
		a.Activation = "selu"
		al, err1 := c.attrFloat("alpha", seluAlpha)
		ga, err2 := c.attrFloat("gamma", seluGamma)
		if err1 != nil || err2 != nil {
			return nil, fmt.Errorf("bad alpha or gamma")
		}
		if float32(al) != float32(seluAlpha) || float32(ga) != float32(seluGamma) {
			return nil, fmt.Errorf("alpha=%g, gamma=%g: only the standard SELU constants are supported", al, ga)
		}
	case "HardSigmoid":
		a.Activation = "hard_sigmoid"
		al, err1 := c.attrFloat("alpha", 0.2)
		be, err2 := c.attrFloat("beta", 0.5)
		if err1 != nil || err2 != nil {
			return nil, fmt.Errorf("bad alpha or beta")
		}
		// ir's hard_sigmoid is Keras 2's clip(0.2·x + 0.5, 0, 1).
		if float32(al) != float32(0.2) || be != 0.5 {
			return nil, fmt.Errorf("alpha=%g, beta=%g: only alpha=0.2, beta=0.5 (Keras's hard_sigmoid) is supported", al, be)
		}
	}
	if err != nil {
		return nil, err
	}
	return activation(c, a, nil)
}

// prelu is PRelu with a constant slope broadcast against the input; the
// slope becomes weight "alpha" with one value per channel of the ir
// layout (or one per element).
func prelu(c *nctx) (*value, error) {
	if err := c.nIn(2, 2); err != nil {
		return nil, err
	}
	x, err := c.runtime(0)
	if err != nil {
		return nil, err
	}
	k, err := c.constIn(1)
	if err != nil {
		return nil, fmt.Errorf("slope: %w", err)
	}
	data, shape, err := layoutParam(x, k.data, k.shape)
	if err != nil {
		return nil, fmt.Errorf("slope: %w", err)
	}
	return activation(c, ir.Attrs{Activation: "prelu"}, map[string]*ir.Tensor{"alpha": {Shape: shape, Data: data}})
}

// clip is Clip on a float tensor: relu capped at max when min is 0
// (ReLU6), hard_tanh for [-1, 1]. Clip on QuantizeLinear codes is part of
// a QCDQ group (quant.go).
func clip(c *nctx) (*value, error) {
	if x := c.optIn(0); x != nil && x.pending != nil {
		return clipCodes(c, x.pending)
	}
	if _, err := c.runtime(0); err != nil {
		return nil, err
	}
	var err error
	lo, hi := math.Inf(-1), math.Inf(1)
	if c.b.opset < 11 {
		if lo, err = c.attrFloat("min", lo); err != nil {
			return nil, err
		}
		if hi, err = c.attrFloat("max", hi); err != nil {
			return nil, err
		}
	} else {
		for k, p := range []*float64{&lo, &hi} {
			if v := c.optIn(k + 1); v != nil {
				if v.c == nil || len(v.c.data) != 1 {
					return nil, fmt.Errorf("input %d must be a scalar constant", k+1)
				}
				*p = v.c.data[0]
			}
		}
	}
	switch {
	case lo == 0 && math.IsInf(hi, 1):
		return activation(c, ir.Attrs{Activation: "relu"}, nil)
	case lo == 0 && hi > 0:
		m := hi
		return activation(c, ir.Attrs{Activation: "relu", MaxValue: &m}, nil)
	case lo == -1 && hi == 1:
		return activation(c, ir.Attrs{Activation: "hard_tanh"}, nil)
	}
	return nil, fmt.Errorf("min=%g, max=%g: nnhls supports Clip to [0, max] (ReLU) and [-1, 1] (hard tanh) on float tensors", lo, hi)
}

// softmax is Softmax over one axis. Before opset 13 the op flattens the
// axes from `axis` on, which is one axis only when it is the last.
func softmax(c *nctx) (*value, error) {
	if err := c.nIn(1, 1); err != nil {
		return nil, err
	}
	x, err := c.runtime(0)
	if err != nil {
		return nil, err
	}
	def := int64(-1)
	if c.b.opset < 13 {
		def = 1
	}
	a, err := c.attrInt("axis", def)
	if err != nil {
		return nil, err
	}
	ax, err := axis(a, len(x.shape))
	if err != nil {
		return nil, err
	}
	if c.b.opset < 13 {
		for _, d := range x.shape[ax+1:] {
			if d != 1 {
				return nil, fmt.Errorf("axis=%d at opset %d normalizes over several axes of %v; nnhls supports one axis", a, c.b.opset, x.shape)
			}
		}
	}
	n := &ir.Node{Op: ir.OpSoftmax, Shape: irShape(x.shape, x.perm), Attrs: ir.Attrs{Axis: irAxis(x, ax)}}
	return c.result(c.add("", n, x.node), x.shape, x.perm), nil
}

// identityOp is Identity and inference Dropout: the output is the input.
func identityOp(c *nctx) (*value, error) {
	x, err := c.in(0)
	if err != nil {
		return nil, err
	}
	c.ignore("ratio", "seed", "is_test")
	if c.n.opType == "Dropout" {
		if t := c.optIn(2); t != nil && (t.c == nil || len(t.c.data) != 1 || t.c.data[0] != 0) {
			return nil, fmt.Errorf("training_mode is not a constant false")
		}
	}
	return x, nil
}

// constantOp is Constant with a tensor or a scalar/list value.
func constantOp(c *nctx) (*value, error) {
	if a := c.attr("value"); a != nil {
		if a.t == nil {
			return nil, fmt.Errorf("attribute value holds no tensor")
		}
		k, err := a.t.values()
		if err != nil {
			return nil, fmt.Errorf("attribute value: %w", err)
		}
		return &value{node: -1, c: k}, nil
	}
	if a := c.attr("value_float"); a != nil {
		return &value{node: -1, c: &constant{data: []float64{float64(a.f)}, dtype: dtFloat}}, nil
	}
	if a := c.attr("value_int"); a != nil {
		return &value{node: -1, c: &constant{data: []float64{float64(a.i)}, dtype: dtInt64}}, nil
	}
	if a := c.attr("value_floats"); a != nil {
		k := &constant{shape: []int{len(a.floats)}, dtype: dtFloat}
		for _, f := range a.floats {
			k.data = append(k.data, float64(f))
		}
		return &value{node: -1, c: k}, nil
	}
	if a := c.attr("value_ints"); a != nil {
		k := &constant{shape: []int{len(a.ints)}, dtype: dtInt64}
		for _, f := range a.ints {
			k.data = append(k.data, float64(f))
		}
		return &value{node: -1, c: k}, nil
	}
	return nil, fmt.Errorf("no supported value attribute (value, value_float(s), value_int(s))")
}
