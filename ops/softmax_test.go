// This file tests the softmax kernel on values computed by hand
// (docs/hls4ml-activations.md §4): hls4ml's derived sizes and types, the
// four implementations, the tree order of a saturating sum, the wrap of
// inp_norm_t, and multi-axis slicing.

package ops

import (
	"testing"

	"github.com/nnhls/nnhls/fixed"
	"github.com/nnhls/nnhls/ir"
)

func TestSoftmaxResolve(t *testing.T) {
	for _, c := range []struct {
		impl                SoftmaxImpl
		in                  fixed.Type
		table, exp, inv     int
		norm                string // "" = not derived
		explicitTable, want int
	}{
		// name granularity, float model: bins of 2^17/2^10 = 128.
		{SoftmaxStable, tFixed38_18, 1024, 1024, 1024, "ap_ufixed<37,17>", 0, 0},
		{SoftmaxStable, tFixed16_6, 1024, 1024, 1024, "ap_ufixed<15,5>", 0, 0},
		// fix_softmax_table_size: 2^min(8, 18) = 256; exp = min(256, 2^7).
		{SoftmaxStable, tFixed8_3, 256, 128, 256, "ap_ufixed<7,2>", 0, 0},
		// An unsigned input keeps its width and the exp table its size.
		{SoftmaxStable, fixed.MustParse("ufixed<8,3>"), 256, 256, 256, "ap_ufixed<8,3>", 0, 0},
		{SoftmaxLatency, tFixed16_6, 1024, 1024, 1024, "", 0, 0},
		{SoftmaxLatency, tFixed16_6, 512, 512, 512, "", 512, 0},
	} {
		s, err := SoftmaxSpec{Impl: c.impl, In: c.in, Result: tFixed16_6, InvTable: tFixed18_8RS,
			TableSize: c.explicitTable, NOuter: 1, NSlice: 5, NInner: 1}.Resolve()
		if err != nil {
			t.Fatal(err)
		}
		norm := ""
		if s.InpNorm.Valid() {
			norm = s.InpNorm.String()
		}
		if s.TableSize != c.table || s.ExpTableSize != c.exp || s.InvTableSize != c.inv || norm != c.norm {
			t.Errorf("%v %v: sizes %d/%d/%d, inp_norm %q; want %d/%d/%d, %q", c.impl, c.in,
				s.TableSize, s.ExpTableSize, s.InvTableSize, norm, c.table, c.exp, c.inv, c.norm)
		}
	}
}

// modelSoftmax is a softmax with 'model' granularity's types: everything
// fixed<16,6> except the tables (fixed<18,8,RND,SAT>).
func modelSoftmax(impl SoftmaxImpl, n int) SoftmaxSpec {
	return SoftmaxSpec{Impl: impl, In: tFixed16_6, Result: tFixed16_6, Accum: tFixed16_6,
		ExpTable: tFixed18_8RS, InvTable: tFixed18_8RS, InvInp: tFixed18_8RS, Table: tFixed18_8,
		NOuter: 1, NSlice: n, NInner: 1}
}

func runSoftmax(t *testing.T, s SoftmaxSpec, in []int64) []int64 {
	t.Helper()
	k, err := NewSoftmax(s)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]int64, len(in))
	var tally Tally
	k.Run([][]int64{in}, out, make([]int64, k.Scratch()), &tally)
	return out
}

func TestSoftmaxByHand(t *testing.T) {
	// Raw values at F = 10 (1024 = 1.0).
	for _, c := range []struct {
		name string
		impl SoftmaxImpl
		in   []int64
		want []int64
	}{
		// exp(0) = 1 twice; sum 2.0 → inverse bin 2048>>8 = 8, value 2 →
		// 0.5 (raw 512) → y = 0.5.
		{"stable equal", SoftmaxStable, []int64{0, 0}, []int64{512, 512}},
		// max − x = 32 wraps to 0 in ap_ufixed<15,5>: the output claims equal
		// probabilities.
		{"stable wrap", SoftmaxStable, []int64{31 << 10, -1 << 10}, []int64{512, 512}},
		// d = 1: bin 1024>>5 = 32, value 1.0, exp(−1) → RND 376.71 → 377;
		// sum 1401 → bin 5 (1.25) → 0.8 → 819; y = 819, 377·819/1024 → 301.
		{"stable", SoftmaxStable, []int64{1 << 10, 0}, []int64{819, 301}},
		// latency: x = 1 → bin 1024>>6 = 16, value 1 → e → 2784; sum 3808
		// → bin 14 (3.5) → 0.285714 → 293; y = 2784·293/1024 → 796, 293.
		{"latency", SoftmaxLatency, []int64{1 << 10, 0}, []int64{796, 293}},
		{"latency equal", SoftmaxLatency, []int64{0, 0}, []int64{512, 512}},
		// legacy: i=0: 1 + exp[448] (e^−1, TRN → 376) = 1400 → bin 21 → 1/1.3125
		// → 780; i=1: exp[576] (e, 2783) + 1 = 3807 → bin 59 → 1/3.6875 → 277.
		{"legacy", SoftmaxLegacy, []int64{1 << 10, 0}, []int64{780, 277}},
		{"legacy equal", SoftmaxLegacy, []int64{0, 0}, []int64{512, 512}},
		// argmax: the first of the largest.
		{"argmax", SoftmaxArgmax, []int64{1, 3, 3, 2}, []int64{0, 1024, 0, 0}},
	} {
		got := runSoftmax(t, modelSoftmax(c.impl, len(c.in)), c.in)
		eqRaw(t, c.name, got, c.want)
	}
}

func TestSoftmaxTreeOrder(t *testing.T) {
	// In ap_fixed<4,4,AP_TRN,AP_SAT> (integers −8..7) the tree
	// ((7+7) + (−8−8)) + 1 = (7 + −8) + 1 = 0, where a left-to-right sum
	// would give 7, −1, −8, −7.
	k := &softmaxKernel{}
	var err error
	if k.add, err = fixed.NewCast64(0, tFixed4_4SAT); err != nil {
		t.Fatal(err)
	}
	var c Counts
	if got := k.treeSum([]int64{7, 7, -8, -8, 1}, &c); got != 0 {
		t.Errorf("tree sum = %d, want 0", got)
	}
	if c.Casts != 4 || c.Saturated != 2 {
		t.Errorf("counts %+v, want 4 casts, 2 saturated", c)
	}
	// Three elements: (a + b) + c.
	if got := k.treeSum([]int64{7, 1, -8}, &c); got != -1 {
		t.Errorf("tree sum of 3 = %d, want -1", got)
	}
}

func TestSoftmaxMultiAxis(t *testing.T) {
	// Shape (2, 3), axis 0: three slices of two, element (j, c) at 3j + c.
	o, n, i, err := softmaxSlicing([]int{2, 3}, 0)
	if err != nil || o != 1 || n != 2 || i != 3 {
		t.Fatalf("slicing = %d, %d, %d, %v", o, n, i, err)
	}
	s := modelSoftmax(SoftmaxArgmax, n)
	s.NOuter, s.NInner = o, i
	got := runSoftmax(t, s, []int64{1, 5, 0, 2, 4, 0})
	eqRaw(t, "argmax over axis 0", got, []int64{0, 1024, 1024, 1024, 0, 0})
}

func TestSoftmaxRefusesUndefinedTables(t *testing.T) {
	s := modelSoftmax(SoftmaxLatency, 3)
	s.TableSize = 1000 // ceillog2 gives 10 bits: indices up to 1023 read past the end
	if _, err := NewSoftmax(s); err == nil {
		t.Error("a 1000-entry table was accepted")
	}
	s = modelSoftmax(SoftmaxLatency, 3)
	s.InvInp = fixed.MustParse("fixed<8,4,RND,SAT>") // 1024 entries need 10 of its 8 bits
	if _, err := NewSoftmax(s); err == nil {
		t.Error("an inverse table wider than inv_inp_t was accepted")
	}
	s = modelSoftmax(SoftmaxStable, 3)
	s.Accum = fixed.Type{}
	if _, err := NewSoftmax(s); err == nil {
		t.Error("a missing accum type was accepted")
	}
}

func TestSoftmaxAndActivationDefs(t *testing.T) {
	// Through the op table, as sim builds kernels: hls4ml's 'name'
	// granularity softmax of a float model, whose 128-wide bins make every
	// output 205/1024 for inputs closer than 128 (docs §6).
	d, err := Lookup(ir.OpSoftmax)
	if err != nil {
		t.Fatal(err)
	}
	n := &ir.Node{Name: "sm", Op: ir.OpSoftmax, Shape: []int{5}}
	n.HW.Implementation, n.HW.TableSize = "stable", 1024
	b := &Build{Node: n, InShapes: [][]int{{5}}, InTypes: []fixed.Type{tFixed38_18}, Types: map[string]fixed.Type{
		VarResult: tFixed16_6, VarAccum: tFixed18_8RS, VarExpTable: tFixed18_8RS,
		VarInvTable: tFixed18_8RS, VarInvInp: tFixed18_8RS,
	}}
	k, err := d.Kernel(b)
	if err != nil {
		t.Fatal(err)
	}
	in := []int64{1 << 20, 2 << 20, -3 << 20, 100 << 20, 5 << 20}
	out := make([]int64, 5)
	var tally Tally
	k.Run([][]int64{in}, out, make([]int64, k.Scratch()), &tally)
	eqRaw(t, "softmax via Lookup", out, []int64{205, 205, 205, 205, 205})

	d, err = Lookup(ir.OpActivation)
	if err != nil {
		t.Fatal(err)
	}
	a := &ir.Node{Name: "act", Op: ir.OpActivation, Shape: []int{1}, Attrs: ir.Attrs{Activation: "sigmoid"}}
	a.HW.TableSize = 1024
	k, err = d.Kernel(&Build{Node: a, InShapes: [][]int{{1}}, InTypes: []fixed.Type{tFixed16_6},
		Types: map[string]fixed.Type{VarResult: tFixed16_6, VarTable: tFixed18_8}})
	if err != nil {
		t.Fatal(err)
	}
	k.Run([][]int64{{-17}}, out[:1], nil, &tally)
	eqRaw(t, "sigmoid via Lookup", out[:1], []int64{508})
	if got := d.Class(a); got != "Activation" {
		t.Errorf("class %q", got)
	}
}

func TestKernelsDoNotAllocate(t *testing.T) {
	sm, err := NewSoftmax(modelSoftmax(SoftmaxStable, 5))
	if err != nil {
		t.Fatal(err)
	}
	act, err := NewActivation(ActSpec{Kind: ActSigmoid, In: tFixed16_6, Result: tFixed16_6, Table: tFixed18_8})
	if err != nil {
		t.Fatal(err)
	}
	in := [][]int64{{100, -2000, 3000, 0, 77}}
	out := make([]int64, 5)
	scratch := make([]int64, sm.Scratch())
	var tally Tally
	for _, k := range []Kernel{sm, act} {
		if n := testing.AllocsPerRun(100, func() { k.Run(in, out, scratch, &tally) }); n != 0 {
			t.Errorf("%T allocates %v times per run", k, n)
		}
	}
}
