// This file implements InferTypes, precision inference by interval
// arithmetic: every type the user did not write is derived from the input
// type, the actual weight values and the quantizers so that no cast can
// overflow, and every type the user did write is checked the same way.

package passes

import (
	"fmt"
	"math"
	"strings"

	"github.com/nnhls/nnhls/config"
	"github.com/nnhls/nnhls/fixed"
	"github.com/nnhls/nnhls/ir"
	"github.com/nnhls/nnhls/ops"
)

// Basic algorithm. Nodes are visited in topological order, each knowing
// the interval [lo, hi] that holds every value of its inputs. For each
// variable of the node (accum, weight, result, ...):
//
//   - a type the user wrote (config.Precision neither "auto" nor the
//     built-in default), a type an op keeps for itself (softmax tables
//     under hls4ml's rules), a type a quantizer fixes and a type an earlier
//     pass chose (the exact flow's IntervalTypes) are kept;
//   - any other type is inferred: weights and biases get the reference
//     width (the Model default's, 16 for fixed<16,6>) with the integer
//     bits their actual values need, or the minimal exact type of a
//     quantizer's grid; accumulators get the fractional bits of the exact
//     products and the integer bits of the interval of every sum; results
//     get the integer bits of their interval and, where the op rounds
//     anyway (products, tables), the reference's fractional bits, else the
//     input's (relu, max pooling, merges: exact).
//
// Then every cast of the node is checked: when the interval of the values
// offered to a cast is not inside the destination type's range, the node
// gets a reason in HW.Unsafe. Inferred types only fail the check where the
// Model Precision maximum cut their integer bits; those saturate (AP_SAT)
// instead of wrapping. Types the user wrote are kept as written (so that an
// hls4ml configuration gives hls4ml's firmware bit for bit) and reported.
//
// Calibration (InferOptions.Observed) replaces the interval of a node's
// result by the observed range plus a margin where that is narrower: such
// a type is safe on the calibration data, not proven, so it saturates and
// is reported.

// InferOptions are the settings of InferTypesWith.
type InferOptions struct {
	// Observed holds, by node name, the range of the float model's output
	// seen on calibration data (nil: no calibration).
	Observed map[string]Range
	// Margin is the number of integer bits added to an observed range.
	Margin int
	// Width is the total width of calibrated result types; 0 means the
	// Model default's width.
	Width int
	// Source names the calibration data in the reasons ("X.npy").
	Source string
	// Observe, when Observed is nil, is called with the graph as the
	// pass finds it (after the structural passes) to run the float model
	// on the calibration data; the caller supplies it because the
	// emulator sits above passes (cmd/nnhls uses sim).
	Observe func(*ir.Graph) (map[string]Range, error)
}

// A Range is the smallest and largest value of a node's output observed
// on calibration data.
type Range struct{ Min, Max float64 }

// InferTypes is InferTypesWith with no calibration.
func InferTypes(g *ir.Graph, c *config.Config) error {
	return InferTypesWith(InferOptions{})(g, c)
}

// InferTypesWith returns the precision-inference pass. It matches every
// node of g. Nodes without types are first typed from c by AssignTypes.
// Afterwards every type that c leaves open (an "auto" value or nothing
// written) and no earlier pass decided is the smallest type that provably
// cannot overflow given the graph's input types and weights (or a
// calibrated one), capped by the Model Precision maximum; n.HW.Why says
// where each type came from, and n.HW.Analyzed, Lo, Hi and Unsafe hold the
// verdict (see Warnings and Verdict).
func InferTypesWith(opt InferOptions) func(*ir.Graph, *config.Config) error {
	return func(g *ir.Graph, c *config.Config) error {
		if c == nil {
			c = config.Default()
		}
		for _, n := range g.Nodes {
			if _, ok := n.HW.Types[ops.VarResult]; !ok {
				if err := AssignTypes(g, c); err != nil {
					return err
				}
				break
			}
		}
		if opt.Observed == nil && opt.Observe != nil {
			obs, err := opt.Observe(g)
			if err != nil {
				return fmt.Errorf("calibration: %w", err)
			}
			opt.Observed = obs
		}
		f := &inferer{g: g, c: c, opt: opt, iv: make([]span, len(g.Nodes))}
		f.ref = config.DefaultPrecision()
		if p := c.Precision("", "", "default"); !p.Auto && p.Type.Valid() {
			f.ref = p.Type
		}
		f.maxT, _ = c.MaxPrecision()
		var errs ir.ErrorList
		for i, n := range g.Nodes {
			if err := f.node(i, n); err != nil {
				errs.Add(n.Pos, fmt.Errorf("layer %q: %w", n.Name, err))
			}
		}
		return errs.Err()
	}
}

// Warnings lists, one line per reason, the nodes whose casts may overflow
// after InferTypes: `layer "fc1": accum fixed<16,6> holds ...`.
func Warnings(g *ir.Graph) []string {
	var out []string
	for _, n := range g.Nodes {
		for _, r := range n.HW.Unsafe {
			out = append(out, fmt.Sprintf("layer %q: %s", n.Name, r))
		}
	}
	return out
}

// Verdict is the one-line safety verdict of a node after InferTypes:
// "proven safe", "may overflow: <reasons>", or "" when it was not analyzed.
func Verdict(n *ir.Node) string {
	switch {
	case !n.HW.Analyzed:
		return ""
	case len(n.HW.Unsafe) == 0:
		return "proven safe"
	}
	return "may overflow: " + strings.Join(n.HW.Unsafe, "; ")
}

// inferer is the state of one InferTypes run.
type inferer struct {
	g    *ir.Graph
	c    *config.Config
	opt  InferOptions
	ref  fixed.Type // the Model default: reference width and fraction
	maxT fixed.Type // Model Precision maximum, invalid when unset
	iv   []span     // output interval by node
}

// nodeCtx is what the rules of one node need.
type nodeCtx struct {
	f     *inferer
	i     int
	n     *ir.Node
	class string
	def   *ops.Def
	// bounded says the op's output range is fixed by its function
	// (softmax, sigmoid, tanh): calibration does not narrow it.
	bounded bool
}

// inferable reports whether the type of variable v is nnhls's to choose:
// the configuration says "auto" or nothing about it, and AssignTypes's
// answer for it (the Model default for "auto", the built-in default) is
// still in place: no op default, quantizer or earlier pass replaced it.
func (x *nodeCtx) inferable(v string) bool {
	p := x.f.c.Precision(x.n.Name, x.class, v)
	if !p.Auto && p.Source.Level != config.LevelBuiltin {
		return false
	}
	if _, ok := x.n.HW.Types[v]; !ok {
		return true // a variable AssignTypes does not know (inp_norm)
	}
	return x.n.HW.IsOpen(v)
}

// set gives variable v the type t with reason why, capping it by the
// Model maximum; a cut in integer bits makes it saturate and is reported.
func (x *nodeCtx) set(v string, t fixed.Type, why string) fixed.Type {
	c, cut := capToMax(t, x.f.maxT)
	if cut {
		x.unsafe("%s %s: integer bits cut to the Model maximum %s (needs %s): saturates", v, c.HLS4ML(), x.f.maxT.HLS4ML(), t.HLS4ML())
		why += ", capped by Model maximum"
	}
	x.n.HW.SetType(v, c, why)
	return c
}

// typ returns the current type of variable v.
func (x *nodeCtx) typ(v string) fixed.Type { return x.n.HW.Types[v] }

// unsafe records a reason the node may overflow.
func (x *nodeCtx) unsafe(format string, args ...any) {
	x.n.HW.Unsafe = append(x.n.HW.Unsafe, fmt.Sprintf(format, args...))
}

// check records a reason when the values v offered to the cast into
// variable name's type t may overflow it.
func (x *nodeCtx) check(name string, t fixed.Type, v span) {
	if typeHolds(t, v) {
		return
	}
	mode := "wraps"
	switch t.Overflow() {
	case fixed.Sat, fixed.SatSym, fixed.SatZero:
		mode = "saturates"
	}
	x.unsafe("%s %s holds [%g, %g] but values reach %v: %s", name, t.HLS4ML(), t.Min(), t.Max(), v, mode)
	if why, ok := x.n.HW.Why[name]; ok && !strings.Contains(why, "may overflow") {
		x.n.HW.Why[name] = why + "; may overflow: values reach " + v.String() + ", " + mode
	}
}

// in returns the interval and type of input k.
func (x *nodeCtx) in(k int) (span, fixed.Type) {
	j := x.n.Inputs[k]
	return x.f.iv[j], x.f.g.Nodes[j].HW.Types[ops.VarResult]
}

// refFrac is the reference number of fractional bits: what a result that
// rounds anyway keeps.
func (x *nodeCtx) refFrac() int { return x.f.ref.FracBits() }

// node infers and checks the types of node i and records its output
// interval.
func (f *inferer) node(i int, n *ir.Node) error {
	def, err := ops.Lookup(n.Op)
	if err != nil {
		return err
	}
	x := &nodeCtx{f: f, i: i, n: n, class: def.Class(n), def: def}
	n.HW.Unsafe = nil
	x.applyUser()
	var out span
	switch n.Op {
	case ir.OpInput:
		out = x.input()
	case ir.OpDense, ir.OpConv, ir.OpDepthwiseConv:
		out, err = x.mac()
	case ir.OpBatchNorm, ir.OpScaleShift:
		out, err = x.scaleShift()
	case ir.OpActivation:
		out, err = x.activation()
	case ir.OpSoftmax:
		out, err = x.softmax()
	case ir.OpQuant:
		out = x.quantizer()
	case ir.OpPool, ir.OpGlobalPool:
		out = x.pool()
	case ir.OpMerge, ir.OpDot:
		out, err = x.merge()
	case ir.OpConcat:
		out = x.concat()
	default: // data movement: Reshape, Transpose, Pad, Crop, Upsample
		out = x.move()
	}
	if err != nil {
		return err
	}
	f.iv[i] = out
	n.HW.Analyzed, n.HW.Lo, n.HW.Hi = true, out.lo, out.hi
	return nil
}

// result decides the result type of a node whose exact (pre-cast) values
// lie in v on a grid of srcFrac fractional bits, and returns the interval
// of the node's output. An output quantizer decides it when there is one;
// otherwise an inferable result gets the smallest type with frac
// fractional bits holding v, or the calibrated type when that is narrower;
// any other is checked.
func (x *nodeCtx) result(v span, srcFrac, frac int, why string) span {
	if out, ok := x.quantizerOut(v, srcFrac); ok {
		return out
	}
	if x.inferable(ops.VarResult) {
		t := fitSpan(v, frac)
		if frac < srcFrac {
			// The cast rounds anyway: a narrow range keeps the
			// reference width's precision, not only its fraction
			// (BatchNorm outputs within ±0.3 get fixed<16,2>, not
			// fixed<12,2>).
			t = fitSpan(v, min(srcFrac, max(frac, x.f.ref.Width()-t.IntBits())))
		}
		if t.Width() > maxInferredResult {
			t = fitLimited(v, t.FracBits(), 1, maxInferredResult)
		}
		if ct, cwhy, ok := x.calibrated(v, t); ok && !x.bounded {
			x.n.HW.SetType(ops.VarResult, ct, cwhy)
			x.check(ops.VarResult, ct, v)
			return castSpan(ct, v, srcFrac)
		}
		x.set(ops.VarResult, t, "interval "+why+" "+v.String())
		return castSpan(x.typ(ops.VarResult), v, srcFrac)
	}
	t := x.typ(ops.VarResult)
	x.check(ops.VarResult, t, v)
	return castSpan(t, v, srcFrac)
}

// move is the rule of data-movement ops (Reshape, Transpose, Pad, Crop,
// Upsample): the values are the input's (and zeros for Pad), so an
// inferable result is the input's type.
func (x *nodeCtx) move() span {
	v, t := x.in(0)
	if x.n.Op == ir.OpPad {
		v = v.withZero()
	}
	if x.inferable(ops.VarResult) && typeHolds(t, v) {
		x.n.HW.SetType(ops.VarResult, t, "interval: the input type")
		return v
	}
	return x.result(v, t.FracBits(), t.FracBits(), "of the input")
}

// concat is the union of its inputs, at the finest input grid.
func (x *nodeCtx) concat() span {
	v, t := x.in(0)
	frac := t.FracBits()
	for k := 1; k < len(x.n.Inputs); k++ {
		w, u := x.in(k)
		v, frac = v.union(w), max(frac, u.FracBits())
	}
	return x.result(v, frac, frac, "union of the inputs")
}

// input types a graph input: a type the user wrote, the calibrated type,
// or the Model default; its values are the type's range (the emulator
// converts every input value into it).
func (x *nodeCtx) input() span {
	if x.inferable(ops.VarResult) {
		t := x.f.ref
		why := "Model default"
		if t == config.DefaultPrecision() {
			why = "built-in default"
		}
		if ct, cwhy, ok := x.calibrated(spanOf(t), t); ok {
			t, why = ct, cwhy
		}
		x.n.HW.SetType(ops.VarResult, t, why)
	}
	return spanOf(x.typ(ops.VarResult))
}

// pool is max pooling (the input's values) and average pooling (a sum in
// accum, divided by the cell count with truncation toward zero at accum's
// grid).
func (x *nodeCtx) pool() span {
	v, t := x.in(0)
	if x.n.Attrs.Padding != ir.PadValid {
		v = v.withZero()
	}
	if x.n.Attrs.Pool == ir.PoolMax {
		return x.result(v, t.FracBits(), t.FracBits(), "of the input")
	}
	cells := 1
	if x.n.Op == ir.OpGlobalPool {
		in := x.f.g.Nodes[x.n.Inputs[0]].Shape
		cells = ir.NumElements(in) / max(in[len(in)-1], 1)
	} else {
		for _, k := range x.n.Attrs.Kernel {
			cells *= k
		}
	}
	e := log2Up(cells)
	sum := span{v.lo * float64(cells), v.hi * float64(cells)}.withZero()
	if x.inferable(ops.VarAccum) {
		x.set(ops.VarAccum, fitLimited(sum, t.FracBits()+e, 1, maxInferredAccum), "interval of the window sum "+sum.String())
	}
	acc := x.typ(ops.VarAccum)
	x.check(ops.VarAccum, acc, sum)
	// The average of values in v lies in v; truncation toward zero at
	// accum's grid moves it by less than one step of accum.
	avg := span{v.lo - acc.LSB(), v.hi + acc.LSB()}
	return x.result(avg, acc.FracBits(), min(acc.FracBits(), max(t.FracBits(), x.refFrac())), "of the average")
}

// merge is Add, Subtract, Multiply, Average, Maximum, Minimum (exact, one
// cast into the result) and Dot (products summed in accum).
func (x *nodeCtx) merge() (span, error) {
	v, t := x.in(0)
	frac := t.FracBits()
	if x.n.Op == ir.OpDot {
		if len(x.n.Inputs) != 2 {
			return span{}, fmt.Errorf("dot takes two inputs")
		}
		w, u := x.in(1)
		p := mulSpan(v, w)
		terms := float64(ir.NumElements(x.f.g.Nodes[x.n.Inputs[0]].Shape))
		sum := span{p.lo * terms, p.hi * terms}.withZero().slack()
		pf := frac + u.FracBits()
		if x.inferable(ops.VarAccum) {
			x.set(ops.VarAccum, fitLimited(sum, pf, int(terms)+1, maxInferredAccum), "interval of the dot product "+sum.String())
		}
		acc := x.typ(ops.VarAccum)
		if acc.FracBits() < pf {
			sum = span{sum.lo - terms*acc.LSB(), sum.hi + terms*acc.LSB()}
		}
		x.check(ops.VarAccum, acc, sum)
		return x.result(sum, acc.FracBits(), min(acc.FracBits(), max(pf, x.refFrac())), "of the dot product"), nil
	}
	for k := 1; k < len(x.n.Inputs); k++ {
		w, u := x.in(k)
		switch x.n.Attrs.Merge {
		case ir.MergeAdd, ir.MergeAvg:
			v, frac = span{v.lo + w.lo, v.hi + w.hi}, max(frac, u.FracBits())
		case ir.MergeSub:
			v, frac = span{v.lo - w.hi, v.hi - w.lo}, max(frac, u.FracBits())
		case ir.MergeMul:
			v, frac = mulSpan(v, w), frac+u.FracBits()
		case ir.MergeMax:
			v, frac = span{math.Max(v.lo, w.lo), math.Max(v.hi, w.hi)}, max(frac, u.FracBits())
		case ir.MergeMin:
			v, frac = span{math.Min(v.lo, w.lo), math.Min(v.hi, w.hi)}, max(frac, u.FracBits())
		}
	}
	outFrac := frac
	switch x.n.Attrs.Merge {
	case ir.MergeAvg:
		// hls4ml multiplies the sum by ap_ufixed<1,0>(0.5) exactly.
		k := float64(len(x.n.Inputs))
		v = span{v.lo / k, v.hi / k}
		frac++
		outFrac = frac
	case ir.MergeMul:
		outFrac = min(frac, max(x.refFrac(), frac-t.FracBits()))
	}
	return x.result(v, frac, outFrac, "of the "+x.class), nil
}

// mulSpan is the interval of products of values of v and w.
func mulSpan(v, w span) span {
	a, b, c, d := v.lo*w.lo, v.lo*w.hi, v.hi*w.lo, v.hi*w.hi
	return span{min(a, b, c, d), max(a, b, c, d)}
}

// log2Up is ⌈log2 n⌉ for n >= 1.
func log2Up(n int) int {
	e := 0
	for 1<<e < n {
		e++
	}
	return e
}

// applyUser gives every variable the user wrote for this very layer
// (LayerName Precision.<variable>) that type, whatever an earlier pass
// chose: what the user typed explicitly wins, also on nodes that passes
// retyped after AssignTypes.
func (x *nodeCtx) applyUser() {
	vars := append([]string{ops.VarResult}, x.def.Vars(x.n)...)
	for v := range x.n.HW.Types {
		vars = append(vars, v)
	}
	for _, v := range vars {
		p := x.f.c.Precision(x.n.Name, x.class, v)
		if p.Auto || p.Source.Level != config.LevelName || p.Source.Var != v || !p.Type.Valid() {
			continue
		}
		if cur, ok := x.n.HW.Types[v]; !ok || cur != p.Type {
			x.n.HW.SetType(v, p.Type, p.Source.String())
		}
	}
}
