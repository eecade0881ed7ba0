// This file implements the layers of an HGQ (v1) proxy model:
// FixedPointQuantizer, whose per-element keep_negative, bits and integers
// are stored as weights.

package keras

import (
	"fmt"
	"slices"

	"github.com/nnhls/nnhls/ir"
	"github.com/nnhls/nnhls/quant"
)

// hgqRounding and hgqOverflow are the modes quant.FixedPoint implements;
// S_RND (stochastic) and WRAP_SM have no inference-time meaning nnhls can
// reproduce and are errors.
var (
	hgqRounding = map[string]bool{"TRN": true, "RND": true, "RND_CONV": true}
	hgqOverflow = map[string]bool{"WRAP": true, "SAT": true, "SAT_SYM": true}
)

// fixedPointQuantizer lowers HGQ's FixedPointQuantizer to an OpQuant with a
// quant.FixedPoint spec. The file stores keep_negative k, bits b and
// integers (hls4ml's fixed<b, integers>, sign bit included); in HGQ's
// (k, i, f) form i = integers - k excludes the sign and f = b - integers.
// The parameters have a leading batch axis and broadcast over the input as
// numpy does; they are expanded to one value per element, or kept as one
// value when homogeneous. The layer's "overrides" (hls4ml type hints) are
// hardware choices and are not read.
func fixedPointQuantizer(c *lctx) (int, error) {
	shape, err := c.one()
	if err != nil {
		return -1, err
	}
	rnd, err := c.cfg().str("RND", "TRN")
	if err != nil {
		return -1, err
	}
	sat, err := c.cfg().str("SAT", "WRAP")
	if err != nil {
		return -1, err
	}
	if !hgqRounding[rnd] {
		return -1, fmt.Errorf("rounding mode RND=%q is not supported (only TRN, RND, RND_CONV)", rnd)
	}
	if !hgqOverflow[sat] {
		return -1, fmt.Errorf("overflow mode SAT=%q is not supported (only WRAP, SAT, SAT_SYM)", sat)
	}
	qshape, err := c.cfg().ints("shape", 0, nil)
	if err != nil {
		return -1, err
	}
	if err := c.load("keep_negative", "bits", "integers"); err != nil {
		return -1, err
	}
	q := &quant.Spec{Kind: quant.FixedPoint, Rounding: rnd, Overflow: sat}
	if c.ws == nil {
		q.K, q.I, q.F = []float64{1}, []float64{0}, []float64{0}
		return c.node("", &ir.Node{Op: ir.OpQuant, Shape: shape, Quantizers: map[string]*quant.Spec{"activation": q}}, c.in[0]), nil
	}
	var vals [3][]float64
	for i, role := range []string{"keep_negative", "bits", "integers"} {
		s, err := c.weightAny(role)
		if err != nil {
			return -1, err
		}
		if qshape != nil && !slices.Equal(s.t.Shape, qshape) {
			return -1, fmt.Errorf("weight %q: %s %s has shape %v, the layer config says %v", role, c.ws.file(), s.path, s.t.Shape, qshape)
		}
		if vals[i], err = broadcast(s.t, shape); err != nil {
			return -1, fmt.Errorf("weight %q: %s %s: %w", role, c.ws.file(), s.path, err)
		}
	}
	// A homogeneous parameter beside per-element ones is repeated.
	n := max(len(vals[0]), len(vals[1]), len(vals[2]))
	for i, v := range vals {
		if len(v) == 1 && n > 1 {
			vals[i] = make([]float64, n)
			for j := range vals[i] {
				vals[i][j] = v[0]
			}
		}
	}
	k, b, in := vals[0], vals[1], vals[2]
	q.K = k
	q.I = make([]float64, len(k))
	q.F = make([]float64, len(k))
	for j := range k {
		if k[j] != 0 && k[j] != 1 {
			return -1, fmt.Errorf("keep_negative holds %v; want 0 or 1", k[j])
		}
		q.I[j] = in[j] - k[j]
		q.F[j] = b[j] - in[j]
	}
	return c.node("", &ir.Node{Op: ir.OpQuant, Shape: shape, Quantizers: map[string]*quant.Spec{"activation": q}}, c.in[0]), nil
}

// broadcast expands HGQ parameters (leading batch axis, numpy broadcasting)
// to one value per element of shape, or returns the single value.
func broadcast(t *ir.Tensor, shape []int) ([]float64, error) {
	if len(t.Data) == 1 {
		return []float64{t.Data[0]}, nil
	}
	ps := t.Shape
	if len(ps) > 0 {
		ps = ps[1:] // the batch axis
		if t.Shape[0] != 1 {
			return nil, fmt.Errorf("shape %v: the leading (batch) axis must be 1", t.Shape)
		}
	}
	if len(ps) > len(shape) {
		return nil, fmt.Errorf("shape %v does not broadcast to the input shape %v", t.Shape, shape)
	}
	// Align right, as numpy does.
	pad := len(shape) - len(ps)
	full := make([]int, len(shape))
	for i := range full {
		full[i] = 1
		if i >= pad {
			full[i] = ps[i-pad]
		}
		if full[i] != 1 && full[i] != shape[i] {
			return nil, fmt.Errorf("shape %v does not broadcast to the input shape %v", t.Shape, shape)
		}
	}
	n := ir.NumElements(shape)
	out := make([]float64, n)
	idx := make([]int, len(shape))
	for e := 0; e < n; e++ {
		// Source offset: the row-major index with broadcast axes at 0.
		src := 0
		for d := range shape {
			i := idx[d]
			if full[d] == 1 {
				i = 0
			}
			src = src*full[d] + i
		}
		out[e] = t.Data[src]
		for d := len(shape) - 1; d >= 0; d-- {
			idx[d]++
			if idx[d] < shape[d] {
				break
			}
			idx[d] = 0
		}
	}
	return out, nil
}
