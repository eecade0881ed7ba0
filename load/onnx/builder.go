// This file implements the state of a conversion: the values ONNX tensors
// hold (runtime tensors with their layout, or constants), the context a
// node handler works in (inputs, attributes, adding nodes), and the layout
// transposes inserted between ONNX's channels-first axes and ir's
// channels-last ones.

package onnx

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/nnhls/nnhls/ir"
)

// A value is what an ONNX tensor name stands for.
//
// A runtime value is the output of ir node `node`. Its ONNX shape (without
// the batch axis) is shape; perm says how the ir node stores it: ir axis i
// is ONNX axis perm[i] (identity: the ONNX layout; [1, 2, 0]: an NCHW
// tensor stored channels-last as HWC). An ONNX Transpose therefore only
// changes perm, and a transpose node is added only where a consumer needs
// another layout.
//
// A constant value has node -1 and c set; q is the quantizer that
// produced it when it came out of a QONNX Quant or a QCDQ pair.
type value struct {
	node  int
	shape []int
	perm  []int
	c     *constant
	q     *constQuant
	// pending is the integer output of a QuantizeLinear (quant.go).
	pending *pendingQ
	// batchT marks a rank-2 tensor whose batch axis was transposed to the
	// end (keras2onnx wraps 1-D BatchNormalization that way); only
	// Transpose and BatchNormalization accept it.
	batchT bool
	// invalid marks the output of a node that failed (already reported).
	invalid bool
	// layouts caches the nodes that hold this value in other layouts.
	layouts map[string]int
	// denseNoBias marks the output of a MatMul lowered to a Dense without
	// bias, which a following Add of a constant may complete.
	denseNoBias bool
}

// builder holds one conversion.
type builder struct {
	file  string
	m     *model
	g     *ir.Graph
	errs  ir.ErrorList
	vals  map[string]*value
	names map[string]bool
	uses  map[string]int  // consumers per tensor name
	outs  map[string]bool // graph outputs
	opset int64
	// batch1 records that every graph input declares batch size 1.
	batch1 bool
}

func newBuilder(file string, m *model) *builder {
	b := &builder{file: file, m: m, g: &ir.Graph{Source: file}, vals: map[string]*value{},
		names: map[string]bool{}, uses: map[string]int{}, outs: map[string]bool{}}
	for _, n := range m.graph.nodes {
		for _, in := range n.inputs {
			b.uses[in]++
		}
	}
	for _, o := range m.graph.outputs {
		b.outs[o.name] = true
	}
	return b
}

// fileErrorf records an error about the model as a whole.
func (b *builder) fileErrorf(format string, args ...any) {
	b.errs.Add(ir.Pos{File: b.file}, fmt.Errorf(format, args...))
}

// nodeErrorf records an error about a node, naming its index, name and op.
func (b *builder) nodeErrorf(c *nctx, format string, args ...any) {
	b.errs.Add(c.pos(), fmt.Errorf("node %d %q (%s): %s", c.idx, c.n.name, c.n.opType, fmt.Sprintf(format, args...)))
}

// unique returns name, or name with a numeric suffix when taken.
func (b *builder) unique(name string) string {
	n := name
	for i := 1; b.names[n]; i++ {
		n = fmt.Sprintf("%s_%d", name, i)
	}
	b.names[n] = true
	return n
}

// identity returns the identity permutation of rank r.
func identity(r int) []int {
	p := make([]int, r)
	for i := range p {
		p[i] = i
	}
	return p
}

// channelsLast returns the layout that stores an ONNX [C, spatial...]
// tensor as [spatial..., C].
func channelsLast(r int) []int {
	p := make([]int, r)
	for i := range p {
		p[i] = (i + 1) % r
	}
	return p
}

// irShape is the shape of the ir node storing a value in layout perm.
func irShape(shape, perm []int) []int {
	out := make([]int, len(perm))
	for i, p := range perm {
		out[i] = shape[p]
	}
	return out
}

func permKey(p []int) string { return fmt.Sprint(p) }

// toLayout returns the index of an ir node holding runtime value v in
// layout want, adding a transpose after v's node when its layout differs
// (a reshape when only size-1 axes move). The added node takes v's
// producer's name and position.
func (b *builder) toLayout(v *value, want []int) (int, error) {
	if v.node < 0 {
		return -1, fmt.Errorf("needs a runtime tensor")
	}
	if v.batchT {
		return -1, fmt.Errorf("the batch axis is transposed away from axis 0")
	}
	if slices.Equal(v.perm, want) {
		return v.node, nil
	}
	key := permKey(want)
	if i, ok := v.layouts[key]; ok {
		return i, nil
	}
	inv := make([]int, len(v.perm))
	for i, p := range v.perm {
		inv[p] = i
	}
	tp := make([]int, len(want))
	for j, q := range want {
		tp[j] = inv[q]
	}
	src := b.g.Nodes[v.node]
	shape := irShape(v.shape, want)
	n := &ir.Node{Origin: src.Name, Shape: shape, Inputs: []int{v.node}, Pos: src.Pos}
	if movesOnlyOnes(src.Shape, tp) {
		n.Op, n.Class, n.Name = ir.OpReshape, "Reshape", b.unique(src.Name+"_reshape")
	} else {
		n.Op, n.Class, n.Name = ir.OpTranspose, "Transpose", b.unique(src.Name+"_transpose")
		n.Attrs.Perm = tp
	}
	i := b.g.Add(n)
	if v.layouts == nil {
		v.layouts = map[string]int{}
	}
	v.layouts[key] = i
	return i, nil
}

// movesOnlyOnes reports whether permuting shape by p keeps the order of
// every axis longer than 1, so the row-major data does not change.
func movesOnlyOnes(shape, p []int) bool {
	last := -1
	for _, a := range p {
		if shape[a] == 1 {
			continue
		}
		if a < last {
			return false
		}
		last = a
	}
	return true
}

// An nctx is one ONNX node being converted.
type nctx struct {
	b    *builder
	n    *node
	idx  int
	ins  []*value
	used map[string]bool
}

// A handler converts one node and returns the value of its first output.
type handler func(c *nctx) (*value, error)

// name is the node's name, or its first output's, or "<op>_<index>".
func (c *nctx) name() string {
	if c.n.name != "" {
		return c.n.name
	}
	if len(c.n.outputs) > 0 && c.n.outputs[0] != "" {
		return c.n.outputs[0]
	}
	return fmt.Sprintf("%s_%d", c.n.opType, c.idx)
}

// pos is the node's position: the file, "node <index>" and its name.
func (c *nctx) pos() ir.Pos {
	return ir.Pos{File: c.b.file, Path: fmt.Sprintf("node %d", c.idx), Layer: c.name()}
}

// add appends an ir node named after the ONNX node plus suffix ("" for the
// node's own output) and returns its index.
func (c *nctx) add(suffix string, n *ir.Node, inputs ...int) int {
	n.Name = c.b.unique(c.name() + suffix)
	if suffix != "" {
		n.Origin = c.name()
	}
	if n.Class == "" {
		n.Class = c.n.opType
	}
	n.Inputs = inputs
	n.Pos = c.pos()
	return c.b.g.Add(n)
}

// result makes the runtime value of ir node i, whose ONNX shape is shape
// stored in layout perm.
func (c *nctx) result(i int, shape, perm []int) *value {
	return &value{node: i, shape: append([]int(nil), shape...), perm: append([]int(nil), perm...)}
}

// in returns input k, or an error when it is absent.
func (c *nctx) in(k int) (*value, error) {
	if k >= len(c.ins) || c.ins[k] == nil {
		return nil, fmt.Errorf("input %d is missing", k)
	}
	return c.ins[k], nil
}

// optIn returns input k or nil when absent.
func (c *nctx) optIn(k int) *value {
	if k >= len(c.ins) {
		return nil
	}
	return c.ins[k]
}

// nIn checks the number of inputs given (absent optional ones count).
func (c *nctx) nIn(lo, hi int) error {
	if len(c.ins) < lo || len(c.ins) > hi {
		if lo == hi {
			return fmt.Errorf("has %d inputs, the op takes %d", len(c.ins), lo)
		}
		return fmt.Errorf("has %d inputs, the op takes %d to %d", len(c.ins), lo, hi)
	}
	return nil
}

// runtime returns input k as a runtime tensor.
func (c *nctx) runtime(k int) (*value, error) {
	v, err := c.in(k)
	if err != nil {
		return nil, err
	}
	if v.pending != nil {
		return nil, fmt.Errorf("input %d (%q) holds QuantizeLinear codes; nnhls reads QuantizeLinear only when (Clip and) DequantizeLinear follow it", k, c.n.inputs[k])
	}
	if v.node < 0 {
		return nil, fmt.Errorf("input %d (%q) is a constant; nnhls expects a tensor computed from the graph inputs there", k, c.n.inputs[k])
	}
	if v.batchT {
		return nil, fmt.Errorf("input %d (%q) has its batch axis transposed away from axis 0, which only BatchNormalization between two Transposes may do", k, c.n.inputs[k])
	}
	return v, nil
}

// constIn returns input k as a constant.
func (c *nctx) constIn(k int) (*constant, error) {
	v, err := c.in(k)
	if err != nil {
		return nil, err
	}
	if v.c == nil {
		return nil, fmt.Errorf("input %d (%q) must be a constant (an initializer or computed from them)", k, c.n.inputs[k])
	}
	return v.c, nil
}

// attr returns the attribute of the given name, marking it used.
func (c *nctx) attr(name string) *attr {
	for _, a := range c.n.attrs {
		if a.name == name {
			c.used[name] = true
			return a
		}
	}
	return nil
}

// ignore marks attributes that do not change inference (momentum, ...).
func (c *nctx) ignore(names ...string) {
	for _, n := range names {
		c.used[n] = true
	}
}

// attrInt returns an integer attribute or its default.
func (c *nctx) attrInt(name string, def int64) (int64, error) {
	a := c.attr(name)
	if a == nil {
		return def, nil
	}
	if a.typ != attrInt && a.typ != 0 {
		return 0, fmt.Errorf("attribute %q is not an integer", name)
	}
	return a.i, nil
}

// attrFloat returns a float attribute or its default.
func (c *nctx) attrFloat(name string, def float64) (float64, error) {
	a := c.attr(name)
	if a == nil {
		return def, nil
	}
	if a.typ != attrFloat && a.typ != 0 {
		return 0, fmt.Errorf("attribute %q is not a float", name)
	}
	return float64(a.f), nil
}

// attrString returns a string attribute or its default.
func (c *nctx) attrString(name, def string) (string, error) {
	a := c.attr(name)
	if a == nil {
		return def, nil
	}
	if a.typ != attrString && a.typ != 0 {
		return "", fmt.Errorf("attribute %q is not a string", name)
	}
	return string(a.s), nil
}

// attrInts returns an integer-list attribute, or nil when absent.
func (c *nctx) attrInts(name string) ([]int64, error) {
	a := c.attr(name)
	if a == nil {
		return nil, nil
	}
	if a.typ != attrInts && a.typ != 0 {
		return nil, fmt.Errorf("attribute %q is not a list of integers", name)
	}
	if len(a.ints) > maxRank*2 {
		return nil, fmt.Errorf("attribute %q has %d values", name, len(a.ints))
	}
	return a.ints, nil
}

// attrSmallInts returns an integer-list attribute as ints, each within
// ±maxElements.
func (c *nctx) attrSmallInts(name string) ([]int, error) {
	v, err := c.attrInts(name)
	if err != nil || v == nil {
		return nil, err
	}
	out := make([]int, len(v))
	for i, x := range v {
		if x > maxElements || x < -maxElements {
			return nil, fmt.Errorf("attribute %q: value %d out of range", name, x)
		}
		out[i] = int(x)
	}
	return out, nil
}

// unusedAttrs reports attributes no handler read: an attribute nnhls does
// not understand must not be ignored in silence.
func (c *nctx) unusedAttrs() error {
	var extra []string
	for _, a := range c.n.attrs {
		if !c.used[a.name] {
			extra = append(extra, a.name)
		}
	}
	if len(extra) == 0 {
		return nil
	}
	sort.Strings(extra)
	return fmt.Errorf("attribute %s is not supported", strings.Join(quoteAll(extra), ", "))
}

// extraOutputs reports outputs beyond the first that another node reads
// (Dropout's mask, BatchNormalization's training statistics).
func (c *nctx) extraOutputs() error {
	for _, o := range c.n.outputs[1:] {
		if o != "" && (c.b.uses[o] > 0 || c.b.outs[o]) {
			return fmt.Errorf("output %q is used, but nnhls supports only the first output of %s", o, c.n.opType)
		}
	}
	return nil
}

func quoteAll(s []string) []string {
	out := make([]string, len(s))
	for i, x := range s {
		out[i] = fmt.Sprintf("%q", x)
	}
	return out
}

// axis normalizes an ONNX axis attribute (counted with the batch axis,
// negative from the end) for a tensor of the given rank without batch, and
// returns it without the batch axis; the batch axis itself is an error.
func axis(a int64, rank int) (int, error) {
	full := int64(rank + 1)
	if a < 0 {
		a += full
	}
	if a < 0 || a >= full {
		return 0, fmt.Errorf("axis %d out of range for rank %d", a, full)
	}
	if a == 0 {
		return 0, fmt.Errorf("axis 0 is the batch axis, which nnhls does not operate on")
	}
	return int(a - 1), nil
}

// irAxis is the ir axis that holds ONNX axis a (without batch) of v.
func irAxis(v *value, a int) int {
	for i, p := range v.perm {
		if p == a {
			return i
		}
	}
	return -1
}

// layoutParam returns a constant (data of shape pshape) broadcast against
// runtime value v by numpy's rules, with the batch axis, in v's ir layout
// and reduced to its smallest broadcast shape (of v's rank): a [1, C, 1, 1]
// scale of an NCHW tensor stored channels-last comes back as [1, 1, C].
// The constant is never expanded to the tensor's size.
func layoutParam(v *value, data []float64, pshape []int) ([]float64, []int, error) {
	full := append([]int{1}, v.shape...)
	bs, err := broadcastShape(full, pshape)
	if err != nil || !slices.Equal(bs, full) {
		return nil, nil, fmt.Errorf("constant of shape %v does not broadcast to the tensor's shape %v", pshape, full)
	}
	ps := make([]int, len(full))
	for i := range ps {
		ps[i] = 1
		if j := i - (len(full) - len(pshape)); j >= 0 {
			ps[i] = pshape[j]
		}
	}
	d, s := transpose(data, ps[1:], v.perm)
	d, s = compress(d, s)
	return d, s, nil
}

// perChannel returns constant k broadcast against runtime value v as one
// value per channel of v's ir layout, i.e. along its last ir axis; what
// the ScaleShift and bias weights need. It fails when the constant varies
// along another axis.
func perChannel(v *value, k *constant) ([]float64, error) {
	d, s, err := layoutParam(v, k.data, k.shape)
	if err != nil {
		return nil, err
	}
	r := len(s)
	for i := 0; i < r-1; i++ {
		if s[i] != 1 {
			return nil, fmt.Errorf("constant of shape %v varies along an axis other than the channel axis", k.shape)
		}
	}
	if s[r-1] == 1 {
		return fill(v.shape[v.perm[r-1]], d[0]), nil
	}
	return d, nil
}

// isFinite reports whether every value is finite.
func isFinite(x []float64) bool {
	for _, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return false
		}
	}
	return true
}
