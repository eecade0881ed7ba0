// This file tests the quantization ops on models built in Go: every
// QONNX Quant variant (signed/unsigned, narrow, each rounding mode,
// per-channel scales, zero points), BipolarQuant, Trunc and QCDQ, with
// expected values worked out by hand from the operator descriptions.

package onnx

import (
	"math"
	"slices"
	"testing"

	"github.com/nnhls/nnhls/ir"
	"github.com/nnhls/nnhls/quant"
)

const qdom = "qonnx.custom_op.general"

// quantModel is x[N,4] -> Quant(x, scale, zeropt, bits) -> y.
func quantModel(scale, zp []float64, pshape []int64, bits int64, attrs ...at) []byte {
	g := &testGraph{}
	g.inputs = [][]byte{vi("x", -1, 4)}
	g.outputs = [][]byte{vi("y", -1, 4)}
	g.inits = [][]byte{tFloat("s", pshape, scale...), tFloat("z", pshape, zp...), tFloat("b", nil, float64(bits))}
	g.nodes = [][]byte{nd("Quant", qdom, "q", []string{"x", "s", "z", "b"}, []string{"y"}, attrs...)}
	return g.bytes()
}

// runOne loads model bytes and evaluates one sample.
func runOne(t *testing.T, data []byte, x []float64) ([]float64, *ir.Graph) {
	t.Helper()
	g, err := LoadBytes(data, "test.onnx")
	if err != nil {
		t.Fatal(err)
	}
	outs, err := evalGraph(g, x)
	if err != nil {
		t.Fatal(err)
	}
	return outs[g.Outputs[0]], g
}

func TestQuantVariants(t *testing.T) {
	one := []int64{}
	pc := []int64{1, 4}
	tests := []struct {
		name   string
		model  []byte
		x, y   []float64
		signed bool
	}{
		// v = x/0.25 = [1.5 -1.5 8 -10]; clamp to [-8, 7]; ties to even.
		{"round signed 4b", quantModel([]float64{0.25}, []float64{0}, one, 4, aInt("signed", 1), aInt("narrow", 0), aStr("rounding_mode", "ROUND")),
			[]float64{0.375, -0.375, 2, -2.5}, []float64{0.5, -0.5, 1.75, -2}, true},
		// narrow: [-7, 7]; floor of ±1.5 is 1 and -2.
		{"floor signed narrow 4b", quantModel([]float64{0.25}, []float64{0}, one, 4, aInt("narrow", 1), aStr("rounding_mode", "FLOOR")),
			[]float64{0.375, -0.375, 2, -2.5}, []float64{0.25, -0.5, 1.75, -1.75}, true},
		// unsigned: [0, 15]; v = [1.2 -0.4 20 4] -> [2 0 15 4].
		{"ceil unsigned 4b", quantModel([]float64{0.25}, []float64{0}, one, 4, aInt("signed", 0), aStr("rounding_mode", "CEIL")),
			[]float64{0.3, -0.1, 5, 1}, []float64{0.5, 0, 3.75, 1}, false},
		// v = [1.5 -1.5 0.5 -2.5] -> [2 -2 1 -3].
		{"half_up signed 5b", quantModel([]float64{0.25}, []float64{0}, one, 5, aStr("rounding_mode", "HALF_UP")),
			[]float64{0.375, -0.375, 0.125, -0.625}, []float64{0.5, -0.5, 0.25, -0.75}, true},
		// -> [1 -1 0 -2].
		{"half_down signed 4b", quantModel([]float64{0.25}, []float64{0}, one, 4, aStr("rounding_mode", "HALF_DOWN")),
			[]float64{0.375, -0.375, 0.125, -0.625}, []float64{0.25, -0.25, 0, -0.5}, true},
		// [-4, 3]; v = [1.2 -1.2 8 -0.2] -> clamp [1.2 -1.2 3 -0.2] -> away from zero [2 -2 3 -1].
		{"up signed 3b", quantModel([]float64{0.25}, []float64{0}, one, 3, aStr("rounding_mode", "UP")),
			[]float64{0.3, -0.3, 2, -0.05}, []float64{0.5, -0.5, 0.75, -0.25}, true},
		// [-7, 7]; v = [1.2 -1.2 8 -9] -> toward zero [1 -1 7 -7].
		{"down signed narrow 4b", quantModel([]float64{0.25}, []float64{0}, one, 4, aInt("narrow", 1), aStr("rounding_mode", "DOWN")),
			[]float64{0.3, -0.3, 2, -2.25}, []float64{0.25, -0.25, 1.75, -1.75}, true},
		// README example: zero point 3, HALF_UP; v = x/0.25 + 3 = [0.5 3 17 -1] -> [1 3 15 0].
		{"zero point unsigned 4b", quantModel([]float64{0.25}, []float64{3}, one, 4, aInt("signed", 0), aStr("rounding_mode", "HALF_UP")),
			[]float64{-0.625, 0, 3.5, -1}, []float64{-0.5, 0, 3, -0.75}, false},
		// Odd zero point: 0.125/0.25 + 1 = 1.5 rounds to 2: 0.25, where
		// QuantizeLinear would give 0.
		{"zero point added before rounding", quantModel([]float64{0.25}, []float64{1}, one, 8, aInt("signed", 0)),
			// -0.125 is v = 0.5 -> 0: (0 - 1)·0.25.
			[]float64{0.125, 0.375, -0.125, 0}, []float64{0.25, 0.25, -0.25, 0}, false},
		// Per-channel scale (1,4): 0.3 / [0.5 0.25 0.125 0.0625] = [0.6 1.2 2.4 4.8] -> [1 1 2 5].
		{"per-channel scale", quantModel([]float64{0.5, 0.25, 0.125, 0.0625}, []float64{0, 0, 0, 0}, pc, 4, aStr("rounding_mode", "round")),
			[]float64{0.3, 0.3, 0.3, 0.3}, []float64{0.5, 0.25, 0.25, 0.3125}, true},
		// Per-channel zero points [0 1 2 3], scale 0.5: v = [0.5 1.5 2.5 3.5] -> [0 2 2 4].
		{"per-channel zero point", quantModel([]float64{0.5, 0.5, 0.5, 0.5}, []float64{0, 1, 2, 3}, pc, 4, aInt("signed", 0)),
			[]float64{0.25, 0.25, 0.25, 0.25}, []float64{0, 0.5, 0, 0.5}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			y, g := runOne(t, tt.model, tt.x)
			if !slices.Equal(y, tt.y) {
				t.Errorf("got %v, want %v", y, tt.y)
			}
			q := g.Nodes[1].Quantizer("activation")
			if q == nil || q.Kind != quant.QONNXQuant || q.Signed != tt.signed {
				t.Errorf("quantizer %v", q)
			}
		})
	}
}

func TestBipolarQuant(t *testing.T) {
	g := &testGraph{}
	g.inputs = [][]byte{vi("x", -1, 4)}
	g.outputs = [][]byte{vi("y", -1, 4)}
	g.inits = [][]byte{tFloat("s", nil, 0.5)}
	g.nodes = [][]byte{nd("BipolarQuant", qdom, "bq", []string{"x", "s"}, []string{"y"})}
	negZero := math.Copysign(0, -1)
	y, _ := runOne(t, g.bytes(), []float64{0, negZero, -1e-9, 3})
	// x ≥ 0 gives +scale, -0 included.
	if want := []float64{0.5, 0.5, -0.5, 0.5}; !slices.Equal(y, want) {
		t.Errorf("got %v, want %v", y, want)
	}
}

func TestTrunc(t *testing.T) {
	// README example: scale 0.125, bits 8 -> 6 (shift 2); a sum of -0.375
	// is u = -3, w = -0.75; 0.25 is w = 0.5.
	for _, tt := range []struct {
		mode string
		want []float64
	}{
		{"FLOOR", []float64{-0.125, 0, 0.25, -0.25}},
		{"CEIL", []float64{0, 0.125, 0.25, -0.25}},
		{"ROUND", []float64{-0.125, 0, 0.25, -0.25}},
	} {
		t.Run(tt.mode, func(t *testing.T) {
			g := &testGraph{}
			g.inputs = [][]byte{vi("x", -1, 4)}
			g.outputs = [][]byte{vi("y", -1, 4)}
			g.inits = [][]byte{tFloat("s", nil, 0.125), tFloat("z", nil, 0), tFloat("ib", nil, 8), tInt("ob", dtInt32, nil, 6)}
			g.nodes = [][]byte{nd("Trunc", qdom, "tr", []string{"x", "s", "z", "ib", "ob"}, []string{"y"}, aStr("rounding_mode", tt.mode))}
			// 1.0 is u = 8, w = 2 exactly; -1.0 is w = -2.
			y, _ := runOne(t, g.bytes(), []float64{-0.375, 0.25, 1.0, -1.0})
			if !slices.Equal(y, tt.want) {
				t.Errorf("got %v, want %v", y, tt.want)
			}
		})
	}
}

func TestQCDQ(t *testing.T) {
	build := func(zpType int64, zp int64, clip []int64) []byte {
		g := &testGraph{}
		g.inputs = [][]byte{vi("x", -1, 4)}
		g.outputs = [][]byte{vi("y", -1, 4)}
		g.inits = [][]byte{tFloat("s", nil, 0.25), tInt("z", zpType, nil, zp)}
		q := "q"
		g.nodes = [][]byte{nd("QuantizeLinear", "", "ql", []string{"x", "s", "z"}, []string{"q"})}
		if clip != nil {
			g.inits = append(g.inits, tInt("lo", zpType, nil, clip[0]), tInt("hi", zpType, nil, clip[1]))
			g.nodes = append(g.nodes, nd("Clip", "", "clip", []string{"q", "lo", "hi"}, []string{"c"}))
			q = "c"
		}
		g.nodes = append(g.nodes, nd("DequantizeLinear", "", "dql", []string{q, "s", "z"}, []string{"y"}))
		return g.bytes()
	}
	tests := []struct {
		name  string
		model []byte
		x, y  []float64
	}{
		// uint8, zero point 1: 0.125/0.25 = 0.5 rounds to 0 before the zero
		// point is added; 100 saturates at 255; -1 at 0.
		{"uint8 zp 1", build(dtUint8, 1, nil), []float64{0.125, 100, -1, 0.375}, []float64{0, 63.5, -0.25, 0.5}},
		// Clip [0, 15] on the codes: a 4-bit unsigned range.
		{"uint8 clip 4b", build(dtUint8, 1, []int64{0, 15}), []float64{0.125, 100, -1, 0.375}, []float64{0, 3.5, -0.25, 0.5}},
		// int8: [-128, 127]; clip [-7, 7] is 4-bit narrow.
		{"int8", build(dtInt8, 0, nil), []float64{-100, 100, -0.375, 0.625}, []float64{-32, 31.75, -0.5, 0.5}},
		{"int8 clip narrow 4b", build(dtInt8, 0, []int64{-7, 7}), []float64{-100, 100, -0.375, 0.625}, []float64{-1.75, 1.75, -0.5, 0.5}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			y, g := runOne(t, tt.model, tt.x)
			if !slices.Equal(y, tt.y) {
				t.Errorf("got %v, want %v", y, tt.y)
			}
			if len(g.Nodes) != 2 || g.Nodes[1].Op != ir.OpQuant {
				t.Errorf("want Input and one Quant node, have %s", opList(g))
			}
		})
	}
}

// TestQuantizedWeightFold checks that a Quant on a weight is folded into
// the Dense kernel and recorded as its quantizer, per channel, through an
// ONNX Transpose of the weight.
func TestQuantizedWeightFold(t *testing.T) {
	g := &testGraph{}
	g.inputs = [][]byte{vi("x", -1, 2)}
	g.outputs = [][]byte{vi("y", -1, 3)}
	// W [out=3, in=2] with scale (3, 1) = [0.5 0.25 0.125]; signed 4 b.
	g.inits = [][]byte{
		tFloat("w", []int64{3, 2}, 0.3, -0.3, 0.3, 10, 0.3, -0.07),
		tFloat("s", []int64{3, 1}, 0.5, 0.25, 0.125), tFloat("z", nil, 0), tFloat("b", nil, 4),
	}
	g.nodes = [][]byte{
		nd("Quant", qdom, "wq", []string{"w", "s", "z", "b"}, []string{"wq"}, aStr("rounding_mode", "ROUND")),
		nd("Transpose", "", "wt", []string{"wq"}, []string{"wt"}, aInts("perm", 1, 0)),
		nd("MatMul", "", "mm", []string{"x", "wt"}, []string{"y"}),
	}
	gr, err := LoadBytes(g.bytes(), "fold.onnx")
	if err != nil {
		t.Fatal(err)
	}
	d := gr.Nodes[1]
	// Row 0: 0.3/0.5 = 0.6 -> 1, -0.6 -> -1: ±0.5. Row 1: 1.2 -> 1 (0.25),
	// 40 -> 7 (1.75). Row 2: 2.4 -> 2 (0.25), -0.56 -> -1 (-0.125).
	// Kernel [in, out] = transpose.
	want := []float64{0.5, 0.25, 0.25, -0.5, 1.75, -0.125}
	if k := d.Weight("kernel"); k == nil || !slices.Equal(k.Data, want) || !slices.Equal(k.Shape, []int{2, 3}) {
		t.Fatalf("kernel %v, want %v", k, want)
	}
	q := d.Quantizer("kernel")
	if q == nil || !slices.Equal(q.ScaleShape, []int{1, 3}) || !slices.Equal(q.Scale, []float64{0.5, 0.25, 0.125}) || q.ZeroPoint != nil {
		t.Fatalf("kernel quantizer %v (scale shape %v)", q, q.ScaleShape)
	}
	// The spec reproduces the folded values from the raw weights.
	raw := []float64{0.3, 0.3, 0.3, -0.3, 10, -0.07}
	y, _, err := q.Apply(raw, []int{2, 3})
	if err != nil || !slices.Equal(y, want) {
		t.Errorf("Apply: %v, %v", y, err)
	}
}
