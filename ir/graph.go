package ir

import (
	"fmt"
	"sort"

	"github.com/nnhls/nnhls/quant"
)

// A Node is one operation of the graph. Its output is the tensor of the same
// index; nodes have exactly one output.
type Node struct {
	// Name is the layer name from the model file (unique in the graph).
	// Nodes a loader or pass splits off get the original name plus a suffix
	// ("fc1_relu"), and Origin keeps the original layer's name.
	Name   string
	Origin string
	// Class is the source layer class ("QDense", "Conv2D", "Gemm"), for
	// messages and reports.
	Class string
	Op    Op
	// Inputs are indices into Graph.Nodes.
	Inputs []int
	// Shape is the output shape without the batch axis, channels-last.
	Shape []int
	Attrs Attrs
	// Weights by role: "kernel", "bias", "gamma", "beta", "moving_mean",
	// "moving_variance", "alpha" (PReLU), "scale" (OpScaleShift).
	Weights map[string]*Tensor
	// Quantizers by role: "kernel", "bias", "activation" (the output),
	// "gamma", "beta", "mean", "variance". Nil when the role is float.
	Quantizers map[string]*quant.Spec
	// HW is filled by the type passes; loaders leave it empty.
	HW  HW
	Pos Pos
}

// Weight returns the weight of the given role, or nil.
func (n *Node) Weight(role string) *Tensor {
	if n.Weights == nil {
		return nil
	}
	return n.Weights[role]
}

// Quantizer returns the quantizer of the given role, or nil.
func (n *Node) Quantizer(role string) *quant.Spec {
	if n.Quantizers == nil {
		return nil
	}
	return n.Quantizers[role]
}

// WeightRoles returns the node's weight roles in sorted order, so that
// anything printed from them is deterministic.
func (n *Node) WeightRoles() []string {
	roles := make([]string, 0, len(n.Weights))
	for r := range n.Weights {
		roles = append(roles, r)
	}
	sort.Strings(roles)
	return roles
}

// QuantizerRoles returns the node's quantizer roles in sorted order.
func (n *Node) QuantizerRoles() []string {
	roles := make([]string, 0, len(n.Quantizers))
	for r, q := range n.Quantizers {
		if q != nil {
			roles = append(roles, r)
		}
	}
	sort.Strings(roles)
	return roles
}

// NumParams is the number of weight values the node holds.
func (n *Node) NumParams() int {
	p := 0
	for _, t := range n.Weights {
		p += t.Len()
	}
	return p
}

// A Graph is a network: nodes in topological order (every input index is
// smaller than the node's own), and the indices of its inputs and outputs.
type Graph struct {
	// Name is the model's name from the file.
	Name    string
	Nodes   []*Node
	Inputs  []int
	Outputs []int
	// Source is the file the graph was read from.
	Source string
}

// Add appends a node and returns its index.
func (g *Graph) Add(n *Node) int {
	g.Nodes = append(g.Nodes, n)
	return len(g.Nodes) - 1
}

// Lookup returns the index of the node with the given name, or -1.
func (g *Graph) Lookup(name string) int {
	for i, n := range g.Nodes {
		if n.Name == name {
			return i
		}
	}
	return -1
}

// Consumers returns, for every node, the indices of the nodes that read it.
func (g *Graph) Consumers() [][]int {
	out := make([][]int, len(g.Nodes))
	for i, n := range g.Nodes {
		for _, in := range n.Inputs {
			if in >= 0 && in < len(out) {
				out[in] = append(out[in], i)
			}
		}
	}
	return out
}

// NumParams is the number of weight values in the graph.
func (g *Graph) NumParams() int {
	p := 0
	for _, n := range g.Nodes {
		p += n.NumParams()
	}
	return p
}

// Validate checks the structural invariants every consumer relies on: node
// inputs point backwards, names are unique, shapes are non-empty and
// positive, weights match their shapes, and inputs/outputs are in range.
func (g *Graph) Validate() error {
	var errs ErrorList
	names := make(map[string]bool, len(g.Nodes))
	for i, n := range g.Nodes {
		if n == nil {
			errs.Add(Pos{File: g.Source}, fmt.Errorf("node %d is nil", i))
			continue
		}
		if n.Op == OpInvalid || n.Op >= numOps {
			errs.Add(n.Pos, fmt.Errorf("layer %q: invalid op", n.Name))
		}
		if names[n.Name] {
			errs.Add(n.Pos, fmt.Errorf("layer %q: duplicate name", n.Name))
		}
		names[n.Name] = true
		for _, in := range n.Inputs {
			if in < 0 || in >= i {
				errs.Add(n.Pos, fmt.Errorf("layer %q: input %d is not an earlier node", n.Name, in))
			}
		}
		if n.Op == OpInput && len(n.Inputs) != 0 {
			errs.Add(n.Pos, fmt.Errorf("layer %q: an input layer has inputs", n.Name))
		}
		if n.Op != OpInput && len(n.Inputs) == 0 {
			errs.Add(n.Pos, fmt.Errorf("layer %q (%s): no inputs", n.Name, n.Op))
		}
		if len(n.Shape) == 0 {
			errs.Add(n.Pos, fmt.Errorf("layer %q: empty output shape", n.Name))
		}
		for _, d := range n.Shape {
			if d <= 0 {
				errs.Add(n.Pos, fmt.Errorf("layer %q: output shape %v has a non-positive dimension", n.Name, n.Shape))
				break
			}
		}
		for _, r := range n.WeightRoles() {
			if err := n.Weights[r].Check(); err != nil {
				errs.Add(n.Pos, fmt.Errorf("layer %q: weight %q: %w", n.Name, r, err))
			}
		}
	}
	for _, i := range g.Inputs {
		if i < 0 || i >= len(g.Nodes) || g.Nodes[i].Op != OpInput {
			errs.Add(Pos{File: g.Source}, fmt.Errorf("graph input %d is not an input node", i))
		}
	}
	if len(g.Outputs) == 0 {
		errs.Add(Pos{File: g.Source}, fmt.Errorf("graph has no outputs"))
	}
	for _, o := range g.Outputs {
		if o < 0 || o >= len(g.Nodes) {
			errs.Add(Pos{File: g.Source}, fmt.Errorf("graph output %d out of range", o))
		}
	}
	return errs.Err()
}
