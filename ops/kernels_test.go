// This file tests the kernels of dense.go, conv.go, pool.go, batchnorm.go,
// merge.go, gather.go, quant.go and weights.go on raw values worked out by
// hand in the comments: rounding, ties, and overflow in wrapping and
// saturating accumulators.

package ops

import (
	"slices"
	"testing"

	"github.com/nnhls/nnhls/fixed"
	"github.com/nnhls/nnhls/ir"
)

func typ(s string) fixed.Type { return fixed.MustParse(s) }

// build builds node n's kernel with input types in and the given variable
// types.
func build(t *testing.T, n *ir.Node, inShapes [][]int, in []fixed.Type, vars map[string]string) Kernel {
	t.Helper()
	d, err := Lookup(n.Op)
	if err != nil {
		t.Fatal(err)
	}
	types := map[string]fixed.Type{}
	for v, s := range vars {
		types[v] = typ(s)
	}
	k, err := d.Kernel(&Build{Node: n, InShapes: inShapes, InTypes: in, Types: types})
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// run runs k on one sample with and without counting and checks both
// give the same output.
func run(t *testing.T, k Kernel, nOut int, in ...[]int64) ([]int64, Tally) {
	t.Helper()
	out := make([]int64, nOut)
	var tally Tally
	k.Run(in, out, make([]int64, k.Scratch()), &tally)
	fast := make([]int64, nOut)
	k.Run(in, fast, make([]int64, k.Scratch()), nil)
	if !slices.Equal(out, fast) {
		t.Fatalf("counting run %v, plain run %v", out, fast)
	}
	return out, tally
}

func tensor(shape []int, data ...float64) *ir.Tensor {
	return &ir.Tensor{Shape: shape, Data: data}
}

// denseNode is a 2-in, 2-out Dense with these weights (exact in
// fixed<8,2>, raw = value·64) and biases (exact in fixed<8,4>, raw =
// value·16).
func denseNode(w []float64, b []float64) *ir.Node {
	return &ir.Node{Name: "d", Op: ir.OpDense, Shape: []int{2},
		Weights: map[string]*ir.Tensor{"kernel": tensor([]int{2, 2}, w...), "bias": tensor([]int{2}, b...)}}
}

func denseVars(accum string) map[string]string {
	return map[string]string{VarResult: "fixed<8,4>", VarAccum: accum, VarWeight: "fixed<8,2>", VarBias: "fixed<8,4>"}
}

// TestDenseTruncWrap: x fixed<8,4> (F=4), w fixed<8,2> (F=6), products F=10,
// accum fixed<10,4> (F=6, raw range [-512, 511]), result fixed<8,4>.
//
// x = [1.5, -0.75] = raw [24, -12].
// Output 0: w = [0.515625, 0.25] = raw [33, 16], bias 0.
//
//	24·33 = 792 → 792/16 = 49.5 → TRN 49 (rounded); -12·16 = -192 → -12.
//	acc = 37 (0.578125) → result 37/4 = 9.25 → TRN 9 = 0.5625 (rounded).
//
// Output 1: w = [1.96875, -1.5] = raw [126, -96], bias 4.0 = raw 64 → 256.
//
//	24·126 = 3024 → 189; -12·-96 = 1152 → 72; acc = 256+189+72 = 517 > 511
//	→ wraps to 517-1024 = -507 → result -507/4 = -126.75 → TRN -127.
func TestDenseTruncWrap(t *testing.T) {
	n := denseNode([]float64{0.515625, 1.96875, 0.25, -1.5}, []float64{0, 4})
	k := build(t, n, [][]int{{2}}, []fixed.Type{typ("fixed<8,4>")}, denseVars("fixed<10,4>"))
	out, tally := run(t, k, 2, []int64{24, -12})
	if want := []int64{9, -127}; !slices.Equal(out, want) {
		t.Errorf("out = %v, want %v", out, want)
	}
	acc, res := tally[SlotAccum], tally[SlotResult]
	// 4 products + 2 bias casts; one product rounded (792); one output wrapped.
	if acc.Casts != 6 || acc.Rounded != 1 || acc.Wrapped != 1 || acc.Saturated != 0 {
		t.Errorf("accum counts %+v", acc)
	}
	// Result casts: 37/4 and -507/4 both drop bits.
	if res.Casts != 2 || res.Rounded != 2 || res.Wrapped != 0 {
		t.Errorf("result counts %+v", res)
	}
	// The exact sums were 37/64 and 517/64; after the wrap the result cast
	// saw 37/64 and -507/64.
	if !acc.Observed || acc.Min != 37.0/64 || acc.Max != 517.0/64 {
		t.Errorf("accum observed [%v, %v]", acc.Min, acc.Max)
	}
	if !res.Observed || res.Min != -507.0/64 || res.Max != 37.0/64 {
		t.Errorf("result observed [%v, %v]", res.Min, res.Max)
	}
}

// TestDenseSaturateOrder: a saturating accumulator sees bias first, then
// the inputs in order, and clamps at every step.
//
// x = raw [80, 80, 80] (5.0 each); w column 0 = raw [60, 60, -60] (±0.9375).
// Products ±4800 at F=10 = ±300 exactly at F=6. SAT: 300, 600 → 511
// (saturated), 511-300 = 211 → result 211/4 = 52.75 → TRN 52. WRAP: the
// exact sum 300 → 75.
func TestDenseSaturateOrder(t *testing.T) {
	n := &ir.Node{Name: "d", Op: ir.OpDense, Shape: []int{1},
		Weights: map[string]*ir.Tensor{"kernel": tensor([]int{3, 1}, 0.9375, 0.9375, -0.9375)}}
	in := []int64{80, 80, 80}
	sat := build(t, n, [][]int{{3}}, []fixed.Type{typ("fixed<8,4>")}, denseVars("fixed<10,4,TRN,SAT>"))
	out, tally := run(t, sat, 1, in)
	if out[0] != 52 {
		t.Errorf("SAT out = %v, want 52", out)
	}
	if a := tally[SlotAccum]; a.Saturated != 1 || a.Rounded != 0 || a.Casts != 3 {
		t.Errorf("SAT accum counts %+v", a)
	}
	wrap := build(t, n, [][]int{{3}}, []fixed.Type{typ("fixed<8,4>")}, denseVars("fixed<10,4>"))
	if out, _ := run(t, wrap, 1, in); out[0] != 75 {
		t.Errorf("WRAP out = %v, want 75", out)
	}
}

// TestDenseSaturateProducts: each product is converted to accum_t on its
// own, so a product beyond the accumulator's range saturates before the
// sum. x = raw [127, 127]; w = raw [127, -127] (±1.984375). Products
// ±16129 at F=10 = 1008.06 → TRN 1008 → SAT 511, and -1008.06 → TRN -1009
// → SAT -512. Sum -1 → result -1/4 → TRN -1. With WRAP the products wrap
// too and the sum 1008-1009 = -1 is the same.
func TestDenseSaturateProducts(t *testing.T) {
	n := &ir.Node{Name: "d", Op: ir.OpDense, Shape: []int{1},
		Weights: map[string]*ir.Tensor{"kernel": tensor([]int{2, 1}, 1.984375, -1.984375)}}
	sat := build(t, n, [][]int{{2}}, []fixed.Type{typ("fixed<8,4>")}, denseVars("fixed<10,4,TRN,SAT>"))
	out, tally := run(t, sat, 1, []int64{127, 127})
	if out[0] != -1 {
		t.Errorf("SAT out = %v, want -1", out)
	}
	if a := tally[SlotAccum]; a.Saturated != 2 || a.Rounded != 2 {
		t.Errorf("SAT accum counts %+v", a)
	}
}

// TestDenseRoundingTies: products exactly half an accumulator LSB.
// x raw 1 (1/16), w raw 8 (0.125): product raw 8 at F=10 = 0.5 LSB of F=6.
// RND_CONV: ties to even → 0; RND: ties up → 1. With x raw -1: -0.5 LSB →
// RND_CONV 0, RND 0 (ties toward +inf). With x raw 3: 1.5 LSB → RND_CONV 2,
// RND 2. Result type fixed<10,4> equals the accumulator: no further cast.
func TestDenseRoundingTies(t *testing.T) {
	n := &ir.Node{Name: "d", Op: ir.OpDense, Shape: []int{1},
		Weights: map[string]*ir.Tensor{"kernel": tensor([]int{1, 1}, 0.125)}}
	for _, c := range []struct {
		mode string
		x    int64
		want int64
	}{
		{"RND_CONV", 1, 0}, {"RND_CONV", -1, 0}, {"RND_CONV", 3, 2},
		{"RND", 1, 1}, {"RND", -1, 0}, {"RND", 3, 2},
		{"TRN", 1, 0}, {"TRN", -1, -1},
		{"TRN_ZERO", -1, 0},
	} {
		acc := "fixed<10,4," + c.mode + ",WRAP>"
		vars := map[string]string{VarResult: acc, VarAccum: acc, VarWeight: "fixed<8,2>", VarBias: "fixed<8,4>"}
		k := build(t, n, [][]int{{1}}, []fixed.Type{typ("fixed<8,4>")}, vars)
		if out, _ := run(t, k, 1, []int64{c.x}); out[0] != c.want {
			t.Errorf("%s x=%d: got %d, want %d", c.mode, c.x, out[0], c.want)
		}
	}
}

// TestDenseNarrowAndWide runs the same 3×9 layer through the transposed
// (narrow, 3 outputs) path and, as 9 outputs, through the row path, and
// checks every output against a direct per-product computation with
// Cast64 — here the reference is fixed's own conversion, not the
// kernel's arithmetic.
func TestDenseNarrowAndWide(t *testing.T) {
	x := []int64{5, 0, -7, 100, 0, 3, -128, 127, 1}
	for _, nOut := range []int{3, 9} {
		w := make([]float64, 9*nOut)
		for i := range w {
			w[i] = float64((i*37)%200-100) / 64 // raw (i·37 mod 200) - 100 in fixed<8,2>
		}
		n := &ir.Node{Name: "d", Op: ir.OpDense, Shape: []int{nOut},
			Weights: map[string]*ir.Tensor{"kernel": tensor([]int{9, nOut}, w...)}}
		k := build(t, n, [][]int{{9}}, []fixed.Type{typ("fixed<8,4>")}, denseVars("fixed<12,5>"))
		out, _ := run(t, k, nOut, x)
		prod, _ := fixed.NewCast64(10, typ("fixed<12,5>"))
		res, _ := fixed.NewCast64(7, typ("fixed<8,4>"))
		for j := range nOut {
			var acc int64
			for i := range 9 {
				p, _ := prod.Apply(x[i] * int64(w[i*nOut+j]*64))
				acc += p
			}
			acc = acc << 52 >> 52 // wrap to 12 bits
			want, _ := res.Apply(acc)
			if out[j] != want {
				t.Errorf("nOut %d output %d: got %d, want %d", nOut, j, out[j], want)
			}
		}
	}
}

// TestWeightRaw checks hls4ml's print-then-convert weight loading into
// fixed<16,6> (10 fractional bits, printed with 10 decimals).
func TestWeightRaw(t *testing.T) {
	ty := typ("fixed<16,6>")
	for _, c := range []struct {
		w    float64
		want int64
	}{
		{0.1, 102},              // "0.1000000000" → 102.4 → floor 102
		{-0.1, -103},            // floor, not toward zero
		{0.0009765625, 1},       // 2^-10 exactly
		{0.000976562499, 1},     // prints as "0.0009765625": one LSB, where floor alone gives 0
		{0.0009765624, 0},       // prints as "0.0009765624" → 0.99999... LSB → 0
		{40, -24576},            // 40960 wraps to 40960-65536 (AP_WRAP)
		{31.99951171875, 32767}, // 32767.5 LSB prints "31.9995117188" → floor 32767
	} {
		got, _, err := WeightRaw(c.w, ty)
		if err != nil {
			t.Fatal(err)
		}
		if got != c.want {
			t.Errorf("WeightRaw(%v) = %d, want %d", c.w, got, c.want)
		}
	}
}

// TestConv1DSamePadding: input length 4, one channel, kernel 3, 'same':
// one zero of padding each side. x = raw [16, 32, -16, 8] in fixed<8,4>
// (1, 2, -1, 0.5); kernel [0.5, 1, -0.25] (raw 32, 64, -16 in fixed<8,2>).
// Accumulator fixed<16,6> (F=10) keeps every product exactly (F=10):
//
//	y0 = 0·0.5 + 1·1 + 2·(-0.25)    = 0.5   → raw 8 in fixed<8,4>
//	y1 = 1·0.5 + 2·1 + (-1)·(-0.25) = 2.75  → 44
//	y2 = 2·0.5 + (-1)·1 + 0.5·(-0.25) = -0.125 → -2
//	y3 = -1·0.5 + 0.5·1 + 0          = 0     → 0
func TestConv1DSamePadding(t *testing.T) {
	n := &ir.Node{Name: "c", Op: ir.OpConv, Shape: []int{4, 1},
		Attrs:   ir.Attrs{Kernel: []int{3}, Padding: ir.PadSame},
		Weights: map[string]*ir.Tensor{"kernel": tensor([]int{3, 1, 1}, 0.5, 1, -0.25)}}
	k := build(t, n, [][]int{{4, 1}}, []fixed.Type{typ("fixed<8,4>")}, denseVars("fixed<16,6>"))
	out, _ := run(t, k, 4, []int64{16, 32, -16, 8})
	if want := []int64{8, 44, -2, 0}; !slices.Equal(out, want) {
		t.Errorf("out = %v, want %v", out, want)
	}
}

// TestConv2DChannels: a 2×2 input with 2 channels, a 2×2 'valid' kernel to
// 2 filters: one output pixel, the sum over (kh, kw, channel) of x·w.
// x (fixed<8,4>, raw): pixel (0,0) = [16, 0], (0,1) = [0, 16], (1,0) =
// [16, 16], (1,1) = [-16, 32], i.e. values [1,0],[0,1],[1,1],[-1,2].
// Filter 0 weights all 0.5 → (1+0+0+1+1+1-1+2)·0.5 = 2.5 → raw 40.
// Filter 1 weights 1 on channel 0, -1 on channel 1 → (1-0)+(0-1)+(1-1)+(-1-2)
// = -3 → raw -48.
func TestConv2DChannels(t *testing.T) {
	w := make([]float64, 2*2*2*2)
	for tap := range 4 {
		for ch := range 2 {
			w[(tap*2+ch)*2+0] = 0.5
			w[(tap*2+ch)*2+1] = float64(1 - 2*ch)
		}
	}
	n := &ir.Node{Name: "c", Op: ir.OpConv, Shape: []int{1, 1, 2},
		Attrs:   ir.Attrs{Kernel: []int{2, 2}},
		Weights: map[string]*ir.Tensor{"kernel": tensor([]int{2, 2, 2, 2}, w...)}}
	k := build(t, n, [][]int{{2, 2, 2}}, []fixed.Type{typ("fixed<8,4>")}, denseVars("fixed<16,6>"))
	out, _ := run(t, k, 2, []int64{16, 0, 0, 16, 16, 16, -16, 32})
	if want := []int64{40, -48}; !slices.Equal(out, want) {
		t.Errorf("out = %v, want %v", out, want)
	}
}

// TestDepthwise: 3 positions, 2 channels, kernel 2 'valid', multiplier 1.
// Channel 0 kernel [1, 0.5], channel 1 kernel [-1, 0.25].
// x rows (fixed<8,4> raw): [16, 16], [32, -16], [8, 64] = [1,1],[2,-1],[0.5,4].
// Out pos 0: ch0 1+2·0.5 = 2 (32); ch1 -1 + (-1)·0.25 = -1.25 (-20).
// Out pos 1: ch0 2+0.25 = 2.25 (36); ch1 1 + 1 = 2 (32).
func TestDepthwise(t *testing.T) {
	n := &ir.Node{Name: "dw", Op: ir.OpDepthwiseConv, Shape: []int{2, 2},
		Attrs:   ir.Attrs{Kernel: []int{2}},
		Weights: map[string]*ir.Tensor{"kernel": tensor([]int{2, 2, 1}, 1, -1, 0.5, 0.25)}}
	k := build(t, n, [][]int{{3, 2}}, []fixed.Type{typ("fixed<8,4>")}, denseVars("fixed<16,6>"))
	out, _ := run(t, k, 4, []int64{16, 16, 32, -16, 8, 64})
	if want := []int64{32, -20, 36, 32}; !slices.Equal(out, want) {
		t.Errorf("out = %v, want %v", out, want)
	}
}

// TestAvgPoolTruncatesTowardZero: hls4ml divides the accum_t sum by the
// count with ap_fixed's division, which truncates toward zero. Window 2 over
// raw [-1, 0] (-1/16, 0): sum -1, /2 → -0.5 LSB → 0, not -1 (floor).
// Window [3, 2]: 5/2 → 2. Max pooling of [-1, 0] is 0 and of [3, 2] is 3.
func TestAvgPoolTruncatesTowardZero(t *testing.T) {
	for _, c := range []struct {
		kind ir.PoolKind
		want []int64
	}{{ir.PoolAvg, []int64{0, 2}}, {ir.PoolMax, []int64{0, 3}}} {
		n := &ir.Node{Name: "p", Op: ir.OpPool, Shape: []int{2, 1}, Attrs: ir.Attrs{Kernel: []int{2}, Pool: c.kind}}
		k := build(t, n, [][]int{{4, 1}}, []fixed.Type{typ("fixed<8,4>")},
			map[string]string{VarResult: "fixed<8,4>", VarAccum: "fixed<8,4>"})
		if out, _ := run(t, k, 2, []int64{-1, 0, 3, 2}); !slices.Equal(out, c.want) {
			t.Errorf("%v: out = %v, want %v", c.kind, out, c.want)
		}
	}
}

// TestGlobalAvgPool: two positions, two channels, count 2.
// ch0 raw [5, 6] → 11/2 = 5.5 → 5; ch1 [-5, -6] → -5.5 → -5 (toward zero).
func TestGlobalAvgPool(t *testing.T) {
	n := &ir.Node{Name: "g", Op: ir.OpGlobalPool, Shape: []int{2}, Attrs: ir.Attrs{Pool: ir.PoolAvg}}
	k := build(t, n, [][]int{{2, 2}}, []fixed.Type{typ("fixed<8,4>")},
		map[string]string{VarResult: "fixed<8,4>", VarAccum: "fixed<12,8>"})
	if out, _ := run(t, k, 2, []int64{5, -5, 6, -6}); !slices.Equal(out, []int64{5, -5}) {
		t.Errorf("out = %v, want [5 -5]", out)
	}
}

// TestBatchNorm: channel 0 γ=2, β=0.5, μ=1, var=3, ε=1 → scale = 2/√4 = 1,
// bias = 0.5 - 1 = -0.5. Channel 1: γ=1, β=0, μ=0, var=3 → scale 0.5,
// bias 0. x raw (fixed<8,4>) [24, 24] = [1.5, 1.5]:
// ch0 1.5·1 - 0.5 = 1 → raw 16; ch1 1.5·0.5 = 0.75 → raw 12.
// With result fixed<6,4> (F=2): ch1 0.75 → 3 (exact), ch0 1 → 4.
func TestBatchNorm(t *testing.T) {
	n := &ir.Node{Name: "bn", Op: ir.OpBatchNorm, Shape: []int{2}, Attrs: ir.Attrs{Epsilon: 1},
		Weights: map[string]*ir.Tensor{
			"gamma": tensor([]int{2}, 2, 1), "beta": tensor([]int{2}, 0.5, 0),
			"moving_mean": tensor([]int{2}, 1, 0), "moving_variance": tensor([]int{2}, 3, 3)}}
	vars := map[string]string{VarResult: "fixed<8,4>", VarScale: "fixed<8,2>", VarBias: "fixed<8,4>"}
	k := build(t, n, [][]int{{2}}, []fixed.Type{typ("fixed<8,4>")}, vars)
	if out, _ := run(t, k, 2, []int64{24, 24}); !slices.Equal(out, []int64{16, 12}) {
		t.Errorf("out = %v, want [16 12]", out)
	}
	vars[VarResult] = "fixed<6,4>"
	k = build(t, n, [][]int{{2}}, []fixed.Type{typ("fixed<8,4>")}, vars)
	if out, _ := run(t, k, 2, []int64{24, 24}); !slices.Equal(out, []int64{4, 3}) {
		t.Errorf("out = %v, want [4 3]", out)
	}
}

// TestMerge: a in fixed<8,4> (F=4) and b in fixed<6,1> (F=5).
// a = raw 20 (1.25), b = raw -3 (-0.09375). At F=5: 40 and -3.
// add 37 → result fixed<10,5> (F=5) 37; sub 43; mul 20·-3 = -60 at F=9 →
// F=5: -3.75 → TRN -4; avg (40-3)/2 = 18.5 → TRN 18; max 40; min -3.
func TestMerge(t *testing.T) {
	for _, c := range []struct {
		kind ir.MergeKind
		want int64
	}{{ir.MergeAdd, 37}, {ir.MergeSub, 43}, {ir.MergeMul, -4}, {ir.MergeAvg, 18}, {ir.MergeMax, 40}, {ir.MergeMin, -3}} {
		n := &ir.Node{Name: "m", Op: ir.OpMerge, Shape: []int{1}, Attrs: ir.Attrs{Merge: c.kind}}
		k := build(t, n, [][]int{{1}, {1}}, []fixed.Type{typ("fixed<8,4>"), typ("fixed<6,1>")},
			map[string]string{VarResult: "fixed<10,5>"})
		if out, _ := run(t, k, 1, []int64{20}, []int64{-3}); out[0] != c.want {
			t.Errorf("%v: got %d, want %d", c.kind, out[0], c.want)
		}
	}
}

// TestGatherOps: transpose of a 2×3 matrix, zero padding, concat along the
// last axis, and a Reshape into a narrower type that saturates.
func TestGatherOps(t *testing.T) {
	f8 := []fixed.Type{typ("fixed<8,4>")}
	r8 := map[string]string{VarResult: "fixed<8,4>"}
	tr := &ir.Node{Name: "t", Op: ir.OpTranspose, Shape: []int{3, 2}, Attrs: ir.Attrs{Perm: []int{1, 0}}}
	if out, _ := run(t, build(t, tr, [][]int{{2, 3}}, f8, r8), 6, []int64{1, 2, 3, 4, 5, 6}); !slices.Equal(out, []int64{1, 4, 2, 5, 3, 6}) {
		t.Errorf("transpose = %v", out)
	}
	pad := &ir.Node{Name: "p", Op: ir.OpPad, Shape: []int{4, 1}, Attrs: ir.Attrs{Pads: [][2]int{{1, 1}}}}
	if out, _ := run(t, build(t, pad, [][]int{{2, 1}}, f8, r8), 4, []int64{7, 8}); !slices.Equal(out, []int64{0, 7, 8, 0}) {
		t.Errorf("pad = %v", out)
	}
	cat := &ir.Node{Name: "c", Op: ir.OpConcat, Shape: []int{2, 3}, Attrs: ir.Attrs{Axis: 1}}
	k := build(t, cat, [][]int{{2, 1}, {2, 2}}, []fixed.Type{typ("fixed<8,4>"), typ("fixed<8,3>")}, r8)
	// Second input fixed<8,3> (F=5) raw 3 = 0.09375 → F=4: 1.5 → TRN 1.
	if out, _ := run(t, k, 6, []int64{1, 2}, []int64{3, 4, 5, 6}); !slices.Equal(out, []int64{1, 1, 2, 2, 2, 3}) {
		t.Errorf("concat = %v", out)
	}
	rs := &ir.Node{Name: "r", Op: ir.OpReshape, Shape: []int{2}}
	k = build(t, rs, [][]int{{1, 2}}, f8, map[string]string{VarResult: "fixed<6,2,TRN,SAT>"})
	// raw 100 (6.25) saturates at 1.9375 (raw 31 at F=4); raw -3 stays.
	out, tally := run(t, k, 2, []int64{100, -3})
	if !slices.Equal(out, []int64{31, -3}) || tally[SlotResult].Saturated != 1 {
		t.Errorf("reshape = %v, counts %+v", out, tally[SlotResult])
	}
}

// TestFloatDense checks the float64 kernel: y = x·W + b.
func TestFloatDense(t *testing.T) {
	n := denseNode([]float64{1, 2, 3, 4}, []float64{0.5, -0.5})
	d, _ := Lookup(ir.OpDense)
	k, err := d.Float(n, [][]int{{2}})
	if err != nil {
		t.Fatal(err)
	}
	out := make([]float64, 2)
	k.Run([][]float64{{1, 10}}, out)
	// y0 = 1·1 + 10·3 + 0.5 = 31.5; y1 = 1·2 + 10·4 - 0.5 = 41.5
	if out[0] != 31.5 || out[1] != 41.5 {
		t.Errorf("out = %v, want [31.5 41.5]", out)
	}
}

// TestBatchNormTanhThresholds: a BatchNorm fused with binary/ternary tanh
// compares with thresholds floored onto the input grid. γ=1, β=0.3, μ=0,
// var=1, ε=0: scale 1, bias 0.3, t = -0.3. Input fixed<8,4> (F=4):
// binary threshold floor(-0.3·16)/16 = -5/16, so x = -5/16 gives +1 even
// though x·1 + 0.3 = -0.0125 < 0, and x = -6/16 gives -1. Ternary:
// hi = floor_F(0.5 - 0.3) = 3/16, lo = floor_F(-0.8) = -13/16;
// x = 4/16 → +1, 3/16 → 0, -12/16 → 0, -13/16 → -1. Result fixed<8,4>:
// ±1 = raw ±16.
func TestBatchNormTanhThresholds(t *testing.T) {
	for _, c := range []struct {
		act  string
		x    []int64
		want []int64
	}{
		{"binary_tanh", []int64{-5, -6, 100, -100}, []int64{16, -16, 16, -16}},
		{"ternary_tanh", []int64{4, 3, -12, -13}, []int64{16, 0, 0, -16}},
	} {
		n := &ir.Node{Name: "bn", Op: ir.OpBatchNorm, Shape: []int{4, 1}, Attrs: ir.Attrs{Activation: c.act},
			Weights: map[string]*ir.Tensor{
				"gamma": tensor([]int{1}, 1), "beta": tensor([]int{1}, 0.3),
				"moving_mean": tensor([]int{1}, 0), "moving_variance": tensor([]int{1}, 1)}}
		vars := map[string]string{VarResult: "fixed<8,4>", VarScale: "fixed<8,2>", VarBias: "fixed<8,4>"}
		k := build(t, n, [][]int{{4, 1}}, []fixed.Type{typ("fixed<8,4>")}, vars)
		if out, _ := run(t, k, 4, c.x); !slices.Equal(out, c.want) {
			t.Errorf("%s: out = %v, want %v", c.act, out, c.want)
		}
	}
}

// TestReluCast: relu from fixed<12,5> (F=7) into ufixed<6,2> (F=4, raw
// 0..63, TRN, WRAP). x = 100/128 = 0.78125 → 12.5/16 → TRN 12; x < 0 → 0;
// x = 1000/128 = 7.8125 → 125/16 → 125 mod 64 = 61 (wrapped). The plain
// run (inlined cast) and the counting run (Cast64) must agree.
func TestReluCast(t *testing.T) {
	n := &ir.Node{Name: "r", Op: ir.OpActivation, Shape: []int{3}, Attrs: ir.Attrs{Activation: "relu"}}
	k := build(t, n, [][]int{{3}}, []fixed.Type{typ("fixed<12,5>")}, map[string]string{VarResult: "ufixed<6,2>"})
	out, tally := run(t, k, 3, []int64{100, -5, 1000})
	if want := []int64{12, 0, 61}; !slices.Equal(out, want) {
		t.Errorf("out = %v, want %v", out, want)
	}
	if r := tally[SlotResult]; r.Wrapped != 1 {
		t.Errorf("counts %+v", r)
	}
}
