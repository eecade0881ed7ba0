// This file implements the contract between the emulator and the per-op
// kernels: what a kernel is given when it is built, and what it runs on.

package ops

import (
	"github.com/nnhls/nnhls/fixed"
	"github.com/nnhls/nnhls/ir"
)

// Variable names of a node's typed quantities, as hls4ml's Precision keys
// spell them (accum -> accum_t in the C++).
const (
	VarResult   = "result"
	VarAccum    = "accum"
	VarWeight   = "weight"
	VarBias     = "bias"
	VarScale    = "scale"
	VarTable    = "table"
	VarExpTable = "exp_table"
	VarInvTable = "inv_table"
	VarInvInp   = "inv_inp"
	VarParam    = "param"
)

// Slot indexes the tallies of one node. The result cast and the accumulator
// casts are counted apart because they overflow for different reasons.
type Slot uint8

// Tally slots.
const (
	SlotResult Slot = iota
	SlotAccum
	SlotOther // tables, intermediate types of multi-step kernels
	NumSlots
)

// Counts tallies what casts did to values.
type Counts struct {
	Casts     int64 // values cast
	Rounded   int64 // not on the destination grid
	Saturated int64 // overflowed under a SAT mode
	Wrapped   int64 // overflowed under a WRAP mode
	// Min and Max are the smallest and largest exact values offered to
	// the casts, before rounding and overflow, when Observed: how far a
	// value went beyond the type's range. Kernels that do not record them
	// leave Observed false.
	Min, Max float64
	Observed bool
}

// Add records the outcome of one cast.
func (c *Counts) Add(f fixed.Flags) {
	c.Casts++
	if f == 0 {
		return
	}
	if f.Has(fixed.Rounded) {
		c.Rounded++
	}
	if f.Has(fixed.Saturated) {
		c.Saturated++
	}
	if f.Has(fixed.Wrapped) {
		c.Wrapped++
	}
}

// Observe records the exact value v offered to a cast.
func (c *Counts) Observe(v float64) {
	if !c.Observed {
		c.Min, c.Max, c.Observed = v, v, true
		return
	}
	c.Min = min(c.Min, v)
	c.Max = max(c.Max, v)
}

// Merge adds o into c.
func (c *Counts) Merge(o Counts) {
	c.Casts += o.Casts
	c.Rounded += o.Rounded
	c.Saturated += o.Saturated
	c.Wrapped += o.Wrapped
	if o.Observed {
		c.Observe(o.Min)
		c.Observe(o.Max)
	}
}

// Tally holds one node's counts by slot.
type Tally [NumSlots]Counts

// Merge adds o into t.
func (t *Tally) Merge(o *Tally) {
	for i := range t {
		t[i].Merge(o[i])
	}
}

// Build is what a kernel builder is given: the node, and the shapes and
// types of its inputs and variables, all resolved by the passes.
type Build struct {
	Node     *ir.Node
	InShapes [][]int
	InTypes  []fixed.Type
	// Types holds every variable's type; Types[VarResult] is the output type.
	Types map[string]fixed.Type
}

// Result returns the node's output type.
func (b *Build) Result() fixed.Type { return b.Types[VarResult] }

// A Kernel computes one node for one sample on raw two's-complement values.
// in[i] holds input i (in the input's type), out receives the result (in the
// result type). Kernels are built once and must not allocate in Run; they
// may be run from several goroutines at once, so any scratch space they need
// comes from the caller (Scratch words). t is nil when the caller does not
// want counts (a plain predict): kernels then count nothing and may take
// faster loops.
type Kernel interface {
	Run(in [][]int64, out []int64, scratch []int64, t *Tally)
	// Scratch is the number of int64 words of scratch space Run needs.
	Scratch() int
}

// A FloatKernel computes one node for one sample in float64, with no
// fixed-point at all: the trained model's own arithmetic.
type FloatKernel interface {
	Run(in [][]float64, out []float64)
}

// Def is the definition of one op.
type Def struct {
	Op ir.Op
	// Class returns the hls4ml layer class of a node, the key of
	// LayerType entries in a configuration ("Dense", "Activation", ...).
	Class func(n *ir.Node) string
	// Vars lists the typed variables besides the result that the node's
	// kernel needs (accum, weight, bias, table, ...).
	Vars func(n *ir.Node) []string
	// Default, when set, gives the op's own (hls4ml's) type for a variable
	// that the configuration does not name explicitly
	// (config.Precision.Explicit): hls4ml keeps softmax's tables at
	// fixed<18,8,RND,SAT> under a Model default of fixed<16,6>.
	// passes.AssignTypesHLS4ML uses it. ok is false for variables without
	// one.
	Default func(n *ir.Node, variable string) (t fixed.Type, ok bool)
	// Kernel builds the fixed-point kernel.
	Kernel func(b *Build) (Kernel, error)
	// Float builds the float64 kernel.
	Float func(n *ir.Node, inShapes [][]int) (FloatKernel, error)
}
