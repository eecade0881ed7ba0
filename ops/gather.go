// This file implements the data-movement ops — Reshape, Transpose, Pad,
// Crop, Upsample, Concat — as one gather kernel: every output
// element is one input element (or a padding zero) converted to the result
// type.

package ops

import (
	"fmt"
	"math"

	"github.com/nnhls/nnhls/fixed"
	"github.com/nnhls/nnhls/ir"
)

// hls4ml moves data with plain assignments (res[i] = data[j]), so each
// element is converted once from its input type to result_t with
// result_t's modes; padding cells are zero (nnet_padding.h). A Reshape or
// Flatten keeps the row-major order and only converts.

// gatherMap says, for every output element, which input and which element
// of it supplies the value; src and idx < 0 mean a zero.
type gatherMap struct {
	src []int8
	idx []int32
}

// gatherKernel converts in[src[i]][idx[i]] into the result type.
type gatherKernel struct {
	g     gatherMap
	casts []fixed.Cast64 // per input
	fast  []trnWrap      // per input
	same  []bool         // per input: input type equals the result type
	lsb   []float64      // per input: 2^-F, to report exact values
}

func (k *gatherKernel) Scratch() int { return 0 }

func (k *gatherKernel) Run(in [][]int64, out []int64, _ []int64, t *Tally) {
	out = out[:len(k.g.idx)]
	if len(k.casts) == 1 && k.same[0] && t == nil {
		x := in[0]
		for i, j := range k.g.idx {
			if j < 0 {
				out[i] = 0
			} else {
				out[i] = x[j]
			}
		}
		if t != nil {
			t[SlotResult].Casts += int64(len(out))
		}
		return
	}
	for i, j := range k.g.idx {
		s := k.g.src[i]
		if s < 0 {
			out[i] = 0
			continue
		}
		v := in[s][j]
		if t != nil {
			t[SlotResult].Observe(float64(v) * k.lsb[s])
		}
		switch {
		case k.same[s]:
			out[i] = v
			continue
		case t == nil && k.fast[s].ok:
			out[i] = k.fast[s].apply(v)
			continue
		}
		r, fl := k.casts[s].Apply(v)
		out[i] = r
		if t != nil && fl != 0 {
			countFlags(&t[SlotResult], fl)
		}
	}
	if t != nil {
		t[SlotResult].Casts += int64(len(out))
	}
}

// gatherFloat copies in[src[i]][idx[i]].
type gatherFloat struct{ g gatherMap }

func (k *gatherFloat) Run(in [][]float64, out []float64) {
	for i, j := range k.g.idx {
		if s := k.g.src[i]; s < 0 {
			out[i] = 0
		} else {
			out[i] = in[s][j]
		}
	}
}

// gatherDef returns the definition of a data-movement op whose map is
// computed by plan from the node and its input shapes.
func gatherDef(op ir.Op, class func(n *ir.Node) string, plan func(n *ir.Node, inShapes [][]int) (gatherMap, error)) *Def {
	return &Def{
		Op:    op,
		Class: class,
		Vars:  func(*ir.Node) []string { return nil },
		Kernel: func(b *Build) (Kernel, error) {
			g, err := plan(b.Node, b.InShapes)
			if err != nil {
				return nil, err
			}
			if len(b.InTypes) > 127 {
				return nil, fmt.Errorf("too many inputs (%d)", len(b.InTypes))
			}
			k := &gatherKernel{g: g}
			for _, it := range b.InTypes {
				c, err := fixed.NewCast64(it.FracBits(), b.Result())
				if err != nil {
					return nil, err
				}
				k.casts = append(k.casts, c)
				k.fast = append(k.fast, newTrnWrap(it.FracBits(), b.Result()))
				k.same = append(k.same, it == b.Result())
				k.lsb = append(k.lsb, math.Ldexp(1, -it.FracBits()))
			}
			return k, nil
		},
		Float: func(n *ir.Node, inShapes [][]int) (FloatKernel, error) {
			g, err := plan(n, inShapes)
			if err != nil {
				return nil, err
			}
			return &gatherFloat{g: g}, nil
		},
	}
}

func fixedClass(name string) func(*ir.Node) string {
	return func(*ir.Node) string { return name }
}

// spatialClass names a class by the node's spatial rank: "ZeroPadding" +
// "1D" or "2D".
func spatialClass(prefix string) func(*ir.Node) string {
	return func(n *ir.Node) string {
		return fmt.Sprintf("%s%dD", prefix, max(len(n.Shape)-1, 1))
	}
}

func reshapeDef() *Def {
	return gatherDef(ir.OpReshape, fixedClass("Reshape"), func(n *ir.Node, in [][]int) (gatherMap, error) {
		if len(in) != 1 || ir.NumElements(in[0]) != ir.NumElements(n.Shape) {
			return gatherMap{}, fmt.Errorf("reshape %v to %v changes the element count", in, n.Shape)
		}
		return identityMap(ir.NumElements(n.Shape)), nil
	})
}

func identityMap(n int) gatherMap {
	g := gatherMap{src: make([]int8, n), idx: make([]int32, n)}
	for i := range g.idx {
		g.idx[i] = int32(i)
	}
	return g
}

// strides returns the row-major strides of shape.
func strides(shape []int) []int {
	s := make([]int, len(shape))
	acc := 1
	for i := len(shape) - 1; i >= 0; i-- {
		s[i] = acc
		acc *= shape[i]
	}
	return s
}

// forEachIndex calls f with every multi-index of shape in row-major order
// and its flat position.
func forEachIndex(shape []int, f func(pos int, idx []int)) {
	idx := make([]int, len(shape))
	n := ir.NumElements(shape)
	for pos := range n {
		f(pos, idx)
		for a := len(shape) - 1; a >= 0; a-- {
			idx[a]++
			if idx[a] < shape[a] {
				break
			}
			idx[a] = 0
		}
	}
}

func transposeDef() *Def {
	return gatherDef(ir.OpTranspose, fixedClass("Transpose"), func(n *ir.Node, in [][]int) (gatherMap, error) {
		if len(in) != 1 || len(n.Attrs.Perm) != len(in[0]) || len(n.Shape) != len(in[0]) {
			return gatherMap{}, fmt.Errorf("transpose perm %v does not fit input %v", n.Attrs.Perm, in)
		}
		st := strides(in[0])
		for a, p := range n.Attrs.Perm {
			if p < 0 || p >= len(in[0]) || in[0][p] != n.Shape[a] {
				return gatherMap{}, fmt.Errorf("transpose perm %v does not map %v to %v", n.Attrs.Perm, in[0], n.Shape)
			}
		}
		g := gatherMap{src: make([]int8, ir.NumElements(n.Shape)), idx: make([]int32, ir.NumElements(n.Shape))}
		forEachIndex(n.Shape, func(pos int, idx []int) {
			j := 0
			for a, p := range n.Attrs.Perm {
				j += idx[a] * st[p]
			}
			g.idx[pos] = int32(j)
		})
		return g, nil
	})
}

// spatialMap builds the map of Pad, Crop and Upsample: output spatial index
// o on axis a reads input index srcOf(a, o), or a zero when that is out of
// range; the channel axis (last) maps to itself.
func spatialMap(n *ir.Node, in [][]int, srcOf func(a, o int) int) (gatherMap, error) {
	if len(in) != 1 || len(in[0]) != len(n.Shape) || in[0][len(in[0])-1] != n.Shape[len(n.Shape)-1] {
		return gatherMap{}, fmt.Errorf("input %v does not fit output %v", in, n.Shape)
	}
	st := strides(in[0])
	last := len(n.Shape) - 1
	g := gatherMap{src: make([]int8, ir.NumElements(n.Shape)), idx: make([]int32, ir.NumElements(n.Shape))}
	forEachIndex(n.Shape, func(pos int, idx []int) {
		j := idx[last]
		for a := range last {
			s := srcOf(a, idx[a])
			if s < 0 || s >= in[0][a] {
				g.src[pos], g.idx[pos] = -1, -1
				return
			}
			j += s * st[a]
		}
		g.idx[pos] = int32(j)
	})
	return g, nil
}

func padDef() *Def {
	return gatherDef(ir.OpPad, spatialClass("ZeroPadding"), func(n *ir.Node, in [][]int) (gatherMap, error) {
		if len(n.Attrs.Pads) != len(n.Shape)-1 {
			return gatherMap{}, fmt.Errorf("pads %v do not fit shape %v", n.Attrs.Pads, n.Shape)
		}
		return spatialMap(n, in, func(a, o int) int { return o - n.Attrs.Pads[a][0] })
	})
}

func cropDef() *Def {
	return gatherDef(ir.OpCrop, spatialClass("Cropping"), func(n *ir.Node, in [][]int) (gatherMap, error) {
		if len(n.Attrs.Pads) != len(n.Shape)-1 {
			return gatherMap{}, fmt.Errorf("crops %v do not fit shape %v", n.Attrs.Pads, n.Shape)
		}
		return spatialMap(n, in, func(a, o int) int { return o + n.Attrs.Pads[a][0] })
	})
}

func upsampleDef() *Def {
	return gatherDef(ir.OpUpsample, spatialClass("UpSampling"), func(n *ir.Node, in [][]int) (gatherMap, error) {
		if len(n.Attrs.Size) != len(n.Shape)-1 {
			return gatherMap{}, fmt.Errorf("sizes %v do not fit shape %v", n.Attrs.Size, n.Shape)
		}
		if n.Attrs.Interpolation != "" && n.Attrs.Interpolation != "nearest" {
			return gatherMap{}, fmt.Errorf("interpolation %q is not supported (only nearest)", n.Attrs.Interpolation)
		}
		for _, s := range n.Attrs.Size {
			if s <= 0 {
				return gatherMap{}, fmt.Errorf("upsampling size %v", n.Attrs.Size)
			}
		}
		return spatialMap(n, in, func(a, o int) int { return o / n.Attrs.Size[a] })
	})
}

func concatDef() *Def {
	return gatherDef(ir.OpConcat, fixedClass("Concatenate"), func(n *ir.Node, in [][]int) (gatherMap, error) {
		ax := n.Attrs.Axis
		if ax < 0 || ax >= len(n.Shape) || len(in) < 1 {
			return gatherMap{}, fmt.Errorf("concat axis %d out of range for %v", ax, n.Shape)
		}
		total := 0
		for _, s := range in {
			if len(s) != len(n.Shape) {
				return gatherMap{}, fmt.Errorf("concat input %v does not fit %v", s, n.Shape)
			}
			for a := range s {
				if a != ax && s[a] != n.Shape[a] {
					return gatherMap{}, fmt.Errorf("concat input %v does not fit %v", s, n.Shape)
				}
			}
			total += s[ax]
		}
		if total != n.Shape[ax] {
			return gatherMap{}, fmt.Errorf("concat inputs give %d along axis %d, output has %d", total, ax, n.Shape[ax])
		}
		sts := make([][]int, len(in))
		for i, s := range in {
			sts[i] = strides(s)
		}
		g := gatherMap{src: make([]int8, ir.NumElements(n.Shape)), idx: make([]int32, ir.NumElements(n.Shape))}
		forEachIndex(n.Shape, func(pos int, idx []int) {
			k, o := 0, idx[ax]
			for o >= in[k][ax] {
				o -= in[k][ax]
				k++
			}
			j := 0
			for a := range idx {
				v := idx[a]
				if a == ax {
					v = o
				}
				j += v * sts[k][a]
			}
			g.src[pos], g.idx[pos] = int8(k), int32(j)
		})
		return g, nil
	})
}
