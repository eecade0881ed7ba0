// This file tests FuseBatchNormHLS4ML: on KERAS_3layer_batch_norm it
// builds the graph hls4ml built under 'name' (layers.json) with the fused
// weights of numerics.md §5, and it leaves BatchNorms alone for
// configurations that name them or name nothing, and for producers hls4ml
// does not fuse into.

package passes_test

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/nnhls/nnhls/config"
	"github.com/nnhls/nnhls/ir"
	"github.com/nnhls/nnhls/passes"
)

func nodeNames(g *ir.Graph) []string {
	var out []string
	for _, n := range g.Nodes {
		out = append(out, n.Name)
	}
	return out
}

// TestFuseBatchNormHLS4MLReference fuses KERAS_3layer_batch_norm under its
// resolved 'name' configuration: the nodes are hls4ml's layers
// (layers.json, in order) and each Dense holds W·s and b·s + β − μ·s with
// s = γ/√(var+ε), computed here from the loaded weights.
func TestFuseBatchNormHLS4MLReference(t *testing.T) {
	const m = "KERAS_3layer_batch_norm"
	dir := filepath.Join("..", "testdata", "hls4ml-ref", m, "name")
	g := loadModel(t, m)
	type pair struct{ dense, bn string }
	pairs := []pair{{"fc1_relu", "bn1"}, {"fc2_relu", "bn2"}, {"fc3_relu", "bn3"}, {"output_softmax", "bn4"}}
	before := map[string]*ir.Node{}
	for _, p := range pairs {
		for _, name := range []string{p.dense, p.bn} {
			i := g.Lookup(name)
			if i < 0 {
				t.Fatalf("no node %q in %v", name, nodeNames(g))
			}
			n := *g.Nodes[i]
			n.Weights = map[string]*ir.Tensor{}
			for r, w := range g.Nodes[i].Weights {
				n.Weights[r] = &ir.Tensor{Shape: w.Shape, Data: slices.Clone(w.Data)}
			}
			before[name] = &n
		}
	}
	c, err := config.Load(filepath.Join(dir, "resolved_config.yml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := passes.FuseBatchNormHLS4ML(g, c); err != nil {
		t.Fatal(err)
	}
	if err := g.Validate(); err != nil {
		t.Fatal(err)
	}

	data, err := os.ReadFile(filepath.Join(dir, "layers.json"))
	if err != nil {
		t.Fatal(err)
	}
	var layers []struct{ Name string }
	if err := json.Unmarshal(data, &layers); err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, l := range layers {
		want = append(want, l.Name)
	}
	if got := nodeNames(g); !slices.Equal(got, want) {
		t.Fatalf("nodes %v, hls4ml's layers %v", got, want)
	}

	for _, p := range pairs {
		d, bn := before[p.dense], before[p.bn]
		k, b := d.Weight("kernel"), d.Weight("bias")
		ch := k.Shape[len(k.Shape)-1]
		s := make([]float64, ch)
		for c := range s {
			s[c] = bn.Weight("gamma").Data[c] / math.Sqrt(bn.Weight("moving_variance").Data[c]+bn.Attrs.Epsilon)
		}
		n := g.Nodes[g.Lookup(p.dense)]
		fk, fb := n.Weight("kernel"), n.Weight("bias")
		if fk.Len() != k.Len() || fb.Len() != ch {
			t.Fatalf("%s: fused shapes %v, %v", p.dense, fk.Shape, fb.Shape)
		}
		for j, w := range k.Data {
			if want := s[j%ch] * w; fk.Data[j] != want {
				t.Fatalf("%s kernel[%d] = %v, want %v", p.dense, j, fk.Data[j], want)
			}
		}
		for c := range ch {
			want := s[c]*b.Data[c] + (bn.Weight("beta").Data[c] - s[c]*bn.Weight("moving_mean").Data[c])
			if fb.Data[c] != want {
				t.Fatalf("%s bias[%d] = %v, want %v", p.dense, c, fb.Data[c], want)
			}
		}
		if n.HW.Why["batchnorm"] == "" {
			t.Errorf("%s: no note of the fusion", p.dense)
		}
		// The loaded tensors are not changed in place.
		if &k.Data[0] == &fk.Data[0] {
			t.Errorf("%s: the kernel was overwritten in place", p.dense)
		}
	}
}

// TestFuseBatchNormHLS4MLKeeps: without a configuration, with nnhls's
// default one, and with hls4ml's resolved 'model' configuration (which
// names bn1..bn4: hls4ml kept them) all four BatchNorms stay.
func TestFuseBatchNormHLS4MLKeeps(t *testing.T) {
	const m = "KERAS_3layer_batch_norm"
	model, err := config.Load(filepath.Join("..", "testdata", "hls4ml-ref", m, "model", "resolved_config.yml"))
	if err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]*config.Config{"nil": nil, "default": config.Default(), "model": model} {
		g := loadModel(t, m)
		n := len(g.Nodes)
		if err := passes.FuseBatchNormHLS4ML(g, c); err != nil {
			t.Fatal(err)
		}
		if len(g.Nodes) != n || g.Lookup("bn1") < 0 || g.Lookup("bn4") < 0 {
			t.Errorf("%s: nodes %v", name, nodeNames(g))
		}
	}
}

// TestFuseBatchNormHLS4MLStructure: a BatchNorm whose producer has a second
// reader is not fused even when the
// configuration names the producer only; a plain Dense → BatchNorm is.
func TestFuseBatchNormHLS4MLStructure(t *testing.T) {
	c, err := config.Parse("t.yml", []byte("LayerName:\n  d:\n    Precision: fixed<8,3>\n  e:\n    Precision: fixed<8,3>\n  dw:\n    Precision: fixed<8,3>\n"))
	if err != nil {
		t.Fatal(err)
	}
	g := &ir.Graph{}
	bnWeights := func() map[string]*ir.Tensor {
		return map[string]*ir.Tensor{
			"gamma": {Shape: []int{2}, Data: []float64{2, 3}}, "beta": {Shape: []int{2}, Data: []float64{1, -1}},
			"moving_mean": {Shape: []int{2}, Data: []float64{0.5, 0}}, "moving_variance": {Shape: []int{2}, Data: []float64{4, 2.25}},
		}
	}
	kernel := func() map[string]*ir.Tensor {
		return map[string]*ir.Tensor{"kernel": {Shape: []int{2, 2}, Data: []float64{1, 2, 3, 4}}}
	}
	x := g.Add(&ir.Node{Name: "x", Op: ir.OpInput, Shape: []int{2}})
	d := g.Add(&ir.Node{Name: "d", Op: ir.OpDense, Inputs: []int{x}, Shape: []int{2}, Weights: kernel()})
	bn := g.Add(&ir.Node{Name: "bn", Op: ir.OpBatchNorm, Inputs: []int{d}, Shape: []int{2}, Weights: bnWeights()})
	e := g.Add(&ir.Node{Name: "e", Op: ir.OpDense, Inputs: []int{bn}, Shape: []int{2}, Weights: kernel()})
	bn2 := g.Add(&ir.Node{Name: "bn2", Op: ir.OpBatchNorm, Inputs: []int{e}, Shape: []int{2}, Weights: bnWeights()})
	sum := g.Add(&ir.Node{Name: "sum", Op: ir.OpMerge, Inputs: []int{e, bn2}, Shape: []int{2}, Attrs: ir.Attrs{Merge: ir.MergeAdd}})
	g.Inputs, g.Outputs = []int{x}, []int{sum}
	if err := passes.FuseBatchNormHLS4ML(g, c); err != nil {
		t.Fatal(err)
	}
	if got, want := nodeNames(g), []string{"x", "d", "e", "bn2", "sum"}; !slices.Equal(got, want) {
		t.Fatalf("nodes %v, want %v", got, want)
	}
	// s = γ/√(var+ε) with ε = 0: (2/2, 3/1.5) = (1, 2); t = β − s·μ =
	// (1 − 0.5, −1 − 0); the kernel (in, out) scales by output channel.
	dn := g.Nodes[g.Lookup("d")]
	if k := dn.Weight("kernel").Data; !slices.Equal(k, []float64{1, 4, 3, 8}) {
		t.Errorf("d kernel %v", k)
	}
	if b := dn.Weight("bias").Data; !slices.Equal(b, []float64{0.5, -1}) {
		t.Errorf("d bias %v, want [0.5 -1]", b)
	}
	if in := g.Nodes[g.Lookup("e")].Inputs; !slices.Equal(in, []int{g.Lookup("d")}) {
		t.Errorf("e reads %v", in)
	}
}
