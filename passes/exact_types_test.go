// This file tests ExactTypes on a hand-built layer whose exact accumulator
// is worked out by hand.

package passes

import (
	"testing"

	"github.com/nnhls/nnhls/config"
	"github.com/nnhls/nnhls/fixed"
	"github.com/nnhls/nnhls/ir"
	"github.com/nnhls/nnhls/npy"
	"github.com/nnhls/nnhls/ops"
	"github.com/nnhls/nnhls/quant"
	"github.com/nnhls/nnhls/sim"
)

// TestExactTypesDense: input fixed<8,3> ([−4, 3.96875], step 2^-5),
// kernel [[0.5, −0.25], [0.75, 0.125]] and bias [0.5, 0] on
// quantized_bits(4,0)'s grid (step 2^-3). Output 0 lies in 0.5 +
// 0.5·[−4, 3.96875] + 0.75·[−4, 3.96875] = [−4.5, 5.4609375], output 1 in
// [−1.4921875, 1.49609375]; products have 5 + 3 = 8 fractional bits, so
// the raw range is [−1152, 1398]: 12 bits, fixed<12,4>. The relu after it
// holds [0, 5.4609375]: raw up to 1398, 11 bits, ufixed<11,3>.
func TestExactTypesDense(t *testing.T) {
	c, err := config.Parse("c.yml", []byte("LayerName:\n  x:\n    Precision: fixed<8,3>\n"))
	if err != nil {
		t.Fatal(err)
	}
	g, d, r, x := denseRelu(t)
	if err := RunFlow(g, c, ExactFlow(ExactOptions{})); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"d.accum": "fixed<12,4>", "d.result": "fixed<12,4>", "d.weight": "fixed<4,1>", "r.result": "ufixed<11,3>", "x.result": "fixed<8,3>"}
	got := map[string]fixed.Type{
		"d.accum": g.Nodes[d].HW.Types[ops.VarAccum], "d.result": g.Nodes[d].HW.Types[ops.VarResult],
		"d.weight": g.Nodes[d].HW.Types[ops.VarWeight], "r.result": g.Nodes[r].HW.Types[ops.VarResult],
		"x.result": g.Nodes[x].HW.Types[ops.VarResult],
	}
	for k, w := range want {
		if got[k] != fixed.MustParse(w) {
			t.Errorf("%s = %v, want %s (why: %q)", k, got[k], w, g.Nodes[map[byte]int{'d': d, 'r': r, 'x': x}[k[0]]].HW.Why)
		}
	}
}

// denseRelu is x → d (quantized Dense) → r (relu), see TestExactTypesDense.
func denseRelu(t *testing.T) (g *ir.Graph, d, r, x int) {
	t.Helper()
	q, err := quant.ParseConfig("quantized_bits(4,0,alpha=1)")
	if err != nil {
		t.Fatal(err)
	}
	g = &ir.Graph{}
	x = g.Add(&ir.Node{Name: "x", Op: ir.OpInput, Shape: []int{2}})
	d = g.Add(&ir.Node{Name: "d", Class: "QDense", Op: ir.OpDense, Inputs: []int{x}, Shape: []int{2}, Attrs: ir.Attrs{Units: 2},
		Weights:    map[string]*ir.Tensor{"kernel": tensor([]int{2, 2}, 0.5, -0.25, 0.75, 0.125), "bias": tensor([]int{2}, 0.5, 0)},
		Quantizers: map[string]*quant.Spec{"kernel": q, "bias": q}})
	r = g.Add(&ir.Node{Name: "r", Op: ir.OpActivation, Inputs: []int{d}, Shape: []int{2}, Attrs: ir.Attrs{Activation: "relu"}})
	g.Inputs, g.Outputs = []int{x}, []int{r}
	return g, d, r, x
}

// TestExactTypesUserConfig: types a configuration writes are kept, at any
// level (here the Model default), so that an hls4ml configuration gives
// hls4ml's firmware; the weights are still on their quantizer's grid.
func TestExactTypesUserConfig(t *testing.T) {
	c, err := config.Parse("c.yml", []byte("Model:\n  Precision: fixed<8,3>\n"))
	if err != nil {
		t.Fatal(err)
	}
	g, _, _, _ := denseRelu(t)
	if err := RunFlow(g, c, ExactFlow(ExactOptions{})); err != nil {
		t.Fatal(err)
	}
	for _, n := range g.Nodes {
		for v, ty := range n.HW.Types {
			if ty != fixed.MustParse("fixed<8,3>") {
				t.Errorf("%s %s = %v (%s), want the configured fixed<8,3>", n.Name, v, ty, n.HW.Why[v])
			}
		}
	}
	if n := g.Nodes[1]; n.HW.Quant["kernel"] == nil || n.Quantizer("kernel") != nil {
		t.Errorf("kernel quantizer not applied")
	}
}

// TestExactFlowOrder pins the printed order of the exact flow.
func TestExactFlowOrder(t *testing.T) {
	want := []string{"assign-types", "fold-qkeras-batchnorm", "quantizer-types", "alpha-scales", "batchnorm", "exact-types"}
	flow := ExactFlow(ExactOptions{})
	if len(flow) != len(want) {
		t.Fatalf("%d passes", len(flow))
	}
	for i, p := range flow {
		if p.Name != want[i] {
			t.Errorf("pass %d is %s, want %s", i, p.Name, want[i])
		}
	}
}

// TestExactTypesAvgPool: a 2×2 valid average pooling of fixed<8,3>
// ([−4, 3.96875], step 2^-5) sums 4 values in [−16, 15.875] at 2^-7:
// raw [−2048, 2032], fixed<12,5>; the average [−4, 3.96875] at 2^-7 is
// raw [−512, 508], fixed<10,3>. The emulator then gives the exact
// averages: of 1, 0.5, −0.25 and 3.96875 (1.3046875 = 167·2^-7), and of
// −4, −4, −4 and 3.96875 (−2.0078125).
func TestExactTypesAvgPool(t *testing.T) {
	c, err := config.Parse("c.yml", []byte("LayerName:\n  x:\n    Precision: fixed<8,3>\n"))
	if err != nil {
		t.Fatal(err)
	}
	g := &ir.Graph{}
	x := g.Add(&ir.Node{Name: "x", Op: ir.OpInput, Shape: []int{2, 2, 2}})
	p := g.Add(&ir.Node{Name: "p", Class: "AveragePooling2D", Op: ir.OpPool, Inputs: []int{x}, Shape: []int{1, 1, 2},
		Attrs: ir.Attrs{Pool: ir.PoolAvg, Kernel: []int{2, 2}, Strides: []int{2, 2}, Padding: ir.PadValid}})
	g.Inputs, g.Outputs = []int{x}, []int{p}
	if err := RunFlow(g, c, ExactFlow(ExactOptions{})); err != nil {
		t.Fatal(err)
	}
	n := g.Nodes[p]
	if a, r := n.HW.Types[ops.VarAccum], n.HW.Types[ops.VarResult]; a != fixed.MustParse("fixed<12,5>") || r != fixed.MustParse("fixed<10,3>") {
		t.Fatalf("accum %v result %v", a, r)
	}
	prog, err := sim.Compile(g, sim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	// Channels last: pixel (0,0) = (1, −4), (0,1) = (0.5, −4), ...
	in := &npy.Array{Shape: []int{1, 2, 2, 2}, Data: []float64{1, -4, 0.5, -4, -0.25, -4, 3.96875, 3.96875}}
	res, err := prog.Predict([]*npy.Array{in}, sim.RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got := prog.Arrays(res, nil)[0].Data; got[0] != 1.3046875 || got[1] != -2.0078125 {
		t.Errorf("averages %v, want [1.3046875 -2.0078125]", got)
	}
}
