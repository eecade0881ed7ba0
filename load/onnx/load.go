// This file implements the entry points, Load and LoadBytes, and the walk
// over the ONNX graph: topological order, graph inputs and outputs, one
// handler call per node, and every error collected into an ir.ErrorList.

package onnx

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/nnhls/nnhls/ir"
)

// maxFileBytes caps the size of a model file (protobuf itself caps a
// message at 2 GB; nnhls targets models that fit an FPGA).
const maxFileBytes = 1 << 30

// Opsets the loader reads. Version 6 is accepted too: the hls4ml example
// PyTorch models were exported with it, and the ops they use did not change.
const (
	minOpset = 6
	maxOpset = 21
)

// Load reads an ONNX or QONNX model file into a graph. See the package
// documentation for the layout conventions. Every problem is reported,
// each naming the file, the node (index, name and op type) and the reason;
// the error is an ir.ErrorList or a single *ir.Error.
func Load(path string) (*ir.Graph, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fileError(path, err)
	}
	if st.Size() > maxFileBytes {
		return nil, fileError(path, fmt.Errorf("file of %d bytes is larger than the %d nnhls reads", st.Size(), maxFileBytes))
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fileError(path, err)
	}
	return LoadBytes(data, path)
}

// LoadBytes reads an ONNX model from memory; name is the file name used in
// messages and as the graph's Source.
func LoadBytes(data []byte, name string) (*ir.Graph, error) {
	m, err := decodeModel(data)
	if err != nil {
		return nil, fileError(name, fmt.Errorf("not a readable ONNX model: %w", err))
	}
	b := newBuilder(name, m)
	if err := b.checkOpsets(); err != nil {
		return nil, fileError(name, err)
	}
	b.build()
	if b.errs.Len() > 0 {
		b.errs.Sort()
		return nil, b.errs.Err()
	}
	if err := b.g.Validate(); err != nil {
		return nil, fmt.Errorf("%s: the loaded graph is invalid: %w", name, err)
	}
	return b.g, nil
}

// fileError makes an error about a whole file.
func fileError(path string, err error) error {
	var l ir.ErrorList
	l.Add(ir.Pos{File: path}, err)
	return l.Err()
}

// checkOpsets checks the default-domain opset is one the loader knows.
func (b *builder) checkOpsets() error {
	v, ok := b.m.opsets[""]
	if !ok {
		return errors.New("the model imports no ai.onnx opset")
	}
	if v < minOpset || v > maxOpset {
		return fmt.Errorf("ai.onnx opset %d is not supported (nnhls reads opsets %d to %d)", v, minOpset, maxOpset)
	}
	b.opset = v
	return nil
}

// build converts the whole graph.
func (b *builder) build() {
	g := b.m.graph
	b.g.Name = g.name
	// Initializers first: old exporters also list them among the inputs.
	for i, t := range g.inits {
		if t.name == "" {
			b.fileErrorf("initializer %d has no name", i)
			continue
		}
		c, err := t.values()
		if err != nil {
			b.fileErrorf("initializer %q: %v", t.name, err)
			continue
		}
		b.vals[t.name] = &value{node: -1, c: c}
	}
	b.batch1 = true
	for _, in := range g.inputs {
		if _, ok := b.vals[in.name]; ok {
			continue
		}
		b.batch1 = b.batch1 && len(in.dims) > 0 && in.dims[0] == 1
		b.input(in)
	}
	order, err := b.order()
	if err != nil {
		b.fileErrorf("%v", err)
		return
	}
	for _, i := range order {
		b.convert(i)
	}
	for _, out := range g.outputs {
		v := b.vals[out.name]
		switch {
		case v == nil:
			if b.errs.Len() == 0 {
				b.fileErrorf("graph output %q is not produced by any node", out.name)
			}
		case v.invalid:
		case v.node < 0:
			b.fileErrorf("graph output %q is a constant; nnhls needs outputs computed from the inputs", out.name)
		default:
			idx, err := b.toLayout(v, identity(len(v.shape)))
			if err != nil {
				b.fileErrorf("graph output %q: %v", out.name, err)
				continue
			}
			b.g.Outputs = append(b.g.Outputs, idx)
		}
	}
	if len(g.outputs) == 0 {
		b.fileErrorf("the graph declares no outputs")
	}
	if len(b.g.Inputs) == 0 && b.errs.Len() == 0 {
		b.fileErrorf("the graph has no runtime inputs")
	}
}

// input adds an OpInput for a graph input. Its shape is the ONNX shape
// without the batch axis, in the ONNX layout, so predict reads inputs as
// the ONNX model does.
func (b *builder) input(in *valueInfo) {
	if !in.hasShape {
		b.fileErrorf("graph input %q has no shape", in.name)
		b.vals[in.name] = &value{node: -1, invalid: true}
		return
	}
	if in.elemType != dtFloat && in.elemType != dtDouble && in.elemType != dtFloat16 {
		b.fileErrorf("graph input %q has element type %s; nnhls reads float inputs", in.name, dtypeName(in.elemType))
	}
	if len(in.dims) < 2 {
		b.fileErrorf("graph input %q has shape %v; nnhls needs a batch axis and at least one more", in.name, in.dims)
		b.vals[in.name] = &value{node: -1, invalid: true}
		return
	}
	shape := make([]int, len(in.dims)-1)
	for i, d := range in.dims[1:] {
		if d <= 0 || d > maxElements {
			b.fileErrorf("graph input %q: dimension %d of shape %v is not a positive size", in.name, i+1, in.dims)
			b.vals[in.name] = &value{node: -1, invalid: true}
			return
		}
		shape[i] = int(d)
	}
	if _, err := numel(in.dims[1:]); err != nil {
		b.fileErrorf("graph input %q: %v", in.name, err)
		b.vals[in.name] = &value{node: -1, invalid: true}
		return
	}
	n := &ir.Node{Name: b.unique(in.name), Class: "Input", Op: ir.OpInput, Shape: shape, Pos: ir.Pos{File: b.file, Layer: in.name}}
	idx := b.g.Add(n)
	b.g.Inputs = append(b.g.Inputs, idx)
	b.vals[in.name] = &value{node: idx, shape: append([]int(nil), shape...), perm: identity(len(shape))}
}

// order returns the node indices in a topological order (ONNX requires
// files to be sorted, but exporters do not always comply), or an error for
// a cycle.
func (b *builder) order() ([]int, error) {
	nodes := b.m.graph.nodes
	producer := map[string]int{}
	for i, n := range nodes {
		for _, o := range n.outputs {
			if o == "" {
				continue
			}
			if _, ok := b.vals[o]; ok {
				return nil, fmt.Errorf("node %d %q (%s) writes %q, which is a graph input or initializer", i, n.name, n.opType, o)
			}
			if j, ok := producer[o]; ok {
				return nil, fmt.Errorf("nodes %d and %d both write tensor %q", j, i, o)
			}
			producer[o] = i
		}
	}
	indeg := make([]int, len(nodes))
	users := make([][]int, len(nodes))
	for i, n := range nodes {
		for _, in := range n.inputs {
			if p, ok := producer[in]; ok {
				indeg[i]++
				users[p] = append(users[p], i)
			}
		}
	}
	var ready, out []int
	for i := len(nodes) - 1; i >= 0; i-- {
		if indeg[i] == 0 {
			ready = append(ready, i)
		}
	}
	// Pop the smallest index first, so a sorted file keeps its order.
	for len(ready) > 0 {
		k := len(ready) - 1
		i := ready[k]
		ready = ready[:k]
		out = append(out, i)
		var next []int
		for _, u := range users[i] {
			if indeg[u]--; indeg[u] == 0 {
				next = append(next, u)
			}
		}
		for j := len(next) - 1; j >= 0; j-- {
			ready = insertSorted(ready, next[j])
		}
	}
	if len(out) != len(nodes) {
		var stuck []string
		for i, d := range indeg {
			if d > 0 && len(stuck) < 3 {
				stuck = append(stuck, fmt.Sprintf("node %d %q (%s)", i, nodes[i].name, nodes[i].opType))
			}
		}
		return nil, fmt.Errorf("the graph has a cycle through %s", strings.Join(stuck, ", "))
	}
	return out, nil
}

// insertSorted inserts v into a slice sorted in decreasing order.
func insertSorted(s []int, v int) []int {
	i := len(s)
	for i > 0 && s[i-1] < v {
		i--
	}
	s = append(s, 0)
	copy(s[i+1:], s[i:])
	s[i] = v
	return s
}

// convert runs the handler of node i and records its outputs.
func (b *builder) convert(i int) {
	n := b.m.graph.nodes[i]
	c := &nctx{b: b, n: n, idx: i, used: map[string]bool{}}
	mark := func(v *value) {
		for _, o := range n.outputs {
			if o != "" {
				b.vals[o] = v
			}
		}
	}
	bad := &value{node: -1, invalid: true}
	ins := make([]*value, len(n.inputs))
	for k, name := range n.inputs {
		if name == "" {
			continue
		}
		v := b.vals[name]
		if v == nil {
			b.nodeErrorf(c, "input %q is not a graph input, an initializer or the output of another node", name)
			mark(bad)
			return
		}
		if v.invalid {
			mark(bad) // one mistake, one message
			return
		}
		ins[k] = v
	}
	c.ins = ins
	h, ok := handlers[handlerKey(n)]
	if !ok {
		if why, known := unsupportedOps[n.opType]; known {
			b.nodeErrorf(c, "op %s is not supported: %s", n.opType, why)
		} else if n.domain != "" && !isQONNXDomain(n.domain) && n.domain != "ai.onnx" {
			b.nodeErrorf(c, "op %s of domain %q is not supported", n.opType, n.domain)
		} else {
			b.nodeErrorf(c, "op %s is not supported", n.opType)
		}
		mark(bad)
		return
	}
	v, err := h(c)
	if err == nil {
		err = c.unusedAttrs()
	}
	if err == nil && len(n.outputs) > 1 {
		err = c.extraOutputs()
	}
	if err != nil {
		b.nodeErrorf(c, "%v", err)
		mark(bad)
		return
	}
	if len(n.outputs) > 0 && n.outputs[0] != "" {
		b.vals[n.outputs[0]] = v
	}
}
