// This file implements MaxPool and AveragePool (with count_include_pad),
// including QONNX's channels-last MaxPool, and GlobalMaxPool and
// GlobalAveragePool.

package onnx

import (
	"fmt"

	"github.com/nnhls/nnhls/ir"
)

// pool is MaxPool and AveragePool over 1 or 2 spatial axes.
func pool(c *nctx) (*value, error) {
	if err := c.nIn(1, 1); err != nil {
		return nil, err
	}
	cl := c.n.domain == channelsLastDomain
	x, err := c.runtime(0)
	if err != nil {
		return nil, err
	}
	src, perm, spatial, ch, err := spatialInput(c, x, cl)
	if err != nil {
		return nil, err
	}
	w, err := readWindow(c, spatial, nil)
	if err != nil {
		return nil, err
	}
	a := ir.Attrs{Pool: ir.PoolMax}
	if c.n.opType == "AveragePool" {
		a.Pool = ir.PoolAvg
		cip, err := c.attrInt("count_include_pad", 0)
		if err != nil {
			return nil, err
		}
		a.CountPad = cip != 0
	} else if so, _ := c.attrInt("storage_order", 0); so != 0 {
		return nil, fmt.Errorf("storage_order=1 is not supported")
	}
	for _, d := range w.dilation {
		if d != 1 {
			return nil, fmt.Errorf("dilations %v: nnhls pools without dilation", w.dilation)
		}
	}
	pd, ok := w.padding(spatial)
	if !ok {
		// Explicit zero padding is right only where padded zeros count.
		if a.Pool != ir.PoolAvg || !a.CountPad {
			return nil, fmt.Errorf("pads %v are neither none nor Keras's \"same\"; nnhls pads explicitly only an AveragePool with count_include_pad=1", w.pads)
		}
		src, spatial = padNode(c, src, spatial, ch, w)
		pd = ir.PadValid
	}
	if pd == ir.PadValid {
		a.CountPad = false
	}
	a.Kernel, a.Strides, a.Padding = w.kernel, w.strides, pd
	out := w.outShape(spatial)
	n := &ir.Node{Op: ir.OpPool, Shape: append(append([]int(nil), out...), ch), Attrs: a}
	return c.result(c.add("", n, src), outValueShape(out, ch, cl), perm), nil
}

// globalPool is GlobalMaxPool and GlobalAveragePool: the ONNX output keeps
// size-1 spatial axes, and so does the ir node ([1, 1, C]).
func globalPool(c *nctx) (*value, error) {
	if err := c.nIn(1, 1); err != nil {
		return nil, err
	}
	x, err := c.runtime(0)
	if err != nil {
		return nil, err
	}
	src, perm, spatial, ch, err := spatialInput(c, x, false)
	if err != nil {
		return nil, err
	}
	a := ir.Attrs{Pool: ir.PoolMax}
	if c.n.opType == "GlobalAveragePool" {
		a.Pool = ir.PoolAvg
	}
	out := ones(len(spatial))
	n := &ir.Node{Op: ir.OpGlobalPool, Shape: append(out, ch), Attrs: a}
	return c.result(c.add("", n, src), outValueShape(ones(len(spatial)), ch, false), perm), nil
}
