// This file implements the parser tests: strings and dicts to expected
// Spec fields (per QKeras's constructor signatures), the String round
// trip, the error table and a fuzz target.

package quant

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func fptr(f float64) *float64 { return &f }

// parseCases hold expected Specs written from QKeras's signatures
// (google/qkeras HEAD qkeras/quantizers.py), not from this package.
var parseCases = []struct {
	in   string
	want Spec
}{
	{"quantized_bits(6,0,alpha=1)", Spec{Kind: QuantizedBits, Bits: 6, KeepNegative: true, Alpha: AlphaNumber, AlphaValue: 1}},
	{"quantized_bits", Spec{Kind: QuantizedBits, Bits: 8, KeepNegative: true}},
	{"quantized_bits()", Spec{Kind: QuantizedBits, Bits: 8, KeepNegative: true}},
	{"quantized_bits(16,6)", Spec{Kind: QuantizedBits, Bits: 16, Integer: 6, KeepNegative: true}},
	// Positional order: bits, integer, symmetric, keep_negative, alpha.
	{"quantized_bits(4,0,1,False,0.5)", Spec{Kind: QuantizedBits, Bits: 4, Symmetric: true, Alpha: AlphaNumber, AlphaValue: 0.5}},
	{"quantized_bits(4,1,keep_negative=False,alpha=1)", Spec{Kind: QuantizedBits, Bits: 4, Integer: 1, Alpha: AlphaNumber, AlphaValue: 1}},
	// A string alpha forces symmetric, as QKeras's __init__ does.
	{"quantized_bits(8,2,alpha='auto_po2')", Spec{Kind: QuantizedBits, Bits: 8, Integer: 2, KeepNegative: true, Symmetric: true, Alpha: AlphaAutoPo2}},
	{`quantized_bits(6, 0, alpha="auto")`, Spec{Kind: QuantizedBits, Bits: 6, KeepNegative: true, Symmetric: true, Alpha: AlphaAuto}},
	{"quantized_bits(8,-2,alpha=.5,qnoise_factor=0.25)", Spec{Kind: QuantizedBits, Bits: 8, Integer: -2, KeepNegative: true, Alpha: AlphaNumber, AlphaValue: 0.5, QNoiseFactor: fptr(0.25)}},
	{"quantized_bits(8,0,use_stochastic_rounding=True,var_name=None,use_ste=True,scale_axis=None)", Spec{Kind: QuantizedBits, Bits: 8, KeepNegative: true, UseStochasticRounding: true}},
	// quantized_relu(bits, integer, use_sigmoid, negative_slope, ...).
	{"quantized_relu(6,2,0,0.25)", Spec{Kind: QuantizedRelu, Bits: 6, Integer: 2, NegativeSlope: 0.25, IsQuantizedClip: true}},
	{"quantized_relu(4,0,1)", Spec{Kind: QuantizedRelu, Bits: 4, UseSigmoid: true, IsQuantizedClip: true}},
	{"quantized_relu(6)", Spec{Kind: QuantizedRelu, Bits: 6, IsQuantizedClip: true}},
	{"quantized_relu(8,3,relu_upper_bound=6,is_quantized_clip=False)", Spec{Kind: QuantizedRelu, Bits: 8, Integer: 3, ReluUpperBound: fptr(6)}},
	// quantized_tanh(bits, use_stochastic_rounding, symmetric, use_real_tanh).
	{"quantized_tanh(6,1)", Spec{Kind: QuantizedTanh, Bits: 6, UseStochasticRounding: true}},
	{"quantized_tanh(4,0,1,1)", Spec{Kind: QuantizedTanh, Bits: 4, Symmetric: true, UseReal: true}},
	// quantized_sigmoid(bits, symmetric, use_real_sigmoid, use_stochastic_rounding).
	{"quantized_sigmoid(6,1)", Spec{Kind: QuantizedSigmoid, Bits: 6, Symmetric: true}},
	{"quantized_sigmoid(4,use_real_sigmoid=True)", Spec{Kind: QuantizedSigmoid, Bits: 4, UseReal: true}},
	// quantized_po2(bits, max_value, use_stochastic_rounding, quadratic_approximation, log2_rounding).
	{"quantized_po2(4,1)", Spec{Kind: QuantizedPo2, Bits: 4, MaxValue: fptr(1), Log2Rounding: "rnd"}},
	{"quantized_po2(5)", Spec{Kind: QuantizedPo2, Bits: 5, Log2Rounding: "rnd"}},
	{"quantized_po2(4,1,quadratic_approximation=True)", Spec{Kind: QuantizedPo2, Bits: 4, MaxValue: fptr(1), QuadraticApproximation: true, Log2Rounding: "rnd"}},
	{"quantized_po2(4,None,0,0,'floor')", Spec{Kind: QuantizedPo2, Bits: 4, Log2Rounding: "floor"}},
	// quantized_relu_po2(bits, max_value, negative_slope, ...).
	{"quantized_relu_po2(5,2,0.5)", Spec{Kind: QuantizedReluPo2, Bits: 5, MaxValue: fptr(2), NegativeSlope: 0.5, Log2Rounding: "rnd"}},
	{"quantized_relu_po2(6, quadratic_approximation=True)", Spec{Kind: QuantizedReluPo2, Bits: 6, QuadraticApproximation: true, Log2Rounding: "rnd"}},
	// binary(use_01, alpha, ...); ternary(alpha, threshold, ...).
	{"binary", Spec{Kind: Binary}},
	{"binary(1)", Spec{Kind: Binary, Use01: true}},
	{"binary(use_01=True,alpha=1)", Spec{Kind: Binary, Use01: true, Alpha: AlphaNumber, AlphaValue: 1}},
	{"binary(alpha='auto_po2')", Spec{Kind: Binary, Alpha: AlphaAutoPo2}},
	{"stochastic_binary(alpha='auto', temperature=4.0)", Spec{Kind: StochasticBinary, Alpha: AlphaAuto, UseReal: true}},
	{"ternary", Spec{Kind: Ternary, NumberOfUnrolls: 5}},
	{"ternary(1,0.5)", Spec{Kind: Ternary, Alpha: AlphaNumber, AlphaValue: 1, Threshold: fptr(0.5), NumberOfUnrolls: 5}},
	{"ternary(alpha='auto_po2', number_of_unrolls=3)", Spec{Kind: Ternary, Alpha: AlphaAutoPo2, NumberOfUnrolls: 3}},
	{"stochastic_ternary(alpha='auto_po2',threshold=None,temperature=8.0,use_real_sigmoid=False)", Spec{Kind: StochasticTernary, Alpha: AlphaAutoPo2, NumberOfUnrolls: 5}},
	{"binary_tanh", Spec{Kind: BinaryTanh}},
	{" binary_tanh() ", Spec{Kind: BinaryTanh}},
	{"fixed_point(1,3,4,'RND','SAT')", Spec{Kind: FixedPoint, K: []float64{1}, I: []float64{3}, F: []float64{4}, Rounding: "RND", Overflow: "SAT"}},
	{"fixed_point([0,1],[2,3],[4,5])", Spec{Kind: FixedPoint, K: []float64{0, 1}, I: []float64{2, 3}, F: []float64{4, 5}, Rounding: "TRN", Overflow: "WRAP"}},
	{"fixed_point(1,[2,3],4,'RND_INF','WRAP_SM',[1,2])", Spec{Kind: FixedPoint, K: []float64{1}, I: []float64{2, 3}, F: []float64{4}, Rounding: "RND_INF", Overflow: "WRAP_SM", KIFShape: []int{1, 2}}},
	// Python literal forms.
	{"quantized_bits(6,0,alpha=1e-3)", Spec{Kind: QuantizedBits, Bits: 6, KeepNegative: true, Alpha: AlphaNumber, AlphaValue: 0.001}},
	{"quantized_bits(6.0,+1,True,)", Spec{Kind: QuantizedBits, Bits: 6, Integer: 1, Symmetric: true, KeepNegative: true}},
}

func TestParseConfigString(t *testing.T) {
	for _, c := range parseCases {
		got, err := ParseConfig(c.in)
		if err != nil {
			t.Errorf("ParseConfig(%q): %v", c.in, err)
			continue
		}
		if diff := cmp.Diff(&c.want, got); diff != "" {
			t.Errorf("ParseConfig(%q) (-want +got):\n%s", c.in, diff)
		}
	}
}

func TestParseConfigDict(t *testing.T) {
	cases := []struct {
		json string
		want Spec
	}{
		// As QKeras model files store them: get_config fields.
		{`{"class_name": "quantized_bits", "config": {"bits": 6, "integer": 0, "symmetric": 0, "keep_negative": true, "alpha": null}}`,
			Spec{Kind: QuantizedBits, Bits: 6, KeepNegative: true}},
		{`{"class_name": "quantized_bits", "config": {"bits": 8, "integer": 2, "symmetric": true, "keep_negative": true, "alpha": "auto_po2", "use_stochastic_rounding": false, "qnoise_factor": 1.0}}`,
			Spec{Kind: QuantizedBits, Bits: 8, Integer: 2, Symmetric: true, KeepNegative: true, Alpha: AlphaAutoPo2}},
		{`{"class_name": "quantized_relu", "config": {"bits": 5, "integer": 2, "use_sigmoid": 0, "negative_slope": 0.0, "use_stochastic_rounding": false, "relu_upper_bound": null, "qnoise_factor": 1.0}}`,
			Spec{Kind: QuantizedRelu, Bits: 5, Integer: 2, IsQuantizedClip: true}},
		// Keras 3 adds module and registered_name.
		{`{"module": "qkeras.quantizers", "class_name": "quantized_po2", "config": {"bits": 4, "max_value": 1, "use_stochastic_rounding": false, "quadratic_approximation": false, "qnoise_factor": 1.0, "log2_rounding": "rnd"}, "registered_name": "qkeras>quantized_po2"}`,
			Spec{Kind: QuantizedPo2, Bits: 4, MaxValue: fptr(1), Log2Rounding: "rnd"}},
		{`{"class_name": "ternary", "config": {"alpha": 1.0, "threshold": 0.5, "use_stochastic_rounding": false, "number_of_unrolls": 5}}`,
			Spec{Kind: Ternary, Alpha: AlphaNumber, AlphaValue: 1, Threshold: fptr(0.5), NumberOfUnrolls: 5}},
		{`{"class_name": "binary", "config": {"use_01": false, "alpha": null, "use_stochastic_rounding": false}}`,
			Spec{Kind: Binary}},
		{`{"class_name": "quantized_sigmoid"}`, Spec{Kind: QuantizedSigmoid, Bits: 8}},
	}
	for _, c := range cases {
		var d map[string]any
		if err := json.Unmarshal([]byte(c.json), &d); err != nil {
			t.Fatal(err)
		}
		got, err := ParseConfig(d)
		if err != nil {
			t.Errorf("ParseConfig(%s): %v", c.json, err)
			continue
		}
		if diff := cmp.Diff(&c.want, got); diff != "" {
			t.Errorf("ParseConfig(%s) (-want +got):\n%s", c.json, diff)
		}
	}
}

func TestStringCanonical(t *testing.T) {
	cases := []struct{ in, want string }{
		{"quantized_bits(6,0,alpha='auto_po2')", "quantized_bits(6,0,symmetric=1,alpha='auto_po2')"},
		{"quantized_bits(6, 0, 0, True, 1.0)", "quantized_bits(6,0,alpha=1)"},
		{"quantized_bits", "quantized_bits(8,0)"},
		{"quantized_bits(4,1,keep_negative=False,alpha=1)", "quantized_bits(4,1,keep_negative=0,alpha=1)"},
		{"quantized_relu(6,2,0,0.25)", "quantized_relu(6,2,negative_slope=0.25)"},
		{"quantized_relu(4,0,1)", "quantized_relu(4,0,use_sigmoid=1)"},
		{"quantized_tanh(6,1)", "quantized_tanh(6,use_stochastic_rounding=1)"},
		{"quantized_po2(4,1,quadratic_approximation=True)", "quantized_po2(4,max_value=1,quadratic_approximation=1)"},
		{"quantized_relu_po2(5,2,0.5)", "quantized_relu_po2(5,max_value=2,negative_slope=0.5)"},
		{"binary()", "binary"},
		{"binary(use_01=True,alpha=1)", "binary(use_01=1,alpha=1)"},
		{"ternary(alpha=1,threshold=0.5)", "ternary(alpha=1,threshold=0.5)"},
		{"binary_tanh", "binary_tanh"},
		{"quantized_bits(8,0,alpha=1e-3,qnoise_factor=1.0)", "quantized_bits(8,0,alpha=0.001)"},
		{"fixed_point(1,3,4)", "fixed_point(1,3,4)"},
	}
	for _, c := range cases {
		s, err := ParseConfig(c.in)
		if err != nil {
			t.Fatalf("ParseConfig(%q): %v", c.in, err)
		}
		if got := s.String(); got != c.want {
			t.Errorf("ParseConfig(%q).String() = %q, want %q", c.in, got, c.want)
		}
	}
}

// TestStringRoundTrip checks ParseConfig(s.String()) == s for every parse
// case, and that printing twice gives the same text.
func TestStringRoundTrip(t *testing.T) {
	for _, c := range parseCases {
		s, err := ParseConfig(c.in)
		if err != nil {
			t.Fatalf("ParseConfig(%q): %v", c.in, err)
		}
		text := s.String()
		back, err := ParseConfig(text)
		if err != nil {
			t.Errorf("ParseConfig(%q) (from %q): %v", text, c.in, err)
			continue
		}
		if diff := cmp.Diff(s, back); diff != "" {
			t.Errorf("round trip of %q via %q (-first +second):\n%s", c.in, text, diff)
		}
		if again := back.String(); again != text {
			t.Errorf("String not stable: %q then %q", text, again)
		}
	}
}

func TestForKernel(t *testing.T) {
	cases := []struct {
		in   string
		want Spec
	}{
		{"quantized_bits(16,6)", Spec{Kind: QuantizedBits, Bits: 16, Integer: 6, KeepNegative: true, Symmetric: true, Alpha: AlphaAutoPo2, AlphaRewritten: true}},
		{"quantized_bits(6,0,alpha=1)", Spec{Kind: QuantizedBits, Bits: 6, KeepNegative: true, Alpha: AlphaNumber, AlphaValue: 1}},
		{"quantized_bits(6,0,alpha='auto')", Spec{Kind: QuantizedBits, Bits: 6, KeepNegative: true, Symmetric: true, Alpha: AlphaAuto}},
		{"binary", Spec{Kind: Binary, Alpha: AlphaAutoPo2, AlphaRewritten: true}},
		{"stochastic_binary", Spec{Kind: StochasticBinary, Alpha: AlphaAutoPo2, AlphaRewritten: true, UseReal: true}},
		{"ternary", Spec{Kind: Ternary, Alpha: AlphaAutoPo2, AlphaRewritten: true, NumberOfUnrolls: 5}},
		{"stochastic_ternary", Spec{Kind: StochasticTernary, Alpha: AlphaAutoPo2, AlphaRewritten: true, NumberOfUnrolls: 5, UseReal: true}},
		// Not touched by the hook.
		{"quantized_po2(4,1)", Spec{Kind: QuantizedPo2, Bits: 4, MaxValue: fptr(1), Log2Rounding: "rnd"}},
		{"quantized_relu(4,0)", Spec{Kind: QuantizedRelu, Bits: 4, IsQuantizedClip: true}},
	}
	for _, c := range cases {
		s, err := ParseConfig(c.in)
		if err != nil {
			t.Fatal(err)
		}
		before := s.Clone()
		got := s.ForKernel()
		if diff := cmp.Diff(&c.want, got); diff != "" {
			t.Errorf("ForKernel(%q) (-want +got):\n%s", c.in, diff)
		}
		if diff := cmp.Diff(before, s); diff != "" {
			t.Errorf("ForKernel(%q) modified its receiver:\n%s", c.in, diff)
		}
	}
	if got := ((*Spec)(nil)).ForKernel(); got != nil {
		t.Errorf("nil.ForKernel() = %v", got)
	}
}

func TestParseConfigErrors(t *testing.T) {
	cases := []struct {
		in   any
		want string // substring of the message
	}{
		{"quantized_bitz(4,0)", `unknown quantizer "quantized_bitz"`},
		{"relu", `unknown quantizer "relu"`},
		{"", "expected a quantizer name"},
		{"quantized_bits(4,0", "missing ')'"},
		{"quantized_bits(4,0))", `unexpected ")"`},
		{"quantized_bits(4 0)", "expected ',' or ')'"},
		{"quantized_bits(4,0,alpha='auto)", "unterminated string"},
		{"quantized_bits(4,0,0,1,1,0,None,1,None,1,0,None,None,None,None,7)", "quantized_bits: takes at most 15 positional arguments (16 given)"},
		{"quantized_bits(4,0,foo=1)", `quantized_bits: unknown keyword argument "foo"`},
		{"quantized_bits(4,bits=5)", `quantized_bits: got multiple values for argument "bits"`},
		{"quantized_bits(4,alpha=1,alpha=2)", `keyword argument "alpha" repeated`},
		{"quantized_bits(alpha=1,4)", "positional argument follows keyword argument"},
		{"quantized_bits('4')", "quantized_bits: bits: must be an integer, not str"},
		{"quantized_bits(4.5)", "quantized_bits: bits: must be an integer, not float 4.5"},
		{"quantized_bits(None)", "quantized_bits: bits: must be an integer, not None"},
		{"quantized_bits(0)", "quantized_bits: bits must be at least 1"},
		{"quantized_bits(65)", "quantized_bits: bits: 65 is outside [0, 64]"},
		{"quantized_bits(4,0,symmetric='yes')", "quantized_bits: symmetric: must be a bool, not str"},
		{"quantized_bits(4,0,alpha='auto_p02')", "quantized_bits: alpha: must be None, a number, 'auto' or 'auto_po2'"},
		{"quantized_bits(4,0,alpha=[1,2])", "quantized_bits: alpha: a tensor alpha [1,2] is not supported"},
		{"quantized_bits(4,0,scale_axis=1)", "quantized_bits: scale_axis: 1 is not supported"},
		{"quantized_bits(4,0,alpha=x)", `unexpected name "x"`},
		{"quantized_bits(4,0,alpha=1e999)", `bad number "1e999"`},
		{"quantized_relu(4,0,0,0.3)", "quantized_relu: negative_slope must be 0 or a positive power of two, not 0.3"},
		{"quantized_relu(4,0,0,-0.5)", "quantized_relu: negative_slope must be 0 or a positive power of two"},
		{"quantized_relu_po2(4,None,0.3)", "quantized_relu_po2: negative_slope must be 0 or a positive power of two"},
		{"quantized_po2(4,-1)", "quantized_po2: max_value must be non-negative"},
		{"quantized_po2(1)", "quantized_po2: bits 1 give -1 exponent magnitude bits"},
		{"quantized_po2(4,log2_rounding='up')", "quantized_po2: log2_rounding: must be 'rnd' or 'floor'"},
		{"binary(alpha='max')", "binary: alpha: must be None, a number"},
		{"binary_tanh(1)", "binary_tanh: takes at most 0 positional arguments (1 given)"},
		{"ternary(number_of_unrolls=0)", "ternary: number_of_unrolls: 0 is outside [1, 1000]"},
		{"fixed_point(1,3)", `fixed_point: missing argument "f"`},
		{"fixed_point(2,3,4)", "fixed_point: k: 2 is not 0 or 1"},
		{"fixed_point(1,3,4,'RND_UP')", "fixed_point: round_mode: must be one of TRN, RND, RND_CONV, TRN_ZERO"},
		{"fixed_point(1,3,4,shape=[2])", "fixed_point: shape [2] holds 2 values, k, i, f have 1"},
		{"fixed_point([1,1],3,[4,4,4])", "fixed_point: k, i and f have 2, 1 and 3 values"},
		{"fixed_point(1,3.5,4)", "fixed_point: i: 3.5 is not an integer"},
		{42, "a quantizer must be a string or a dict, not int"},
		{nil, "no quantizer (null)"},
		{map[string]any{"config": map[string]any{}}, `dict has no "class_name"`},
		{map[string]any{"class_name": 3.0}, `"class_name" must be a string, not float64`},
		{map[string]any{"class_name": "quantized_bits", "config": "x"}, `quantized_bits: "config" must be a dict, not string`},
		{map[string]any{"class_name": "quantized_bits", "config": map[string]any{"bits": 4, "wat": 1}}, `quantized_bits: unknown keyword argument "wat"`},
		{map[string]any{"class_name": "quantized_bits", "config": map[string]any{"bits": "4"}}, "quantized_bits: bits: must be an integer, not str"},
		{map[string]any{"class_name": "quantized_bits", "config": map[string]any{"alpha": map[string]any{}}}, "quantized_bits: alpha: unsupported value of type map[string]interface {}"},
		{map[string]any{"class_name": "QActivation", "config": map[string]any{}}, `unknown quantizer "QActivation"`},
	}
	for _, c := range cases {
		s, err := ParseConfig(c.in)
		if err == nil {
			t.Errorf("ParseConfig(%#v) = %v, want error containing %q", c.in, s, c.want)
			continue
		}
		if _, ok := err.(*ParseError); !ok {
			t.Errorf("ParseConfig(%#v): error %T, want *ParseError", c.in, err)
		}
		if !strings.Contains(err.Error(), c.want) {
			t.Errorf("ParseConfig(%#v) error:\n  %v\nwant it to contain:\n  %s", c.in, err, c.want)
		}
	}
}

func FuzzParseConfig(f *testing.F) {
	for _, c := range parseCases {
		f.Add(c.in)
	}
	for _, s := range []string{"quantized_bits(4,0,alpha=[1,[2,(3,)]])", "x(", "'", "quantized_relu(1e", "binary(-.)", "ternary(threshold=-0)"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		s, err := ParseConfig(in)
		if err != nil {
			return
		}
		// Whatever parses must print, parse back equal, and apply.
		back, err := ParseConfig(s.String())
		if err != nil {
			t.Fatalf("%q parsed but its String %q does not: %v", in, s.String(), err)
		}
		if diff := cmp.Diff(s, back); diff != "" {
			t.Fatalf("round trip of %q via %q:\n%s", in, s.String(), diff)
		}
		_, _, _ = s.Apply([]float64{-2, -0.5, 0, 0.25, 3}, []int{5})
		_, _, _ = s.Apply(nil, nil)
		_, _, _ = s.Apply([]float64{}, []int{0, 3})
		_, _, _ = s.ForKernel().Apply([]float64{-2, -0.5, 0, 0.25, 3, 1}, []int{3, 2})
	})
}

func TestErrUnknownQuantizer(t *testing.T) {
	for _, in := range []any{"relu", "softmax", map[string]any{"class_name": "QActivation"}} {
		if _, err := ParseConfig(in); !errors.Is(err, ErrUnknownQuantizer) {
			t.Errorf("ParseConfig(%v) = %v, want ErrUnknownQuantizer", in, err)
		}
	}
	for _, in := range []any{"quantized_bits(4,0,foo=1)", "quantized_bits(", map[string]any{"config": nil}} {
		if _, err := ParseConfig(in); err == nil || errors.Is(err, ErrUnknownQuantizer) {
			t.Errorf("ParseConfig(%v) = %v, want an error other than ErrUnknownQuantizer", in, err)
		}
	}
}
