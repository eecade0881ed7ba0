// This file tests FuseBatchNormTanh on a hand-built graph.

package passes

import (
	"testing"

	"github.com/nnhls/nnhls/ir"
)

// TestFuseBatchNormTanh: x → d (Dense) → bn → act (binary_tanh) → e (Dense)
// becomes x → d → bn (binary_tanh) → e; a BatchNorm followed by a relu is
// left alone.
func TestFuseBatchNormTanh(t *testing.T) {
	g := &ir.Graph{}
	x := g.Add(&ir.Node{Name: "x", Op: ir.OpInput, Shape: []int{2}})
	d := g.Add(&ir.Node{Name: "d", Op: ir.OpDense, Inputs: []int{x}, Shape: []int{2}})
	bn := g.Add(&ir.Node{Name: "bn", Op: ir.OpBatchNorm, Inputs: []int{d}, Shape: []int{2}})
	act := g.Add(&ir.Node{Name: "act", Op: ir.OpActivation, Inputs: []int{bn}, Shape: []int{2}, Attrs: ir.Attrs{Activation: "binary_tanh"}})
	e := g.Add(&ir.Node{Name: "e", Op: ir.OpDense, Inputs: []int{act}, Shape: []int{2}})
	bn2 := g.Add(&ir.Node{Name: "bn2", Op: ir.OpBatchNorm, Inputs: []int{e}, Shape: []int{2}})
	r := g.Add(&ir.Node{Name: "r", Op: ir.OpActivation, Inputs: []int{bn2}, Shape: []int{2}, Attrs: ir.Attrs{Activation: "relu"}})
	g.Inputs, g.Outputs = []int{x}, []int{r}
	if err := FuseBatchNormTanh(g, nil); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, n := range g.Nodes {
		names = append(names, n.Name)
	}
	if len(g.Nodes) != 6 || g.Nodes[2].Attrs.Activation != "binary_tanh" || g.Lookup("act") >= 0 {
		t.Fatalf("nodes %v", names)
	}
	if in := g.Nodes[g.Lookup("e")].Inputs; len(in) != 1 || in[0] != g.Lookup("bn") {
		t.Errorf("e reads %v, want bn (%d)", in, g.Lookup("bn"))
	}
	if g.Outputs[0] != g.Lookup("r") || g.Nodes[g.Lookup("bn2")].Attrs.Activation != "" {
		t.Errorf("outputs %v, bn2 %+v", g.Outputs, g.Nodes[g.Lookup("bn2")].Attrs)
	}
	if err := g.Validate(); err != nil {
		t.Error(err)
	}
}
