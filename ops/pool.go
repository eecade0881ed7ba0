// This file implements OpPool and OpGlobalPool: max and average pooling over
// a window or over every spatial position.

package ops

import (
	"fmt"
	"math"

	"github.com/nnhls/nnhls/fixed"
	"github.com/nnhls/nnhls/ir"
)

// hls4ml's pooling (nnet_pooling.h, numerics.md §4.4) copies the window
// into an accum_t array (one conversion per value), then takes the maximum,
// or sums in accum_t and divides by the count — an ap_fixed divided by an
// integer keeps accum_t's fractional bits and truncates toward zero — and
// converts the answer to result_t. The count is the whole window, or only
// the cells inside the input when padding is not counted.

func poolDef() *Def {
	return &Def{
		Op: ir.OpPool,
		Class: func(n *ir.Node) string {
			return fmt.Sprintf("Pooling%dD", max(len(n.Attrs.Kernel), 1))
		},
		Vars:   func(*ir.Node) []string { return []string{VarAccum} },
		Kernel: buildPool,
		Float:  buildPoolFloat,
	}
}

func globalPoolDef() *Def {
	return &Def{
		Op: ir.OpGlobalPool,
		Class: func(n *ir.Node) string {
			return fmt.Sprintf("GlobalPooling%dD", max(len(n.Shape)-1, 1))
		},
		Vars:   func(*ir.Node) []string { return []string{VarAccum} },
		Kernel: buildPool,
		Float:  buildPoolFloat,
	}
}

// poolGeom is a pooling window plan over c channels.
type poolGeom struct {
	plan *windowPlan
	c    int
	avg  bool
	// countPad divides by the whole window also where it hangs over the
	// padding.
	countPad bool
}

func poolGeometry(n *ir.Node, inShapes [][]int) (*poolGeom, error) {
	if len(inShapes) != 1 {
		return nil, fmt.Errorf("pooling needs one input")
	}
	inSp, c := splitChannels(inShapes[0])
	if c == 0 {
		return nil, fmt.Errorf("input %v has no spatial axes", inShapes[0])
	}
	g := &poolGeom{c: c, avg: n.Attrs.Pool == ir.PoolAvg, countPad: n.Attrs.CountPad}
	var err error
	if n.Op == ir.OpGlobalPool {
		if ir.NumElements(n.Shape) != c {
			return nil, fmt.Errorf("global pooling of %v gives %d values, the node has shape %v", inShapes[0], c, n.Shape)
		}
		outSp := ones(len(inSp))
		g.plan, err = planWindow(&ir.Attrs{Strides: ones(len(inSp))}, inSp, outSp, inSp, false)
		return g, err
	}
	outSp, oc := splitChannels(n.Shape)
	if oc != c {
		return nil, fmt.Errorf("pooling changes channels %d to %d", c, oc)
	}
	g.plan, err = planWindow(&n.Attrs, inSp, outSp, n.Attrs.Kernel, true)
	return g, err
}

// poolKernel is max or average pooling on raw values.
type poolKernel struct {
	g        *poolGeom
	toAcc    fixed.Cast64 // input -> accum_t
	sum      fixed.Cast64 // accum_t + accum_t -> accum_t
	res      fixed.Cast64 // accum_t -> result_t
	accTyped bool         // input already in accum_t
	accLSB   float64
}

func buildPool(b *Build) (Kernel, error) {
	g, err := poolGeometry(b.Node, b.InShapes)
	if err != nil {
		return nil, err
	}
	acc := b.Types[VarAccum]
	if !acc.Valid() || acc.Width() > 60 || b.InTypes[0].Width() > 60 {
		return nil, fmt.Errorf("accumulator %v or input %v does not suit the int64 path", acc, b.InTypes[0])
	}
	k := &poolKernel{g: g, accTyped: acc == b.InTypes[0], accLSB: math.Ldexp(1, -acc.FracBits())}
	if k.toAcc, err = fixed.NewCast64(b.InTypes[0].FracBits(), acc); err != nil {
		return nil, err
	}
	if k.sum, err = fixed.NewCast64(acc.FracBits(), acc); err != nil {
		return nil, err
	}
	if k.res, err = fixed.NewCast64(acc.FracBits(), b.Result()); err != nil {
		return nil, err
	}
	return k, nil
}

func (k *poolKernel) Scratch() int { return 0 }

func (k *poolKernel) Run(in [][]int64, out []int64, _ []int64, t *Tally) {
	x, g, pl := in[0], k.g, k.g.plan
	for p := range pl.nPos {
		for ch := range g.c {
			var acc int64
			for q := pl.start[p]; q < pl.start[p+1]; q++ {
				v := x[int(pl.pix[q])*g.c+ch]
				if !k.accTyped {
					var fl fixed.Flags
					v, fl = k.toAcc.Apply(v)
					if t != nil && fl != 0 {
						countFlags(&t[SlotAccum], fl)
					}
				}
				switch {
				case q == pl.start[p]:
					acc = v
				case g.avg:
					var fl fixed.Flags
					acc, fl = k.sum.Apply(acc + v)
					if t != nil && fl != 0 {
						countFlags(&t[SlotAccum], fl)
					}
				case v > acc:
					acc = v
				}
			}
			if g.avg {
				n := int64(pl.counts[p])
				if g.countPad {
					n = int64(pl.nTaps)
				}
				if n > 0 {
					acc /= n // Go's division truncates toward zero, as ap_fixed's does
				}
			}
			r, fl := k.res.Apply(acc)
			out[p*g.c+ch] = r
			if t != nil {
				t[SlotResult].Observe(float64(acc) * k.accLSB)
				if fl != 0 {
					countFlags(&t[SlotResult], fl)
				}
			}
		}
	}
	if t != nil {
		t[SlotResult].Casts += int64(pl.nPos * g.c)
		t[SlotAccum].Casts += int64(len(pl.pix) * g.c)
	}
}

// poolFloat is the float64 forward pass.
type poolFloat struct{ g *poolGeom }

func buildPoolFloat(n *ir.Node, inShapes [][]int) (FloatKernel, error) {
	g, err := poolGeometry(n, inShapes)
	if err != nil {
		return nil, err
	}
	return &poolFloat{g: g}, nil
}

func (f *poolFloat) Run(in [][]float64, out []float64) {
	x, g, pl := in[0], f.g, f.g.plan
	for p := range pl.nPos {
		for ch := range g.c {
			var acc float64
			for q := pl.start[p]; q < pl.start[p+1]; q++ {
				v := x[int(pl.pix[q])*g.c+ch]
				switch {
				case q == pl.start[p]:
					acc = v
				case g.avg:
					acc += v
				case v > acc:
					acc = v
				}
			}
			if g.avg {
				n := float64(pl.counts[p])
				if g.countPad {
					n = float64(pl.nTaps)
				}
				if n > 0 {
					acc /= n
				}
			}
			out[p*g.c+ch] = acc
		}
	}
}
