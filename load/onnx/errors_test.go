// This file tests the loader's errors: unsupported ops and attributes
// name the node, and hostile files (truncated, cyclic, absurd sizes) fail
// cleanly; FuzzLoad mutates a real model's bytes.

package onnx

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nnhls/nnhls/ir"
)

// mlp is x[N,2] -> MatMul(W[2,3]) -> y, with extra nodes appended.
func mlp(extra ...[]byte) *testGraph {
	g := &testGraph{}
	g.inputs = [][]byte{vi("x", -1, 2)}
	g.outputs = [][]byte{vi("y", -1, 3)}
	g.inits = [][]byte{tFloat("w", []int64{2, 3}, 1, 2, 3, 4, 5, 6)}
	g.nodes = append([][]byte{nd("MatMul", "", "mm", []string{"x", "w"}, []string{"h"})}, extra...)
	return g
}

func TestErrors(t *testing.T) {
	conv := func(attrs ...at) *testGraph {
		g := &testGraph{}
		g.inputs = [][]byte{vi("x", -1, 1, 4, 4)}
		g.outputs = [][]byte{vi("y", -1, 2, 2, 2)}
		g.inits = [][]byte{tFloat("w", []int64{2, 1, 3, 3}, make([]float64, 18)...)}
		g.nodes = [][]byte{nd("Conv", "", "c1", []string{"x", "w"}, []string{"y"}, attrs...)}
		return g
	}
	tests := []struct {
		name string
		data []byte
		want []string
	}{
		{"unknown op", mlp(nd("FancyOp", "", "f", []string{"h"}, []string{"y"})).bytes(),
			[]string{`node 1 "f" (FancyOp)`, "op FancyOp is not supported"}},
		{"out of scope op", mlp(nd("LSTM", "", "l", []string{"h"}, []string{"y"})).bytes(),
			[]string{`node 1 "l" (LSTM)`, "recurrent layers are out of scope"}},
		{"unknown attribute", conv(aInts("kernel_shape", 3, 3), aInt("frobnicate", 1)).bytes(),
			[]string{`node 0 "c1" (Conv)`, `attribute "frobnicate" is not supported`}},
		{"bad group", conv(aInt("group", 2)).bytes(),
			[]string{`node 0 "c1" (Conv)`, "group=2"}},
		{"gemm transA", func() []byte {
			g := mlp()
			g.nodes = [][]byte{nd("Gemm", "", "g", []string{"x", "w"}, []string{"y"}, aInt("transA", 1))}
			return g.bytes()
		}(), []string{`node 0 "g" (Gemm)`, "transA=1"}},
		{"runtime weight", func() []byte {
			g := mlp()
			g.nodes = [][]byte{nd("MatMul", "", "mm", []string{"x", "x"}, []string{"y"})}
			return g.bytes()
		}(), []string{`node 0 "mm" (MatMul)`, "must be a constant"}},
		{"missing input", mlp(nd("Relu", "", "r", []string{"nope"}, []string{"y"})).bytes(),
			[]string{`node 1 "r" (Relu)`, `input "nope"`}},
		{"cycle", func() []byte {
			g := mlp()
			g.nodes = [][]byte{
				nd("Relu", "", "a", []string{"b"}, []string{"a"}),
				nd("Relu", "", "b", []string{"a"}, []string{"b"}),
				nd("MatMul", "", "mm", []string{"x", "w"}, []string{"y"}),
			}
			return g.bytes()
		}(), []string{"cycle"}},
		{"qcdq without dequantize", func() []byte {
			g := mlp()
			g.inits = append(g.inits, tFloat("s", nil, 0.5), tInt("z", dtInt8, nil, 0))
			g.nodes = append(g.nodes, nd("QuantizeLinear", "", "ql", []string{"h", "s", "z"}, []string{"q"}),
				nd("Relu", "", "r", []string{"q"}, []string{"y"}))
			return g.bytes()
		}(), []string{`node 2 "r" (Relu)`, "QuantizeLinear codes"}},
		{"trunc v2", func() []byte {
			g := mlp()
			g.inits = append(g.inits, tFloat("s", nil, 0.5), tFloat("z", nil, 0), tFloat("b", nil, 8))
			g.nodes = append(g.nodes, nd("Trunc", qdom, "t", []string{"h", "s", "z", "b", "s", "b"}, []string{"y"}))
			return g.bytes()
		}(), []string{`node 1 "t" (Trunc)`, "version 2"}},
		{"unknown rounding mode", func() []byte {
			g := mlp()
			g.inits = append(g.inits, tFloat("s", nil, 0.5), tFloat("z", nil, 0), tFloat("b", nil, 8))
			g.nodes = append(g.nodes, nd("Quant", qdom, "q", []string{"h", "s", "z", "b"}, []string{"y"}, aStr("rounding_mode", "SIDEWAYS")))
			return g.bytes()
		}(), []string{`node 1 "q" (Quant)`, `unknown rounding mode "SIDEWAYS"`}},
		{"old opset", func() []byte { g := mlp(); g.opset = 3; return g.bytes() }(),
			[]string{"opset 3 is not supported"}},
		{"huge input", func() []byte {
			g := mlp()
			g.inputs = [][]byte{vi("x", -1, 1<<40, 1<<40)}
			return g.bytes()
		}(), []string{`graph input "x"`}},
		{"huge initializer", func() []byte {
			g := mlp()
			g.inits = [][]byte{tFloat("w", []int64{1 << 40, 1 << 40})}
			return g.bytes()
		}(), []string{`initializer "w"`, "elements"}},
		{"negative dims", func() []byte {
			g := mlp()
			g.inits = [][]byte{tFloat("w", []int64{-2, 3}, 1, 2, 3, 4, 5, 6)}
			return g.bytes()
		}(), []string{`initializer "w"`, "negative dimension"}},
		{"short raw data", func() []byte {
			g := mlp()
			g.inits = [][]byte{tFloat("w", []int64{2, 3}, 1, 2, 3)}
			return g.bytes()
		}(), []string{`initializer "w"`, "raw_data holds 12 bytes"}},
		{"external data", func() []byte {
			g := mlp()
			g.inits = [][]byte{varint(tFloat("w", []int64{2, 3}), 14, 1)}
			return g.bytes()
		}(), []string{"external"}},
		{"truncated", mlp().bytes()[:40], []string{"not a readable ONNX model"}},
		{"not protobuf", []byte("hello, world"), []string{"not a readable ONNX model"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := LoadBytes(tt.data, "bad.onnx")
			if err == nil {
				t.Fatal("no error")
			}
			var ie *ir.Error
			var il ir.ErrorList
			if !errors.As(err, &ie) && !errors.As(err, &il) {
				t.Errorf("error %T is not an ir.Error or ir.ErrorList", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
			if !strings.HasPrefix(err.Error(), "bad.onnx") {
				t.Errorf("error %q does not name the file", err)
			}
		})
	}
}

// TestManyErrors checks that independent problems are all reported.
func TestManyErrors(t *testing.T) {
	g := mlp(nd("FancyOp", "", "f1", []string{"h"}, []string{"a"}),
		nd("OtherOp", "", "f2", []string{"h"}, []string{"y"}))
	_, err := LoadBytes(g.bytes(), "bad.onnx")
	var il ir.ErrorList
	if !errors.As(err, &il) || il.Len() != 2 {
		t.Fatalf("want 2 errors, got %v", err)
	}
}

// FuzzLoad loads mutated bytes of small real models: any outcome but a
// panic or an invalid graph is fine.
func FuzzLoad(f *testing.F) {
	for _, name := range []string{"qonnx_conv_bipolar/model.onnx", "qcdq_mlp/model.onnx", "torch_conv1d/model.onnx",
		"qonnx_trunc_avgpool/model.onnx", "example-models/three_layer_bn_pytorch.onnx"} {
		raw, err := os.ReadFile(filepath.Join(testdata, name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(raw)
	}
	f.Add(mlp().bytes())
	f.Fuzz(func(t *testing.T, data []byte) {
		start := time.Now()
		_, err := LoadBytes(data, "fuzz.onnx")
		if d := time.Since(start); d > 2*time.Second {
			t.Fatalf("loading took %v", d)
		}
		if err != nil && strings.Contains(err.Error(), "the loaded graph is invalid") {
			t.Fatalf("the loader built an invalid graph: %v", err)
		}
	})
}

// TestBadQuantParams checks that a runtime Quant's parameters are
// validated at load time.
func TestBadQuantParams(t *testing.T) {
	g := mlp()
	g.inits = append(g.inits, tFloat("s", nil, -0.5), tFloat("z", nil, 0), tFloat("b", nil, 8))
	g.nodes = append(g.nodes, nd("Quant", qdom, "q", []string{"h", "s", "z", "b"}, []string{"y"}))
	_, err := LoadBytes(g.bytes(), "bad.onnx")
	if err == nil || !strings.Contains(err.Error(), `node 1 "q" (Quant)`) || !strings.Contains(err.Error(), "scale -0.5") {
		t.Errorf("got %v", err)
	}
}
