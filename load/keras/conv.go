// This file implements the convolution layers: Conv1D/2D, DepthwiseConv1D/2D
// and SeparableConv1D/2D, plain and QKeras (QConv1D/2D, QDepthwiseConv2D,
// QSeparableConv1D/2D, QConv2DBatchnorm, QDepthwiseConv2DBatchnorm).

package keras

import (
	"fmt"

	"github.com/nnhls/nnhls/ir"
	"github.com/nnhls/nnhls/quant"
)

// A window is the geometry of a convolution or pooling window.
type window struct {
	kernel, strides, dilation []int
	pad                       ir.Padding
}

// readWindow reads kernel (sizeKey), strides, dilation and padding for nsp
// spatial axes. Strides default to stridesDef (1s for convolutions, the
// pool size for pooling).
func readWindow(c cfg, nsp int, sizeKey string, poolDefaults bool) (window, error) {
	var w window
	ones := make([]int, nsp)
	for i := range ones {
		ones[i] = 1
	}
	var err error
	if w.kernel, err = c.ints(sizeKey, nsp, nil); err != nil {
		return w, err
	}
	if w.kernel == nil {
		if !poolDefaults {
			return w, fmt.Errorf("no %s in the config", sizeKey)
		}
		w.kernel = make([]int, nsp)
		for i := range w.kernel {
			w.kernel[i] = 2
		}
	}
	sdef := ones
	if poolDefaults {
		sdef = w.kernel
	}
	if w.strides, err = c.ints("strides", nsp, sdef); err != nil {
		return w, err
	}
	if w.dilation, err = c.ints("dilation_rate", nsp, ones); err != nil {
		return w, err
	}
	for i := 0; i < nsp; i++ {
		if w.kernel[i] <= 0 || w.strides[i] <= 0 || w.dilation[i] <= 0 {
			return w, fmt.Errorf("kernel %v, strides %v and dilation %v must be positive", w.kernel, w.strides, w.dilation)
		}
	}
	p, err := c.str("padding", "valid")
	if err != nil {
		return w, err
	}
	switch p {
	case "valid":
		w.pad = ir.PadValid
	case "same":
		w.pad = ir.PadSame
	case "causal":
		if nsp != 1 {
			return w, fmt.Errorf("causal padding needs one spatial axis")
		}
		w.pad = ir.PadCausal
	default:
		return w, fmt.Errorf("unsupported padding %q", p)
	}
	if f, err := c.str("data_format", "channels_last"); err != nil {
		return w, err
	} else if f != "channels_last" {
		return w, fmt.Errorf("data_format %q is not supported; nnhls reads channels_last models", f)
	}
	return w, nil
}

// out returns the output spatial shape: ceil(n/s) for same and causal
// padding, floor((n - d(k-1) - 1)/s) + 1 for valid.
func (w window) out(in []int) ([]int, error) {
	out := make([]int, len(w.kernel))
	for i := range out {
		n := in[i]
		switch w.pad {
		case ir.PadSame, ir.PadCausal:
			out[i] = (n + w.strides[i] - 1) / w.strides[i]
		default:
			ek := w.dilation[i]*(w.kernel[i]-1) + 1
			if n < ek {
				return nil, fmt.Errorf("window %v (dilation %v) does not fit input %v with valid padding", w.kernel, w.dilation, in)
			}
			out[i] = (n-ek)/w.strides[i] + 1
		}
	}
	return out, nil
}

// spatial checks the input has nsp spatial axes plus channels.
func spatial(shape []int, nsp int) error {
	if len(shape) != nsp+1 {
		return fmt.Errorf("needs an input of rank %d (%d spatial axes and channels), have shape %v", nsp+1, nsp, shape)
	}
	return nil
}

// convKind says which convolution a class is.
type convKind uint8

const (
	plainConv convKind = iota
	depthwiseConv
	separableConv
)

// A convSpec describes a convolution class.
type convSpec struct {
	nsp  int
	kind convKind
	q    bool // QKeras: kernel/bias quantizers
	bn   bool // QKeras *Batchnorm: folded BatchNormalization weights
}

// convClasses lists every convolution class.
var convClasses = map[string]convSpec{
	"Conv1D":                    {nsp: 1},
	"Conv2D":                    {nsp: 2},
	"DepthwiseConv1D":           {nsp: 1, kind: depthwiseConv},
	"DepthwiseConv2D":           {nsp: 2, kind: depthwiseConv},
	"SeparableConv1D":           {nsp: 1, kind: separableConv},
	"SeparableConv2D":           {nsp: 2, kind: separableConv},
	"QConv1D":                   {nsp: 1, q: true},
	"QConv2D":                   {nsp: 2, q: true},
	"QDepthwiseConv2D":          {nsp: 2, kind: depthwiseConv, q: true},
	"QSeparableConv1D":          {nsp: 1, kind: separableConv, q: true},
	"QSeparableConv2D":          {nsp: 2, kind: separableConv, q: true},
	"QConv2DBatchnorm":          {nsp: 2, q: true, bn: true},
	"QDepthwiseConv2DBatchnorm": {nsp: 2, kind: depthwiseConv, q: true, bn: true},
}

// conv lowers every class of convClasses. A SeparableConv becomes an
// OpDepthwiseConv node "<name>_depthwise" followed by a 1x1 OpConv node
// "<name>" holding the pointwise kernel and the bias.
func conv(c *lctx) (int, error) {
	spec := convClasses[c.l.class]
	shape, err := c.one()
	if err != nil {
		return -1, err
	}
	if err := spatial(shape, spec.nsp); err != nil {
		return -1, err
	}
	w, err := readWindow(c.cfg(), spec.nsp, "kernel_size", false)
	if err != nil {
		return -1, err
	}
	if g, err := c.cfg().int("groups", 1); err != nil {
		return -1, err
	} else if g != 1 {
		return -1, fmt.Errorf("groups=%d is not supported", g)
	}
	useBias, err := c.cfg().bool("use_bias", true)
	if err != nil {
		return -1, err
	}
	cin := shape[spec.nsp]
	sp, err := w.out(shape[:spec.nsp])
	if err != nil {
		return -1, err
	}
	attrs := ir.Attrs{Kernel: w.kernel, Strides: w.strides, Dilation: w.dilation, Padding: w.pad}

	// Weights in Keras creation order.
	var roles []string
	switch spec.kind {
	case plainConv:
		roles = []string{"kernel"}
	case depthwiseConv:
		roles = []string{"depthwise_kernel"}
	case separableConv:
		roles = []string{"depthwise_kernel", "pointwise_kernel"}
	}
	if useBias {
		roles = append(roles, "bias")
	}
	if spec.bn {
		bn, err := bnRoles(c.cfg())
		if err != nil {
			return -1, err
		}
		roles = append(roles, bn...)
	}
	if err := c.load(roles...); err != nil {
		return -1, err
	}

	var dm, filters int
	if spec.kind != plainConv {
		if dm, err = c.cfg().int("depth_multiplier", 1); err != nil {
			return -1, err
		}
		if dm <= 0 {
			return -1, fmt.Errorf("depth_multiplier must be positive, have %d", dm)
		}
	}
	if spec.kind != depthwiseConv {
		if filters, err = c.cfg().int("filters", 0); err != nil {
			return -1, err
		}
		if filters <= 0 {
			return -1, fmt.Errorf("filters must be positive, have %d", filters)
		}
	}
	// kshape returns the kernel shape [k..., in, out].
	kshape := func(k []int, in, out int) []int {
		return append(append([]int(nil), k...), in, out)
	}

	var n *ir.Node // the node carrying bias, BN weights and the activation
	in := c.in[0]
	switch spec.kind {
	case plainConv:
		n = &ir.Node{Op: ir.OpConv, Shape: append(sp, filters), Weights: map[string]*ir.Tensor{}}
		n.Attrs = attrs
		n.Attrs.Filters = filters
		if n.Weights["kernel"], err = c.weight("kernel", kshape(w.kernel, cin, filters)...); err != nil {
			return -1, err
		}
	case depthwiseConv:
		filters = cin * dm
		n = &ir.Node{Op: ir.OpDepthwiseConv, Shape: append(sp, filters), Weights: map[string]*ir.Tensor{}}
		n.Attrs = attrs
		n.Attrs.DepthMultiplier = dm
		if n.Weights["kernel"], err = c.weight("depthwise_kernel", kshape(w.kernel, cin, dm)...); err != nil {
			return -1, err
		}
	case separableConv:
		dw := &ir.Node{Op: ir.OpDepthwiseConv, Shape: append(append([]int(nil), sp...), cin*dm), Weights: map[string]*ir.Tensor{}}
		dw.Attrs = attrs
		dw.Attrs.DepthMultiplier = dm
		if dw.Weights["kernel"], err = c.weight("depthwise_kernel", kshape(w.kernel, cin, dm)...); err != nil {
			return -1, err
		}
		ones := make([]int, spec.nsp)
		for i := range ones {
			ones[i] = 1
		}
		n = &ir.Node{Op: ir.OpConv, Shape: append(sp, filters), Weights: map[string]*ir.Tensor{}}
		n.Attrs = ir.Attrs{Kernel: ones, Strides: ones, Dilation: ones, Padding: ir.PadValid, Filters: filters}
		if n.Weights["kernel"], err = c.weight("pointwise_kernel", kshape(ones, cin*dm, filters)...); err != nil {
			return -1, err
		}
		if spec.q {
			q, err := c.quantizer("depthwise_quantizer", true)
			if err != nil {
				return -1, err
			}
			if q != nil {
				dw.Quantizers = map[string]*quant.Spec{"kernel": q}
			}
		}
		in = c.node("_depthwise", dw, in)
	}
	if useBias {
		if n.Weights["bias"], err = c.weight("bias", filters); err != nil {
			return -1, err
		}
	}
	if spec.bn {
		if err := foldedBN(c, n, filters); err != nil {
			return -1, err
		}
	}
	if spec.q {
		kq := "kernel_quantizer"
		switch spec.kind {
		case depthwiseConv:
			kq = "depthwise_quantizer"
		case separableConv:
			kq = "pointwise_quantizer"
		}
		if err := c.setQuantizers(n, map[string]string{"kernel": kq, "bias": "bias_quantizer"}); err != nil {
			return -1, err
		}
	}
	return c.activation(c.node("", n, in), c.cfg()["activation"], spec.q)
}

// foldedBN adds the BatchNormalization weights and epsilon of a QKeras
// *Batchnorm layer to its conv or dense node, for the pass that folds them
// as QKeras does (inv = gamma/sqrt(var+eps), W·inv, inv·(b-mean)+beta).
func foldedBN(c *lctx, n *ir.Node, ch int) error {
	roles, err := bnRoles(c.cfg())
	if err != nil {
		return err
	}
	for _, r := range roles {
		if n.Weights[r], err = c.weight(r, ch); err != nil {
			return err
		}
	}
	n.Attrs.Epsilon, err = c.cfg().float("epsilon", 1e-3)
	return err
}
