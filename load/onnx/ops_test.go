// This file tests each op on a model built in Go, with outputs worked out
// by hand (in the ONNX layout, NCHW, as the loader returns graph outputs).

package onnx

import (
	"math"
	"testing"
)

// opCase is one single-input model: x (ONNX shape without batch), the
// nodes from "x" to "y", the initializers, and the expected y.
type opCase struct {
	name  string
	dims  []int64
	x     []float64
	nodes [][]byte
	inits [][]byte
	opset int64
	want  []float64
}

func (c opCase) model() []byte {
	g := &testGraph{opset: c.opset}
	g.inputs = [][]byte{vi("x", append([]int64{-1}, c.dims...)...)}
	g.outputs = [][]byte{vi("y")}
	g.nodes, g.inits = c.nodes, c.inits
	return g.bytes()
}

func n1(op string, ins []string, attrs ...at) []byte {
	return nd(op, "", op+"_node", ins, []string{"y"}, attrs...)
}

func seq(n int) []float64 {
	s := make([]float64, n)
	for i := range s {
		s[i] = float64(i + 1)
	}
	return s
}

func TestOps(t *testing.T) {
	v4 := []float64{-2, -0.5, 0, 3}
	x3 := []float64{1, 2, 3}
	// An NCHW [2, 2, 2] tensor: channel 0 is [[1 2] [3 4]], channel 1 [[5 6] [7 8]].
	chw := []int64{2, 2, 2}
	e := math.Exp
	tests := []opCase{
		// Activations.
		{name: "Relu", dims: []int64{4}, x: v4, nodes: [][]byte{n1("Relu", []string{"x"})}, want: []float64{0, 0, 0, 3}},
		{name: "LeakyRelu", dims: []int64{4}, x: v4, nodes: [][]byte{n1("LeakyRelu", []string{"x"}, aFloat("alpha", 0.25))},
			want: []float64{-0.5, -0.125, 0, 3}},
		{name: "Elu", dims: []int64{4}, x: v4, nodes: [][]byte{n1("Elu", []string{"x"})}, want: []float64{e(-2) - 1, e(-0.5) - 1, 0, 3}},
		{name: "ThresholdedRelu", dims: []int64{4}, x: v4, nodes: [][]byte{n1("ThresholdedRelu", []string{"x"}, aFloat("alpha", 2))},
			want: []float64{0, 0, 0, 3}},
		{name: "HardSigmoid", dims: []int64{4}, x: v4, nodes: [][]byte{n1("HardSigmoid", []string{"x"})}, want: []float64{0.1, 0.4, 0.5, 1}},
		{name: "Softsign", dims: []int64{4}, x: v4, nodes: [][]byte{n1("Softsign", []string{"x"})}, want: []float64{-2.0 / 3, -0.5 / 1.5, 0, 0.75}},
		{name: "Sigmoid", dims: []int64{4}, x: v4, nodes: [][]byte{n1("Sigmoid", []string{"x"})},
			want: []float64{1 / (1 + e(2)), 1 / (1 + e(0.5)), 0.5, 1 / (1 + e(-3))}},
		{name: "Tanh", dims: []int64{4}, x: v4, nodes: [][]byte{n1("Tanh", []string{"x"})},
			want: []float64{math.Tanh(-2), math.Tanh(-0.5), 0, math.Tanh(3)}},
		{name: "Softplus", dims: []int64{4}, x: v4, nodes: [][]byte{n1("Softplus", []string{"x"})},
			want: []float64{math.Log(1 + e(-2)), math.Log(1 + e(-0.5)), math.Log(2), math.Log(1 + e(3))}},
		{name: "Selu", dims: []int64{4}, x: v4, nodes: [][]byte{n1("Selu", []string{"x"})},
			want: []float64{seluGamma * seluAlpha * (e(-2) - 1), seluGamma * seluAlpha * (e(-0.5) - 1), 0, seluGamma * 3}},
		{name: "Clip ReLU6", dims: []int64{4}, x: []float64{-2, 3, 6, 7}, nodes: [][]byte{n1("Clip", []string{"x", "lo", "hi"})},
			inits: [][]byte{tFloat("lo", nil, 0), tFloat("hi", nil, 6)}, want: []float64{0, 3, 6, 6}},
		{name: "Clip opset 6 attributes", dims: []int64{4}, x: []float64{-2, 0.5, 1, 7}, opset: 9,
			nodes: [][]byte{n1("Clip", []string{"x"}, aFloat("min", -1), aFloat("max", 1))}, want: []float64{-1, 0.5, 1, 1}},
		{name: "PRelu", dims: []int64{4}, x: v4, nodes: [][]byte{n1("PRelu", []string{"x", "s"})},
			inits: [][]byte{tFloat("s", []int64{4}, 0.25, 0.5, 0.75, 1)}, want: []float64{-0.5, -0.25, 0, 3}},
		{name: "Softmax", dims: []int64{2}, x: []float64{0, math.Log(3)}, nodes: [][]byte{n1("Softmax", []string{"x"})}, want: []float64{0.25, 0.75}},
		{name: "Identity Dropout", dims: []int64{3}, x: x3, nodes: [][]byte{nd("Identity", "", "i", []string{"x"}, []string{"a"}),
			nd("Dropout", "", "d", []string{"a"}, []string{"b"}, aFloat("ratio", 0.5)), n1("Relu", []string{"b"})}, want: x3},

		// Arithmetic with constants (one per channel, or a scalar).
		{name: "Add const", dims: []int64{3}, x: x3, nodes: [][]byte{n1("Add", []string{"x", "c"})},
			inits: [][]byte{tFloat("c", []int64{3}, 1, 10, 100)}, want: []float64{2, 12, 103}},
		{name: "Sub const", dims: []int64{3}, x: x3, nodes: [][]byte{n1("Sub", []string{"x", "c"})},
			inits: [][]byte{tFloat("c", nil, 1)}, want: []float64{0, 1, 2}},
		{name: "const Sub", dims: []int64{3}, x: x3, nodes: [][]byte{n1("Sub", []string{"c", "x"})},
			inits: [][]byte{tFloat("c", nil, 1)}, want: []float64{0, -1, -2}},
		{name: "Mul const", dims: []int64{3}, x: x3, nodes: [][]byte{n1("Mul", []string{"c", "x"})},
			inits: [][]byte{tFloat("c", []int64{1, 3}, 2, 3, 4)}, want: []float64{2, 6, 12}},
		{name: "Div const", dims: []int64{3}, x: x3, nodes: [][]byte{n1("Div", []string{"x", "c"})},
			inits: [][]byte{tFloat("c", nil, 4)}, want: []float64{0.25, 0.5, 0.75}},
		{name: "Max zero", dims: []int64{4}, x: v4, nodes: [][]byte{n1("Max", []string{"x", "c"})},
			inits: [][]byte{tFloat("c", nil, 0)}, want: []float64{0, 0, 0, 3}},
		{name: "Constant node", dims: []int64{3}, x: x3, nodes: [][]byte{
			nd("Constant", "", "k", nil, []string{"c"}, at(msg(str(varint(nil, 20, attrTensor), 1, "value"), 5, tFloat("", []int64{3}, 1, 1, 1)))),
			n1("Add", []string{"x", "c"})}, want: []float64{2, 3, 4}},

		// Between tensors.
		{name: "Add tensors", dims: []int64{4}, x: v4, nodes: [][]byte{nd("Relu", "", "r", []string{"x"}, []string{"r"}), n1("Add", []string{"x", "r"})},
			want: []float64{-2, -0.5, 0, 6}},
		{name: "Sum three", dims: []int64{3}, x: x3, nodes: [][]byte{n1("Sum", []string{"x", "x", "x"})}, want: []float64{3, 6, 9}},
		{name: "Min tensors", dims: []int64{4}, x: v4, nodes: [][]byte{nd("Relu", "", "r", []string{"x"}, []string{"r"}), n1("Min", []string{"x", "r"})},
			want: []float64{-2, -0.5, 0, 3}},
		{name: "Mul tensors", dims: []int64{3}, x: x3, nodes: [][]byte{n1("Mul", []string{"x", "x"})}, want: []float64{1, 4, 9}},
		{name: "Concat channels", dims: chw, x: seq(8), nodes: [][]byte{nd("Relu", "", "r", []string{"x"}, []string{"r"}),
			nd("Conv", "", "c", []string{"r", "w"}, []string{"c"}), n1("Concat", []string{"x", "c"}, aInt("axis", 1))},
			inits: [][]byte{tFloat("w", []int64{1, 2, 1, 1}, 1, 1)}, // 1x1 conv: channel sum
			want:  append(seq(8), 6, 8, 10, 12)},

		// Dense.
		{name: "Gemm alpha beta transB", dims: []int64{2}, x: []float64{1, 2}, nodes: [][]byte{n1("Gemm", []string{"x", "b", "c"},
			aFloat("alpha", 2), aFloat("beta", 0.5), aInt("transB", 1))},
			inits: [][]byte{tFloat("b", []int64{3, 2}, 1, 0, 0, 1, 1, 1), tFloat("c", []int64{3}, 1, 1, 1)}, want: []float64{2.5, 4.5, 6.5}},
		{name: "MatMul Add", dims: []int64{2}, x: []float64{1, 2}, nodes: [][]byte{nd("MatMul", "", "m", []string{"x", "w"}, []string{"h"}),
			n1("Add", []string{"h", "b"})},
			inits: [][]byte{tFloat("w", []int64{2, 2}, 1, 2, 3, 4), tFloat("b", []int64{2}, 0.5, -0.5)}, want: []float64{7.5, 9.5}},

		// Convolutions. x [1, 3, 3] = 1..9, W [[1 2] [3 4]].
		{name: "Conv valid bias", dims: []int64{1, 3, 3}, x: seq(9), nodes: [][]byte{n1("Conv", []string{"x", "w", "b"})},
			inits: [][]byte{tFloat("w", []int64{1, 1, 2, 2}, 1, 2, 3, 4), tFloat("b", []int64{1}, 1)}, want: []float64{38, 48, 68, 78}},
		// Stride 2 with pads 1 on each side (not Keras "same": an explicit pad).
		{name: "Conv stride pads", dims: []int64{1, 3, 3}, x: seq(9), nodes: [][]byte{n1("Conv", []string{"x", "w"},
			aInts("strides", 2, 2), aInts("pads", 1, 1, 1, 1))},
			inits: [][]byte{tFloat("w", []int64{1, 1, 2, 2}, 1, 2, 3, 4)}, want: []float64{4, 18, 36, 77}},
		{name: "Conv dilation", dims: []int64{1, 3, 3}, x: seq(9), nodes: [][]byte{n1("Conv", []string{"x", "w"}, aInts("dilations", 2, 2))},
			inits: [][]byte{tFloat("w", []int64{1, 1, 2, 2}, 1, 2, 3, 4)}, want: []float64{64}},
		// SAME_UPPER 2x2 stride 1 on 3x3: one pad after; out[0][2] = 3·1 + 6·3.
		{name: "Conv auto_pad", dims: []int64{1, 3, 3}, x: seq(9), nodes: [][]byte{n1("Conv", []string{"x", "w"}, aStr("auto_pad", "SAME_UPPER"))},
			inits: [][]byte{tFloat("w", []int64{1, 1, 2, 2}, 1, 2, 3, 4)}, want: []float64{37, 47, 21, 67, 77, 33, 23, 26, 9}},
		{name: "Conv depthwise", dims: chw, x: seq(8), nodes: [][]byte{n1("Conv", []string{"x", "w"}, aInt("group", 2))},
			inits: [][]byte{tFloat("w", []int64{2, 1, 1, 1}, 2, 3)}, want: []float64{2, 4, 6, 8, 15, 18, 21, 24}},
		{name: "Conv 1D", dims: []int64{1, 4}, x: seq(4), nodes: [][]byte{n1("Conv", []string{"x", "w"})},
			inits: [][]byte{tFloat("w", []int64{2, 1, 2}, 1, -1, 1, 1)}, want: []float64{-1, -1, -1, 3, 5, 7}},
		{name: "BatchNormalization", dims: chw, x: seq(8), nodes: [][]byte{n1("BatchNormalization", []string{"x", "g", "b", "m", "v"}, aFloat("epsilon", 1))},
			inits: [][]byte{tFloat("g", []int64{2}, 2, 3), tFloat("b", []int64{2}, 0, 1), tFloat("m", []int64{2}, 1, 0), tFloat("v", []int64{2}, 3, 0)},
			want:  []float64{0, 1, 2, 3, 16, 19, 22, 25}},

		// Pools.
		{name: "GlobalAveragePool", dims: chw, x: seq(8), nodes: [][]byte{nd("GlobalAveragePool", "", "g", []string{"x"}, []string{"g"}),
			n1("Flatten", []string{"g"})}, want: []float64{2.5, 6.5}},
		{name: "GlobalMaxPool", dims: chw, x: seq(8), nodes: [][]byte{n1("GlobalMaxPool", []string{"x"})}, want: []float64{4, 8}},
		// Pads 1 all round, 2x2 stride 2: each window sees one value; with
		// count_include_pad it is divided by 4.
		{name: "AveragePool count_include_pad", dims: chw, x: seq(8), nodes: [][]byte{n1("AveragePool", []string{"x"},
			aInts("kernel_shape", 2, 2), aInts("strides", 2, 2), aInts("pads", 1, 1, 1, 1), aInt("count_include_pad", 1))},
			want: []float64{0.25, 0.5, 0.75, 1, 1.25, 1.5, 1.75, 2}},
		{name: "AveragePool", dims: chw, x: seq(8), nodes: [][]byte{n1("AveragePool", []string{"x"}, aInts("kernel_shape", 2, 1))},
			want: []float64{2, 3, 6, 7}},
		// SAME_UPPER 2x2 stride 1 on [[4 1] [2 3]]: padding is never the max.
		{name: "MaxPool same", dims: []int64{1, 2, 2}, x: []float64{4, 1, 2, 3}, nodes: [][]byte{n1("MaxPool", []string{"x"},
			aInts("kernel_shape", 2, 2), aStr("auto_pad", "SAME_UPPER"))}, want: []float64{4, 3, 3, 3}},

		// Moving values.
		{name: "Flatten NCHW", dims: chw, x: seq(8), nodes: [][]byte{nd("Relu", "", "r", []string{"x"}, []string{"r"}),
			nd("Conv", "", "c", []string{"r", "w"}, []string{"c"}), n1("Flatten", []string{"c"})},
			inits: [][]byte{tFloat("w", []int64{2, 2, 1, 1}, 1, 0, 0, 1)}, want: seq(8)},
		{name: "Transpose NHWC Flatten", dims: chw, x: seq(8), nodes: [][]byte{nd("Transpose", "", "t", []string{"x"}, []string{"t"},
			aInts("perm", 0, 2, 3, 1)), n1("Flatten", []string{"t"})}, want: []float64{1, 5, 2, 6, 3, 7, 4, 8}},
		{name: "Squeeze Unsqueeze", dims: []int64{3}, x: x3, nodes: [][]byte{nd("Unsqueeze", "", "u", []string{"x", "ax"}, []string{"u"}),
			n1("Squeeze", []string{"u", "ax"})}, inits: [][]byte{tInt("ax", dtInt64, []int64{1}, 2)}, want: x3},
		{name: "Reshape from Shape", dims: chw, x: seq(8), nodes: [][]byte{
			nd("Shape", "", "s", []string{"x"}, []string{"s"}),
			nd("Gather", "", "g", []string{"s", "i0"}, []string{"n"}),
			nd("Unsqueeze", "", "u", []string{"n", "ax0"}, []string{"nu"}),
			nd("Concat", "", "cc", []string{"nu", "m1"}, []string{"shape"}, aInt("axis", 0)),
			nd("Transpose", "", "t", []string{"x"}, []string{"t"}, aInts("perm", 0, 2, 3, 1)),
			n1("Reshape", []string{"t", "shape"})},
			inits: [][]byte{tInt("i0", dtInt64, nil, 0), tInt("ax0", dtInt64, []int64{1}, 0), tInt("m1", dtInt64, []int64{1}, -1)},
			want:  []float64{1, 5, 2, 6, 3, 7, 4, 8}},
		{name: "Pad", dims: []int64{1, 2, 2}, x: seq(4), nodes: [][]byte{n1("Pad", []string{"x", "p"})},
			inits: [][]byte{tInt("p", dtInt64, []int64{8}, 0, 0, 1, 0, 0, 0, 0, 1)}, want: []float64{0, 0, 0, 1, 2, 0, 3, 4, 0}},
		{name: "Resize nearest", dims: []int64{1, 2, 2}, x: seq(4), nodes: [][]byte{n1("Resize", []string{"x", "", "sc"},
			aStr("coordinate_transformation_mode", "asymmetric"), aStr("nearest_mode", "floor"))},
			inits: [][]byte{tFloat("sc", []int64{4}, 1, 1, 2, 2)}, want: []float64{1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4}},
		{name: "Upsample", dims: []int64{1, 2}, x: []float64{1, 2}, opset: 9, nodes: [][]byte{n1("Upsample", []string{"x", "sc"})},
			inits: [][]byte{tFloat("sc", []int64{3}, 1, 1, 3)}, want: []float64{1, 1, 1, 2, 2, 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			y, g := runOne(t, tt.model(), tt.x)
			if len(y) != len(tt.want) {
				t.Fatalf("got %v, want %v (graph %s)", y, tt.want, opList(g))
			}
			for i := range y {
				if math.Abs(y[i]-tt.want[i]) > 1e-12*math.Max(1, math.Abs(tt.want[i])) {
					t.Fatalf("got %v, want %v (graph %s)", y, tt.want, opList(g))
				}
			}
		})
	}
}
