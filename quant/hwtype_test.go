// This file implements the tests of HWType: the mapping rules one by one
// (expected types written from qkeras-reference.md's formulas), the QKeras
// conformance vectors through the hardware form, and a randomized
// comparison with Spec.Apply over random quantizer parameters and inputs.

package quant

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/nnhls/nnhls/fixed"
)

// sameValue compares as the hardware does: equal values, with −0 equal to
// +0 (fixed point has one zero; QKeras's quantized_tanh returns −0 for
// small negative inputs).
func sameValue(a, b float64) bool {
	return a == b || math.IsNaN(a) && math.IsNaN(b)
}

func TestHWTypeConformance(t *testing.T) {
	recs := readConformance(t)
	var exact, notExact, values, signedZeros, gridChecked int
	for _, r := range recs {
		spec, err := ParseConfig(r.Quantizer)
		if err != nil {
			t.Fatalf("%s: %v", r.ID, err)
		}
		x := make([]float64, len(r.X))
		for i, s := range r.X {
			x[i] = parseHex(t, s)
		}
		want := make([]float64, len(r.Y))
		for i, s := range r.Y {
			want[i] = parseHex(t, s)
		}
		var h HWType
		var got []float64
		if r.Use == "kernel" {
			spec = spec.ForKernel()
			var grid []float64
			h, grid, err = spec.HWTypeForWeights(x, r.Shape)
			if err != nil {
				t.Fatalf("%s %v: %v", r.ID, spec, err)
			}
			// The stored weights: on the type's grid, and times the scale
			// QKeras's values.
			tn, _ := newTensor(x, r.Shape)
			got = make([]float64, len(grid))
			for i, g := range grid {
				v, fl := fixed.FromFloat64(h.Type, g)
				if fl != 0 || v.Float64() != g {
					t.Errorf("%s %v: grid value %v is not in %v (%v)", r.ID, spec, g, h.Type, fl)
				}
				got[i] = g
				if h.Scale != nil {
					got[i] = g * h.scaleAt(tn, i)
				}
			}
			gridChecked++
			if !h.GridOnly {
				// The rule applied to the raw weights gives the same.
				y, err := h.Apply(x, r.Shape)
				if err != nil {
					t.Fatalf("%s: %v", r.ID, err)
				}
				for i := range y {
					if !sameValue(y[i], got[i]) {
						t.Errorf("%s %v: rule on w[%d]=%x gives %x, grid·scale %x", r.ID, spec, i, x[i], y[i], got[i])
					}
				}
			}
		} else {
			h, err = spec.HWTypeFor()
			if err != nil {
				t.Fatalf("%s %v: %v", r.ID, spec, err)
			}
			got, err = h.Apply(x, r.Shape)
			if err != nil {
				t.Fatalf("%s: %v", r.ID, err)
			}
		}
		if !h.Exact {
			notExact++
			t.Logf("%s %v (%s): not exact: %s", r.ID, spec, r.Use, h.Note)
			if spec.Alpha != AlphaAuto {
				// Only alpha='auto' kernels (a float scale times the codes,
				// rounded by QKeras) are expected here.
				t.Errorf("%s %v: unexpectedly not exact", r.ID, spec)
			}
			if r.Use != "kernel" {
				continue
			}
			// The grid is still QKeras's: grid·scale rounded in float64,
			// as QKeras rounds it, gives its weights.
		} else {
			exact++
		}
		bad := 0
		for i := range want {
			values++
			if !sameValue(got[i], want[i]) {
				if bad < 3 {
					t.Errorf("%s %v (%s) %s %v: x[%d]=%x: got %x, want %x", r.ID, spec, r.Use, h.Kind, h.Type, i, x[i], got[i], want[i])
				}
				bad++
			} else if math.Signbit(got[i]) != math.Signbit(want[i]) {
				signedZeros++
			}
		}
	}
	t.Logf("hardware form conformance: %d records, %d exact, %d not exact; %d values equal (also the not-exact kernels' grid·scale in float64); %d outputs where QKeras gives -0 and the form +0; %d kernel grids checked",
		len(recs), exact, notExact, values, signedZeros, gridChecked)
}

// TestHWTypeRules pins each mapping rule. The expected types are derived by
// hand from qkeras-reference.md: quantized_bits(b,i) has step 2^(i+1−b) and
// codes [−2^(b−1), 2^(b−1) − 1], which is ap_fixed<b,i+1>; and so on.
func TestHWTypeRules(t *testing.T) {
	tests := []struct {
		q     string
		kind  HWKind
		typ   string
		exact bool
		check func(t *testing.T, h HWType)
	}{
		// Signed: step 2^(3+1−8) = 1/16, range [−8, 8 − 1/16].
		{q: "quantized_bits(8,3)", kind: HWCast, typ: "ap_fixed<8,4,AP_RND_CONV,AP_SAT>", exact: true},
		// Symmetric drops the code −2^(b−1): AP_SAT_SYM.
		{q: "quantized_bits(4,0,symmetric=1)", kind: HWCast, typ: "ap_fixed<4,1,AP_RND_CONV,AP_SAT_SYM>", exact: true},
		// keep_negative=False: step 2^(1−4), range [0, 2 − 1/8].
		{q: "quantized_bits(4,1,keep_negative=False)", kind: HWCast, typ: "ap_ufixed<4,1,AP_RND_CONV,AP_SAT>", exact: true},
		// integer ≥ bits: step 2, codes [−16, 15] (hls4ml: int<6>, step 1).
		{q: "quantized_bits(5,5)", kind: HWCast, typ: "ap_fixed<5,6,AP_RND_CONV,AP_SAT>", exact: true},
		{q: "quantized_bits(4,8)", kind: HWCast, typ: "ap_fixed<4,9,AP_RND_CONV,AP_SAT>", exact: true},
		{q: "quantized_bits(6,-2)", kind: HWCast, typ: "ap_fixed<6,-1,AP_RND_CONV,AP_SAT>", exact: true},
		// One signed bit: sign(x), sign(0) = +1, no 2^integer factor.
		{q: "quantized_bits(1,0)", kind: HWBinary, typ: "ap_int<2>", exact: true, check: func(t *testing.T, h HWType) {
			if h.Low != -1 || h.High != 1 || !h.ZeroHigh {
				t.Errorf("levels %v %v zeroHigh %v, want -1 1 true", h.Low, h.High, h.ZeroHigh)
			}
		}},
		{q: "quantized_bits(1,3)", kind: HWBinary, typ: "ap_int<2>", exact: true},
		{q: "quantized_bits(1,0,keep_negative=False)", kind: HWCast, typ: "ap_ufixed<1,0,AP_RND_CONV,AP_SAT>", exact: true},
		{q: "quantized_bits(3,0,alpha=0.5)", kind: HWCast, typ: "ap_fixed<3,1,AP_RND_CONV,AP_SAT>", exact: true, check: func(t *testing.T, h HWType) {
			if len(h.Scale) != 1 || h.Scale[0] != 0.5 || !h.Po2Scale {
				t.Errorf("scale %v po2 %v, want [0.5] true", h.Scale, h.Po2Scale)
			}
		}},
		{q: "quantized_bits(4,0,alpha=1)", kind: HWCast, typ: "ap_fixed<4,1,AP_RND_CONV,AP_SAT>", exact: true, check: func(t *testing.T, h HWType) {
			if h.Scale != nil {
				t.Errorf("scale %v, want nil", h.Scale)
			}
		}},
		{q: "quantized_bits(4,0,alpha=0.3)", kind: HWCast, typ: "ap_fixed<4,1,AP_RND_CONV,AP_SAT>", exact: true, check: func(t *testing.T, h HWType) {
			if h.Po2Scale {
				t.Errorf("0.3 marked a power of two")
			}
		}},
		// 59 magnitude bits: float64's m − 1 is m.
		{q: "quantized_bits(60,0)", kind: HWCast, typ: "ap_fixed<60,1,AP_RND_CONV,AP_SAT>", exact: false},
		{q: "quantized_bits(8,0,qnoise_factor=0.5)", kind: HWCast, typ: "ap_fixed<8,1,AP_RND_CONV,AP_SAT>", exact: false},
		// quantized_relu(b,i): step 2^(i−b), max 2^i − step.
		{q: "quantized_relu(6,2)", kind: HWCast, typ: "ap_ufixed<6,2,AP_RND_CONV,AP_SAT>", exact: true},
		{q: "quantized_relu(3,5)", kind: HWCast, typ: "ap_ufixed<3,5,AP_RND_CONV,AP_SAT>", exact: true},
		// Slope 1/4: positive side 5 bits (step 1/8, max 4 − 1/8); negative
		// side step 1/8 down to −1/4·4 = −1: ap_fixed<4,1>.
		{q: "quantized_relu(6,2,negative_slope=0.25)", kind: HWCast, typ: "ap_ufixed<5,2,AP_RND_CONV,AP_SAT>", exact: true, check: func(t *testing.T, h HWType) {
			if h.NegType.String() != "ap_fixed<4,1,AP_RND_CONV,AP_SAT>" || h.NegSlope != 0.25 {
				t.Errorf("negative side %v·x into %v, want 0.25·x into ap_fixed<4,1,AP_RND_CONV,AP_SAT>", h.NegSlope, h.NegType)
			}
			// Outputs in [−1, 4 − 1/8] on step 1/8.
			if h.Out.String() != "ap_fixed<6,3>" {
				t.Errorf("Out %v, want ap_fixed<6,3>", h.Out)
			}
		}},
		// Slope 2^-7 is below one step (2^-5 of 2^integer).
		{q: "quantized_relu(6,2,negative_slope=0.0078125)", kind: HWCast, typ: "ap_ufixed<5,2,AP_RND_CONV,AP_SAT>", exact: false},
		// use_sigmoid: step 2/16, top cut to 1 − 1/16.
		{q: "quantized_relu(4,0,use_sigmoid=1)", kind: HWCast, typ: "ap_ufixed<4,1,AP_RND_CONV,AP_SAT>", exact: true, check: func(t *testing.T, h HWType) {
			if h.OutMax == nil || *h.OutMax != 0.9375 || h.Out.String() != "ap_ufixed<4,0>" {
				t.Errorf("OutMax %v Out %v, want 0.9375 in ap_ufixed<4,0>", h.OutMax, h.Out)
			}
		}},
		{q: "quantized_relu(1,2,use_sigmoid=1)", kind: HWCast, typ: "ap_ufixed<1,2,AP_TRN,AP_SAT>", exact: true},
		// quantized_tanh(b): step 2^-(b−1), range [−1, 1 − step].
		{q: "quantized_tanh(4)", kind: HWCast, typ: "ap_fixed<4,1,AP_RND_CONV,AP_SAT>", exact: true},
		{q: "quantized_tanh(6,symmetric=1)", kind: HWCast, typ: "ap_fixed<6,1,AP_RND_CONV,AP_SAT_SYM>", exact: true},
		{q: "quantized_tanh(1,symmetric=1)", kind: HWConst, exact: true},
		{q: "quantized_tanh(60)", kind: HWCast, typ: "ap_fixed<60,1,AP_RND_CONV,AP_SAT>", exact: false},
		{q: "quantized_tanh(4,use_real_tanh=1)", kind: HWCast, typ: "ap_fixed<4,1,AP_RND_CONV,AP_SAT>", exact: false},
		// quantized_sigmoid(b): x/2 + 1/2 onto step 2^-b, range [0, 1 − 2^-b].
		{q: "quantized_sigmoid(4)", kind: HWCast, typ: "ap_ufixed<4,0,AP_RND_CONV,AP_SAT>", exact: true, check: func(t *testing.T, h HWType) {
			if h.InSlope != 0.5 || h.InOffset != 0.5 || h.OutOffset != 0 {
				t.Errorf("affine %v·x + %v, + %v after", h.InSlope, h.InOffset, h.OutOffset)
			}
		}},
		// Symmetric: 1/2 + (x/2 onto ap_fixed<6,0> with AP_SAT_SYM), range
		// [1/64, 1 − 1/64].
		{q: "quantized_sigmoid(6,symmetric=1)", kind: HWCast, typ: "ap_fixed<6,0,AP_RND_CONV,AP_SAT_SYM>", exact: true, check: func(t *testing.T, h HWType) {
			if h.InSlope != 0.5 || h.InOffset != 0 || h.OutOffset != 0.5 {
				t.Errorf("affine %v·x + %v, + %v after", h.InSlope, h.InOffset, h.OutOffset)
			}
			if h.Out.String() != "ap_ufixed<6,0>" {
				t.Errorf("Out %v, want ap_ufixed<6,0>", h.Out)
			}
		}},
		{q: "quantized_sigmoid(1,symmetric=1)", kind: HWConst, exact: true, check: func(t *testing.T, h HWType) {
			if h.Const != 0.5 {
				t.Errorf("const %v, want 0.5", h.Const)
			}
		}},
		// quantized_po2(4, max_value=1): no exponent sign bit, 3 exponent
		// bits: e in [−8, 7]; outputs ±2^e need ap_fixed<17,9>.
		{q: "quantized_po2(4,1)", kind: HWPo2, typ: "ap_fixed<17,9>", exact: true, check: func(t *testing.T, h HWType) {
			if h.Po2.EMin != -8 || h.Po2.EMax != 7 || !h.Po2.Signed {
				t.Errorf("rule %+v, want e in [-8, 7], signed", h.Po2)
			}
		}},
		// 5 bits, no max_value: e in [−8, 7] again (one bit for the sign of
		// x, one for the sign of e).
		{q: "quantized_po2(5)", kind: HWPo2, typ: "ap_fixed<17,9>", exact: true},
		// relu_po2(4, max_value=4): e in [−8, 7], unsigned.
		{q: "quantized_relu_po2(4,4)", kind: HWPo2, typ: "ap_ufixed<16,8>", exact: true},
		// Quadratic: e = 2·h with h in [−8, 6] (even max), and emin itself
		// for tiny t: e in [−16, 12].
		{q: "quantized_po2(5,quadratic_approximation=True)", kind: HWPo2, typ: "ap_fixed<30,14>", exact: true},
		{q: "quantized_relu_po2(5,2,0.5)", kind: HWPo2, exact: true},
		{q: "binary", kind: HWBinary, typ: "ap_int<2>", exact: true},
		{q: "binary(use_01=True)", kind: HWBinary, typ: "ap_uint<1>", exact: true, check: func(t *testing.T, h HWType) {
			if h.Low != 0 || h.High != 1 {
				t.Errorf("levels %v %v, want 0 1", h.Low, h.High)
			}
		}},
		// binary_tanh(0) = 2·rne(1/2) − 1 = −1: strictly positive inputs only.
		{q: "binary_tanh", kind: HWBinary, typ: "ap_int<2>", exact: true, check: func(t *testing.T, h HWType) {
			if h.ZeroHigh {
				t.Error("binary_tanh maps 0 to +1")
			}
		}},
		{q: "ternary", kind: HWTernary, typ: "ap_int<2>", exact: true, check: func(t *testing.T, h HWType) {
			if h.Threshold != 0.33 {
				t.Errorf("threshold %v, want 0.33", h.Threshold)
			}
		}},
		{q: "ternary(alpha=1,threshold=0.5)", kind: HWTernary, typ: "ap_int<2>", exact: true},
	}
	for _, tc := range tests {
		s, err := ParseConfig(tc.q)
		if err != nil {
			t.Fatalf("%s: %v", tc.q, err)
		}
		h, err := s.HWTypeFor()
		if err != nil {
			t.Errorf("%s: %v", tc.q, err)
			continue
		}
		if h.Kind != tc.kind || tc.typ != "" && h.Type.String() != tc.typ || h.Exact != tc.exact {
			t.Errorf("%s: %s %v exact=%v (%s), want %s %s exact=%v", tc.q, h.Kind, h.Type, h.Exact, h.Note, tc.kind, tc.typ, tc.exact)
		}
		if !h.Exact && h.Note == "" {
			t.Errorf("%s: not exact without a note", tc.q)
		}
		if tc.check != nil {
			t.Run(tc.q, func(t *testing.T) { tc.check(t, h) })
		}
	}
}

func TestHWTypeErrors(t *testing.T) {
	for _, q := range []string{"quantized_bits(8,0,alpha='auto')", "quantized_bits(8,0,alpha='auto_po2')",
		"binary(alpha='auto_po2')", "ternary(alpha='auto')"} {
		s, err := ParseConfig(q)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		if _, err := s.HWTypeFor(); err == nil || !strings.Contains(err.Error(), "run time") {
			t.Errorf("%s: HWTypeFor error %v, want one about the run-time scale", q, err)
		}
	}
	var s *Spec
	if _, err := s.HWTypeFor(); err == nil {
		t.Error("nil Spec: no error")
	}
}

// TestHWTypeReluSlopeNotPo2: a Spec built directly (the parser refuses it)
// with a slope that is not a power of two has no exact form.
func TestHWTypeReluSlopeNotPo2(t *testing.T) {
	s := &Spec{Kind: QuantizedRelu, Bits: 6, Integer: 2, NegativeSlope: 0.3, IsQuantizedClip: true}
	h, err := s.HWTypeFor()
	if err != nil {
		t.Fatal(err)
	}
	if h.Exact || !strings.Contains(h.Note, "power of two") {
		t.Errorf("exact=%v note %q, want not exact for a slope of 0.3", h.Exact, h.Note)
	}
	s = &Spec{Kind: QuantizedReluPo2, Bits: 5, NegativeSlope: 0.3}
	if h, err = s.HWTypeFor(); err != nil || h.Exact {
		t.Errorf("relu_po2 slope 0.3: exact=%v err %v, want not exact", h.Exact, err)
	}
}

// randomSpec draws a quantizer with random parameters, kept where
// Spec.Apply's float64 arithmetic is exact for the inputs randomInputs
// draws (at most 24 fractional output bits, inputs within ±2^16 on a grid
// at most 2^-10 below the output step), so that the two must agree exactly.
func randomSpec(rng *rand.Rand) *Spec {
	pick := func(v ...float64) float64 { return v[rng.IntN(len(v))] }
	switch rng.IntN(10) {
	case 0, 1:
		s := &Spec{Kind: QuantizedBits, Bits: 1 + rng.IntN(20), Integer: rng.IntN(17) - 4,
			KeepNegative: rng.IntN(4) != 0, Symmetric: rng.IntN(2) == 0}
		if rng.IntN(2) == 0 {
			s.Alpha, s.AlphaValue = AlphaNumber, pick(1, 0.5, 2, 0.25, 3, 0.375)
		}
		return s
	case 2, 3:
		s := &Spec{Kind: QuantizedRelu, Bits: 1 + rng.IntN(20), Integer: rng.IntN(15) - 4,
			UseSigmoid: rng.IntN(4) == 0, IsQuantizedClip: true}
		if rng.IntN(2) == 0 && !s.UseSigmoid {
			s.NegativeSlope = pick(0.5, 0.25, 1, 0.125, 2, 1.0/64)
		}
		return s
	case 4:
		return &Spec{Kind: QuantizedTanh, Bits: 1 + rng.IntN(20), Symmetric: rng.IntN(2) == 0}
	case 5:
		return &Spec{Kind: QuantizedSigmoid, Bits: 1 + rng.IntN(20), Symmetric: rng.IntN(2) == 0}
	case 6:
		s := &Spec{Kind: QuantizedPo2, Bits: 2 + rng.IntN(6), QuadraticApproximation: rng.IntN(3) == 0}
		if rng.IntN(2) == 0 {
			m := pick(1, 4, 0.5, 3, 100)
			s.MaxValue = &m
		}
		if rng.IntN(4) == 0 {
			s.Log2Rounding = "floor"
		}
		if rng.IntN(2) == 0 {
			s.Kind = QuantizedReluPo2
			s.NegativeSlope = pick(0, 0.5, 0.25)
		}
		return s
	case 7:
		s := &Spec{Kind: Binary, Use01: rng.IntN(2) == 0}
		if rng.IntN(2) == 0 {
			s.Alpha, s.AlphaValue = AlphaNumber, pick(0.5, 3, 0.3)
		}
		if rng.IntN(4) == 0 {
			return &Spec{Kind: BinaryTanh}
		}
		return s
	case 8:
		s := &Spec{Kind: Ternary}
		if rng.IntN(2) == 0 {
			thr := pick(0.5, 0.25, 0, 1, 0.1)
			s.Threshold = &thr
		}
		if rng.IntN(2) == 0 {
			s.Alpha, s.AlphaValue = AlphaNumber, pick(1, 0.5, 2)
		}
		return s
	}
	n := 1 + 3*rng.IntN(2)
	k, b, in := make([]float64, n), make([]float64, n), make([]float64, n)
	for j := range n {
		k[j] = float64(rng.IntN(2))
		b[j] = float64(rng.IntN(14) - 1)
		in[j] = float64(rng.IntN(10) - 3)
	}
	rnd := roundingModes[rng.IntN(len(roundingModes))]
	ovf := overflowModes[rng.IntN(len(overflowModes))]
	s, err := NewFixedPoint(k, b, in, nil, rnd, ovf)
	if err != nil {
		panic(err)
	}
	return s
}

// randomInputs draws inputs around the form's decision points: every tie
// and grid point near the output range, the range edges ± half and a
// quarter step, both zeros, large values, and random values on a fine grid.
func randomInputs(rng *rand.Rand, h HWType) []float64 {
	var x []float64
	add := func(v ...float64) { x = append(x, v...) }
	add(0, math.Copysign(0, -1), 1<<16, -1<<16, 1, -1, 0.5, -0.5)
	switch h.Kind {
	case HWCast, HWPerElement:
		types := []fixed.Type{h.Type, h.NegType}
		for _, e := range h.Elem {
			types = append(types, e)
		}
		for _, typ := range types {
			if !typ.Valid() {
				continue
			}
			step, lo, hi := typ.LSB(), typ.Min(), typ.Max()
			// t = slope·x + offset; for the negative side t = slope·x.
			slope, off := h.InSlope, h.InOffset
			if typ == h.NegType && h.NegType.Valid() {
				slope, off = h.NegSlope, 0
			}
			if slope == 0 {
				slope = 1
			}
			for _, t := range []float64{lo, hi, hi + step/2, hi + step/4, lo - step/2, lo - step/4,
				step / 2, -step / 2, step / 4, -step / 4, hi + step, lo - step} {
				add((t - off) / slope)
			}
			nHalf := int64((hi-lo)/step*2) + 12
			for range 40 {
				k := rng.Int64N(nHalf) - 6
				add((lo+float64(k)*step/2-off)/slope, (lo+float64(k)*step/2-off)/slope+step/1024)
			}
			for range 20 {
				add(math.Round((rng.Float64()*4-2)*hi/step*1024) * step / 1024)
			}
		}
	case HWPo2:
		for e := h.Po2.EMin - 2; e <= h.Po2.EMax+2; e++ {
			b := math.Sqrt2 * math.Ldexp(1, e)
			p := math.Ldexp(1, e)
			for _, v := range []float64{b, math.Nextafter(b, 0), math.Nextafter(b, 10), p, math.Nextafter(p, 0), math.Nextafter(p, 10), 1.5 * p} {
				add(v, -v)
			}
		}
		add(eps, math.Nextafter(eps, 0), -eps, 1e-9)
		if h.Po2.MaxValue != nil {
			m := *h.Po2.MaxValue
			add(m, math.Nextafter(m, 0), math.Nextafter(m, 100), -m)
		}
	case HWBinary, HWTernary:
		thr := h.Threshold
		add(thr, -thr, math.Nextafter(thr, 10), math.Nextafter(thr, -10), -math.Nextafter(thr, 10), -math.Nextafter(thr, -10), 1e-300, -1e-300)
	}
	for range 40 {
		add(math.Round((rng.Float64()*8-4)*1024) / 1024)
	}
	if n := len(h.Elem); n > 0 {
		for len(x)%n != 0 {
			add(0)
		}
	}
	return x
}

// TestHWTypeRandom compares Spec.Apply with the hardware form over random
// quantizers and inputs. Every exact form must give Apply's values; the
// not-exact ones are counted.
func TestHWTypeRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 2026))
	var forms, notExact, values int
	perKind := map[Kind]int{}
	deviations := map[string]int{}
	why := map[string]int{}
	for range 4000 {
		s := randomSpec(rng)
		h, err := s.HWTypeFor()
		if err != nil {
			t.Fatalf("%v: %v", s, err)
		}
		if !h.Exact {
			notExact++
			why[h.Note[:min(len(h.Note), 40)]]++
			continue
		}
		forms++
		perKind[s.Kind]++
		x := randomInputs(rng, h)
		want, _, err := s.Apply(x, nil)
		if err != nil {
			t.Fatalf("%v: %v", s, err)
		}
		got, err := h.Apply(x, nil)
		if err != nil {
			t.Fatalf("%v: %v", s, err)
		}
		// Every output before the scale is a value of Out.
		raw, err := h.unscaled(x, nil)
		if err != nil {
			t.Fatalf("%v: %v", s, err)
		}
		for i, v := range raw {
			if r, fl := fixed.FromFloat64(h.Out, v); fl != 0 || r.Float64() != v {
				t.Fatalf("%v: output %v (x=%v) is not a value of Out %v (%v)", s, v, x[i], h.Out, fl)
			}
		}
		bad := 0
		for i := range x {
			values++
			if !sameValue(got[i], want[i]) {
				if c := float64Deviation(s, x[i], got[i], want[i]); c != "" {
					deviations[c]++
					continue
				}
				if bad < 2 {
					t.Errorf("%v: %s %v: x=%v (%x): hardware %v, Apply %v", s, h.Kind, h.Type, x[i], x[i], got[i], want[i])
				}
				bad++
			}
		}
	}
	t.Logf("random: %d exact forms (%v by kind), %d values compared; %d forms not exact (%v); float64 deviations of Apply (documented, not failures): %v",
		forms, perKind, values, notExact, why, deviations)
}

// unquantized is the x_u Spec.Apply mixes the quantized value with, for the
// kinds that mix.
func unquantized(s *Spec, v float64) (float64, bool) {
	switch s.Kind {
	case QuantizedBits, QuantizedPo2:
		return v, true
	case QuantizedRelu:
		n := s.Bits
		if s.NegativeSlope != 0 {
			n--
		}
		return s.reluUnquantized(v, n, math.Ldexp(1, s.Integer)), true
	case QuantizedReluPo2:
		xu := v
		if v < 0 {
			xu = v * s.NegativeSlope
		}
		if s.MaxValue != nil && !(v <= *s.MaxValue) {
			xu = *s.MaxValue
		}
		return xu, true
	}
	return 0, false
}

// float64Deviation names the documented place where Spec.Apply's float64
// evaluation leaves the exact semantics for input x, or returns "":
//   - "mix": Apply's value is exactly x_u + (hw − x_u) in float64, the
//     straight-through mix rounding the difference (|x_u| far above the
//     output step);
//   - "hard sigmoid": 0.5·v + 0.5 (v = x, or x/2^integer for
//     quantized_relu(use_sigmoid)) is not exact in float64;
//   - "log2": a po2 input within 2^-48 (relative, 32 ulps) of a decision boundary
//     √2·2^k or 2^k, other than the exact powers of two, where math.Log2
//     rounds onto or across the boundary.
func float64Deviation(s *Spec, x, hw, apply float64) string {
	if xu, ok := unquantized(s, x); ok && math.Float64bits(s.noise(xu, hw)) == math.Float64bits(apply) {
		return "mix"
	}
	hsInexact := func(v float64) bool {
		h := float64(0.5*v) + 0.5
		return float64(0.5*v)*2 != v || h-0.5 != float64(0.5*v)
	}
	switch s.Kind {
	case BinaryTanh, QuantizedTanh, QuantizedSigmoid:
		if hsInexact(x) {
			return "hard sigmoid"
		}
	case QuantizedRelu:
		if s.UseSigmoid && hsInexact(x/math.Ldexp(1, s.Integer)) {
			return "hard sigmoid"
		}
	case QuantizedPo2, QuantizedReluPo2:
		t := math.Abs(x)
		if s.Kind == QuantizedReluPo2 && x < 0 {
			t *= s.NegativeSlope
		}
		if s.MaxValue != nil && t >= *s.MaxValue {
			t = *s.MaxValue
		}
		frac, exp := math.Frexp(t)
		if frac == 0.5 || t == 0 {
			return ""
		}
		for _, b := range []float64{math.Ldexp(1, exp-1), math.Sqrt2 * math.Ldexp(1, exp-1), math.Ldexp(1, exp)} {
			if math.Abs(t-b) <= math.Ldexp(b, -48) {
				return "log2"
			}
		}
	}
	return ""
}

// TestHWTypeForWeightsAutoPo2 works qkeras-reference.md's auto_po2
// algorithm by hand for w = [0.3, −0.1] (one channel) under
// quantized_bits(4,0,alpha='auto_po2'): L = 14, S0 = po2(0.6/14) = 1/32;
// codes floor(|w|·32 + 0.5) = 10 → 7 (the cap) and 3; the least-squares
// scale 1.2/29 rounds to 1/32 again, so z = [7, −3], Scale = S·m = 1/4, and
// the grid mi·z/m = [7/8, −3/8]: 4-bit codes on step 1/8, ties away from
// zero, symmetric.
func TestHWTypeForWeightsAutoPo2(t *testing.T) {
	s, err := ParseConfig("quantized_bits(4,0,alpha='auto_po2')")
	if err != nil {
		t.Fatal(err)
	}
	w := []float64{0.3, -0.1}
	h, grid, err := s.ForKernel().HWTypeForWeights(w, []int{2, 1})
	if err != nil {
		t.Fatal(err)
	}
	if h.Type.String() != "ap_fixed<4,1,AP_RND_INF,AP_SAT_SYM>" || !h.Exact || !h.Po2Scale || !h.DivideByScale {
		t.Errorf("form %s %v exact=%v po2=%v divide=%v", h.Kind, h.Type, h.Exact, h.Po2Scale, h.DivideByScale)
	}
	if len(h.Scale) != 1 || h.Scale[0] != 0.25 {
		t.Errorf("scale %v, want [0.25]", h.Scale)
	}
	if len(grid) != 2 || grid[0] != 0.875 || grid[1] != -0.375 {
		t.Errorf("grid %v, want [0.875 -0.375]", grid)
	}
	// The rule on the raw weights: 0.25·cast(w/0.25).
	y, err := h.Apply(w, []int{2, 1})
	if err != nil || y[0] != 0.21875 || y[1] != -0.09375 {
		t.Errorf("rule gives %v (%v), want [0.21875 -0.09375]", y, err)
	}

	// binary(alpha='auto_po2'): q = [1, −1], mean(w·q)/(mean(q²) + eps) =
	// 0.2/(1 + 1e-7), po2 → 1/4.
	s, _ = ParseConfig("binary(alpha='auto_po2')")
	h, grid, err = s.HWTypeForWeights(w, []int{2, 1})
	if err != nil {
		t.Fatal(err)
	}
	if h.Kind != HWBinary || len(h.Scale) != 1 || h.Scale[0] != 0.25 || grid[0] != 1 || grid[1] != -1 || !h.Exact {
		t.Errorf("binary auto_po2: %s scale %v grid %v exact %v", h.Kind, h.Scale, grid, h.Exact)
	}

	// A plain alpha=1 kernel is the activation cast: 0.3 onto step 1/8 is
	// 2.4 steps → 2/8; −0.1 is −0.8 steps → −1/8.
	s, _ = ParseConfig("quantized_bits(4,0,alpha=1)")
	h, grid, err = s.ForKernel().HWTypeForWeights(w, nil)
	if err != nil || h.Scale != nil || grid[0] != 0.25 || grid[1] != -0.125 {
		t.Errorf("alpha=1 kernel: scale %v grid %v (%v), want nil [0.25 -0.125]", h.Scale, grid, err)
	}
}

// TestHWTypeVsHLS4ML shows, on values worked by hand from
// qkeras-reference.md, where hls4ml's mapping (numerics.md §3) differs from
// QKeras and that the hardware form does not.
func TestHWTypeVsHLS4ML(t *testing.T) {
	tests := []struct {
		q       string
		x       float64
		hls4ml  string  // hls4ml's type for the quantizer
		hlsIn   float64 // what hls4ml casts (LeakyReLU output for the slope case)
		want    float64 // QKeras
		wantHLS float64 // hls4ml
	}{
		// Slope 1/4, n = 5, m = 32, mi = 4: rne(−8·0.25·8) = −16, /(ns·m) = −2,
		// clipped to −1: −ns·mi = −1. hls4ml: LeakyReLU gives −2, which
		// fits fixed<6,3>.
		{"quantized_relu(6,2,negative_slope=0.25)", -8, "fixed<6,3,RND_CONV,SAT>", -2, -1, -2},
		// Step 2: 3/2 = 1.5 rounds to even 2 → 4. hls4ml: int<6>, step 1.
		{"quantized_bits(5,5)", 3, "int<6>", 3, 4, 3},
		// keep_negative=False has step 1/8 up to 1.875; hls4ml's signed
		// fixed<4,2> has step 1/4 up to 1.75.
		{"quantized_bits(4,1,keep_negative=False)", 1.9, "fixed<4,2,RND_CONV,SAT>", 1.9, 1.875, 1.75},
		// Symmetric: the floor is −7/8; hls4ml saturates to −1.
		{"quantized_bits(4,0,symmetric=1)", -5, "fixed<4,1,RND_CONV,SAT>", -5, -0.875, -1},
	}
	for _, tc := range tests {
		s, err := ParseConfig(tc.q)
		if err != nil {
			t.Fatal(err)
		}
		ref, _, err := s.Apply([]float64{tc.x}, nil)
		if err != nil || ref[0] != tc.want {
			t.Errorf("%s: Apply(%v) = %v (%v), want %v", tc.q, tc.x, ref, err, tc.want)
		}
		h, err := s.HWTypeFor()
		if err != nil {
			t.Fatal(err)
		}
		got, err := h.Apply([]float64{tc.x}, nil)
		if err != nil || got[0] != tc.want {
			t.Errorf("%s: hardware form %v gives %v (%v), want %v", tc.q, h.Type, got, err, tc.want)
		}
		ht, err := fixed.Parse(tc.hls4ml)
		if err != nil {
			t.Fatal(err)
		}
		if v, _ := fixed.FromFloat64(ht, tc.hlsIn); v.Float64() != tc.wantHLS {
			t.Errorf("%s: hls4ml's %v gives %v, want %v", tc.q, ht, v.Float64(), tc.wantHLS)
		}
	}
}

// TestHWTypeFloat64Deviations pins the documented places where Spec.Apply's
// float64 evaluation and the exact hardware form part.
func TestHWTypeFloat64Deviations(t *testing.T) {
	apply := func(q string, x float64) (ref, hw float64) {
		t.Helper()
		s, err := ParseConfig(q)
		if err != nil {
			t.Fatal(err)
		}
		r, _, err := s.Apply([]float64{x}, nil)
		if err != nil {
			t.Fatal(err)
		}
		h, err := s.HWTypeFor()
		if err != nil {
			t.Fatal(err)
		}
		y, err := h.Apply([]float64{x}, nil)
		if err != nil {
			t.Fatal(err)
		}
		return r[0], y[0]
	}
	// quantized_tanh(4), x = 1/16 + 2^-56: exactly, x·8 = 1/2 + 2^-53
	// rounds up to 1/8; in float64, 0.5·x + 0.5 rounds onto the tie first.
	x := 1.0/16 + math.Ldexp(1, -56)
	if ref, hw := apply("quantized_tanh(4)", x); hw != 0.125 || ref != 0 {
		t.Errorf("tanh tie: hardware %v (want 0.125), Apply %v (want 0)", hw, ref)
	}
	// quantized_bits(16,6), x = 2^60: saturates to 64 − 2^-9; the float64
	// mix x + (xq − x) loses xq.
	if ref, hw := apply("quantized_bits(16,6)", math.Ldexp(1, 60)); hw != 64-math.Ldexp(1, -9) || ref == hw {
		t.Errorf("saturation: hardware %v (want 64 − 2^-9), Apply %v (should differ)", hw, ref)
	}
	// quantized_po2(4,1), t = float64(√2)/4, just above the boundary √2/4:
	// exactly 2^-1; math.Log2 returns −1.5, which rounds to even, 2^-2.
	if ref, hw := apply("quantized_po2(4,1)", math.Sqrt2/4); hw != 0.5 || ref != 0.25 {
		t.Errorf("po2 boundary: hardware %v (want 0.5), Apply %v (want 0.25)", hw, ref)
	}
	// quantized_po2 with the quadratic approximation at the tie t = 2:
	// float64 √2 rounds up, so log2 √2 > 1/2 and 2 → 4, as the reference.
	if ref, hw := apply("quantized_po2(4,quadratic_approximation=True)", 2); hw != 4 || ref != 4 {
		t.Errorf("quadratic tie: hardware %v, Apply %v, want 4", hw, ref)
	}
	if ref, hw := apply("quantized_po2(4,quadratic_approximation=True)", 8); hw != 16 || ref != 16 {
		t.Errorf("quadratic tie at 8: hardware %v, Apply %v, want 16 (half exponent 3/2 to even 2)", hw, ref)
	}
}

// TestHWTypeFixedPoint: HGQ elements map to their own types; an element
// with no bits is always 0; k=1, i+f=0 under SAT_SYM is always 0 too.
func TestHWTypeFixedPoint(t *testing.T) {
	// keep_negative, bits, integers (with the sign) → k, i = integers − k,
	// f = bits − integers.
	s, err := NewFixedPoint([]float64{1, 0, 1, 1}, []float64{8, 4, 0, 1}, []float64{3, 2, 0, 1}, nil, "RND", "SAT_SYM")
	if err != nil {
		t.Fatal(err)
	}
	h, err := s.HWTypeFor()
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"ap_fixed<8,3,AP_RND,AP_SAT_SYM>", "ap_ufixed<4,2,AP_RND,AP_SAT_SYM>", "invalid", "invalid"}
	for j, w := range want {
		if h.Elem[j].String() != w {
			t.Errorf("element %d: %v, want %s", j, h.Elem[j], w)
		}
	}
	// Union: 5 fractional bits, 2 integer bits plus the sign.
	if h.Type.String() != "ap_fixed<8,3,AP_RND,AP_SAT_SYM>" || !h.Exact {
		t.Errorf("union %v exact %v", h.Type, h.Exact)
	}
	x := []float64{-9, 3.9, 5, -1}
	y, err := h.Apply(x, nil)
	if err != nil {
		t.Fatal(err)
	}
	ref, _, _ := s.Apply(x, nil)
	// −9 → −(4 − 1/32) under SAT_SYM; 3.9 → 3.75 (step 1/4, max 3.75);
	// the last two elements give 0.
	for i, w := range []float64{-4 + 1.0/32, 3.75, 0, 0} {
		if y[i] != w || ref[i] != w {
			t.Errorf("x=%v: hardware %v, Apply %v, want %v", x[i], y[i], ref[i], w)
		}
	}
}
