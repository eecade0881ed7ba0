// This file implements the core Keras layers: InputLayer, Dense (and the
// BinaryDense/TernaryDense of the binary_ops package), Activation and the
// advanced activations, Softmax, BatchNormalization and the identities
// (Dropout and friends).

package keras

import (
	"fmt"

	"github.com/nnhls/nnhls/ir"
	"github.com/nnhls/nnhls/quant"
)

// inputLayer reads the input shape (Keras 2 batch_input_shape, Keras 3
// batch_shape).
func inputLayer(c *lctx) (int, error) {
	v, ok := c.cfg()["batch_input_shape"]
	if !ok {
		v, ok = c.cfg()["batch_shape"]
	}
	if !ok {
		return -1, fmt.Errorf("no batch_input_shape or batch_shape in the config")
	}
	shape, err := shapeFrom(v)
	if err != nil {
		return -1, fmt.Errorf("input shape: %w", err)
	}
	i := c.node("", &ir.Node{Op: ir.OpInput, Shape: shape})
	c.b.g.Inputs = append(c.b.g.Inputs, i)
	return i, nil
}

// identity is Dropout and the other layers that do nothing at inference.
func identity(c *lctx) (int, error) {
	if _, err := c.one(); err != nil {
		return -1, err
	}
	return c.in[0], nil
}

// denseNode builds a Dense node with kernel [in, units] and optional bias
// over the last axis of its input.
func denseNode(c *lctx) (*ir.Node, int, error) {
	shape, err := c.one()
	if err != nil {
		return nil, 0, err
	}
	units, err := c.cfg().int("units", 0)
	if err != nil {
		return nil, 0, err
	}
	if units <= 0 {
		return nil, 0, fmt.Errorf("units must be positive, have %d", units)
	}
	useBias, err := c.cfg().bool("use_bias", true)
	if err != nil {
		return nil, 0, err
	}
	roles := []string{"kernel"}
	if useBias {
		roles = append(roles, "bias")
	}
	if err := c.load(roles...); err != nil {
		return nil, 0, err
	}
	in := shape[len(shape)-1]
	n := &ir.Node{Op: ir.OpDense, Attrs: ir.Attrs{Units: units}, Weights: map[string]*ir.Tensor{}}
	if n.Weights["kernel"], err = c.weight("kernel", in, units); err != nil {
		return nil, 0, err
	}
	if useBias {
		if n.Weights["bias"], err = c.weight("bias", units); err != nil {
			return nil, 0, err
		}
	}
	n.Shape = append(shape[:len(shape)-1], units)
	return n, c.in[0], nil
}

// dense is Keras Dense.
func dense(c *lctx) (int, error) {
	n, in, err := denseNode(c)
	if err != nil {
		return -1, err
	}
	return c.activation(c.node("", n, in), c.cfg()["activation"], false)
}

// binaryDense is BinaryDense / TernaryDense from the binary_ops package the
// hls4ml example BNNs use: the kernel is binarized to ±H (or ternarized to
// {-H, 0, H} with threshold H/2) at inference, which the loader records as a
// binary or ternary kernel quantizer with alpha H.
func binaryDense(c *lctx) (int, error) {
	n, in, err := denseNode(c)
	if err != nil {
		return -1, err
	}
	h, err := c.cfg().float("H", 1)
	if err != nil {
		return -1, err
	}
	q := &quant.Spec{Kind: quant.Binary, Alpha: quant.AlphaNumber, AlphaValue: h}
	if c.l.class == "TernaryDense" {
		t := h / 2
		q = &quant.Spec{Kind: quant.Ternary, Alpha: quant.AlphaNumber, AlphaValue: h, Threshold: &t}
	}
	n.Quantizers = map[string]*quant.Spec{"kernel": q}
	return c.activation(c.node("", n, in), c.cfg()["activation"], false)
}

// elementwise lists the Keras activation functions that act on each value
// alone, under their Keras names (binary_tanh and ternary_tanh come from
// the binary_ops package of the hls4ml example BNNs).
var elementwise = map[string]bool{
	"relu": true, "sigmoid": true, "tanh": true, "hard_sigmoid": true,
	"softplus": true, "softsign": true, "elu": true, "selu": true,
	"exponential": true, "linear": true, "swish": true, "silu": true,
	"gelu": true, "relu6": true, "leaky_relu": true, "hard_silu": true,
	"hard_swish": true, "hard_tanh": true, "mish": true, "log_sigmoid": true,
	"celu": true, "binary_tanh": true, "ternary_tanh": true,
}

// activationAttrs returns the attributes of an elementwise activation
// named as Keras configs name it. "relu1" (ReLU capped at 1, from the
// binary_ops examples hls4ml ships) becomes relu with MaxValue 1.
func activationAttrs(name string) (ir.Attrs, bool) {
	if name == "relu1" {
		one := 1.0
		return ir.Attrs{Activation: "relu", MaxValue: &one}, true
	}
	return ir.Attrs{Activation: name}, elementwise[name]
}

// activation appends the node for a layer's activation= argument after
// out and returns the final output: nothing for linear, OpSoftmax for
// softmax, OpActivation for a Keras function, and in QKeras layers
// (allowQuant) OpQuant for a quantizer given as a string or a dict. The
// node is named "<layer>_<activation>".
func (c *lctx) activation(out int, act any, allowQuant bool) (int, error) {
	switch a := act.(type) {
	case nil:
		return out, nil
	case string:
		if allowQuant && a != "" && a != "linear" {
			// QKeras layers look strings up among quantizers first.
			if q, err := quant.ParseConfig(a); err == nil {
				return c.node("_"+q.Kind.String(), &ir.Node{Op: ir.OpQuant, Shape: c.b.g.Nodes[out].Shape,
					Quantizers: map[string]*quant.Spec{"activation": q}}, out), nil
			}
		}
		switch {
		case a == "" || a == "linear":
			return out, nil
		case a == "softmax":
			rank := len(c.b.g.Nodes[out].Shape)
			return c.node("_softmax", &ir.Node{Op: ir.OpSoftmax, Shape: c.b.g.Nodes[out].Shape, Attrs: ir.Attrs{Axis: rank - 1}}, out), nil
		}
		if attrs, ok := activationAttrs(a); ok {
			return c.node("_"+a, &ir.Node{Op: ir.OpActivation, Shape: c.b.g.Nodes[out].Shape, Attrs: attrs}, out), nil
		}
	case map[string]any:
		// Keras 3 may serialize a plain function as a dict.
		if name, _ := a["class_name"].(string); a["module"] == "keras.activations" || a["module"] == "builtins" {
			if cfgName, ok := a["config"].(string); ok {
				name = cfgName
			}
			return c.activation(out, name, allowQuant)
		}
	default:
		return -1, fmt.Errorf("activation: unexpected value %v", act)
	}
	if !allowQuant {
		return -1, fmt.Errorf("activation: unknown activation %v", describe(act))
	}
	q, err := quant.ParseConfig(act)
	if err != nil {
		return -1, fmt.Errorf("activation: %w", err)
	}
	return c.node("_"+q.Kind.String(), &ir.Node{Op: ir.OpQuant, Shape: c.b.g.Nodes[out].Shape,
		Quantizers: map[string]*quant.Spec{"activation": q}}, out), nil
}

// describe prints a config value for messages.
func describe(v any) string {
	if s, ok := v.(string); ok {
		return fmt.Sprintf("%q", s)
	}
	if m, ok := v.(map[string]any); ok {
		if n, ok := m["class_name"].(string); ok {
			return fmt.Sprintf("%q", n)
		}
	}
	return fmt.Sprint(v)
}

// activationLayer is Keras Activation: the function becomes the layer's own
// node (so it keeps the layer's name).
func activationLayer(c *lctx) (int, error) {
	shape, err := c.one()
	if err != nil {
		return -1, err
	}
	a := c.cfg()["activation"]
	if m, ok := a.(map[string]any); ok {
		if n, ok := m["config"].(string); ok {
			a = n
		} else if n, ok := m["class_name"].(string); ok {
			a = n
		}
	}
	name, ok := a.(string)
	if !ok {
		return -1, fmt.Errorf("activation: unknown activation %v", describe(a))
	}
	if name == "softmax" {
		return c.node("", &ir.Node{Op: ir.OpSoftmax, Shape: shape, Attrs: ir.Attrs{Axis: len(shape) - 1}}, c.in[0]), nil
	}
	if attrs, ok := activationAttrs(name); ok {
		return c.node("", &ir.Node{Op: ir.OpActivation, Shape: shape, Attrs: attrs}, c.in[0]), nil
	}
	return -1, fmt.Errorf("activation: unknown activation %q", name)
}

// reluLayer is Keras ReLU(max_value, negative_slope, threshold); Alpha holds
// the negative slope.
func reluLayer(c *lctx) (int, error) {
	shape, err := c.one()
	if err != nil {
		return -1, err
	}
	a := ir.Attrs{Activation: "relu"}
	if a.MaxValue, err = c.cfg().optFloat("max_value"); err != nil {
		return -1, err
	}
	if a.Alpha, err = c.cfg().float("negative_slope", 0); err != nil {
		return -1, err
	}
	if a.Threshold, err = c.cfg().float("threshold", 0); err != nil {
		return -1, err
	}
	return c.node("", &ir.Node{Op: ir.OpActivation, Shape: shape, Attrs: a}, c.in[0]), nil
}

// paramActivation is LeakyReLU (alpha in Keras 2, negative_slope in
// Keras 3; default 0.3), ELU (alpha, default 1) and ThresholdedReLU
// (theta, default 1).
func paramActivation(c *lctx) (int, error) {
	shape, err := c.one()
	if err != nil {
		return -1, err
	}
	var a ir.Attrs
	switch c.l.class {
	case "LeakyReLU":
		a.Activation = "leaky_relu"
		key := "alpha"
		if !c.cfg().has(key) {
			key = "negative_slope"
		}
		a.Alpha, err = c.cfg().float(key, 0.3)
	case "ELU":
		a.Activation = "elu"
		a.Alpha, err = c.cfg().float("alpha", 1)
	case "ThresholdedReLU":
		a.Activation = "thresholded_relu"
		a.Theta, err = c.cfg().float("theta", 1)
	}
	if err != nil {
		return -1, err
	}
	return c.node("", &ir.Node{Op: ir.OpActivation, Shape: shape, Attrs: a}, c.in[0]), nil
}

// prelu is Keras PReLU: the learned slopes are weight "alpha", of the input
// shape with shared axes collapsed to 1.
func prelu(c *lctx) (int, error) {
	shape, err := c.one()
	if err != nil {
		return -1, err
	}
	want := append([]int(nil), shape...)
	if c.cfg().has("shared_axes") {
		axes, err := c.cfg().ints("shared_axes", 0, nil)
		if err != nil {
			return -1, err
		}
		for _, ax := range axes {
			if ax < 1 || ax > len(shape) {
				return -1, fmt.Errorf("shared_axes %v out of range for input shape %v", axes, shape)
			}
			want[ax-1] = 1
		}
	}
	if err := c.load("alpha"); err != nil {
		return -1, err
	}
	alpha, err := c.weight("alpha", want...)
	if err != nil {
		return -1, err
	}
	return c.node("", &ir.Node{Op: ir.OpActivation, Shape: shape, Attrs: ir.Attrs{Activation: "prelu"},
		Weights: map[string]*ir.Tensor{"alpha": alpha}}, c.in[0]), nil
}

// lastAxis normalizes a Keras axis (counted with the batch axis, negative
// from the end) for an input of the given rank (without batch) and returns
// it without the batch axis.
func lastAxis(v any, rank int, def int) (int, error) {
	ax := def
	switch x := v.(type) {
	case nil:
	case []any:
		if len(x) != 1 {
			return 0, fmt.Errorf("axis %v: only one axis is supported", x)
		}
		return lastAxis(x[0], rank, def)
	default:
		n, ok := asInt(x)
		if !ok {
			return 0, fmt.Errorf("axis %v is not an integer", v)
		}
		ax = n
	}
	if ax < 0 {
		ax += rank + 1
	}
	if ax < 1 || ax > rank {
		return 0, fmt.Errorf("axis %v out of range for rank %d", v, rank)
	}
	return ax - 1, nil
}

// softmaxLayer is Keras Softmax(axis).
func softmaxLayer(c *lctx) (int, error) {
	shape, err := c.one()
	if err != nil {
		return -1, err
	}
	ax, err := lastAxis(c.cfg()["axis"], len(shape), -1)
	if err != nil {
		return -1, err
	}
	return c.node("", &ir.Node{Op: ir.OpSoftmax, Shape: shape, Attrs: ir.Attrs{Axis: ax}}, c.in[0]), nil
}

// bnRoles returns BatchNormalization's weights in Keras order, gamma only
// with scale=True and beta only with center=True.
func bnRoles(c cfg) ([]string, error) {
	scale, err := c.bool("scale", true)
	if err != nil {
		return nil, err
	}
	center, err := c.bool("center", true)
	if err != nil {
		return nil, err
	}
	var roles []string
	if scale {
		roles = append(roles, "gamma")
	}
	if center {
		roles = append(roles, "beta")
	}
	return append(roles, "moving_mean", "moving_variance"), nil
}

// batchNormNode builds an OpBatchNorm over the last axis.
func batchNormNode(c *lctx) (*ir.Node, error) {
	shape, err := c.one()
	if err != nil {
		return nil, err
	}
	ax, err := lastAxis(c.cfg()["axis"], len(shape), -1)
	if err != nil {
		return nil, err
	}
	if ax != len(shape)-1 {
		return nil, fmt.Errorf("normalizes axis %d of shape %v; nnhls supports the last (channel) axis only", ax+1, shape)
	}
	eps, err := c.cfg().float("epsilon", 1e-3)
	if err != nil {
		return nil, err
	}
	roles, err := bnRoles(c.cfg())
	if err != nil {
		return nil, err
	}
	if err := c.load(roles...); err != nil {
		return nil, err
	}
	n := &ir.Node{Op: ir.OpBatchNorm, Shape: shape, Attrs: ir.Attrs{Epsilon: eps}, Weights: map[string]*ir.Tensor{}}
	ch := shape[len(shape)-1]
	for _, r := range roles {
		if n.Weights[r], err = c.weight(r, ch); err != nil {
			return nil, err
		}
	}
	return n, nil
}

// batchNorm is Keras BatchNormalization.
func batchNorm(c *lctx) (int, error) {
	n, err := batchNormNode(c)
	if err != nil {
		return -1, err
	}
	return c.node("", n, c.in[0]), nil
}
