// This file implements the QKeras layers that are not convolutions —
// QDense, QDenseBatchnorm, QActivation, QBatchNormalization — and reading
// quantizers from layer configs.

package keras

import (
	"fmt"

	"github.com/nnhls/nnhls/ir"
	"github.com/nnhls/nnhls/quant"
)

// quantizer parses the quantizer in a config field; nil when the field is
// absent or null (the value stays float). For kernel quantizers
// (kernel=true), it applies the rewrite QKeras's layer constructors make:
// alpha=None becomes auto_po2 (numerics.md §2.1).
func (c *lctx) quantizer(key string, kernel bool) (*quant.Spec, error) {
	v := c.cfg()[key]
	if v == nil {
		return nil, nil
	}
	q, err := quant.ParseConfig(v)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", key, err)
	}
	if kernel {
		q = q.ForKernel()
	}
	return q, nil
}

// setQuantizers reads quantizers by role from config fields. The "kernel"
// role, and QBatchNormalization's "gamma" and "variance", get QKeras's
// constructor rewrite.
func (c *lctx) setQuantizers(n *ir.Node, fields map[string]string) error {
	for _, role := range []string{"kernel", "bias", "gamma", "beta", "mean", "variance", "inverse"} {
		key, ok := fields[role]
		if !ok {
			continue
		}
		q, err := c.quantizer(key, role == "kernel" || role == "gamma" || role == "variance")
		if err != nil {
			return err
		}
		if q == nil {
			continue
		}
		if n.Quantizers == nil {
			n.Quantizers = map[string]*quant.Spec{}
		}
		n.Quantizers[role] = q
	}
	return nil
}

// qdense is QDense and QDenseBatchnorm (a Dense with folded BatchNorm
// weights, QKeras PR #74).
func qdense(c *lctx) (int, error) {
	shape, err := c.one()
	if err != nil {
		return -1, err
	}
	units, err := c.cfg().int("units", 0)
	if err != nil {
		return -1, err
	}
	if units <= 0 {
		return -1, fmt.Errorf("units must be positive, have %d", units)
	}
	useBias, err := c.cfg().bool("use_bias", true)
	if err != nil {
		return -1, err
	}
	bn := c.l.class == "QDenseBatchnorm"
	roles := []string{"kernel"}
	if useBias {
		roles = append(roles, "bias")
	}
	if bn {
		r, err := bnRoles(c.cfg())
		if err != nil {
			return -1, err
		}
		roles = append(roles, r...)
	}
	if err := c.load(roles...); err != nil {
		return -1, err
	}
	in := shape[len(shape)-1]
	n := &ir.Node{Op: ir.OpDense, Attrs: ir.Attrs{Units: units}, Weights: map[string]*ir.Tensor{},
		Shape: append(shape[:len(shape)-1], units)}
	if n.Weights["kernel"], err = c.weight("kernel", in, units); err != nil {
		return -1, err
	}
	if useBias {
		if n.Weights["bias"], err = c.weight("bias", units); err != nil {
			return -1, err
		}
	}
	if bn {
		if err := foldedBN(c, n, units); err != nil {
			return -1, err
		}
	}
	if err := c.setQuantizers(n, map[string]string{"kernel": "kernel_quantizer", "bias": "bias_quantizer"}); err != nil {
		return -1, err
	}
	return c.activation(c.node("", n, c.in[0]), c.cfg()["activation"], true)
}

// qactivation is QActivation: a quantizer (string or dict) becomes an
// OpQuant node with Quantizers["activation"]; a plain Keras activation name
// becomes the usual OpActivation or OpSoftmax.
func qactivation(c *lctx) (int, error) {
	shape, err := c.one()
	if err != nil {
		return -1, err
	}
	a := c.cfg()["activation"]
	if a == nil {
		return -1, fmt.Errorf("activation: missing")
	}
	// QKeras looks a string up among its quantizers first ("binary_tanh"
	// is its quantizer), then among Keras activations ("relu").
	q, err := quant.ParseConfig(a)
	if err != nil {
		if s, ok := a.(string); ok {
			if _, isAct := activationAttrs(s); isAct || s == "softmax" {
				return activationLayer(c)
			}
		}
		return -1, fmt.Errorf("activation: %w", err)
	}
	return c.node("", &ir.Node{Op: ir.OpQuant, Shape: shape, Quantizers: map[string]*quant.Spec{"activation": q}}, c.in[0]), nil
}

// qbatchnorm is QBatchNormalization: a BatchNorm with its four (or five,
// with inverse_quantizer) quantizers kept. QKeras's constructor rewrites
// the gamma and variance quantizers like kernel ones.
func qbatchnorm(c *lctx) (int, error) {
	n, err := batchNormNode(c)
	if err != nil {
		return -1, err
	}
	err = c.setQuantizers(n, map[string]string{
		"gamma": "gamma_quantizer", "beta": "beta_quantizer",
		"mean": "mean_quantizer", "variance": "variance_quantizer",
		"inverse": "inverse_quantizer",
	})
	if err != nil {
		return -1, err
	}
	return c.node("", n, c.in[0]), nil
}
