// This file tests how predict writes the outputs of a model with several outputs.

package main

import (
	"path/filepath"
	"testing"

	"github.com/nnhls/nnhls/ir"
	"github.com/nnhls/nnhls/npy"
	"github.com/nnhls/nnhls/passes"
	"github.com/nnhls/nnhls/sim"
)

// TestWritePredictionsSeveralOutputs: a model with two outputs writes an
// .npz keyed by the output layers' names, and refuses a .npy.
// The graph is x → a = x·[1, 2] and x → b = x·[-1, 0.5] (one input), with
// every type fixed<16,6>, so x = 1.5 gives a = [1.5, 3], b = [-1.5, 0.75].
func TestWritePredictionsSeveralOutputs(t *testing.T) {
	g := &ir.Graph{}
	in := g.Add(&ir.Node{Name: "x", Op: ir.OpInput, Shape: []int{1}})
	a := g.Add(&ir.Node{Name: "a", Op: ir.OpDense, Inputs: []int{in}, Shape: []int{2},
		Weights: map[string]*ir.Tensor{"kernel": {Shape: []int{1, 2}, Data: []float64{1, 2}}}})
	b := g.Add(&ir.Node{Name: "b", Op: ir.OpDense, Inputs: []int{in}, Shape: []int{2},
		Weights: map[string]*ir.Tensor{"kernel": {Shape: []int{1, 2}, Data: []float64{-1, 0.5}}}})
	g.Inputs, g.Outputs = []int{in}, []int{a, b}
	if err := passes.AssignTypes(g, nil); err != nil {
		t.Fatal(err)
	}
	p, err := sim.Compile(g, sim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	res, err := p.Predict([]*npy.Array{{Shape: []int{1, 1}, Data: []float64{1.5}}}, sim.RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := writePredictions(p, res, filepath.Join(dir, "y.npy")); err == nil {
		t.Error("two outputs written to a .npy")
	}
	out := filepath.Join(dir, "y.npz")
	if err := writePredictions(p, res, out); err != nil {
		t.Fatal(err)
	}
	names, arrays, err := npy.ReadNPZ(out)
	if err != nil {
		t.Fatal(err)
	}
	if len(names) != 2 || names[0] != "a" || names[1] != "b" {
		t.Fatalf("keys %q", names)
	}
	want := map[string][]float64{"a": {1.5, 3}, "b": {-1.5, 0.75}}
	for k, w := range want {
		got := arrays[k]
		if len(got.Shape) != 2 || got.Shape[0] != 1 || got.Shape[1] != 2 || got.Data[0] != w[0] || got.Data[1] != w[1] {
			t.Errorf("%s = %v %v, want %v", k, got.Shape, got.Data, w)
		}
	}
}
