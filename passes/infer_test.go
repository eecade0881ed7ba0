// This file tests InferTypes on hand-built graphs whose intervals and types
// are worked out by hand in the comments.

package passes

import (
	"strings"
	"testing"

	"github.com/nnhls/nnhls/config"
	"github.com/nnhls/nnhls/fixed"
	"github.com/nnhls/nnhls/ir"
)

// smallDense is x (2 values) → fc (Dense, kernel [[1.5], [-2]], bias 0.25)
// → r (relu).
func smallDense() *ir.Graph {
	g := &ir.Graph{Name: "small"}
	x := g.Add(&ir.Node{Name: "x", Op: ir.OpInput, Shape: []int{2}})
	fc := g.Add(&ir.Node{Name: "fc", Op: ir.OpDense, Inputs: []int{x}, Shape: []int{1}, Attrs: ir.Attrs{Units: 1},
		Weights: map[string]*ir.Tensor{
			"kernel": {Shape: []int{2, 1}, Data: []float64{1.5, -2}},
			"bias":   {Shape: []int{1}, Data: []float64{0.25}},
		}})
	r := g.Add(&ir.Node{Name: "r", Op: ir.OpActivation, Inputs: []int{fc}, Shape: []int{1}, Attrs: ir.Attrs{Activation: "relu"}})
	g.Inputs, g.Outputs = []int{x}, []int{r}
	return g
}

func parseConfig(t *testing.T, text string) *config.Config {
	t.Helper()
	c, err := config.Parse("c.yml", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func wantTypes(t *testing.T, g *ir.Graph, want map[string]map[string]string) {
	t.Helper()
	for name, vars := range want {
		n := g.Nodes[g.Lookup(name)]
		for v, s := range vars {
			if got := n.HW.Types[v]; got != fixed.MustParse(s) {
				t.Errorf("%s %s = %s, want %s (why: %s)", name, v, got.HLS4ML(), s, n.HW.Why[v])
			}
		}
	}
}

// TestInferTypesDense: with input fixed<8,3> ([-4, 3.96875], 5 fractional
// bits) the sums are 1.5·x0 − 2·x1 + 0.25 ∈ [−6 − 7.9375 + 0.25,
// 5.953125 + 8 + 0.25] = [−13.6875, 14.203125]. Weights get 16 bits:
// [−2, 1.5] needs fixed<16,2>, 0.25 ufixed<16,-1>. Products have 5 + 14 =
// 19 fractional bits (the bias 17), so accum = fixed<24,5> ([−16, 16));
// the result rounds, keeping the reference width: fixed<16,5> (11
// fractional bits, more than the reference's 10); relu keeps [0, 14.2...]
// at those bits: ufixed<15,4>.
func TestInferTypesDense(t *testing.T) {
	g := smallDense()
	c := parseConfig(t, "LayerName:\n  x:\n    Precision:\n      result: fixed<8,3>\n")
	if err := InferTypes(g, c); err != nil {
		t.Fatal(err)
	}
	wantTypes(t, g, map[string]map[string]string{
		"x":  {"result": "fixed<8,3>"},
		"fc": {"weight": "fixed<16,2>", "bias": "ufixed<16,-1>", "accum": "fixed<24,5>", "result": "fixed<16,5>"},
		"r":  {"result": "ufixed<15,4>"},
	})
	fc := g.Nodes[1]
	if fc.HW.Lo > -13.6875 || fc.HW.Hi < 14.203125 || fc.HW.Hi > 14.21 || fc.HW.Lo < -13.70 {
		t.Errorf("fc interval [%g, %g], want about [-13.6875, 14.203125]", fc.HW.Lo, fc.HW.Hi)
	}
	for _, n := range g.Nodes {
		if Verdict(n) != "proven safe" {
			t.Errorf("%s: %s", n.Name, Verdict(n))
		}
	}
	if w := Warnings(g); len(w) != 0 {
		t.Errorf("warnings %v", w)
	}
}

// TestInferTypesMaximum: Model maximum fixed<12,4> cuts the accumulator's
// 5 integer bits to 4, which then saturates and is reported; the width cap
// costs fractional bits only.
func TestInferTypesMaximum(t *testing.T) {
	g := smallDense()
	c := parseConfig(t, "Model:\n  Precision:\n    maximum: fixed<12,4>\nLayerName:\n  x:\n    Precision:\n      result: fixed<8,3>\n")
	if err := InferTypes(g, c); err != nil {
		t.Fatal(err)
	}
	wantTypes(t, g, map[string]map[string]string{
		"fc": {"accum": "fixed<12,4,TRN,SAT>", "result": "fixed<12,4,TRN,SAT>"},
	})
	fc := g.Nodes[1]
	if len(fc.HW.Unsafe) == 0 || !strings.Contains(Verdict(fc), "Model maximum") {
		t.Errorf("fc verdict %q", Verdict(fc))
	}
	if w := Warnings(g); len(w) == 0 || !strings.HasPrefix(w[0], `layer "fc": `) {
		t.Errorf("warnings %v", w)
	}
}

// TestInferTypesUserType: a result the user wrote is kept as written and
// reported when the sums can leave it: fixed<8,3> holds [−4, 3.96875].
func TestInferTypesUserType(t *testing.T) {
	g := smallDense()
	c := parseConfig(t, "LayerName:\n  x:\n    Precision:\n      result: fixed<8,3>\n  fc:\n    Precision:\n      result: fixed<8,3>\n")
	if err := InferTypes(g, c); err != nil {
		t.Fatal(err)
	}
	fc := g.Nodes[1]
	if got := fc.HW.Types["result"]; got != fixed.MustParse("fixed<8,3>") {
		t.Errorf("user type replaced by %v", got)
	}
	if v := Verdict(fc); !strings.Contains(v, "result fixed<8,3> holds [-4, 3.96875]") || !strings.Contains(v, "wraps") {
		t.Errorf("verdict %q", v)
	}
	// relu of a wrapping fixed<8,3>: its input interval is the whole type.
	if r := g.Nodes[2]; r.HW.Types["result"] != fixed.MustParse("ufixed<7,2>") {
		t.Errorf("relu result %v, want ufixed<7,2> ([0, 3.96875] at 5 fractional bits)", r.HW.Types["result"])
	}
}

// TestInferTypesCalibrated: observed fc values [−3, 3] with a 1-bit margin
// are [−6, 6]: 4 integer bits (signed) instead of the proven 5, 16 bits
// wide, rounding and saturating; reported, since values up to 14.2 are
// possible.
func TestInferTypesCalibrated(t *testing.T) {
	g := smallDense()
	c := parseConfig(t, "LayerName:\n  x:\n    Precision:\n      result: fixed<8,3>\n")
	opt := InferOptions{Observed: map[string]Range{"fc": {Min: -3, Max: 3}, "r": {Min: 0, Max: 1.5}}, Margin: 1, Source: "x.npy"}
	if err := InferTypesWith(opt)(g, c); err != nil {
		t.Fatal(err)
	}
	// r: the proven relu range [0, 7.99...] of a fixed<16,4> input needs
	// 3 integer bits; the observed [0, 3] needs 2: ufixed<16,2,RND,SAT>.
	wantTypes(t, g, map[string]map[string]string{
		"fc": {"result": "fixed<16,4,RND,SAT>", "accum": "fixed<24,5>"},
		"r":  {"result": "ufixed<16,2,RND,SAT>"},
	})
	if why := g.Nodes[1].HW.Why["result"]; !strings.Contains(why, "calibrated on x.npy") {
		t.Errorf("why %q", why)
	}
	if v := Verdict(g.Nodes[2]); !strings.Contains(v, "saturates") {
		t.Errorf("r verdict %q", v)
	}
}

// TestInferTypesSoftmaxTable is hls4ml's collapse (numerics.md §0): a
// Dense result of fixed<38,18> before a stable softmax. hls4ml's inp_norm_t
// would be ufixed<37,17> with 1024 entries, bins 128 wide. nnhls gives
// inp_norm_t 3 integer bits (exp(−8) is below half a step of a 10-bit exp
// table), saturating, and 2^(3+20) entries capped at 2^13: ufixed<13,3>.
func TestInferTypesSoftmaxTable(t *testing.T) {
	g := &ir.Graph{}
	x := g.Add(&ir.Node{Name: "x", Op: ir.OpInput, Shape: []int{5}})
	s := g.Add(&ir.Node{Name: "s", Op: ir.OpSoftmax, Inputs: []int{x}, Shape: []int{5}})
	g.Inputs, g.Outputs = []int{x}, []int{s}
	c := parseConfig(t, "LayerName:\n  x:\n    Precision:\n      result: fixed<38,18>\n")
	if err := InferTypes(g, c); err != nil {
		t.Fatal(err)
	}
	n := g.Nodes[s]
	wantTypes(t, g, map[string]map[string]string{
		"s": {"inp_norm": "ufixed<13,3,TRN,SAT>", "exp_table": "ufixed<11,1,RND,SAT>", "accum": "ufixed<13,3>", "result": "ufixed<16,1>"},
	})
	if n.HW.TableSize != 8192 {
		t.Errorf("table size %d, want 8192", n.HW.TableSize)
	}
	if Verdict(n) != "proven safe" {
		t.Errorf("verdict %q", Verdict(n))
	}
}

// TestFitLimited: [−1000, 1000] at 60 fractional bits needs 71 bits;
// limited to 40 it keeps the 11 integer bits and 29 fractional ones, and
// still holds the interval widened by 8 roundings of 2^-29.
func TestFitLimited(t *testing.T) {
	v := span{-1000, 1000}
	if got := fitSpan(v, 60); got != fixed.MustParse("fixed<71,11>") {
		t.Errorf("fitSpan = %v", got.HLS4ML())
	}
	got := fitLimited(v, 60, 8, 40)
	if got != fixed.MustParse("fixed<40,11>") {
		t.Errorf("fitLimited = %v, want fixed<40,11>", got.HLS4ML())
	}
	if d := 8 * got.LSB(); !typeHolds(got, span{v.lo - d, v.hi + d}) {
		t.Errorf("%v does not hold the rounded interval", got.HLS4ML())
	}
}
