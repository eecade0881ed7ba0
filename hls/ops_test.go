// This file implements the per-op test: every op the C++ library has runs
// through the Go kernel (the emulator) and the compiled C++ kernel on
// random raw inputs and random types, in every rounding and overflow mode,
// and the two must agree bit for bit. All cases are branches of one graph
// (an input or two, then the op), so that one g++ build serves them all.

package hls

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nnhls/nnhls/config"
	"github.com/nnhls/nnhls/fixed"
	"github.com/nnhls/nnhls/ir"
	"github.com/nnhls/nnhls/ops"
	"github.com/nnhls/nnhls/passes"
	"github.com/nnhls/nnhls/quant"
	"github.com/nnhls/nnhls/sim"
)

// randType draws a type of width in [wMin, wMax] with any rounding and
// overflow mode (AP_WRAP_SM only for signed types, saturation bits now
// and then under AP_WRAP). intMin/intMax bound the integer bits relative
// to the width: I in [intMin, W + intMax].
func randType(r *rand.Rand, wMin, wMax, intMin, intMax int) fixed.Type {
	for {
		w := wMin + r.IntN(wMax-wMin+1)
		i := intMin + r.IntN(w+intMax-intMin+1)
		signed := r.IntN(4) != 0
		q := fixed.Rounding(r.IntN(7))
		o := fixed.Overflow(r.IntN(5))
		n := 0
		if o == fixed.Wrap && r.IntN(5) == 0 {
			n = 1
		}
		if t, err := fixed.New(w, i, signed, q, o, n); err == nil {
			return t
		}
	}
}

// opCase builds one kind of node. shapes gives the input shapes; node
// returns the node (without Inputs) for them.
type opCase struct {
	name  string
	reps  int
	build func(r *rand.Rand) (ins [][]int, n *ir.Node)
}

func randTensor(r *rand.Rand, scale float64, shape ...int) *ir.Tensor {
	t := ir.NewTensor(shape...)
	for i := range t.Data {
		t.Data[i] = scale * r.NormFloat64()
	}
	return t
}

// convShape returns the output length of a window op along one axis.
func convShape(in, k, s int, pad ir.Padding) int {
	if pad == ir.PadSame {
		return (in + s - 1) / s
	}
	return (in-k)/s + 1
}

func activationCase(act string) opCase {
	return opCase{name: act, reps: 3, build: func(r *rand.Rand) ([][]int, *ir.Node) {
		n := &ir.Node{Op: ir.OpActivation, Shape: []int{12}, Attrs: ir.Attrs{Activation: act, Theta: 0.75}}
		if act == "leaky_relu" {
			n.Attrs.Alpha = 0.3
		}
		return [][]int{{12}}, n
	}}
}

var opCases = []opCase{
	{name: "dense", reps: 4, build: func(r *rand.Rand) ([][]int, *ir.Node) {
		nIn, nOut := 2+r.IntN(6), 1+r.IntN(6)
		n := &ir.Node{Op: ir.OpDense, Shape: []int{nOut},
			Weights: map[string]*ir.Tensor{"kernel": randTensor(r, 1, nIn, nOut), "bias": randTensor(r, 1, nOut)}}
		return [][]int{{nIn}}, n
	}},
	{name: "dense_2d_nobias", reps: 2, build: func(r *rand.Rand) ([][]int, *ir.Node) {
		n := &ir.Node{Op: ir.OpDense, Shape: []int{3, 4}, Weights: map[string]*ir.Tensor{"kernel": randTensor(r, 1, 5, 4)}}
		return [][]int{{3, 5}}, n
	}},
	{name: "conv1d", reps: 3, build: func(r *rand.Rand) ([][]int, *ir.Node) {
		k, s, pad := 1+r.IntN(3), 1+r.IntN(2), ir.Padding(r.IntN(2))
		c, f, l := 1+r.IntN(3), 1+r.IntN(3), 6+r.IntN(4)
		n := &ir.Node{Op: ir.OpConv, Shape: []int{convShape(l, k, s, pad), f},
			Attrs:   ir.Attrs{Kernel: []int{k}, Strides: []int{s}, Padding: pad, Filters: f},
			Weights: map[string]*ir.Tensor{"kernel": randTensor(r, 1, k, c, f), "bias": randTensor(r, 1, f)}}
		return [][]int{{l, c}}, n
	}},
	{name: "conv2d", reps: 3, build: func(r *rand.Rand) ([][]int, *ir.Node) {
		k, s, pad := 1+r.IntN(3), 1+r.IntN(2), ir.Padding(r.IntN(2))
		c, f, h := 1+r.IntN(2), 1+r.IntN(3), 4+r.IntN(3)
		n := &ir.Node{Op: ir.OpConv, Shape: []int{convShape(h, k, s, pad), convShape(h+1, k, s, pad), f},
			Attrs:   ir.Attrs{Kernel: []int{k, k}, Strides: []int{s, s}, Padding: pad, Filters: f},
			Weights: map[string]*ir.Tensor{"kernel": randTensor(r, 1, k, k, c, f), "bias": randTensor(r, 1, f)}}
		return [][]int{{h, h + 1, c}}, n
	}},
	{name: "depthwise2d", reps: 2, build: func(r *rand.Rand) ([][]int, *ir.Node) {
		k, c, m, h := 2, 2, 1+r.IntN(2), 5
		n := &ir.Node{Op: ir.OpDepthwiseConv, Shape: []int{h, h, c * m},
			Attrs:   ir.Attrs{Kernel: []int{k, k}, Padding: ir.PadSame, DepthMultiplier: m},
			Weights: map[string]*ir.Tensor{"kernel": randTensor(r, 1, k, k, c, m), "bias": randTensor(r, 1, c*m)}}
		return [][]int{{h, h, c}}, n
	}},
	{name: "pool", reps: 4, build: func(r *rand.Rand) ([][]int, *ir.Node) {
		k, pad := 2+r.IntN(2), ir.Padding(r.IntN(2))
		h, c := 7, 2
		n := &ir.Node{Op: ir.OpPool, Shape: []int{convShape(h, k, k, pad), convShape(h, k, k, pad), c},
			Attrs: ir.Attrs{Kernel: []int{k, k}, Padding: pad, Pool: ir.PoolKind(r.IntN(2)), CountPad: r.IntN(2) == 0}}
		return [][]int{{h, h, c}}, n
	}},
	{name: "global_pool", reps: 2, build: func(r *rand.Rand) ([][]int, *ir.Node) {
		n := &ir.Node{Op: ir.OpGlobalPool, Shape: []int{3}, Attrs: ir.Attrs{Pool: ir.PoolKind(r.IntN(2))}}
		return [][]int{{5, 3}}, n
	}},
	{name: "scale_shift", reps: 3, build: func(r *rand.Rand) ([][]int, *ir.Node) {
		n := &ir.Node{Op: ir.OpScaleShift, Shape: []int{4, 3},
			Weights: map[string]*ir.Tensor{"scale": randTensor(r, 1, 3), "bias": randTensor(r, 2, 3)}}
		return [][]int{{4, 3}}, n
	}},
	{name: "batchnorm_binary_tanh", reps: 2, build: func(r *rand.Rand) ([][]int, *ir.Node) {
		g := randTensor(r, 1, 5)
		v := randTensor(r, 1, 5)
		for i := range g.Data {
			g.Data[i] = math.Abs(g.Data[i]) + 0.1
			v.Data[i] = math.Abs(v.Data[i]) + 0.1
		}
		act := []string{"binary_tanh", "ternary_tanh"}[r.IntN(2)]
		n := &ir.Node{Op: ir.OpBatchNorm, Shape: []int{5}, Attrs: ir.Attrs{Activation: act, Epsilon: 1e-3},
			Weights: map[string]*ir.Tensor{"gamma": g, "beta": randTensor(r, 1, 5), "moving_mean": randTensor(r, 1, 5), "moving_variance": v}}
		return [][]int{{5}}, n
	}},
	activationCase("linear"),
	activationCase("relu"),
	activationCase("relu6"),
	activationCase("relu1"),
	activationCase("leaky_relu"),
	activationCase("thresholded_relu"),
	activationCase("sigmoid"),
	activationCase("tanh"),
	activationCase("softplus"),
	activationCase("softsign"),
	activationCase("elu"),
	activationCase("selu"),
	activationCase("hard_sigmoid"),
	activationCase("hard_tanh"),
	{name: "prelu", reps: 2, build: func(r *rand.Rand) ([][]int, *ir.Node) {
		n := &ir.Node{Op: ir.OpActivation, Shape: []int{3, 4}, Attrs: ir.Attrs{Activation: "prelu"},
			Weights: map[string]*ir.Tensor{"alpha": randTensor(r, 0.5, 4)}}
		return [][]int{{3, 4}}, n
	}},
	activationCase("binary_tanh"),
	activationCase("ternary_tanh"),
	{name: "softmax", reps: 10, build: func(r *rand.Rand) ([][]int, *ir.Node) {
		n := &ir.Node{Op: ir.OpSoftmax, Shape: []int{2, 5}, Attrs: ir.Attrs{Axis: r.IntN(2)}}
		return [][]int{{2, 5}}, n
	}},
	{name: "reshape", reps: 2, build: func(*rand.Rand) ([][]int, *ir.Node) {
		return [][]int{{3, 4}}, &ir.Node{Op: ir.OpReshape, Shape: []int{12}}
	}},
	{name: "transpose", reps: 2, build: func(*rand.Rand) ([][]int, *ir.Node) {
		return [][]int{{2, 3, 4}}, &ir.Node{Op: ir.OpTranspose, Shape: []int{4, 2, 3}, Attrs: ir.Attrs{Perm: []int{2, 0, 1}}}
	}},
	{name: "pad", reps: 2, build: func(*rand.Rand) ([][]int, *ir.Node) {
		return [][]int{{3, 2, 2}}, &ir.Node{Op: ir.OpPad, Shape: []int{6, 3, 2}, Attrs: ir.Attrs{Pads: [][2]int{{1, 2}, {0, 1}}}}
	}},
	{name: "crop", reps: 1, build: func(*rand.Rand) ([][]int, *ir.Node) {
		return [][]int{{5, 4, 2}}, &ir.Node{Op: ir.OpCrop, Shape: []int{2, 3, 2}, Attrs: ir.Attrs{Pads: [][2]int{{1, 2}, {0, 1}}}}
	}},
	{name: "upsample", reps: 1, build: func(*rand.Rand) ([][]int, *ir.Node) {
		return [][]int{{2, 3, 2}}, &ir.Node{Op: ir.OpUpsample, Shape: []int{4, 6, 2}, Attrs: ir.Attrs{Size: []int{2, 2}}}
	}},
	{name: "concat", reps: 2, build: func(r *rand.Rand) ([][]int, *ir.Node) {
		ax := r.IntN(2)
		a, b := []int{2, 3}, []int{2, 3}
		b[ax] = 4
		out := []int{2, 3}
		out[ax] += 4
		return [][]int{a, b}, &ir.Node{Op: ir.OpConcat, Shape: out, Attrs: ir.Attrs{Axis: ax}}
	}},
	{name: "merge", reps: 12, build: func(r *rand.Rand) ([][]int, *ir.Node) {
		return [][]int{{6}, {6}}, &ir.Node{Op: ir.OpMerge, Shape: []int{6}, Attrs: ir.Attrs{Merge: ir.MergeKind(r.IntN(6))}}
	}},
	quantCase("quantized_bits(6,2,alpha=1)"),
	quantCase("quantized_bits(4,0,1,alpha=1)"),
	quantCase("quantized_bits(5,1,alpha=0.5)"),
	quantCase("quantized_relu(4,1)"),
	quantCase("quantized_relu(6,2,negative_slope=0.25)"),
	quantCase("quantized_tanh(4)"),
	quantCase("quantized_sigmoid(4)"),
	quantCase("binary(alpha=1)"),
	quantCase("ternary(alpha=1,threshold=0.5)"),
	quantCase("quantized_po2(4,1)"),
	quantCase("quantized_relu_po2(4,4)"),
	{name: "quant_fixed_point_per_element", reps: 3, build: func(r *rand.Rand) ([][]int, *ir.Node) {
		n := &ir.Node{Op: ir.OpQuant, Shape: []int{3, 4}}
		k, b, in := make([]float64, 4), make([]float64, 4), make([]float64, 4)
		for j := range b {
			k[j], b[j], in[j] = float64(r.IntN(2)), float64(r.IntN(8)), float64(r.IntN(6)-1)
		}
		s, err := quant.NewFixedPoint(k, b, in, []int{4}, []string{"TRN", "RND"}[r.IntN(2)], []string{"WRAP", "SAT"}[r.IntN(2)])
		if err != nil {
			return [][]int{{3, 4}}, n
		}
		h, err := s.HWTypeFor()
		if err != nil {
			return [][]int{{3, 4}}, n
		}
		n.Quantizers = map[string]*quant.Spec{"activation": s}
		n.HW.Quant = map[string]*quant.HWType{"activation": &h}
		return [][]int{{3, 4}}, n
	}},
	{name: "dot", reps: 2, build: func(*rand.Rand) ([][]int, *ir.Node) {
		return [][]int{{7}, {7}}, &ir.Node{Op: ir.OpDot, Shape: []int{1}}
	}},
}

// quantCase is an OpQuant with the exact hardware form of a QKeras
// quantizer; forms quant cannot give are left out by typeNode.
func quantCase(q string) opCase {
	return opCase{name: "quant_" + strings.NewReplacer("(", "_", ")", "", ",", "_", "=", "", ".", "p").Replace(q), reps: 2,
		build: func(*rand.Rand) ([][]int, *ir.Node) {
			n := &ir.Node{Op: ir.OpQuant, Shape: []int{3, 4}}
			s, err := quant.ParseConfig(q)
			if err != nil {
				return [][]int{{3, 4}}, n
			}
			h, err := s.HWTypeFor()
			if err != nil {
				return [][]int{{3, 4}}, n
			}
			n.Quantizers = map[string]*quant.Spec{"activation": s}
			n.HW.Quant = map[string]*quant.HWType{"activation": &h}
			return [][]int{{3, 4}}, n
		}}
}

// typeNode gives n random types for its result and every variable its op
// declares, and a strategy; ok is false when the draw does not suit the
// int64 kernels (the case is drawn again).
func typeNode(r *rand.Rand, n *ir.Node, inTypes []fixed.Type, inShapes [][]int) bool {
	def, err := ops.Lookup(n.Op)
	if err != nil {
		return false
	}
	n.HW = ir.HW{TableSize: 1 << (6 + r.IntN(5)), ReuseFactor: 1, Strategy: "Latency", Quant: n.HW.Quant}
	if n.Op == ir.OpSoftmax {
		n.HW.Implementation = []string{"stable", "latency", "argmax", "legacy"}[r.IntN(4)]
	}
	n.HW.SetType(ops.VarResult, randType(r, 2, 18, -2, 2), "test")
	for _, v := range def.Vars(n) {
		switch v {
		case ops.VarAccum:
			n.HW.SetType(v, randType(r, 8, 36, 0, 2), "test")
		case ops.VarTable, ops.VarExpTable, ops.VarInvTable, ops.VarInvInp:
			n.HW.SetType(v, randType(r, 6, 18, 0, 0), "test")
		default:
			n.HW.SetType(v, randType(r, 2, 16, -1, 1), "test")
		}
	}
	if r.IntN(2) == 0 {
		n.HW.Strategy = "Resource"
	}
	b := &ops.Build{Node: n, InShapes: inShapes, InTypes: inTypes, Types: n.HW.Types}
	ex, err := ops.ExportHLS(b)
	if err != nil {
		return false
	}
	switch ex.Kind {
	case ops.HLSDense:
		n.HW.ReuseFactor = pickDivisor(r, ex.NIn*ex.NOut)
	case ops.HLSConv:
		n.HW.ReuseFactor = pickDivisor(r, ex.NTaps*ex.Channels*ex.NOut)
	}
	return true
}

func pickDivisor(r *rand.Rand, n int) int {
	d := validReuse(n)
	return d[r.IntN(len(d))]
}

// opGraph builds the graph of every case's branches and the names of the
// branches, output by output.
func opGraph(r *rand.Rand, cases []opCase) (*ir.Graph, []string) {
	g := &ir.Graph{Name: "ops", Source: "ops"}
	var names []string
	for _, c := range cases {
		for rep := 0; rep < c.reps; rep++ {
			for try := 0; ; try++ {
				if try == 100 {
					panic(fmt.Sprintf("case %s: no valid type draw in 100 tries", c.name))
				}
				shapes, n := c.build(r)
				if n.Op == ir.OpQuant && n.HW.Quant == nil {
					break // quant gives no hardware form for it
				}
				var inTypes []fixed.Type
				var ins []*ir.Node
				for k, s := range shapes {
					in := &ir.Node{Name: fmt.Sprintf("%s_%d_in%d", c.name, rep, k), Op: ir.OpInput, Shape: s}
					t := randType(r, 2, 16, -2, 2)
					if n.Op == ir.OpActivation || n.Op == ir.OpSoftmax {
						// Table indices need fractional bits >= 0.
						t = randType(r, 4, 16, 0, 0)
					}
					in.HW.SetType(ops.VarResult, t, "test")
					inTypes = append(inTypes, t)
					ins = append(ins, in)
				}
				if !typeNode(r, n, inTypes, shapes) {
					continue
				}
				for _, in := range ins {
					n.Inputs = append(n.Inputs, g.Add(in))
					g.Inputs = append(g.Inputs, len(g.Nodes)-1)
				}
				n.Name = fmt.Sprintf("%s_%d", c.name, rep)
				g.Outputs = append(g.Outputs, g.Add(n))
				names = append(names, n.Name)
				break
			}
		}
	}
	return g, names
}

// randomRaws returns n samples of graph input values: raw values of the
// input's type, uniform over its range with its extremes and zero mixed
// in, as exact float64s.
func randomRaws(r *rand.Rand, p *sim.Program, n int) [][]float64 {
	g := p.Graph()
	x := make([][]float64, len(g.Inputs))
	for i, in := range g.Inputs {
		t := p.Type(in)
		lo, hi, _ := t.RawRange64()
		x[i] = make([]float64, n*p.InputSize(i))
		for j := range x[i] {
			var raw int64
			switch r.IntN(10) {
			case 0:
				raw = lo
			case 1:
				raw = hi
			case 2:
				raw = 0
			default:
				raw = lo + r.Int64N(hi-lo+1)
			}
			x[i][j] = math.Ldexp(float64(raw), -t.FracBits())
		}
	}
	return x
}

// TestOpsGoVersusCPP runs every case through the emulator and the C++.
func TestOpsGoVersusCPP(t *testing.T) {
	if _, err := exec.LookPath("g++"); err != nil {
		t.Skip("g++ is not installed: the C++ kernels cannot be compiled")
	}
	r := rand.New(rand.NewPCG(2026, 6))
	g, names := opGraph(r, opCases)
	t.Logf("%d cases: %s", len(names), strings.Join(names, " "))
	compareOps(t, r, g, names, config.Default(), 300)
}

// TestWindowOpsStream runs the window ops (convolutions and pooling) in
// io_stream, where they take their line-buffer form, against the emulator.
func TestWindowOpsStream(t *testing.T) {
	if _, err := exec.LookPath("g++"); err != nil {
		t.Skip("g++ is not installed: the C++ kernels cannot be compiled")
	}
	var cases []opCase
	for _, c := range opCases {
		switch c.name {
		case "conv1d", "conv2d", "depthwise2d", "pool", "global_pool":
			c.reps *= 2
			cases = append(cases, c)
		}
	}
	r := rand.New(rand.NewPCG(2026, 7))
	g, names := opGraph(r, cases)
	c, err := config.Parse("stream.yml", []byte("IOType: io_stream\n"))
	if err != nil {
		t.Fatal(err)
	}
	compareOps(t, r, g, names, c, 100)
}

// compareOps runs n samples of the op graph g through both and reports
// the first mismatch of every branch.
func compareOps(t *testing.T, r *rand.Rand, g *ir.Graph, names []string, c *config.Config, n int) {
	t.Helper()
	got, wantRows, outSizes := runBoth(t, r, g, c, n)
	for s := range n {
		off := 0
		for k, name := range names {
			for j := range outSizes[k] {
				if got[s][off+j] != wantRows[s][off+j] {
					node := g.Nodes[g.Outputs[k]]
					t.Errorf("%s (result %v, vars %v, strategy %s rf %d) sample %d element %d: C++ %v, Go %v",
						name, node.HW.Types[ops.VarResult], node.HW.Types, node.HW.Strategy, node.HW.ReuseFactor, s, j, got[s][off+j], wantRows[s][off+j])
					break
				}
			}
			off += outSizes[k]
		}
		if t.Failed() {
			break
		}
	}
}

// runBoth runs n random samples of the typed graph g through the emulator
// and through its project compiled with g++ (configuration c), and returns
// the per-sample rows of both.
func runBoth(t *testing.T, r *rand.Rand, g *ir.Graph, c *config.Config, n int) (got, want [][]float64, outSizes []int) {
	t.Helper()
	p, err := sim.Compile(g, sim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	x := randomRaws(r, p, n)
	res, err := p.Run(x, n, sim.RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	inSizes := make([]int, len(x))
	for i := range x {
		inSizes[i] = p.InputSize(i)
	}
	outSizes = make([]int, len(g.Outputs))
	for i, o := range g.Outputs {
		outSizes[i] = ir.NumElements(g.Nodes[o].Shape)
	}
	rows := func(data [][]float64, sizes []int) [][]float64 {
		out := make([][]float64, n)
		for s := range out {
			for k := range data {
				out[s] = append(out[s], data[k][s*sizes[k]:(s+1)*sizes[k]]...)
			}
		}
		return out
	}
	proj, err := Generate(g, c, Options{})
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "prj")
	if err := Write(proj, dir); err != nil {
		t.Fatal(err)
	}
	bin, _, err := Build(dir, BuildOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got, err = Predict(dir, bin, rows(x, inSizes)); err != nil {
		t.Fatal(err)
	}
	return got, rows(res.Outputs, outSizes), outSizes
}

// TestBranchingStream checks io_stream's stream cloning on a graph whose
// input feeds two layers and whose first Dense is both read by a merge and
// a graph output, against the emulator, under both interfaces.
func TestBranchingStream(t *testing.T) {
	if _, err := exec.LookPath("g++"); err != nil {
		t.Skip("g++ is not installed: the C++ cannot be compiled")
	}
	for _, io := range []string{"io_stream", "io_parallel"} {
		t.Run(io, func(t *testing.T) {
			r := rand.New(rand.NewPCG(3, 4))
			g := &ir.Graph{Name: "branch", Source: "branch"}
			x := g.Add(&ir.Node{Name: "x", Op: ir.OpInput, Shape: []int{2, 4}})
			a := g.Add(&ir.Node{Name: "a", Op: ir.OpDense, Shape: []int{2, 3}, Inputs: []int{x},
				Weights: map[string]*ir.Tensor{"kernel": randTensor(r, 1, 4, 3), "bias": randTensor(r, 1, 3)}})
			b := g.Add(&ir.Node{Name: "b", Op: ir.OpDense, Shape: []int{2, 3}, Inputs: []int{x},
				Weights: map[string]*ir.Tensor{"kernel": randTensor(r, 1, 4, 3)}})
			m := g.Add(&ir.Node{Name: "m", Op: ir.OpMerge, Shape: []int{2, 3}, Inputs: []int{a, b}, Attrs: ir.Attrs{Merge: ir.MergeAdd}})
			g.Inputs, g.Outputs = []int{x}, []int{m, a}
			c, err := config.Parse("c.yml", []byte("IOType: "+io+"\n"))
			if err != nil {
				t.Fatal(err)
			}
			if err := passes.AssignTypes(g, c); err != nil {
				t.Fatal(err)
			}
			got, want, _ := runBoth(t, r, g, c, 50)
			for s := range want {
				for j := range want[s] {
					if got[s][j] != want[s][j] {
						t.Fatalf("sample %d value %d: C++ %v, Go %v", s, j, got[s][j], want[s][j])
					}
				}
			}
		})
	}
}
