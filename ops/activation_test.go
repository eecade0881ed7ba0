// This file tests the elementwise activation kernels on raw values computed
// by hand from the C++ semantics (docs/hls4ml-activations.md §1–§3),
// including rounding, wrap and saturation.

package ops

import "testing"

// runAct builds s and runs it on raw inputs, returning raw outputs and the
// tally.
func runAct(t *testing.T, s ActSpec, in []int64) ([]int64, Tally) {
	t.Helper()
	k, err := NewActivation(s)
	if err != nil {
		t.Fatalf("%v: %v", s.Kind, err)
	}
	out := make([]int64, len(in))
	var tally Tally
	k.Run([][]int64{in}, out, make([]int64, k.Scratch()), &tally)
	return out, tally
}

func eqRaw(t *testing.T, what string, got, want []int64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: got %d values, want %d", what, len(got), len(want))
	}
	for i := range got {
		if got[i] != want[i] {
			t.Errorf("%s[%d] = %d, want %d", what, i, got[i], want[i])
		}
	}
}

func TestReluCastsWithResultModes(t *testing.T) {
	// fixed<8,4> (F=4) into fixed<6,3> (F=3, TRN): 2.0625 (33) → 2.0 (16);
	// −0.3125 → 0; 3.5625 (57) → 3.5 (28).
	out, tally := runAct(t, ActSpec{Kind: ActRelu, In: tFixed8_4, Result: tFixed6_3}, []int64{33, -5, 57, 0})
	eqRaw(t, "relu", out, []int64{16, 0, 28, 0})
	if r := tally[SlotResult]; r.Casts != 4 || r.Rounded != 2 || r.Wrapped != 0 {
		t.Errorf("tally %+v, want 4 casts, 2 rounded", r)
	}
	// Into fixed<4,2> (F=2, range [−2, 1.75]): 2.0625 → 2.0 → raw 8 wraps to −8.
	out, tally = runAct(t, ActSpec{Kind: ActRelu, In: tFixed8_4, Result: tFixed4_2}, []int64{33})
	eqRaw(t, "relu wrap", out, []int64{-8})
	if tally[SlotResult].Wrapped != 1 {
		t.Errorf("wrap not counted: %+v", tally[SlotResult])
	}
}

func TestRelu6(t *testing.T) {
	// fixed<16,6>: 7.5 → 6 (raw 6144); 5.5 → 5.5; −1 → 0; exactly 6 → 6.
	out, _ := runAct(t, ActSpec{Kind: ActRelu6, In: tFixed16_6, Result: tFixed16_6},
		[]int64{7680, 5632, -1024, 6144})
	eqRaw(t, "relu6", out, []int64{6144, 5632, 0, 6144})
}

func TestLeakyAndPRelu(t *testing.T) {
	// α = 0.3 in ufixed<8,0> is TRN(76.8) = 76/256. x = −1 in fixed<8,4>
	// (raw −16): α·x = −1216/4096 = −0.296875 → fixed<8,4> TRN: −4.75 → −5.
	s := ActSpec{Kind: ActLeakyRelu, In: tFixed8_4, Result: tFixed8_4, Param: 0.3, ParamType: tUfixed8_0}
	out, _ := runAct(t, s, []int64{-16, 16, 0})
	eqRaw(t, "leaky_relu", out, []int64{-5, 16, 0})

	// prelu cycles its alphas: 0.5 and 0.25 (exact in ufixed<8,0>).
	s = ActSpec{Kind: ActPRelu, In: tFixed8_4, Result: tFixed8_4, ParamType: tUfixed8_0,
		PerElement: []float64{0.5, 0.25}}
	out, _ = runAct(t, s, []int64{-16, -16, -16, 3})
	eqRaw(t, "prelu", out, []int64{-8, -4, -8, 3})
}

func TestThresholdedRelu(t *testing.T) {
	// θ = 1.0: x > θ is strict; 1.0625 passes, 1.0 does not.
	s := ActSpec{Kind: ActThresholdedRelu, In: tFixed8_4, Result: tFixed8_4, Param: 1, ParamType: tFixed8_4}
	out, _ := runAct(t, s, []int64{17, 16, -20})
	eqRaw(t, "thresholded_relu", out, []int64{17, 0, 0})
}

func TestBinaryAndTernaryTanh(t *testing.T) {
	// binary: x >= 0 → 1 (0 included), else −1; into ap_uint<1>, −1 → 0.
	out, _ := runAct(t, ActSpec{Kind: ActBinaryTanh, In: tFixed8_4, Result: tFixed8_4}, []int64{0, -1, 5})
	eqRaw(t, "binary_tanh", out, []int64{16, -16, 16})
	out, _ = runAct(t, ActSpec{Kind: ActBinaryTanh, In: tFixed8_4, Result: tApUint1}, []int64{0, -1})
	eqRaw(t, "binary_tanh ap_uint<1>", out, []int64{1, 0})

	// ternary: 2x is stored back in the input type fixed<4,2> (range
	// [−2, 1.75]). x = 1.0 doubles to 2.0, which wraps to −2.0 → −1.
	// 0.75 → 1.5 > 1 → 1; 0.5 → 1.0 → 0; −0.5 → −1.0 → −1; −0.25 → 0.
	out, _ = runAct(t, ActSpec{Kind: ActTernaryTanh, In: tFixed4_2, Result: tFixed8_4},
		[]int64{4, 3, 2, -2, -1})
	eqRaw(t, "ternary_tanh", out, []int64{-16, 16, 0, -16, 0})
}

func TestHardSigmoidTanh(t *testing.T) {
	// slope = ufixed<16,0>(0.2) = 13107/65536, shift 0.5. Input fixed<16,6>.
	// x = 1: s = 0.69999695 → fixed<16,6> TRN: 716.797 → 716.
	// x = 3: s = 1.0999908 > 1 → 1 → 1024. x = −3: s < 0 → 0.
	// x = −1: 0.30000305 → 307.2031 → 307.
	in := []int64{1024, 3072, -3072, -1024}
	out, _ := runAct(t, ActSpec{Kind: ActHardSigmoid, In: tFixed16_6, Result: tFixed16_6}, in)
	eqRaw(t, "hard_sigmoid", out, []int64{716, 1024, 0, 307})
	// hard_tanh = 2s − 1: 0.3999939 → 409.59 → 409; 1 → 1024; −1 → −1024;
	// −0.3999939 → −409.59 → −410.
	out, _ = runAct(t, ActSpec{Kind: ActHardTanh, In: tFixed16_6, Result: tFixed16_6}, in)
	eqRaw(t, "hard_tanh", out, []int64{409, 1024, -1024, -410})
}

func TestTableActivations(t *testing.T) {
	// Input fixed<16,6> (F=10), table fixed<18,8> (F=10), result fixed<16,6>.
	// sigmoid: raw −17 (−0.0166) → index trunc0(−1.0625)+512 = 511 →
	// σ(−0.015625) = 0.49609383 → 508. raw −11 → index 512 → 512.
	// 9.0 → clamped to 1023 → 1023. −9.0 → index 0 → 0.
	base := ActSpec{In: tFixed16_6, Result: tFixed16_6, Table: tFixed18_8, TableSize: 1024}
	s := base
	s.Kind = ActSigmoid
	out, _ := runAct(t, s, []int64{-17, -11, 9216, -9216})
	eqRaw(t, "sigmoid", out, []int64{508, 512, 1023, 0})
	// tanh: x = 2.0 → index trunc0(2·1024/8) + 512 = 768 → 987.
	s.Kind = ActTanh
	out, _ = runAct(t, s, []int64{2048})
	eqRaw(t, "tanh", out, []int64{987})
	// softsign: x = 1.0 → index 576 → 0.5 → 512.
	s.Kind = ActSoftsign
	out, _ = runAct(t, s, []int64{1024})
	eqRaw(t, "softsign", out, []int64{512})
	// The result cast applies the result's modes: into fixed<8,4> (F=4) the
	// sigmoid entry 508/1024 → 7.9375 → TRN → 7.
	s.Kind, s.Result = ActSigmoid, tFixed8_4
	out, tally := runAct(t, s, []int64{-17})
	eqRaw(t, "sigmoid into fixed<8,4>", out, []int64{7})
	if tally[SlotResult].Rounded != 1 {
		t.Errorf("rounding not counted: %+v", tally[SlotResult])
	}
}

func TestEluSelu(t *testing.T) {
	base := ActSpec{In: tFixed16_6, Result: tFixed16_6, Table: tFixed18_8, TableSize: 1024}
	// elu: x = −1 → index trunc0(−1·1024/−8) = 128 → e^−1 − 1 → −648.
	// x = −0.5 (−512) → index 64: e^−0.5 − 1 = −0.3934693 → −402.9 → −403.
	// x = −9 → index 1152 → clamped to 1023. x ≥ 0 passes through.
	s := base
	s.Kind = ActElu
	out, _ := runAct(t, s, []int64{-1024, -512, 700})
	eqRaw(t, "elu", out, []int64{-648, -403, 700})
	// An ELU layer's α = 0.5 in ufixed<8,0>: 0.5 · −648/1024 → −324.
	s.Param, s.ParamType = 0.5, tUfixed8_0
	out, _ = runAct(t, s, []int64{-1024})
	eqRaw(t, "elu α=0.5", out, []int64{-324})
	// selu: x = 1 → λ = ap_ufixed<16,1>(1.0507…) = 34429/32768 → 1075.906 → 1075;
	// x = −1 → table entry 128 = −1139.
	s = base
	s.Kind = ActSelu
	out, _ = runAct(t, s, []int64{1024, -1024})
	eqRaw(t, "selu", out, []int64{1075, -1139})
}

func TestParseActKind(t *testing.T) {
	for in, want := range map[string]ActKind{
		"relu": ActRelu, "LeakyReLU": ActLeakyRelu, "leaky_relu": ActLeakyRelu, "hard_sigmoid": ActHardSigmoid,
		"ThresholdedReLU": ActThresholdedRelu, "PReLU": ActPRelu, "softsign": ActSoftsign,
	} {
		if got, err := ParseActKind(in); err != nil || got != want {
			t.Errorf("ParseActKind(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	if _, err := ParseActKind("swish"); err == nil {
		t.Error("ParseActKind(swish) did not fail")
	}
	if _, err := NewActivation(ActSpec{Kind: ActLeakyRelu, In: tFixed8_4, Result: tFixed8_4}); err == nil {
		t.Error("leaky_relu without a parameter type did not fail")
	}
}
