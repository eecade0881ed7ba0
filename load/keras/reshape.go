// This file implements the layers that move values without arithmetic:
// Flatten, Reshape, Permute, ZeroPadding1D/2D, Cropping1D/2D and
// UpSampling1D/2D.

package keras

import (
	"fmt"

	"github.com/nnhls/nnhls/ir"
)

// flatten becomes an OpReshape to one axis (row-major, channels last).
func flatten(c *lctx) (int, error) {
	shape, err := c.one()
	if err != nil {
		return -1, err
	}
	if _, err := readWindowFormat(c.cfg()); err != nil {
		return -1, err
	}
	return c.node("", &ir.Node{Op: ir.OpReshape, Shape: []int{ir.NumElements(shape)}}, c.in[0]), nil
}

// reshape is Keras Reshape(target_shape), with at most one -1 inferred.
func reshape(c *lctx) (int, error) {
	shape, err := c.one()
	if err != nil {
		return -1, err
	}
	target, err := c.cfg().ints("target_shape", 0, nil)
	if err != nil {
		return -1, err
	}
	if len(target) == 0 {
		return -1, fmt.Errorf("no target_shape in the config")
	}
	total := ir.NumElements(shape)
	known, free := 1, -1
	for i, d := range target {
		switch {
		case d == -1 && free < 0:
			free = i
		case d > 0:
			known *= d
		default:
			return -1, fmt.Errorf("target_shape %v is invalid", target)
		}
	}
	if free >= 0 {
		if known == 0 || total%known != 0 {
			return -1, fmt.Errorf("cannot reshape %v to %v", shape, target)
		}
		target[free] = total / known
		known = total
	}
	if known != total {
		return -1, fmt.Errorf("cannot reshape %v (%d values) to %v", shape, total, target)
	}
	return c.node("", &ir.Node{Op: ir.OpReshape, Shape: target}, c.in[0]), nil
}

// permute is Keras Permute(dims), 1-based over the non-batch axes; Perm is
// 0-based.
func permute(c *lctx) (int, error) {
	shape, err := c.one()
	if err != nil {
		return -1, err
	}
	dims, err := c.cfg().ints("dims", len(shape), nil)
	if err != nil {
		return -1, err
	}
	if dims == nil {
		return -1, fmt.Errorf("no dims in the config")
	}
	seen := make([]bool, len(shape))
	perm := make([]int, len(dims))
	out := make([]int, len(dims))
	for i, d := range dims {
		if d < 1 || d > len(shape) || seen[d-1] {
			return -1, fmt.Errorf("dims %v is not a permutation of 1..%d", dims, len(shape))
		}
		seen[d-1] = true
		perm[i] = d - 1
		out[i] = shape[d-1]
	}
	return c.node("", &ir.Node{Op: ir.OpTranspose, Shape: out, Attrs: ir.Attrs{Perm: perm}}, c.in[0]), nil
}

// pairs reads ZeroPadding/Cropping amounts: an int (all sides), one int per
// axis (both sides), or [before, after] per axis.
func pairs(v any, nsp int, key string) ([][2]int, error) {
	bad := fmt.Errorf("config field %q: want an integer, %d integers or %d pairs, have %v", key, nsp, nsp, v)
	if v == nil {
		return nil, bad
	}
	out := make([][2]int, nsp)
	if n, ok := asInt(v); ok {
		for i := range out {
			out[i] = [2]int{n, n}
		}
		return out, nil
	}
	list, ok := v.([]any)
	if !ok {
		return nil, bad
	}
	if nsp == 1 && len(list) == 2 { // ZeroPadding1D((left, right))
		a, ok1 := asInt(list[0])
		b, ok2 := asInt(list[1])
		if ok1 && ok2 {
			return [][2]int{{a, b}}, nil
		}
	}
	if len(list) != nsp {
		return nil, bad
	}
	for i, e := range list {
		if n, ok := asInt(e); ok {
			out[i] = [2]int{n, n}
			continue
		}
		p, ok := e.([]any)
		if !ok || len(p) != 2 {
			return nil, bad
		}
		a, ok1 := asInt(p[0])
		b, ok2 := asInt(p[1])
		if !ok1 || !ok2 {
			return nil, bad
		}
		out[i] = [2]int{a, b}
	}
	return out, nil
}

// padCrop is ZeroPadding1D/2D (OpPad) and Cropping1D/2D (OpCrop).
func padCrop(c *lctx) (int, error) {
	nsp, _ := poolSpec(c.l.class)
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
	key, op := "padding", ir.OpPad
	if c.l.class == "Cropping1D" || c.l.class == "Cropping2D" {
		key, op = "cropping", ir.OpCrop
	}
	p, err := pairs(c.cfg()[key], nsp, key)
	if err != nil {
		return -1, err
	}
	out := append([]int(nil), shape...)
	for i, ab := range p {
		if ab[0] < 0 || ab[1] < 0 {
			return -1, fmt.Errorf("%s %v is negative", key, p)
		}
		if op == ir.OpPad {
			out[i] += ab[0] + ab[1]
		} else {
			out[i] -= ab[0] + ab[1]
		}
		if out[i] <= 0 {
			return -1, fmt.Errorf("cropping %v removes all of input %v", p, shape)
		}
	}
	return c.node("", &ir.Node{Op: op, Shape: out, Attrs: ir.Attrs{Pads: p}}, c.in[0]), nil
}

// upsample is UpSampling1D (size) and UpSampling2D (size, interpolation).
func upsample(c *lctx) (int, error) {
	nsp, _ := poolSpec(c.l.class)
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
	size, err := c.cfg().ints("size", nsp, []int{2, 2}[:nsp])
	if err != nil {
		return -1, err
	}
	interp, err := c.cfg().str("interpolation", "nearest")
	if err != nil {
		return -1, err
	}
	if interp != "nearest" && interp != "bilinear" {
		return -1, fmt.Errorf("interpolation %q is not supported", interp)
	}
	out := append([]int(nil), shape...)
	for i, s := range size {
		if s <= 0 {
			return -1, fmt.Errorf("size %v must be positive", size)
		}
		out[i] *= s
	}
	return c.node("", &ir.Node{Op: ir.OpUpsample, Shape: out, Attrs: ir.Attrs{Size: size, Interpolation: interp}}, c.in[0]), nil
}
