// This file implements OpConv and OpDepthwiseConv: 1-D and 2-D convolutions
// as hls4ml's io_parallel im2col followed by its dense arithmetic (mac.go).

package ops

import (
	"fmt"

	"github.com/nnhls/nnhls/ir"
)

// hls4ml fills each output pixel's column in the order kh, kw, channel and
// multiplies it by the kernel with the dense kernel's arithmetic
// (numerics.md §4.2); padding cells are zeros. The Keras kernel layout
// [kh, kw, cin, cout] is exactly that order with cout innermost, so the
// weights are used as stored.

func convDef() *Def {
	return &Def{
		Op: ir.OpConv,
		Class: func(n *ir.Node) string {
			return fmt.Sprintf("Conv%dD", max(len(n.Attrs.Kernel), 1))
		},
		Vars:   func(*ir.Node) []string { return []string{VarAccum, VarWeight, VarBias} },
		Kernel: buildConv,
		Float:  buildConvFloat,
	}
}

func depthwiseDef() *Def {
	return &Def{
		Op: ir.OpDepthwiseConv,
		Class: func(n *ir.Node) string {
			return fmt.Sprintf("DepthwiseConv%dD", max(len(n.Attrs.Kernel), 1))
		},
		Vars:   func(*ir.Node) []string { return []string{VarAccum, VarWeight, VarBias} },
		Kernel: buildConv,
		Float:  buildConvFloat,
	}
}

// convGeom is the geometry of a (depthwise) convolution.
type convGeom struct {
	plan *windowPlan
	c    int // input channels
	// nOut is the output channels (filters); for a depthwise convolution
	// mult is the depth multiplier and nOut = c*mult.
	nOut, mult int
	depthwise  bool
}

func convGeometry(n *ir.Node, inShapes [][]int) (*convGeom, error) {
	if len(inShapes) != 1 {
		return nil, fmt.Errorf("convolution needs one input")
	}
	inSp, c := splitChannels(inShapes[0])
	outSp, nOut := splitChannels(n.Shape)
	if c == 0 || nOut == 0 {
		return nil, fmt.Errorf("input %v or output %v is not channels-last with spatial axes", inShapes[0], n.Shape)
	}
	k := n.Weight("kernel")
	r := len(n.Attrs.Kernel)
	if k == nil || len(k.Shape) != r+2 {
		return nil, fmt.Errorf("kernel of shape %v does not fit a %d-D window", shapeOf(k), r)
	}
	for i := range r {
		if k.Shape[i] != n.Attrs.Kernel[i] {
			return nil, fmt.Errorf("kernel shape %v disagrees with window %v", k.Shape, n.Attrs.Kernel)
		}
	}
	g := &convGeom{c: c, nOut: nOut, depthwise: n.Op == ir.OpDepthwiseConv}
	if k.Shape[r] != c {
		return nil, fmt.Errorf("kernel %v expects %d input channels, input has %d", k.Shape, k.Shape[r], c)
	}
	if g.depthwise {
		g.mult = k.Shape[r+1]
		if c*g.mult != nOut {
			return nil, fmt.Errorf("depthwise kernel %v gives %d channels, output has %d", k.Shape, c*g.mult, nOut)
		}
	} else if k.Shape[r+1] != nOut {
		return nil, fmt.Errorf("kernel %v gives %d channels, output has %d", k.Shape, k.Shape[r+1], nOut)
	}
	if b := n.Weight("bias"); b != nil && b.Len() != nOut {
		return nil, fmt.Errorf("bias has %d values for %d channels", b.Len(), nOut)
	}
	var err error
	if g.plan, err = planWindow(&n.Attrs, inSp, outSp, n.Attrs.Kernel, false); err != nil {
		return nil, err
	}
	return g, nil
}

func shapeOf(t *ir.Tensor) []int {
	if t == nil {
		return nil
	}
	return t.Shape
}

// convKernel computes every output pixel as a dense product of its window.
type convKernel struct {
	g *convGeom
	m *macUnit
	w []int64
	// wT is w as [out][kh, kw, channel], for convolutions with fewer than
	// narrowOut filters: they run as one dot product per filter over the
	// window's im2col column, zeros included.
	wT []int64
}

func buildConv(b *Build) (Kernel, error) {
	g, err := convGeometry(b.Node, b.InShapes)
	if err != nil {
		return nil, err
	}
	w, bias, err := rawWeightsBias(b.Node, b.Types)
	if err != nil {
		return nil, err
	}
	terms := g.plan.nTaps * g.c
	if g.depthwise {
		terms = g.plan.nTaps
	}
	m, err := newMAC(g.nOut, bias, macTypes{
		in: b.InTypes[0], weight: weightType(b.Node, b.Types[VarWeight]), bias: b.Types[VarBias],
		accum: b.Types[VarAccum], result: b.Result(), nTerms: terms,
	})
	if err != nil {
		return nil, err
	}
	k := &convKernel{g: g, m: m, w: w}
	if !g.depthwise && g.nOut < narrowOut {
		k.wT = transpose(w, g.plan.nTaps*g.c, g.nOut)
	}
	return k, nil
}

// Scratch holds the accumulators, then one window's nonzero inputs and
// the offsets of their weight rows (a convolution's im2col column, without
// its zeros).
func (k *convKernel) Scratch() int { return k.g.nOut + 2*k.g.plan.nTaps*k.g.c }

func (k *convKernel) Run(in [][]int64, out []int64, scratch []int64, t *Tally) {
	x, g, pl := in[0], k.g, k.g.plan
	c, nOut := g.c, g.nOut
	acc := scratch[:nOut]
	col := pl.nTaps * c
	vals, rows := scratch[nOut:nOut+col], scratch[nOut+col:nOut+2*col]
	for p := range pl.nPos {
		k.m.begin(acc, 0)
		switch {
		case g.depthwise:
			k.depthwise(acc, x, p, t)
		case k.wT != nil:
			if int(pl.counts[p]) < pl.nTaps {
				clear(vals) // the window overhangs the padding
			}
			for q := pl.start[p]; q < pl.start[p+1]; q++ {
				pix, tap := int(pl.pix[q]), int(pl.tap[q])
				// A loop, not copy: windows have a few channels, and a
				// memmove call costs more than moving them.
				dst, src := vals[tap*c:(tap+1)*c], x[pix*c:(pix+1)*c]
				for i := range dst {
					dst[i] = src[i]
				}
			}
			k.m.dot(acc, vals, k.wT, t)
		default:
			nz := 0
			for q := pl.start[p]; q < pl.start[p+1]; q++ {
				pix, tap := int(pl.pix[q]), int(pl.tap[q])
				r := tap * c * nOut
				for _, xi := range x[pix*c : (pix+1)*c] {
					vals[nz], rows[nz] = xi, int64(r)
					nz += int(uint64(xi|-xi) >> 63) // keep nonzero inputs, branch-free
					r += nOut
				}
			}
			k.m.accumulate(acc, vals[:nz], rows[:nz], k.w, t)
		}
		k.m.finish(acc, out[p*nOut:(p+1)*nOut], t)
	}
	if t != nil {
		per := pl.nTaps * c * nOut
		if g.depthwise {
			per = pl.nTaps * nOut
		}
		k.m.countSample(t, pl.nPos*per, pl.nPos)
	}
}

// depthwise accumulates output position p of a depthwise convolution: each
// input channel ch feeds its own mult outputs.
func (k *convKernel) depthwise(acc, x []int64, p int, t *Tally) {
	g, pl := k.g, k.g.plan
	c, m := g.c, g.mult
	for q := pl.start[p]; q < pl.start[p+1]; q++ {
		pix, tap := int(pl.pix[q]), int(pl.tap[q])
		for ch, xi := range x[pix*c : (pix+1)*c] {
			if xi != 0 {
				r := (tap*c + ch) * m
				k.m.add(acc[ch*m:(ch+1)*m], xi, k.w[r:r+m], t)
			}
		}
	}
}

// convFloat is the float64 forward pass of a (depthwise) convolution.
type convFloat struct {
	g    *convGeom
	w, b []float64
}

func buildConvFloat(n *ir.Node, inShapes [][]int) (FloatKernel, error) {
	g, err := convGeometry(n, inShapes)
	if err != nil {
		return nil, err
	}
	w, b, err := floatWeightsBias(n)
	if err != nil {
		return nil, err
	}
	return &convFloat{g: g, w: w, b: b}, nil
}

func (f *convFloat) Run(in [][]float64, out []float64) {
	x, g, pl := in[0], f.g, f.g.plan
	c, nOut := g.c, g.nOut
	for p := range pl.nPos {
		y := out[p*nOut : (p+1)*nOut]
		if f.b != nil {
			copy(y, f.b)
		} else {
			clear(y)
		}
		for q := pl.start[p]; q < pl.start[p+1]; q++ {
			pix, tap := int(pl.pix[q]), int(pl.tap[q])
			for ch, xi := range x[pix*c : (pix+1)*c] {
				if g.depthwise {
					r := (tap*c + ch) * g.mult
					for m, w := range f.w[r : r+g.mult] {
						y[ch*g.mult+m] += xi * w
					}
				} else {
					r := (tap*c + ch) * nOut
					for j, w := range f.w[r : r+nOut] {
						y[j] += xi * w
					}
				}
			}
		}
	}
}
