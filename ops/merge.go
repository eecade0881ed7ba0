// This file implements OpMerge (add, subtract, multiply, average, maximum,
// minimum of same-shaped inputs) and OpDot (the dot product of two vectors).

package ops

import (
	"fmt"
	"math"
	"slices"

	"github.com/nnhls/nnhls/fixed"
	"github.com/nnhls/nnhls/ir"
)

// hls4ml's merges (nnet_merge.h, numerics.md §4.4) compute in the exact
// ap_fixed result type of the operation and convert once to result_t:
// res = a + b, a - b, a * b, (a + b) * 0.5 (exact: one more fractional
// bit), or the larger/smaller of the two. Here every input is aligned to the
// common fractional bits, the operation is exact in int64, and one
// conversion produces the result.

func mergeDef() *Def {
	return &Def{
		Op: ir.OpMerge,
		Class: func(n *ir.Node) string {
			return [...]string{"Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum"}[n.Attrs.Merge%6]
		},
		Vars:   func(*ir.Node) []string { return nil },
		Kernel: buildMerge,
		Float:  buildMergeFloat,
	}
}

func checkMerge(n *ir.Node, inShapes [][]int) error {
	if len(inShapes) < 2 {
		return fmt.Errorf("merge needs at least two inputs")
	}
	switch n.Attrs.Merge {
	case ir.MergeSub, ir.MergeAvg:
		if len(inShapes) != 2 {
			return fmt.Errorf("%s needs exactly two inputs, have %d", n.Attrs.Merge, len(inShapes))
		}
	}
	for _, s := range inShapes[1:] {
		if !slices.Equal(s, inShapes[0]) {
			return fmt.Errorf("merge of shapes %v and %v: broadcasting is not supported", inShapes[0], s)
		}
	}
	return nil
}

// mergeKernel holds the left shifts that align each input to the common
// fractional bits (for add/sub/avg/max/min), and the final conversion.
type mergeKernel struct {
	kind ir.MergeKind
	up   []uint
	n    int
	res  fixed.Cast64
	lsb  float64 // 2^-f of the exact result
}

func buildMerge(b *Build) (Kernel, error) {
	if err := checkMerge(b.Node, b.InShapes); err != nil {
		return nil, err
	}
	k := &mergeKernel{kind: b.Node.Attrs.Merge, n: ir.NumElements(b.InShapes[0])}
	var f int
	switch k.kind {
	case ir.MergeMul:
		bitsW := 0
		for _, t := range b.InTypes {
			f += t.FracBits()
			bitsW += t.Width()
		}
		if bitsW > 62 {
			return nil, fmt.Errorf("product of %d bits too wide for the int64 path", bitsW)
		}
		k.up = make([]uint, len(b.InTypes))
	default:
		f = b.InTypes[0].FracBits()
		for _, t := range b.InTypes {
			f = max(f, t.FracBits())
		}
		for _, t := range b.InTypes {
			if t.Width()+f-t.FracBits()+len(b.InTypes) > 61 {
				return nil, fmt.Errorf("input %v too wide for the int64 path", t)
			}
			k.up = append(k.up, uint(f-t.FracBits()))
		}
		if k.kind == ir.MergeAvg {
			f++ // (a + b) * 0.5: the same raw sum with one more fractional bit
		}
	}
	var err error
	if k.res, err = fixed.NewCast64(f, b.Result()); err != nil {
		return nil, err
	}
	k.lsb = math.Ldexp(1, -f)
	return k, nil
}

func (k *mergeKernel) Scratch() int { return 0 }

func (k *mergeKernel) Run(in [][]int64, out []int64, _ []int64, t *Tally) {
	for i := range k.n {
		v := in[0][i] << k.up[0]
		for j := 1; j < len(in); j++ {
			w := in[j][i] << k.up[j]
			v = combine(k.kind, v, w)
		}
		r, fl := k.res.Apply(v)
		out[i] = r
		if t != nil {
			t[SlotResult].Observe(float64(v) * k.lsb)
			if fl != 0 {
				countFlags(&t[SlotResult], fl)
			}
		}
	}
	if t != nil {
		t[SlotResult].Casts += int64(k.n)
	}
}

// combine applies one merge step; the raw and the float kernels share it.
// MergeAvg adds here; each kernel halves the sum once, after the last input.
func combine[T int64 | float64](kind ir.MergeKind, v, w T) T {
	switch kind {
	case ir.MergeAdd, ir.MergeAvg:
		return v + w
	case ir.MergeSub:
		return v - w
	case ir.MergeMul:
		return v * w
	case ir.MergeMax:
		return max(v, w)
	case ir.MergeMin:
		return min(v, w)
	}
	return v
}

// mergeFloat is the float64 forward pass.
type mergeFloat struct {
	kind ir.MergeKind
	n    int
}

func buildMergeFloat(n *ir.Node, inShapes [][]int) (FloatKernel, error) {
	if err := checkMerge(n, inShapes); err != nil {
		return nil, err
	}
	return &mergeFloat{kind: n.Attrs.Merge, n: ir.NumElements(inShapes[0])}, nil
}

func (f *mergeFloat) Run(in [][]float64, out []float64) {
	for i := range f.n {
		v := in[0][i]
		for j := 1; j < len(in); j++ {
			w := in[j][i]
			v = combine(f.kind, v, w)
		}
		if f.kind == ir.MergeAvg {
			v *= 0.5
		}
		out[i] = v
	}
}

func dotDef() *Def {
	return &Def{
		Op:     ir.OpDot,
		Class:  func(*ir.Node) string { return "Dot" },
		Vars:   func(*ir.Node) []string { return []string{VarAccum} },
		Kernel: buildDot,
		Float:  buildDotFloat,
	}
}

func dotLen(inShapes [][]int) (int, error) {
	if len(inShapes) != 2 || len(inShapes[0]) != 1 || !slices.Equal(inShapes[0], inShapes[1]) {
		return 0, fmt.Errorf("dot needs two vectors of one length, have %v", inShapes)
	}
	return inShapes[0][0], nil
}

// dotKernel is hls4ml's dot1d: each product converted to accum_t, summed,
// converted to result_t — the dense arithmetic with one output.
type dotKernel struct {
	m *macUnit
	n int
}

func buildDot(b *Build) (Kernel, error) {
	n, err := dotLen(b.InShapes)
	if err != nil {
		return nil, err
	}
	m, err := newMAC(1, nil, macTypes{
		in: b.InTypes[0], weight: b.InTypes[1], accum: b.Types[VarAccum], result: b.Result(), nTerms: n,
	})
	if err != nil {
		return nil, err
	}
	return &dotKernel{m: m, n: n}, nil
}

func (k *dotKernel) Scratch() int { return 1 }

func (k *dotKernel) Run(in [][]int64, out []int64, scratch []int64, t *Tally) {
	acc := scratch[:1]
	k.m.begin(acc, 0)
	a, b := in[0], in[1]
	for i := range k.n {
		if a[i] != 0 {
			k.m.add(acc, a[i], b[i:i+1], t)
		}
	}
	k.m.finish(acc, out[:1], t)
	k.m.countSample(t, k.n, 0)
}

type dotFloat struct{ n int }

func buildDotFloat(_ *ir.Node, inShapes [][]int) (FloatKernel, error) {
	n, err := dotLen(inShapes)
	if err != nil {
		return nil, err
	}
	return &dotFloat{n: n}, nil
}

func (f *dotFloat) Run(in [][]float64, out []float64) {
	var s float64
	for i := range f.n {
		s += in[0][i] * in[1][i]
	}
	out[0] = s
}
