// This file implements OpSoftmax on raw fixed-point values in hls4ml's four
// implementations — stable, latency, legacy and argmax — with the table
// sizes and derived types hls4ml's Python puts in the layer's config struct
// (docs/hls4ml-activations.md §4).

package ops

import (
	"fmt"
	"math"
	"strings"

	"github.com/nnhls/nnhls/fixed"
	"github.com/nnhls/nnhls/ir"
)

// VarInpNorm is the type of max − x in a stable softmax (hls4ml's
// inp_norm_t); when it is not set, hls4ml's rule derives it from the input.
const VarInpNorm = "inp_norm"

// softmaxDef is OpSoftmax's row of the op table.
func softmaxDef() *Def {
	return &Def{
		Op:    ir.OpSoftmax,
		Class: func(*ir.Node) string { return "Softmax" },
		Vars: func(n *ir.Node) []string {
			switch n.HW.Implementation {
			case "legacy":
				return []string{VarTable}
			case "argmax":
				return nil
			}
			return []string{VarAccum, VarExpTable, VarInvTable, VarInvInp}
		},
		Default: softmaxDefault,
		Kernel:  buildSoftmax,
		Float:   softmaxFloat,
	}
}

// softmaxDefault gives hls4ml's own table types (layers.py Softmax), which
// a Model-wide precision does not replace: exp_table_t, inv_table_t and
// inv_inp_t fixed<18,8,RND,SAT>, table_t fixed<18,8>.
func softmaxDefault(_ *ir.Node, v string) (fixed.Type, bool) {
	switch v {
	case VarExpTable, VarInvTable, VarInvInp:
		return fixed.MustNew(18, 8, true, fixed.Rnd, fixed.Sat, 0), true
	case VarTable:
		return fixed.MustNew(18, 8, true, fixed.Trn, fixed.Wrap, 0), true
	}
	return fixed.Type{}, false
}

// softmaxSlicing splits shape around axis into outer × slice × inner.
func softmaxSlicing(shape []int, axis int) (outer, slice, inner int, err error) {
	if axis < 0 || axis >= len(shape) {
		return 0, 0, 0, fmt.Errorf("softmax axis %d out of range for shape %v", axis, shape)
	}
	outer, inner = 1, 1
	for _, d := range shape[:axis] {
		outer *= d
	}
	for _, d := range shape[axis+1:] {
		inner *= d
	}
	return outer, shape[axis], inner, nil
}

// buildSoftmax builds the fixed-point softmax of a typed node.
func buildSoftmax(b *Build) (Kernel, error) {
	impl, err := ParseSoftmaxImpl(b.Node.HW.Implementation)
	if err != nil {
		return nil, fmt.Errorf("layer %q: %w", b.Node.Name, err)
	}
	if len(b.InShapes) != 1 || len(b.InTypes) != 1 {
		return nil, fmt.Errorf("layer %q: softmax takes one input", b.Node.Name)
	}
	o, n, i, err := softmaxSlicing(b.InShapes[0], b.Node.Attrs.Axis)
	if err != nil {
		return nil, fmt.Errorf("layer %q: %w", b.Node.Name, err)
	}
	k, err := NewSoftmax(SoftmaxSpec{
		Impl: impl, In: b.InTypes[0], Result: b.Result(),
		Accum: b.Types[VarAccum], ExpTable: b.Types[VarExpTable], InvTable: b.Types[VarInvTable],
		InvInp: b.Types[VarInvInp], Table: b.Types[VarTable], InpNorm: b.Types[VarInpNorm],
		TableSize: b.Node.HW.TableSize, NOuter: o, NSlice: n, NInner: i,
	})
	if err != nil {
		return nil, fmt.Errorf("layer %q: %w", b.Node.Name, err)
	}
	return k, nil
}

// softmaxFloat builds the float64 softmax: exp(x − max) / Σ exp(x − max)
// per slice.
func softmaxFloat(n *ir.Node, inShapes [][]int) (FloatKernel, error) {
	if len(inShapes) != 1 {
		return nil, fmt.Errorf("layer %q: softmax takes one input", n.Name)
	}
	o, s, i, err := softmaxSlicing(inShapes[0], n.Attrs.Axis)
	if err != nil {
		return nil, fmt.Errorf("layer %q: %w", n.Name, err)
	}
	return &softmaxFloatKernel{outer: o, slice: s, inner: i}, nil
}

type softmaxFloatKernel struct{ outer, slice, inner int }

// Run implements FloatKernel.
func (k *softmaxFloatKernel) Run(in [][]float64, out []float64) {
	x := in[0]
	for o := range k.outer {
		for c := range k.inner {
			base := o*k.slice*k.inner + c
			m := math.Inf(-1)
			for j := range k.slice {
				m = max(m, x[base+j*k.inner])
			}
			sum := 0.0
			for j := range k.slice {
				e := math.Exp(x[base+j*k.inner] - m)
				out[base+j*k.inner] = e
				sum += e
			}
			for j := range k.slice {
				out[base+j*k.inner] /= sum
			}
		}
	}
}

// SoftmaxImpl is hls4ml's softmax implementation.
type SoftmaxImpl uint8

// The implementations. Stable is hls4ml's default.
const (
	SoftmaxStable SoftmaxImpl = iota
	SoftmaxLatency
	SoftmaxLegacy
	SoftmaxArgmax
	numSoftmaxImpls
)

var softmaxImplNames = [numSoftmaxImpls]string{"stable", "latency", "legacy", "argmax"}

// String returns the implementation's name as hls4ml's Implementation key
// spells it.
func (m SoftmaxImpl) String() string {
	if m < numSoftmaxImpls {
		return softmaxImplNames[m]
	}
	return fmt.Sprintf("SoftmaxImpl(%d)", uint8(m))
}

// ParseSoftmaxImpl reads an Implementation value; the empty string means
// hls4ml's default, stable.
func ParseSoftmaxImpl(s string) (SoftmaxImpl, error) {
	if s == "" {
		return SoftmaxStable, nil
	}
	for i, n := range softmaxImplNames {
		if strings.EqualFold(s, n) {
			return SoftmaxImpl(i), nil
		}
	}
	return 0, fmt.Errorf("unknown softmax implementation %q (want stable, latency, legacy or argmax)", s)
}

// SoftmaxSpec is a softmax layer's configuration. Zero sizes, ExpScale and
// InpNorm take the values hls4ml derives (Resolve).
type SoftmaxSpec struct {
	Impl   SoftmaxImpl
	In     fixed.Type // the input type (data_T)
	Result fixed.Type
	Accum  fixed.Type // the exp values and their sum (accum_t)
	// ExpTable, InvTable and InvInp are exp_table_t, inv_table_t and
	// inv_inp_t (the type the sum is converted to before indexing the
	// inverse table). Table is table_t, used by legacy only.
	ExpTable, InvTable, InvInp, Table fixed.Type
	// InpNorm is inp_norm_t, the type of max − x in stable.
	InpNorm fixed.Type
	// TableSize is the layer's TableSize (default 1024); ExpTableSize and
	// InvTableSize default to it.
	TableSize, ExpTableSize, InvTableSize int
	ExpScale                              float32
	// NOuter·NSlice·NInner elements: NOuter·NInner independent softmaxes of
	// NSlice elements each (axis = the NSlice one).
	NOuter, NSlice, NInner int
}

// Resolve fills the derived fields the way hls4ml's Vivado/Vitis backend
// does: fix_softmax_table_size caps TableSize at 2^min(input width,
// inv_table width); the exp and inverse table sizes default to it; stable
// without an explicit inp_norm_t gets ap_ufixed<W−s, I−s> (s = 1 for a
// signed input) and, for a signed input, an exp table of min(inverse table
// size, 2^(W−1)) entries.
func (s SoftmaxSpec) Resolve() (SoftmaxSpec, error) {
	if !s.In.Valid() || !s.Result.Valid() {
		return s, fmt.Errorf("softmax: input and result types must be set")
	}
	if s.NOuter <= 0 || s.NSlice <= 0 || s.NInner <= 0 {
		return s, fmt.Errorf("softmax: bad slicing %d×%d×%d", s.NOuter, s.NSlice, s.NInner)
	}
	if s.TableSize == 0 {
		s.TableSize = defaultTableSize
	}
	if s.InvTable.Valid() {
		if m := min(s.In.Width(), s.InvTable.Width()); m < 31 && 1<<m < s.TableSize {
			s.TableSize = 1 << m
		}
	}
	if s.ExpTableSize == 0 {
		s.ExpTableSize = s.TableSize
	}
	if s.InvTableSize == 0 {
		s.InvTableSize = s.TableSize
	}
	if s.ExpScale == 0 {
		s.ExpScale = 1
	}
	if s.Impl == SoftmaxStable && !s.InpNorm.Valid() {
		sg := 0
		if s.In.Signed() {
			sg = 1
		}
		w := s.In.Width() - sg
		if w < 1 {
			return s, fmt.Errorf("softmax: input type %v leaves no bits for max − x", s.In)
		}
		t, err := fixed.New(w, s.In.IntBits()-sg, false, fixed.Trn, fixed.Wrap, 0)
		if err != nil {
			return s, fmt.Errorf("softmax: inp_norm_t from %v: %w", s.In, err)
		}
		s.InpNorm = t
		if s.In.Signed() {
			s.ExpTableSize = s.InvTableSize
			if w < 31 {
				s.ExpTableSize = min(s.InvTableSize, 1<<w)
			}
		}
	}
	return s, nil
}

// softmaxKernel runs one softmax layer.
type softmaxKernel struct {
	s             SoftmaxSpec
	exp, inv      *Table
	expBits       int
	invBits       int
	addrWidth     int          // width of the exp table's address type
	norm          fixed.Cast64 // max − x → inp_norm_t
	toAccum       fixed.Cast64 // exp_table_t → accum_t
	add           fixed.Cast64 // accum_t + accum_t → accum_t
	toInvInp      fixed.Cast64 // accum_t → inv_inp_t
	out           fixed.Cast64 // accum_t × inv_table_t → result
	legacyIx      truncIndexer
	legacyInvIx   truncIndexer
	tableOne      int64
	tableAdd      fixed.Cast64 // table_t + table_t → table_t (legacy)
	tableOut      fixed.Cast64 // table_t → result (legacy)
	one           int64        // argmax: the result's 1
	outer, inner  int
	nSlice, nElem int
}

// NewSoftmax resolves s (see Resolve) and builds its kernel and tables.
func NewSoftmax(s SoftmaxSpec) (Kernel, error) {
	s, err := s.Resolve()
	if err != nil {
		return nil, err
	}
	if s.In.Width() > 62 {
		return nil, fmt.Errorf("softmax: input type %v is wider than 62 bits", s.In)
	}
	k := &softmaxKernel{s: s, outer: s.NOuter, inner: s.NInner, nSlice: s.NSlice,
		nElem: s.NOuter * s.NSlice * s.NInner}
	switch s.Impl {
	case SoftmaxStable, SoftmaxLatency:
		err = k.initTables()
	case SoftmaxLegacy:
		err = k.initLegacy()
	case SoftmaxArgmax:
		k.one = rawOf(s.Result, 1)
	default:
		err = fmt.Errorf("unknown implementation %v", s.Impl)
	}
	if err != nil {
		return nil, fmt.Errorf("softmax (%v): %w", s.Impl, err)
	}
	return k, nil
}

// SoftmaxTables returns the exp and inverse tables of a stable, latency or legacy
// softmax kernel built by NewSoftmax, for reports and tests.
func SoftmaxTables(k Kernel) (exp, inv *Table) {
	if s, ok := k.(*softmaxKernel); ok {
		return s.exp, s.inv
	}
	return nil, nil
}

func (k *softmaxKernel) initTables() error {
	s := &k.s
	for _, v := range []struct {
		name string
		t    fixed.Type
	}{{"accum", s.Accum}, {"exp_table", s.ExpTable}, {"inv_table", s.InvTable}, {"inv_inp", s.InvInp}} {
		if !v.t.Valid() {
			return fmt.Errorf("type %s is not set", v.name)
		}
		if v.t.Width() > 62 {
			return fmt.Errorf("type %s %v is wider than 62 bits", v.name, v.t)
		}
	}
	if s.Accum.Width()+s.InvTable.Width() > 63 {
		return fmt.Errorf("product %v × %v is wider than 63 bits", s.Accum, s.InvTable)
	}
	addr := s.In
	if s.Impl == SoftmaxStable {
		addr = s.InpNorm
		var err error
		if k.norm, err = fixed.NewCast64(s.In.FracBits(), s.InpNorm); err != nil {
			return err
		}
	}
	var err error
	if k.exp, err = SoftmaxExpTable(addr, s.ExpTableSize, s.ExpScale, s.Impl == SoftmaxStable, s.ExpTable); err != nil {
		return err
	}
	if k.inv, err = SoftmaxInvTable(s.InvInp, s.InvTableSize, s.InvTable); err != nil {
		return err
	}
	k.expBits, k.invBits, k.addrWidth = ceilLog2(s.ExpTableSize), ceilLog2(s.InvTableSize), addr.Width()
	if k.toAccum, err = fixed.NewCast64(s.ExpTable.FracBits(), s.Accum); err != nil {
		return err
	}
	if k.add, err = fixed.NewCast64(s.Accum.FracBits(), s.Accum); err != nil {
		return err
	}
	if k.toInvInp, err = fixed.NewCast64(s.Accum.FracBits(), s.InvInp); err != nil {
		return err
	}
	k.out, err = fixed.NewCast64(s.Accum.FracBits()+s.InvTable.FracBits(), s.Result)
	return err
}

func (k *softmaxKernel) initLegacy() error {
	s := &k.s
	if !s.Table.Valid() || s.Table.Width() > 61 {
		return fmt.Errorf("type table %v is not set or wider than 61 bits", s.Table)
	}
	var err error
	if k.exp, err = LegacyExpTable(s.ExpTableSize, s.Table); err != nil {
		return err
	}
	if k.inv, err = LegacyInvTable(s.InvTableSize, s.Table); err != nil {
		return err
	}
	m, kk := int64(s.ExpTableSize), int64(s.InvTableSize)
	k.legacyIx = newTruncIndexer(m, 16, 8*m/16, s.In.FracBits(), s.In.Width()+1)
	k.legacyInvIx = newTruncIndexer(kk, 64, 0, s.Table.FracBits(), s.Table.Width())
	k.tableOne = rawOf(s.Table, 1)
	if k.tableAdd, err = fixed.NewCast64(s.Table.FracBits(), s.Table); err != nil {
		return err
	}
	k.tableOut, err = fixed.NewCast64(s.Table.FracBits(), s.Result)
	return err
}

// Scratch implements Kernel: one slice of inputs and one of exp values.
func (k *softmaxKernel) Scratch() int { return 2 * k.nSlice }

// Run implements Kernel.
func (k *softmaxKernel) Run(in [][]int64, out []int64, scratch []int64, t *Tally) {
	var discard Tally // t is nil when the caller wants no counts
	if t == nil {
		t = &discard
	}
	x, e := scratch[:k.nSlice], scratch[k.nSlice:2*k.nSlice]
	src := in[0]
	for o := range k.outer {
		for c := range k.inner {
			base := o*k.nSlice*k.inner + c
			for j := range x {
				x[j] = src[base+j*k.inner]
			}
			k.slice(x, e, t)
			for j := range x {
				out[base+j*k.inner] = x[j]
			}
		}
	}
}

// slice computes one softmax over x in place; e is scratch.
func (k *softmaxKernel) slice(x, e []int64, t *Tally) {
	switch k.s.Impl {
	case SoftmaxStable, SoftmaxLatency:
		k.tabled(x, e, t)
	case SoftmaxLegacy:
		k.legacy(x, e, t)
	case SoftmaxArgmax:
		best := 0
		for j := 1; j < len(x); j++ {
			if x[j] > x[best] {
				best = j
			}
		}
		for j := range x {
			x[j] = 0
		}
		x[best] = k.one
		t[SlotResult].Casts += int64(len(x))
	}
}

// tabled is the stable and latency softmax: exp by table, a tree sum in
// accum_t, one inverse by table, and a product per element.
func (k *softmaxKernel) tabled(x, e []int64, t *Tally) {
	other, acc := &t[SlotOther], &t[SlotAccum]
	if k.s.Impl == SoftmaxStable {
		m := x[0]
		for _, v := range x[1:] {
			m = max(m, v)
		}
		for j, v := range x {
			d, fl := k.norm.Apply(m - v)
			other.Add(fl)
			x[j] = d
		}
	}
	for j, v := range x {
		r, fl := k.toAccum.Apply(k.exp.Raw[sliceIndex(v, k.addrWidth, k.expBits)])
		acc.Add(fl)
		e[j] = r
	}
	sum := k.treeSum(e, acc)
	s, fl := k.toInvInp.Apply(sum)
	other.Add(fl)
	inv := k.inv.Raw[sliceIndex(s, k.s.InvInp.Width(), k.invBits)]
	res := &t[SlotResult]
	for j := range x {
		y, fl := k.out.Apply(e[j] * inv)
		res.Add(fl)
		x[j] = y
	}
}

// treeSum is nnet_common.h's reduce with Op_add<accum_t>: a balanced tree
// whose left part has 2^floor(log2(n−1)) elements, every partial sum
// converted to accum_t.
func (k *softmaxKernel) treeSum(v []int64, acc *Counts) int64 {
	switch n := len(v); n {
	case 1:
		return v[0]
	case 2:
		r, fl := k.add.Apply(v[0] + v[1])
		acc.Add(fl)
		return r
	default:
		l := 1 << floorLog2(n-1)
		r, fl := k.add.Apply(k.treeSum(v[:l], acc) + k.treeSum(v[l:], acc))
		acc.Add(fl)
		return r
	}
}

// legacy is the legacy softmax: for each i, the sum over j of
// exp(x_j − x_i) from a fixed-domain table, inverted by a second table.
func (k *softmaxKernel) legacy(x, e []int64, t *Tally) {
	other := &t[SlotOther]
	nExp, nInv := len(k.exp.Raw), len(k.inv.Raw)
	for i := range x {
		var a int64
		for j := range x {
			v := k.tableOne
			if j != i {
				v = k.exp.Raw[clampIndex(k.legacyIx.index(x[j]-x[i]), nExp)]
			}
			var fl fixed.Flags
			a, fl = k.tableAdd.Apply(a + v)
			other.Add(fl)
		}
		e[i] = a
	}
	res := &t[SlotResult]
	for i := range x {
		y, fl := k.tableOut.Apply(k.inv.Raw[clampIndex(k.legacyInvIx.index(e[i]), nInv)])
		res.Add(fl)
		x[i] = y
	}
}
