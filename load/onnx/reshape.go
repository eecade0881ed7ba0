// This file implements the ops that move values without arithmetic —
// Flatten, Reshape, Transpose, Squeeze, Unsqueeze, Pad, Resize and
// Upsample (nearest) — and the shape computations exporters leave in
// graphs (Shape, Gather, Cast, Slice), which are evaluated on constants.

package onnx

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/nnhls/nnhls/ir"
)

// reshapeTo adds an OpReshape of runtime value x (in the ONNX layout, so
// the row-major order is ONNX's: a channels-last tensor is transposed back
// to channels-first first, which reproduces PyTorch's flatten order) to
// the ONNX shape shape.
func reshapeTo(c *nctx, x *value, shape []int) (*value, error) {
	if ir.NumElements(shape) != ir.NumElements(x.shape) {
		return nil, fmt.Errorf("cannot reshape %v to %v", x.shape, shape)
	}
	id := identity(len(x.shape))
	src, err := c.b.toLayout(x, id)
	if err != nil {
		return nil, err
	}
	if slices.Equal(shape, x.shape) {
		return c.result(src, shape, id), nil
	}
	n := &ir.Node{Op: ir.OpReshape, Shape: append([]int(nil), shape...)}
	return c.result(c.add("", n, src), shape, identity(len(shape))), nil
}

// reshapeConst returns constant value v with a new shape, keeping its
// quantizer (the order of values does not change).
func reshapeConst(v *value, shape []int) *value {
	k := &constant{shape: shape, data: v.c.data, dtype: v.c.dtype}
	out := &value{node: -1, c: k}
	if v.q != nil {
		out.q = &constQuant{base: v.q.base, shape: shape, scale: v.q.scale, zero: v.q.zero}
	}
	return out
}

// flatten is Flatten(axis=1): [N, d...] to [N, prod(d)].
func flatten(c *nctx) (*value, error) {
	x, err := c.in(0)
	if err != nil {
		return nil, err
	}
	a, err := c.attrInt("axis", 1)
	if err != nil {
		return nil, err
	}
	if x.c != nil {
		r := int64(len(x.c.shape))
		if a < 0 {
			a += r
		}
		if a < 0 || a > r {
			return nil, fmt.Errorf("axis %d out of range", a)
		}
		return reshapeConst(x, []int{ir.NumElements(x.c.shape[:a]), ir.NumElements(x.c.shape[a:])}), nil
	}
	if x, err = c.runtime(0); err != nil {
		return nil, err
	}
	if a < 0 {
		a += int64(len(x.shape) + 1)
	}
	if a == 0 && c.b.batch1 {
		// keras2onnx writes axis=0 for a model exported with batch size 1:
		// [1, d...] to [1, prod(d)], as axis=1 does.
		a = 1
	}
	if a != 1 {
		return nil, fmt.Errorf("axis=%d merges the batch axis with others; nnhls supports axis=1", a)
	}
	return reshapeTo(c, x, []int{ir.NumElements(x.shape)})
}

// resolveShape resolves a Reshape target (0 copies, -1 infers) for total
// elements taken from in.
func resolveShape(target []int, in []int, allowZero bool) ([]int, error) {
	total := ir.NumElements(in)
	out := make([]int, len(target))
	known, free := 1, -1
	for i, d := range target {
		switch {
		case d == 0 && !allowZero:
			if i >= len(in) {
				return nil, fmt.Errorf("target %v copies axis %d of %v", target, i, in)
			}
			out[i] = in[i]
		case d == -1 && free < 0:
			free = i
			continue
		case d > 0:
			out[i] = d
		default:
			return nil, fmt.Errorf("target shape %v is invalid", target)
		}
		known *= out[i]
		if known > maxElements {
			return nil, fmt.Errorf("target shape %v is too large", target)
		}
	}
	if free >= 0 {
		if known == 0 || total%known != 0 {
			return nil, fmt.Errorf("cannot reshape %v to %v", in, target)
		}
		out[free] = total / known
		known = total
	}
	if known != total {
		return nil, fmt.Errorf("cannot reshape %v (%d values) to %v", in, total, target)
	}
	return out, nil
}

// constInts reads a constant as integers.
func constInts(k *constant) ([]int, error) {
	out := make([]int, len(k.data))
	for i, v := range k.data {
		if v != math.Trunc(v) || math.Abs(v) > 1<<40 {
			return nil, fmt.Errorf("value %v is not an integer", v)
		}
		out[i] = int(v)
	}
	return out, nil
}

// reshape is Reshape with a constant target shape.
func reshape(c *nctx) (*value, error) {
	var target []int
	var err error
	if c.b.opset < 5 {
		target, err = c.attrSmallInts("shape")
	} else {
		k, e := c.constIn(1)
		if e != nil {
			return nil, fmt.Errorf("shape: %w", e)
		}
		target, err = constInts(k)
	}
	if err != nil {
		return nil, err
	}
	if len(target) > maxRank {
		return nil, fmt.Errorf("target shape %v has too many axes", target)
	}
	az, err := c.attrInt("allowzero", 0)
	if err != nil {
		return nil, err
	}
	x, err := c.in(0)
	if err != nil {
		return nil, err
	}
	if x.c != nil {
		shape, err := resolveShape(target, x.c.shape, az != 0)
		if err != nil {
			return nil, err
		}
		return reshapeConst(x, shape), nil
	}
	if x, err = c.runtime(0); err != nil {
		return nil, err
	}
	if len(target) < 2 {
		return nil, fmt.Errorf("target shape %v leaves no batch axis", target)
	}
	// The batch axis: kept (0), inferred (-1) or the export batch size 1.
	rest := target[1:]
	switch target[0] {
	case 0, 1:
	case -1:
		for _, d := range rest {
			if d == -1 {
				return nil, fmt.Errorf("target shape %v infers two axes", target)
			}
		}
	default:
		return nil, fmt.Errorf("target shape %v changes the batch axis", target)
	}
	shape, err := resolveShape(rest, x.shape, az != 0)
	if err != nil {
		return nil, err
	}
	return reshapeTo(c, x, shape)
}

// transposeOp is Transpose: on a runtime tensor it changes only the
// layout bookkeeping; the ir data stays where it is.
func transposeOp(c *nctx) (*value, error) {
	x, err := c.in(0)
	if err != nil {
		return nil, err
	}
	perm, err := c.attrSmallInts("perm")
	if err != nil {
		return nil, err
	}
	rank := len(x.shape) + 1
	if x.c != nil {
		rank = len(x.c.shape)
	}
	if perm == nil {
		perm = make([]int, rank)
		for i := range perm {
			perm[i] = rank - 1 - i
		}
	}
	if len(perm) != rank {
		return nil, fmt.Errorf("perm %v does not fit rank %d", perm, rank)
	}
	seen := make([]bool, rank)
	for _, p := range perm {
		if p < 0 || p >= rank || seen[p] {
			return nil, fmt.Errorf("perm %v is not a permutation", perm)
		}
		seen[p] = true
	}
	if x.c != nil {
		data, shape := transpose(x.c.data, x.c.shape, perm)
		return &value{node: -1, c: &constant{shape: shape, data: data, dtype: x.c.dtype}, q: x.q.transposed(x.c.shape, perm)}, nil
	}
	if x.pending != nil {
		return nil, fmt.Errorf("transposes QuantizeLinear codes")
	}
	if rank == 2 && perm[0] == 1 {
		// keras2onnx's [N, C] -> [C, N] around a BatchNormalization.
		out := *x
		out.batchT = !x.batchT
		out.layouts = nil
		return &out, nil
	}
	if x.batchT {
		return nil, fmt.Errorf("input has its batch axis transposed away")
	}
	if perm[0] != 0 {
		return nil, fmt.Errorf("perm %v moves the batch axis", perm)
	}
	p := make([]int, rank-1) // new ONNX axis i is old axis p[i]
	for i := range p {
		p[i] = perm[i+1] - 1
	}
	inv := make([]int, len(p))
	for i, q := range p {
		inv[q] = i
	}
	out := &value{node: x.node, shape: irShape(x.shape, p), perm: make([]int, len(p))}
	for i, old := range x.perm {
		out.perm[i] = inv[old]
	}
	return out, nil
}

// axesArg reads Squeeze/Unsqueeze axes: an attribute before opset 13, an
// optional input after.
func axesArg(c *nctx) ([]int, error) {
	if c.b.opset < 13 {
		return c.attrSmallInts("axes")
	}
	v := c.optIn(1)
	if v == nil {
		return nil, nil
	}
	if v.c == nil {
		return nil, fmt.Errorf("axes must be a constant")
	}
	return constInts(v.c)
}

// squeeze is Squeeze and Unsqueeze: a reshape that removes or inserts
// size-1 axes.
func squeeze(c *nctx) (*value, error) {
	x, err := c.in(0)
	if err != nil {
		return nil, err
	}
	axes, err := axesArg(c)
	if err != nil {
		return nil, err
	}
	in := x.c.shapeOr(x)
	full := in
	if x.c == nil {
		full = append([]int{1}, x.shape...)
	}
	var out []int
	if c.n.opType == "Squeeze" {
		drop := map[int]bool{}
		for _, a := range axes {
			if a < 0 {
				a += len(full)
			}
			if a < 0 || a >= len(full) || full[a] != 1 {
				return nil, fmt.Errorf("cannot squeeze axis %d of %v", a, full)
			}
			drop[a] = true
		}
		for i, d := range full {
			if (axes == nil && d == 1 && !(x.c == nil && i == 0)) || drop[i] {
				continue
			}
			out = append(out, d)
		}
	} else {
		r := len(full) + len(axes)
		if axes == nil || r > maxRank {
			return nil, fmt.Errorf("axes %v do not fit rank %d", axes, len(full))
		}
		ins := map[int]bool{}
		for _, a := range axes {
			if a < 0 {
				a += r
			}
			if a < 0 || a >= r || ins[a] {
				return nil, fmt.Errorf("axes %v out of range for rank %d", axes, r)
			}
			ins[a] = true
		}
		k := 0
		for i := range r {
			if ins[i] {
				out = append(out, 1)
			} else {
				out = append(out, full[k])
				k++
			}
		}
	}
	if x.c != nil {
		return reshapeConst(x, out), nil
	}
	if x, err = c.runtime(0); err != nil {
		return nil, err
	}
	if len(out) < 2 || out[0] != 1 || len(full) > 0 && axesTouchBatch(c.n.opType, axes, len(full), len(out)) {
		return nil, fmt.Errorf("changes the batch axis")
	}
	return reshapeTo(c, x, out[1:])
}

// axesTouchBatch reports whether Squeeze/Unsqueeze axes name axis 0.
func axesTouchBatch(op string, axes []int, rin, rout int) bool {
	r := rin
	if op == "Unsqueeze" {
		r = rout
	}
	for _, a := range axes {
		if a == 0 || a == -r {
			return true
		}
	}
	return false
}

// shapeOr is the constant's shape (nil receiver: the runtime value's).
func (k *constant) shapeOr(x *value) []int {
	if k == nil {
		return x.shape
	}
	return k.shape
}

// pad is Pad in constant mode with zeros, on spatial axes: OpPad on the
// channels-last layout.
func pad(c *nctx) (*value, error) {
	x, err := c.runtime(0)
	if err != nil {
		return nil, err
	}
	mode, err := c.attrString("mode", "constant")
	if err != nil {
		return nil, err
	}
	if mode != "constant" {
		return nil, fmt.Errorf("mode %q: nnhls pads with zeros only", mode)
	}
	var pads []int
	val := 0.0
	if c.b.opset < 11 {
		if pads, err = c.attrSmallInts("pads"); err != nil {
			return nil, err
		}
		if val, err = c.attrFloat("value", 0); err != nil {
			return nil, err
		}
	} else {
		k, err := c.constIn(1)
		if err != nil {
			return nil, fmt.Errorf("pads: %w", err)
		}
		if pads, err = constInts(k); err != nil {
			return nil, err
		}
		if v := c.optIn(2); v != nil {
			if v.c == nil || len(v.c.data) != 1 {
				return nil, fmt.Errorf("constant_value must be a scalar constant")
			}
			val = v.c.data[0]
		}
		if c.optIn(3) != nil {
			return nil, fmt.Errorf("the axes input is not supported")
		}
	}
	if val != 0 {
		return nil, fmt.Errorf("constant_value %v: nnhls pads with zeros only", val)
	}
	r := len(x.shape) + 1
	if len(pads) != 2*r {
		return nil, fmt.Errorf("pads %v do not fit rank %d", pads, r)
	}
	if pads[0] != 0 || pads[r] != 0 {
		return nil, fmt.Errorf("pads %v pad the batch axis", pads)
	}
	for _, p := range pads {
		if p < 0 {
			return nil, fmt.Errorf("negative pads %v (cropping) are not supported", pads)
		}
	}
	padOf := func(a int) [2]int { return [2]int{pads[a+1], pads[a+1+r]} }
	// The last ir axis (the channels) must not be padded.
	perm := x.perm
	if padOf(perm[len(perm)-1]) != [2]int{} {
		perm = channelsLast(len(x.shape))
		if padOf(perm[len(perm)-1]) != [2]int{} {
			return nil, fmt.Errorf("pads %v pad both the channel and the last axis", pads)
		}
	}
	src, err := c.b.toLayout(x, perm)
	if err != nil {
		return nil, err
	}
	a := ir.Attrs{}
	shape := append([]int(nil), x.shape...)
	for i := 0; i < len(perm)-1; i++ {
		a.Pads = append(a.Pads, padOf(perm[i]))
	}
	for ax := range shape {
		p := padOf(ax)
		shape[ax] += p[0] + p[1]
	}
	if len(perm) < 2 {
		return nil, fmt.Errorf("input of shape %v has no spatial axes", x.shape)
	}
	n := &ir.Node{Op: ir.OpPad, Shape: irShape(shape, perm), Attrs: a}
	return c.result(c.add("", n, src), shape, perm), nil
}

// resize is Resize and Upsample in nearest mode by integer factors on the
// spatial axes: OpUpsample.
func resize(c *nctx) (*value, error) {
	x, err := c.runtime(0)
	if err != nil {
		return nil, err
	}
	mode, err := c.attrString("mode", "nearest")
	if err != nil {
		return nil, err
	}
	if mode != "nearest" {
		return nil, fmt.Errorf("mode %q: nnhls resizes by nearest neighbour only", mode)
	}
	ctm, err := c.attrString("coordinate_transformation_mode", "half_pixel")
	if err != nil {
		return nil, err
	}
	nm, err := c.attrString("nearest_mode", "round_prefer_floor")
	if err != nil {
		return nil, err
	}
	if c.n.opType == "Upsample" {
		ctm, nm = "asymmetric", "floor"
	}
	if aa, _ := c.attrInt("antialias", 0); aa != 0 {
		return nil, fmt.Errorf("antialias is not supported")
	}
	if c.attr("axes") != nil {
		return nil, fmt.Errorf("attribute \"axes\" is not supported")
	}
	c.ignore("cubic_coeff_a", "exclude_outside", "extrapolation_value", "keep_aspect_ratio_policy")
	// With integer factors, these modes all repeat each value factor times.
	switch {
	case ctm == "asymmetric" && nm == "floor":
	case (ctm == "half_pixel" || ctm == "pytorch_half_pixel") && strings.HasPrefix(nm, "round_prefer"):
	default:
		return nil, fmt.Errorf("coordinate_transformation_mode %q with nearest_mode %q is not a plain repetition; nnhls supports asymmetric+floor and half_pixel+round_prefer_floor/ceil", ctm, nm)
	}
	r := len(x.shape) + 1
	var scales []float64
	switch {
	case c.n.opType == "Upsample" && c.b.opset < 9:
		a := c.attr("scales")
		if a == nil {
			return nil, fmt.Errorf("no scales")
		}
		for _, f := range a.floats {
			scales = append(scales, float64(f))
		}
	default:
		k := 1 // Upsample-9 and Resize-10: (X, scales)
		if c.n.opType == "Resize" && c.b.opset >= 11 {
			k = 2
		}
		if v := c.optIn(k); v != nil && v.c != nil && len(v.c.data) > 0 {
			scales = v.c.data
		} else if v := c.optIn(k + 1); k == 2 && v != nil && v.c != nil {
			sizes, err := constInts(v.c)
			if err != nil || len(sizes) != r {
				return nil, fmt.Errorf("sizes %v do not fit rank %d", v.c.data, r)
			}
			full := append([]int{1}, x.shape...)
			for i, s := range sizes {
				if i > 0 && s%full[i] != 0 {
					return nil, fmt.Errorf("sizes %v are not integer multiples of %v", sizes, full)
				}
				scales = append(scales, float64(s)/float64(full[i]))
			}
			scales[0] = 1
		} else {
			return nil, fmt.Errorf("no constant scales or sizes")
		}
	}
	if len(scales) != r {
		return nil, fmt.Errorf("scales %v do not fit rank %d", scales, r)
	}
	f := make([]int, r-1)
	for i, s := range scales {
		if s != math.Trunc(s) || s < 1 || s > 1<<10 {
			return nil, fmt.Errorf("scales %v: nnhls upsamples by integer factors", scales)
		}
		if i == 0 && s != 1 {
			return nil, fmt.Errorf("scales %v resize the batch axis", scales)
		}
		if i > 0 {
			f[i-1] = int(s)
		}
	}
	perm := x.perm
	if f[perm[len(perm)-1]] != 1 {
		perm = channelsLast(len(x.shape))
		if f[perm[len(perm)-1]] != 1 {
			return nil, fmt.Errorf("scales %v resize the channel axis", scales)
		}
	}
	if len(perm) < 2 {
		return nil, fmt.Errorf("input of shape %v has no spatial axes", x.shape)
	}
	src, err := c.b.toLayout(x, perm)
	if err != nil {
		return nil, err
	}
	shape := append([]int(nil), x.shape...)
	for i := range shape {
		shape[i] *= f[i]
	}
	if _, err := numel(toInt64(shape)); err != nil {
		return nil, err
	}
	a := ir.Attrs{Interpolation: "nearest"}
	for i := 0; i < len(perm)-1; i++ {
		a.Size = append(a.Size, f[perm[i]])
	}
	n := &ir.Node{Op: ir.OpUpsample, Shape: irShape(shape, perm), Attrs: a}
	return c.result(c.add("", n, src), shape, perm), nil
}

// shapeOp is Shape: a constant, with batch size 1 (what exporters trace
// with; the batch entry is meant for Reshape targets like [N, -1]).
func shapeOp(c *nctx) (*value, error) {
	x, err := c.in(0)
	if err != nil {
		return nil, err
	}
	full := x.c.shapeOr(x)
	if x.c == nil {
		full = append([]int{1}, x.shape...)
	}
	start, err := c.attrInt("start", 0)
	if err != nil {
		return nil, err
	}
	end, err := c.attrInt("end", int64(len(full)))
	if err != nil {
		return nil, err
	}
	r := int64(len(full))
	clamp := func(v int64) int64 {
		if v < 0 {
			v += r
		}
		return min(max(v, 0), r)
	}
	start, end = clamp(start), clamp(end)
	k := &constant{dtype: dtInt64}
	for _, d := range full[start:max(start, end)] {
		k.data = append(k.data, float64(d))
	}
	k.shape = []int{len(k.data)}
	return &value{node: -1, c: k}, nil
}

// gather is Gather on constants.
func gather(c *nctx) (*value, error) {
	d, err := c.constIn(0)
	if err != nil {
		return nil, fmt.Errorf("data: %w", err)
	}
	ik, err := c.constIn(1)
	if err != nil {
		return nil, fmt.Errorf("indices: %w", err)
	}
	a, err := c.attrInt("axis", 0)
	if err != nil {
		return nil, err
	}
	r := int64(len(d.shape))
	if a < 0 {
		a += r
	}
	if a < 0 || a >= r {
		return nil, fmt.Errorf("axis %d out of range for rank %d", a, r)
	}
	idx, err := constInts(ik)
	if err != nil {
		return nil, err
	}
	ax := int(a)
	outer, inner := ir.NumElements(d.shape[:ax]), ir.NumElements(d.shape[ax+1:])
	n := d.shape[ax]
	shape := append(append(append([]int(nil), d.shape[:ax]...), ik.shape...), d.shape[ax+1:]...)
	if _, err := numel(toInt64(shape)); err != nil {
		return nil, err
	}
	out := &constant{shape: shape, dtype: d.dtype}
	for o := range outer {
		for _, i := range idx {
			if i < 0 {
				i += n
			}
			if i < 0 || i >= n {
				return nil, fmt.Errorf("index %d out of range for axis of %d", i, n)
			}
			out.data = append(out.data, d.data[(o*n+i)*inner:(o*n+i+1)*inner]...)
		}
	}
	return &value{node: -1, c: out}, nil
}

// cast is Cast: on constants it converts (float to integer truncates); on
// a runtime tensor only a cast to a float type is accepted, as identity.
func cast(c *nctx) (*value, error) {
	x, err := c.in(0)
	if err != nil {
		return nil, err
	}
	to, err := c.attrInt("to", 0)
	if err != nil {
		return nil, err
	}
	c.ignore("saturate")
	if x.c == nil {
		if _, err := c.runtime(0); err != nil {
			return nil, err
		}
		if to != dtFloat && to != dtDouble && to != dtFloat16 {
			return nil, fmt.Errorf("cast of a tensor to %s: nnhls computes on real values", dtypeName(to))
		}
		return x, nil
	}
	k := &constant{shape: x.c.shape, data: make([]float64, len(x.c.data)), dtype: to}
	for i, v := range x.c.data {
		switch to {
		case dtFloat:
			v = float64(float32(v))
		case dtDouble:
		case dtBool:
			if v != 0 {
				v = 1
			}
		default:
			v = math.Trunc(v)
		}
		k.data[i] = v
	}
	return &value{node: -1, c: k}, nil
}

// slice is Slice on constants (starts, ends, axes, steps).
func slice(c *nctx) (*value, error) {
	d, err := c.constIn(0)
	if err != nil {
		return nil, fmt.Errorf("data: %w", err)
	}
	var starts, ends, axes, steps []int
	if c.b.opset < 10 {
		if starts, err = c.attrSmallInts("starts"); err != nil {
			return nil, err
		}
		if ends, err = c.attrSmallInts("ends"); err != nil {
			return nil, err
		}
		if axes, err = c.attrSmallInts("axes"); err != nil {
			return nil, err
		}
	} else {
		read := func(k int) ([]int, error) {
			v := c.optIn(k)
			if v == nil {
				return nil, nil
			}
			if v.c == nil {
				return nil, fmt.Errorf("input %d must be a constant", k)
			}
			return constInts(v.c)
		}
		for k, p := range []*[]int{&starts, &ends, &axes, &steps} {
			if *p, err = read(k + 1); err != nil {
				return nil, err
			}
		}
	}
	r := len(d.shape)
	if axes == nil {
		axes = identity(len(starts))
	}
	if len(starts) != len(ends) || len(axes) != len(starts) || steps != nil && len(steps) != len(starts) {
		return nil, fmt.Errorf("starts, ends, axes and steps have different lengths")
	}
	lo, hi, st := make([]int, r), append([]int(nil), d.shape...), ones(r)
	for i, a := range axes {
		if a < 0 {
			a += r
		}
		if a < 0 || a >= r {
			return nil, fmt.Errorf("axis %d out of range", a)
		}
		n := d.shape[a]
		s := 1
		if steps != nil {
			s = steps[i]
		}
		if s != 1 {
			return nil, fmt.Errorf("steps other than 1 are not supported")
		}
		b, e := starts[i], ends[i]
		if b < 0 {
			b += n
		}
		if e < 0 {
			e += n
		}
		lo[a], hi[a], st[a] = min(max(b, 0), n), min(max(e, 0), n), s
		if hi[a] < lo[a] {
			hi[a] = lo[a]
		}
	}
	shape := make([]int, r)
	for i := range shape {
		shape[i] = hi[i] - lo[i]
	}
	out := &constant{shape: shape, dtype: d.dtype}
	strd := strides(d.shape)
	idx := make([]int, r)
	for k := 0; k < ir.NumElements(shape); k++ {
		off := 0
		for i := range idx {
			off += (lo[i] + idx[i]) * strd[i]
		}
		out.data = append(out.data, d.data[off])
		for i := r - 1; i >= 0; i-- {
			if idx[i]++; idx[i] < shape[i] {
				break
			}
			idx[i] = 0
		}
	}
	return &value{node: -1, c: out}, nil
}
