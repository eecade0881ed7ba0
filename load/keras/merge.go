// This file implements the merge layers: Add, Subtract, Multiply, Average,
// Maximum, Minimum, Concatenate and Dot.

package keras

import (
	"fmt"
	"slices"

	"github.com/nnhls/nnhls/ir"
)

// mergeKinds maps merge classes to their kind.
var mergeKinds = map[string]ir.MergeKind{
	"Add": ir.MergeAdd, "Subtract": ir.MergeSub, "Multiply": ir.MergeMul,
	"Average": ir.MergeAvg, "Maximum": ir.MergeMax, "Minimum": ir.MergeMin,
}

// merge combines inputs of equal shape elementwise (Subtract takes
// exactly two).
func merge(c *lctx) (int, error) {
	if len(c.in) < 2 {
		return -1, fmt.Errorf("needs at least two inputs, has %d", len(c.in))
	}
	if c.l.class == "Subtract" && len(c.in) != 2 {
		return -1, fmt.Errorf("needs exactly two inputs, has %d", len(c.in))
	}
	shape := c.inShape(0)
	for i := 1; i < len(c.in); i++ {
		if s := c.inShape(i); !slices.Equal(s, shape) {
			return -1, fmt.Errorf("input shapes %v and %v differ (broadcasting is not supported)", shape, s)
		}
	}
	return c.node("", &ir.Node{Op: ir.OpMerge, Shape: shape, Attrs: ir.Attrs{Merge: mergeKinds[c.l.class]}}, c.in...), nil
}

// concatenate joins inputs along an axis; the other axes must agree.
func concatenate(c *lctx) (int, error) {
	if len(c.in) < 2 {
		return -1, fmt.Errorf("needs at least two inputs, has %d", len(c.in))
	}
	shape := c.inShape(0)
	ax, err := lastAxis(c.cfg()["axis"], len(shape), -1)
	if err != nil {
		return -1, err
	}
	out := append([]int(nil), shape...)
	for i := 1; i < len(c.in); i++ {
		s := c.inShape(i)
		ok := len(s) == len(shape)
		for d := 0; ok && d < len(s); d++ {
			ok = d == ax || s[d] == shape[d]
		}
		if !ok {
			return -1, fmt.Errorf("cannot concatenate shapes %v and %v on axis %d", shape, s, ax+1)
		}
		out[ax] += s[ax]
	}
	return c.node("", &ir.Node{Op: ir.OpConcat, Shape: out, Attrs: ir.Attrs{Axis: ax}}, c.in...), nil
}

// dot is Keras Dot on two 1-D inputs (hls4ml's support): the output is one
// value.
func dot(c *lctx) (int, error) {
	if len(c.in) != 2 {
		return -1, fmt.Errorf("needs two inputs, has %d", len(c.in))
	}
	a, b := c.inShape(0), c.inShape(1)
	if len(a) != 1 || !slices.Equal(a, b) {
		return -1, fmt.Errorf("supports two 1-D inputs of equal length, have %v and %v", a, b)
	}
	if norm, err := c.cfg().bool("normalize", false); err != nil {
		return -1, err
	} else if norm {
		return -1, fmt.Errorf("normalize=True is not supported")
	}
	return c.node("", &ir.Node{Op: ir.OpDot, Shape: []int{1}}, c.in...), nil
}
