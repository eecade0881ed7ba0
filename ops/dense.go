// This file implements OpDense: y = x·kernel + bias over the last axis, with
// hls4ml's accumulator arithmetic (mac.go).

package ops

import (
	"fmt"

	"github.com/nnhls/nnhls/fixed"
	"github.com/nnhls/nnhls/ir"
)

func denseDef() *Def {
	return &Def{
		Op:     ir.OpDense,
		Class:  func(*ir.Node) string { return "Dense" },
		Vars:   func(*ir.Node) []string { return []string{VarAccum, VarWeight, VarBias} },
		Kernel: buildDense,
		Float:  buildDenseFloat,
	}
}

// denseGeometry checks the kernel against the input and returns the input
// width, the output width and the number of positions (a Dense on [T, C]
// applies to each of the T rows, as hls4ml's 1x1 convolution does).
func denseGeometry(n *ir.Node, inShapes [][]int) (nIn, nOut, nPos int, err error) {
	if len(inShapes) != 1 || len(inShapes[0]) == 0 {
		return 0, 0, 0, fmt.Errorf("dense needs one input")
	}
	k := n.Weight("kernel")
	if k == nil || len(k.Shape) != 2 {
		return 0, 0, 0, fmt.Errorf("dense needs a 2-D kernel")
	}
	in := inShapes[0]
	nIn, nOut = k.Shape[0], k.Shape[1]
	if in[len(in)-1] != nIn {
		return 0, 0, 0, fmt.Errorf("kernel %v does not fit input %v", k.Shape, in)
	}
	if b := n.Weight("bias"); b != nil && b.Len() != nOut {
		return 0, 0, 0, fmt.Errorf("bias has %d values for %d units", b.Len(), nOut)
	}
	return nIn, nOut, ir.NumElements(in) / nIn, nil
}

// denseKernel holds the weights as raw weight_t values in Keras's [in][out]
// order, so that one input's products with every output are contiguous.
type denseKernel struct {
	m               *macUnit
	nIn, nOut, nPos int
	w               []int64
	// wT is w transposed, for layers with fewer than narrowOut outputs.
	wT []int64
}

func buildDense(b *Build) (Kernel, error) {
	n := b.Node
	nIn, nOut, nPos, err := denseGeometry(n, b.InShapes)
	if err != nil {
		return nil, err
	}
	w, bias, err := rawWeightsBias(n, b.Types)
	if err != nil {
		return nil, err
	}
	m, err := newMAC(nOut, bias, macTypes{
		in: b.InTypes[0], weight: weightType(n, b.Types[VarWeight]), bias: b.Types[VarBias],
		accum: b.Types[VarAccum], result: b.Result(), nTerms: nIn,
	})
	if err != nil {
		return nil, err
	}
	k := &denseKernel{m: m, nIn: nIn, nOut: nOut, nPos: nPos, w: w}
	if nOut < narrowOut {
		k.wT = transpose(w, nIn, nOut)
	}
	return k, nil
}

// Scratch holds the accumulators, then the nonzero inputs and the offsets
// of their weight rows.
func (k *denseKernel) Scratch() int { return k.nOut + 2*k.nIn }

func (k *denseKernel) Run(in [][]int64, out []int64, scratch []int64, t *Tally) {
	x, acc := in[0], scratch[:k.nOut]
	vals := scratch[k.nOut : k.nOut+k.nIn]
	rows := scratch[k.nOut+k.nIn : k.nOut+2*k.nIn]
	for p := range k.nPos {
		k.m.begin(acc, 0)
		if k.wT != nil {
			k.m.dot(acc, x[p*k.nIn:(p+1)*k.nIn], k.wT, t)
			k.m.finish(acc, out[p*k.nOut:(p+1)*k.nOut], t)
			continue
		}
		nz := 0
		for i, xi := range x[p*k.nIn : (p+1)*k.nIn] {
			// Branch-free: the pattern of zeros after a relu is
			// random, and a mispredicted branch costs more than the
			// two stores.
			vals[nz], rows[nz] = xi, int64(i*k.nOut)
			nz += int(uint64(xi|-xi) >> 63)
		}
		k.m.accumulate(acc, vals[:nz], rows[:nz], k.w, t)
		k.m.finish(acc, out[p*k.nOut:(p+1)*k.nOut], t)
	}
	k.m.countSample(t, k.nPos*k.nIn*k.nOut, k.nPos)
}

// denseFloat is the float64 forward pass.
type denseFloat struct {
	nIn, nOut, nPos int
	w, b            []float64
}

func buildDenseFloat(n *ir.Node, inShapes [][]int) (FloatKernel, error) {
	nIn, nOut, nPos, err := denseGeometry(n, inShapes)
	if err != nil {
		return nil, err
	}
	w, b, err := floatWeightsBias(n)
	if err != nil {
		return nil, err
	}
	return &denseFloat{nIn: nIn, nOut: nOut, nPos: nPos, w: w, b: b}, nil
}

func (f *denseFloat) Run(in [][]float64, out []float64) {
	x := in[0]
	for p := range f.nPos {
		y := out[p*f.nOut : (p+1)*f.nOut]
		if f.b != nil {
			copy(y, f.b)
		} else {
			clear(y)
		}
		for i, xi := range x[p*f.nIn : (p+1)*f.nIn] {
			row := f.w[i*f.nOut : (i+1)*f.nOut]
			for j, w := range row {
				y[j] += xi * w
			}
		}
	}
}

// rawWeightsBias converts a node's "kernel" and "bias", after their
// quantizers, into weight_t and bias_t as hls4ml stores them (weights.go).
// A missing bias gives nil.
func rawWeightsBias(n *ir.Node, types map[string]fixed.Type) (w, bias []int64, err error) {
	kd, err := quantizedWeights(n, "kernel")
	if err != nil {
		return nil, nil, err
	}
	if kd == nil {
		return nil, nil, fmt.Errorf("no kernel")
	}
	if w, _, err = weightsRaw(kd, weightType(n, types[VarWeight]), "weight"); err != nil {
		return nil, nil, err
	}
	bd, err := quantizedWeights(n, "bias")
	if err != nil {
		return nil, nil, err
	}
	if bd != nil {
		if bias, _, err = weightsRaw(bd, types[VarBias], "bias"); err != nil {
			return nil, nil, err
		}
	}
	return w, bias, nil
}

// floatWeightsBias returns a node's "kernel" and "bias" for the float64
// forward pass: as trained, except through binary and ternary quantizers
// (see quantFloat).
func floatWeightsBias(n *ir.Node) (w, bias []float64, err error) {
	get := func(role string) ([]float64, error) {
		if keptInFloat(n.Quantizer(role)) {
			return quantizedWeights(n, role)
		}
		if t := n.Weight(role); t != nil {
			return t.Data, nil
		}
		return nil, nil
	}
	if w, err = get("kernel"); err != nil {
		return nil, nil, err
	}
	if w == nil {
		return nil, nil, fmt.Errorf("no kernel")
	}
	if bias, err = get("bias"); err != nil {
		return nil, nil, err
	}
	return w, bias, nil
}

// int2 holds binary weights, see weightType.
var int2 = fixed.Int(2, true)

// weightType is the type the kernel computes weights in. hls4ml gives
// binary-quantized weights its XnorPrecisionType, which configurations
// spell "uint<1>": bit 1 is +1 and bit 0 is -1, and products with a binary
// input are XNORs whose count c gives 2c - n (nnet_mult.h). The emulator
// holds the ±1 values themselves, in ap_int<2>, which gives the same sums.
func weightType(n *ir.Node, t fixed.Type) fixed.Type {
	q := n.Quantizer("kernel")
	if q != nil && keptInFloat(q) && !t.Signed() && t.Width() == 1 {
		return int2
	}
	return t
}
