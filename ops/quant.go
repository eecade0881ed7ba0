// This file implements OpQuant, a training-side quantizer applied to
// activations (QKeras QActivation, an HGQ or QONNX quantizer), and the
// quantization of weights by their layer's weight quantizers.

package ops

import (
	"fmt"
	"math"

	"github.com/nnhls/nnhls/ir"
	"github.com/nnhls/nnhls/quant"
)

// hls4ml turns a QActivation into an activation layer whose result type
// is the quantizer's type (numerics.md §3): quantized_bits is a linear
// activation, quantized_relu a relu (leaky with a negative slope),
// quantized_tanh and quantized_sigmoid the hard functions with QKeras's
// slope 0.5, binary and ternary the binary/ternary tanh. The rounding and
// saturation of the quantizer are then the result type's modes. Which type
// that is, is the type pass's decision; this kernel only applies the
// function and converts.

func quantDef() *Def {
	return &Def{
		Op:     ir.OpQuant,
		Class:  func(*ir.Node) string { return "Activation" },
		Vars:   func(*ir.Node) []string { return nil },
		Kernel: buildQuant,
		Float:  buildQuantFloat,
	}
}

// quantActivation returns the activation hls4ml uses for a quantizer.
func quantActivation(q *quant.Spec) (ActKind, error) {
	if q == nil {
		return ActLinear, nil
	}
	switch q.Kind {
	case quant.QuantizedBits, quant.FixedPoint:
		return ActLinear, nil
	case quant.QuantizedRelu:
		if q.NegativeSlope != 0 {
			return 0, fmt.Errorf("quantized_relu with a negative slope is not supported by the emulator yet")
		}
		return ActRelu, nil
	case quant.Binary, quant.StochasticBinary, quant.BinaryTanh:
		return ActBinaryTanh, nil
	}
	return 0, fmt.Errorf("quantizer %s is not supported by the emulator yet", q.Kind)
}

func buildQuant(b *Build) (Kernel, error) {
	n := b.Node
	if len(b.InTypes) != 1 || ir.NumElements(b.InShapes[0]) != ir.NumElements(n.Shape) {
		return nil, fmt.Errorf("a quantizer takes one input of its own size")
	}
	if h := n.HW.Quant["activation"]; h != nil {
		// A pass chose the quantizer's exact hardware form (quant_hw.go).
		return NewQuantHW(h, n.Shape, b.InTypes[0], b.Result())
	}
	kind, err := quantActivation(n.Quantizer("activation"))
	if err != nil {
		return nil, err
	}
	return NewActivation(ActSpec{Kind: kind, In: b.InTypes[0], Result: b.Result()})
}

// quantFloat is the float64 forward pass of a quantizer: the trained
// network without its quantizers (float_out of the reference models), so
// quantized_relu is a relu, quantized_tanh and quantized_sigmoid the real
// functions, quantized_bits the identity. Binary and ternary quantizers
// stay: they are the arithmetic of binary networks (BinaryDense,
// binary_tanh), whose float output without them means nothing.
type quantFloat struct {
	q     *quant.Spec
	shape []int
}

func buildQuantFloat(n *ir.Node, inShapes [][]int) (FloatKernel, error) {
	if len(inShapes) != 1 || ir.NumElements(inShapes[0]) != ir.NumElements(n.Shape) {
		return nil, fmt.Errorf("a quantizer takes one input of its own size")
	}
	return &quantFloat{q: n.Quantizer("activation"), shape: n.Shape}, nil
}

// keptInFloat reports whether the float forward pass applies q.
func keptInFloat(q *quant.Spec) bool {
	if q == nil {
		return false
	}
	switch q.Kind {
	case quant.Binary, quant.StochasticBinary, quant.BinaryTanh, quant.Ternary, quant.StochasticTernary:
		return true
	}
	return false
}

func (f *quantFloat) Run(in [][]float64, out []float64) {
	x := in[0][:len(out)]
	switch {
	case f.q == nil:
		copy(out, x)
	case keptInFloat(f.q):
		y, _, err := f.q.Apply(x, f.shape)
		if err != nil {
			// Build-time checks leave only malformed specs here; NaN
			// marks the values as undefined rather than inventing some.
			for i := range out {
				out[i] = math.NaN()
			}
			return
		}
		copy(out, y)
	case f.q.Kind == quant.QuantizedRelu:
		for i, v := range x {
			out[i] = max(v, 0)
		}
	case f.q.Kind == quant.QuantizedTanh:
		for i, v := range x {
			out[i] = math.Tanh(v)
		}
	case f.q.Kind == quant.QuantizedSigmoid:
		for i, v := range x {
			out[i] = 1 / (1 + math.Exp(-v))
		}
	default:
		copy(out, x)
	}
}

// quantizedWeights returns the values of weight role of n after the
// layer's quantizer for that role, as hls4ml stores them (it applies the
// QKeras quantizer at conversion). A quantizer with a scale other than 1
// (alpha 'auto', 'auto_po2') needs hls4ml's alpha factorization, which is a
// pass nnhls does not have yet.
func quantizedWeights(n *ir.Node, role string) ([]float64, error) {
	w := n.Weight(role)
	if w == nil {
		return nil, nil
	}
	q := n.Quantizer(role)
	if q == nil {
		return w.Data, nil
	}
	y, scale, err := q.Apply(w.Data, w.Shape)
	if err != nil {
		return nil, fmt.Errorf("%s quantizer: %w", role, err)
	}
	for _, s := range scale {
		if s != 1 {
			return nil, fmt.Errorf("%s quantizer %v has scales other than 1 (alpha factorization is not supported yet)", role, q.Kind)
		}
	}
	return y, nil
}
