// This file implements the conversion between npy arrays and a Program's
// batches: shape checks on the way in, shapes on the way out.

package sim

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/nnhls/nnhls/ir"
	"github.com/nnhls/nnhls/npy"
)

// Batch checks xs, one array per graph input, against the model's input
// shapes and returns their data and the number of samples. An array may
// have the batch axis first and the input's shape after it, or be 2-D with
// each sample flattened (hls4ml's testbench text files); a single sample
// without the batch axis is also accepted. A mismatch is an error showing
// both shapes.
func (p *Program) Batch(xs []*npy.Array) ([][]float64, int, error) {
	if len(xs) != len(p.g.Inputs) {
		return nil, 0, fmt.Errorf("the model has %d inputs, got %d arrays", len(p.g.Inputs), len(xs))
	}
	data := make([][]float64, len(xs))
	n := -1
	for i, a := range xs {
		in := p.g.Nodes[p.g.Inputs[i]]
		size := ir.NumElements(in.Shape)
		var k int
		switch {
		case len(a.Shape) == len(in.Shape)+1 && slices.Equal(a.Shape[1:], in.Shape),
			len(a.Shape) == 2 && a.Shape[1] == size:
			k = a.Shape[0]
		case slices.Equal(a.Shape, in.Shape):
			k = 1
		default:
			return nil, 0, fmt.Errorf("input %q: the array has shape %s, the model takes %s (or %s flattened)",
				in.Name, shapeText(a.Shape), shapeText(append([]int{-1}, in.Shape...)), shapeText([]int{-1, size}))
		}
		if n >= 0 && k != n {
			return nil, 0, fmt.Errorf("input %q has %d samples, input %q has %d", in.Name, k, p.g.Nodes[p.g.Inputs[0]].Name, n)
		}
		n = k
		data[i] = a.Data
	}
	return data, max(n, 0), nil
}

// Arrays returns node outputs as arrays of shape [N, shape...]: the graph
// outputs when nodes is nil, else the given nodes (which need a traced
// result).
func (p *Program) Arrays(r *Result, nodes []int) []*npy.Array {
	if nodes == nil {
		out := make([]*npy.Array, len(p.g.Outputs))
		for i, o := range p.g.Outputs {
			out[i] = &npy.Array{Shape: append([]int{r.N}, p.nodes[o].shape...), Data: r.Outputs[i], DType: "<f8"}
		}
		return out
	}
	out := make([]*npy.Array, len(nodes))
	for i, nd := range nodes {
		out[i] = &npy.Array{Shape: append([]int{r.N}, p.nodes[nd].shape...), Data: r.Nodes[nd], DType: "<f8"}
	}
	return out
}

// shapeText renders a shape as numpy does, with -1 shown as N:
// "(N, 16)".
func shapeText(s []int) string {
	parts := make([]string, len(s))
	for i, d := range s {
		if d < 0 {
			parts[i] = "N"
		} else {
			parts[i] = strconv.Itoa(d)
		}
	}
	if len(s) == 1 {
		return "(" + parts[0] + ",)"
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

// Predict checks xs against the model's inputs (Batch) and runs them.
func (p *Program) Predict(xs []*npy.Array, opt RunOptions) (*Result, error) {
	x, n, err := p.Batch(xs)
	if err != nil {
		return nil, err
	}
	return p.Run(x, n, opt)
}

// Trace is Predict keeping every node's output and counting every cast.
func (p *Program) Trace(xs []*npy.Array, opt RunOptions) (*Result, error) {
	opt.Trace, opt.Tally = true, true
	return p.Predict(xs, opt)
}
