// This file tests the exact flow end to end on the QKeras reference models
// (testdata/keras/qkeras, from models/qkeras): the emulated firmware equals
// QKeras's outputs (qkeras_out.npy) and every layer's output
// (layer_outputs.npz), and hls4ml's types on the same models do not.

package passes_test

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/nnhls/nnhls/config"
	"github.com/nnhls/nnhls/ir"
	"github.com/nnhls/nnhls/load/keras"
	"github.com/nnhls/nnhls/npy"
	"github.com/nnhls/nnhls/passes"
	"github.com/nnhls/nnhls/sim"
)

const qkerasDir = "../testdata/keras/qkeras"

var qkerasModels = []string{
	"binary_dense", "jet_mlp_q6", "po2_dense", "qbn_po2_mixed", "qconv1d",
	"qconv2dbn_alpha1", "qconv2dbn_alpha_none", "qconv_bn_qact_saturation",
}

// Tolerances of the float operations, which QKeras itself computes in
// floating point (qkeras-reference.md): a BatchNormalization's scale and
// bias are irrational, held to 2^-(35..48) (measured error below 1e-9); a
// softmax runs on hls4ml's 1024-entry tables of the configuration's default
// types (measured error below 0.043).
const (
	bnTol      = 1e-8
	softmaxTol = 0.05
)

// layerTolerance returns the tolerance of a layer's output by its Keras
// class: 0 (bit for bit) for everything QKeras quantizes or computes
// exactly.
func layerTolerance(class, name string, softmax map[string]bool) float64 {
	switch {
	case class == "BatchNormalization" || class == "QBatchNormalization":
		return bnTol
	case softmax[name]:
		return softmaxTol
	}
	return 0
}

type modelJSON struct {
	Layers []struct {
		Name  string `json:"name"`
		Class string `json:"class_name"`
	} `json:"layers"`
}

func readModelJSON(t *testing.T, dir string) modelJSON {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "model.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m modelJSON
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// runModel compiles g and runs it on the model's inputs, with a trace.
func runModel(t *testing.T, dir string, g *ir.Graph) (*sim.Program, *sim.Result) {
	t.Helper()
	p, err := sim.Compile(g, sim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	in, err := npy.ReadFile(filepath.Join(dir, "inputs.npy"))
	if err != nil {
		t.Fatal(err)
	}
	x, n, err := p.Batch([]*npy.Array{in})
	if err != nil {
		t.Fatal(err)
	}
	res, err := p.Run(x, n, sim.RunOptions{Trace: true, Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	return p, res
}

// exactGraph loads a model and runs the exact flow with no configuration.
func exactGraph(t *testing.T, dir string) *ir.Graph {
	t.Helper()
	g, err := keras.Load(filepath.Join(dir, "model.h5"))
	if err != nil {
		t.Fatal(err)
	}
	if err := passes.RunFlow(g, nil, passes.ExactFlow(passes.ExactOptions{})); err != nil {
		t.Fatal(err)
	}
	if err := g.Validate(); err != nil {
		t.Fatal(err)
	}
	return g
}

// diff returns how many values differ by more than tol, and the largest
// difference.
func diff(a, b []float64, tol float64) (int, float64) {
	n, m := 0, 0.0
	for i := range a {
		d := math.Abs(a[i] - b[i])
		if d > tol || math.IsNaN(d) {
			n++
		}
		m = max(m, d)
	}
	return n, m
}

// TestExactFlowQKeras: on every reference model, predict with default
// settings equals qkeras_out.npy bit for bit (within softmaxTol where the
// model ends in a softmax), and trace equals layer_outputs.npz layer by
// layer: bit for bit, except after float BatchNorms and softmaxes.
func TestExactFlowQKeras(t *testing.T) {
	for _, name := range qkerasModels {
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join(qkerasDir, name)
			meta := readModelJSON(t, dir)
			g := exactGraph(t, dir)
			p, res := runModel(t, dir, g)
			softmax := map[string]bool{}
			for _, n := range g.Nodes {
				if n.Op == ir.OpSoftmax {
					softmax[n.Name] = true
				}
			}
			want, err := npy.ReadFile(filepath.Join(dir, "qkeras_out.npy"))
			if err != nil {
				t.Fatal(err)
			}
			last := meta.Layers[len(meta.Layers)-1]
			got := p.Arrays(res, nil)[0]
			if len(got.Data) != len(want.Data) {
				t.Fatalf("output shape %v, want %v", got.Shape, want.Shape)
			}
			tol := layerTolerance(last.Class, last.Name, softmax)
			if n, m := diff(got.Data, want.Data, tol); n > 0 {
				t.Errorf("output: %d of %d values differ from qkeras_out.npy by more than %g (max %g)", n, len(want.Data), tol, m)
			}
			_, layers, err := npy.ReadNPZ(filepath.Join(dir, "layer_outputs.npz"))
			if err != nil {
				t.Fatal(err)
			}
			keys := sim.Keys(g)
			byKey := map[string]int{}
			for i, k := range keys {
				byKey[k] = i
			}
			nodes := make([]int, len(g.Nodes))
			for i := range nodes {
				nodes[i] = i
			}
			arrays := p.Arrays(res, nodes)
			checked := 0
			for _, l := range meta.Layers {
				ref, ok := layers[l.Name]
				if !ok {
					continue
				}
				i, ok := byKey[l.Name]
				if !ok {
					t.Errorf("layer %s: no emulated output", l.Name)
					continue
				}
				tol := layerTolerance(l.Class, l.Name, softmax)
				if n, m := diff(arrays[i].Data, ref.Data, tol); n > 0 {
					t.Errorf("layer %s (%s): %d of %d values differ by more than %g (max %g)", l.Name, l.Class, n, len(ref.Data), tol, m)
				}
				checked++
			}
			if checked < len(meta.Layers)-1 {
				t.Errorf("checked %d of %d layers", checked, len(meta.Layers))
			}
		})
	}
}

// hls4mlGraph is the model as hls4ml's most common configuration builds
// it: every type fixed<16,6> (AP_TRN, AP_WRAP), the alpha scales
// multiplied into the weights (QKeras's quantized values stored as they
// are), activation quantizers lowered to a relu or linear activation into
// the result type (numerics.md §3). QKeras's *Batchnorm layers are folded
// first, as hls4ml folds them too.
func hls4mlGraph(t *testing.T, dir string) *ir.Graph {
	t.Helper()
	g, err := keras.Load(filepath.Join(dir, "model.h5"))
	if err != nil {
		t.Fatal(err)
	}
	if err := passes.FoldQKerasBatchNorm(g, nil); err != nil {
		t.Fatal(err)
	}
	for _, n := range g.Nodes {
		for _, role := range []string{"kernel", "bias"} {
			q, w := n.Quantizer(role), n.Weight(role)
			if q == nil || w == nil {
				continue
			}
			y, _, err := q.Apply(w.Data, w.Shape)
			if err != nil {
				t.Fatal(err)
			}
			n.Weights[role] = &ir.Tensor{Shape: w.Shape, Data: y}
			delete(n.Quantizers, role)
		}
	}
	if err := passes.AssignTypes(g, config.Default()); err != nil {
		t.Fatal(err)
	}
	return g
}

// TestSeedScenariosHls4mlDiffers shows, on the seed scenarios, what
// hls4ml's types do and that nnhls's default types do not:
//   - qconv2dbn_alpha_none (the scale trap): quantized_bits(16,6) without
//     alpha is auto_po2 per channel; folded into fixed<16,6> weights the
//     codes lose their low bits, and relu outputs of 16 bits wrap;
//   - qconv_bn_qact_saturation: QKeras saturates (weights at 0.875,
//     activations at 1.75 and −2/+1.75), fixed<16,6> WRAP wraps conv2's
//     sums up to 130.5 and keeps the activations unquantized;
//   - qbn_po2_mixed: the QBatchNormalization quantizers are ignored (the
//     raw γ, β, μ, σ² are used) and the relus are not quantized.
//
// (On binary_dense hls4ml's types happen to give QKeras's outputs: no
// BatchNorm output is exactly 0, where binary and binary_tanh differ.)
func TestSeedScenariosHls4mlDiffers(t *testing.T) {
	for _, name := range []string{"qconv2dbn_alpha_none", "qconv_bn_qact_saturation", "qbn_po2_mixed"} {
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join(qkerasDir, name)
			want, err := npy.ReadFile(filepath.Join(dir, "qkeras_out.npy"))
			if err != nil {
				t.Fatal(err)
			}
			hp, hres := runModel(t, dir, hls4mlGraph(t, dir))
			hn, hm := diff(hp.Arrays(hres, nil)[0].Data, want.Data, 0)
			if hn == 0 {
				t.Errorf("hls4ml's types reproduce QKeras; the scenario shows nothing")
			}
			np, nres := runModel(t, dir, exactGraph(t, dir))
			nn, nm := diff(np.Arrays(nres, nil)[0].Data, want.Data, 0)
			if nn != 0 {
				t.Errorf("nnhls: %d values differ (max %g)", nn, nm)
			}
			t.Logf("hls4ml fixed<16,6>: %d of %d outputs differ from QKeras (max %g); nnhls: %d", hn, len(want.Data), hm, nn)
		})
	}
}

// TestExactFlowQKeras3Layer: on the example qkeras_3layer (quantized_bits
// (6,0,alpha=1) weights, quantized_relu(6) activations), the exact flow's
// logits equal those of hls4ml's 'name' configuration, whose types are the
// quantizers' own and wide enough here, as its compiled C++ computed them
// (hls4ml_presoftmax.npy, 1,000 samples).
func TestExactFlowQKeras3Layer(t *testing.T) {
	ref := filepath.Join("..", "testdata", "hls4ml-ref", "qkeras_3layer")
	g, err := keras.Load(filepath.Join("..", "testdata", "keras", "qkeras_3layer.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := passes.RunFlow(g, nil, passes.ExactFlow(passes.ExactOptions{})); err != nil {
		t.Fatal(err)
	}
	p, res := runModel(t, ref, g)
	logits := g.Lookup("output")
	if logits < 0 {
		t.Fatal("no layer output")
	}
	got := p.Arrays(res, []int{logits})[0]
	want, err := npy.ReadFile(filepath.Join(ref, "name", "hls4ml_presoftmax.npy"))
	if err != nil {
		t.Fatal(err)
	}
	if n, m := diff(got.Data, want.Data, 0); n > 0 || len(got.Data) != len(want.Data) {
		t.Errorf("%d of %d logits differ from hls4ml's (max %g)", n, len(want.Data), m)
	}
}
