// This file implements Compile: from a typed graph to a Program of kernels
// over per-sample buffers.

package sim

import (
	"fmt"
	"math"

	"github.com/nnhls/nnhls/fixed"
	"github.com/nnhls/nnhls/ir"
	"github.com/nnhls/nnhls/ops"
)

// Options says how to compile.
type Options struct {
	// Float compiles the float64 forward pass instead of the fixed-point
	// one; the graph then needs no types.
	Float bool
}

// A Program is a compiled graph. It is read-only after Compile, so one
// Program may run several batches at once.
type Program struct {
	g     *ir.Graph
	float bool
	nodes []nodeInfo
	steps []step
	// words is the size of one sample's buffer: every node's output,
	// back to back. scratch is the largest scratch space a kernel needs.
	words, scratch int
	inCasts        []*ops.InputCast // per graph input
}

// nodeInfo is where a node's output lives and how to read it.
type nodeInfo struct {
	off, size int
	shape     []int
	typ       fixed.Type // zero in float programs
	lsb       float64    // 2^-F: raw * lsb is the value, exactly
}

// step is one kernel call.
type step struct {
	node int
	in   []int // input node indices
	k    ops.Kernel
	fk   ops.FloatKernel
}

// Compile builds the program of g. Unless opt.Float, every node must have a
// result type (passes.AssignTypes) and every variable its op needs.
func Compile(g *ir.Graph, opt Options) (*Program, error) {
	if err := g.Validate(); err != nil {
		return nil, err
	}
	p := &Program{g: g, float: opt.Float, nodes: make([]nodeInfo, len(g.Nodes))}
	var errs ir.ErrorList
	for i, n := range g.Nodes {
		ni := &p.nodes[i]
		ni.off, ni.size, ni.shape = p.words, ir.NumElements(n.Shape), n.Shape
		p.words += ni.size
		if !opt.Float {
			t, ok := n.HW.Type(ops.VarResult)
			if !ok || !t.Valid() {
				errs.Add(n.Pos, fmt.Errorf("layer %q has no result type (run the type pass first)", n.Name))
				continue
			}
			if _, _, ok := t.RawRange64(); !ok || t.Width() > 62 {
				errs.Add(n.Pos, fmt.Errorf("layer %q: result type %v is too wide for the int64 path", n.Name, t))
				continue
			}
			ni.typ, ni.lsb = t, math.Ldexp(1, -t.FracBits())
		}
		if n.Op == ir.OpInput {
			continue
		}
		if err := p.addStep(i, n); err != nil {
			errs.Add(n.Pos, fmt.Errorf("layer %q (%s): %w", n.Name, n.Op, err))
		}
	}
	if !opt.Float {
		for _, in := range g.Inputs {
			c, err := ops.NewInputCast(p.nodes[in].typ)
			if err != nil {
				errs.Add(g.Nodes[in].Pos, fmt.Errorf("layer %q: %w", g.Nodes[in].Name, err))
			}
			p.inCasts = append(p.inCasts, c)
		}
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	return p, nil
}

// addStep builds the kernel of node i.
func (p *Program) addStep(i int, n *ir.Node) error {
	def, err := ops.Lookup(n.Op)
	if err != nil {
		return err
	}
	inShapes := make([][]int, len(n.Inputs))
	for j, in := range n.Inputs {
		inShapes[j] = p.g.Nodes[in].Shape
	}
	st := step{node: i, in: n.Inputs}
	if p.float {
		if st.fk, err = def.Float(n, inShapes); err != nil {
			return err
		}
		p.steps = append(p.steps, st)
		return nil
	}
	b := &ops.Build{Node: n, InShapes: inShapes, Types: n.HW.Types}
	for _, in := range n.Inputs {
		b.InTypes = append(b.InTypes, p.nodes[in].typ)
	}
	for _, v := range def.Vars(n) {
		if t, ok := n.HW.Type(v); !ok || !t.Valid() {
			return fmt.Errorf("no type for %s", v)
		}
	}
	if st.k, err = def.Kernel(b); err != nil {
		return err
	}
	p.scratch = max(p.scratch, st.k.Scratch())
	p.steps = append(p.steps, st)
	return nil
}

// Graph returns the graph the program was compiled from.
func (p *Program) Graph() *ir.Graph { return p.g }

// Float reports whether the program is the float64 forward pass.
func (p *Program) Float() bool { return p.float }

// Shape returns the output shape of node i (without the batch axis).
func (p *Program) Shape(i int) []int { return p.nodes[i].shape }

// Type returns the result type of node i (the zero Type in a float
// program).
func (p *Program) Type(i int) fixed.Type { return p.nodes[i].typ }
