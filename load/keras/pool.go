// This file implements pooling: Max/AveragePooling1D/2D,
// GlobalMax/AveragePooling1D/2D and QKeras's QAveragePooling2D and
// QGlobalAveragePooling2D.

package keras

import (
	"fmt"
	"strings"

	"github.com/nnhls/nnhls/ir"
	"github.com/nnhls/nnhls/quant"
)

// poolSpec reads a pooling class name: its spatial rank and kind.
func poolSpec(class string) (nsp int, kind ir.PoolKind) {
	nsp = 2
	if strings.HasSuffix(class, "1D") {
		nsp = 1
	}
	kind = ir.PoolMax
	if strings.Contains(class, "Average") {
		kind = ir.PoolAvg
	}
	return nsp, kind
}

// pool is a windowed pooling layer. Keras's 'same' average pooling divides
// by the number of real (unpadded) values, so CountPad stays false.
func pool(c *lctx) (int, error) {
	nsp, kind := poolSpec(c.l.class)
	shape, err := c.one()
	if err != nil {
		return -1, err
	}
	if err := spatial(shape, nsp); err != nil {
		return -1, err
	}
	w, err := readWindow(c.cfg(), nsp, "pool_size", true)
	if err != nil {
		return -1, err
	}
	sp, err := w.out(shape[:nsp])
	if err != nil {
		return -1, err
	}
	n := &ir.Node{Op: ir.OpPool, Shape: append(sp, shape[nsp]),
		Attrs: ir.Attrs{Pool: kind, Kernel: w.kernel, Strides: w.strides, Padding: w.pad}}
	if c.l.class == "QAveragePooling2D" {
		if err := c.setAverageQuantizer(n); err != nil {
			return -1, err
		}
	}
	return c.activation(c.node("", n, c.in[0]), c.cfg()["activation"], c.l.class == "QAveragePooling2D")
}

// globalPool pools over every spatial position; keepdims keeps the spatial
// axes as ones.
func globalPool(c *lctx) (int, error) {
	nsp, kind := poolSpec(c.l.class)
	shape, err := c.one()
	if err != nil {
		return -1, err
	}
	if err := spatial(shape, nsp); err != nil {
		return -1, err
	}
	if _, err := readWindowFormat(c.cfg()); err != nil {
		return -1, err
	}
	keep, err := c.cfg().bool("keepdims", false)
	if err != nil {
		return -1, err
	}
	out := []int{shape[nsp]}
	if keep {
		out = make([]int, nsp+1)
		for i := range out {
			out[i] = 1
		}
		out[nsp] = shape[nsp]
	}
	n := &ir.Node{Op: ir.OpGlobalPool, Shape: out, Attrs: ir.Attrs{Pool: kind}}
	q := c.l.class == "QGlobalAveragePooling2D"
	if q {
		if err := c.setAverageQuantizer(n); err != nil {
			return -1, err
		}
	}
	return c.activation(c.node("", n, c.in[0]), c.cfg()["activation"], q)
}

// readWindowFormat checks data_format alone (global pooling has no window).
func readWindowFormat(c cfg) (string, error) {
	f, err := c.str("data_format", "channels_last")
	if err == nil && f != "channels_last" {
		return f, fmt.Errorf("data_format %q is not supported; nnhls reads channels_last models", f)
	}
	return f, err
}

// setAverageQuantizer records QKeras's average_quantizer, which quantizes
// the 1/(pool area) multiplier, as role "average".
func (c *lctx) setAverageQuantizer(n *ir.Node) error {
	q, err := c.quantizer("average_quantizer", false)
	if err != nil || q == nil {
		return err
	}
	n.Quantizers = map[string]*quant.Spec{"average": q}
	return nil
}
