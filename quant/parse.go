// This file implements ParseConfig: reading a quantizer as a Keras config
// stores it (a Python-call string or a {"class_name", "config"} dict) into a
// Spec, with each QKeras quantizer's positional argument order and defaults.

package quant

import (
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strings"
)

// signatures lists, per kind, the constructor parameters in QKeras's
// positional order (google/qkeras HEAD, qkeras/quantizers.py). Parameters
// that only matter in training are accepted and dropped; see setParam.
// FixedPoint is nnhls's own spelling of an HGQ quantizer.
var signatures = [numKinds][]string{
	QuantizedBits: {"bits", "integer", "symmetric", "keep_negative", "alpha",
		"use_stochastic_rounding", "scale_axis", "qnoise_factor", "var_name",
		"use_ste", "use_variables", "elements_per_scale", "min_po2_exponent",
		"max_po2_exponent", "post_training_scale"},
	QuantizedRelu: {"bits", "integer", "use_sigmoid", "negative_slope",
		"use_stochastic_rounding", "relu_upper_bound", "is_quantized_clip",
		"qnoise_factor", "var_name", "use_ste", "use_variables",
		"enable_fast_inference"},
	QuantizedTanh:    {"bits", "use_stochastic_rounding", "symmetric", "use_real_tanh"},
	QuantizedSigmoid: {"bits", "symmetric", "use_real_sigmoid", "use_stochastic_rounding"},
	QuantizedPo2: {"bits", "max_value", "use_stochastic_rounding",
		"quadratic_approximation", "log2_rounding", "qnoise_factor", "var_name",
		"use_ste", "use_variables"},
	QuantizedReluPo2: {"bits", "max_value", "negative_slope",
		"use_stochastic_rounding", "quadratic_approximation", "log2_rounding",
		"qnoise_factor", "var_name", "use_ste", "use_variables"},
	Binary: {"use_01", "alpha", "use_stochastic_rounding", "scale_axis",
		"elements_per_scale", "min_po2_exponent", "max_po2_exponent"},
	StochasticBinary:  {"alpha", "temperature", "use_real_sigmoid"},
	Ternary:           {"alpha", "threshold", "use_stochastic_rounding", "number_of_unrolls"},
	StochasticTernary: {"alpha", "threshold", "temperature", "use_real_sigmoid", "number_of_unrolls"},
	BinaryTanh:        {},
	FixedPoint:        {"k", "i", "f", "round_mode", "overflow_mode", "shape"},
}

// positionalInString is how many leading parameters String prints by
// position (the ones QKeras's own __str__ always prints).
var positionalInString = [numKinds]int{
	QuantizedBits:    2,
	QuantizedRelu:    2,
	QuantizedTanh:    1,
	QuantizedSigmoid: 1,
	QuantizedPo2:     1,
	QuantizedReluPo2: 1,
	FixedPoint:       3,
}

// Limits that keep every power of two Apply computes finite and every
// exponent table small; real models stay far inside them.
const (
	maxBits    = 64
	maxInteger = 512
)

// defaultSpec is the quantizer a constructor call without arguments makes.
func defaultSpec(k Kind) *Spec {
	s := &Spec{Kind: k}
	switch k {
	case QuantizedBits:
		s.Bits, s.KeepNegative = 8, true
	case QuantizedRelu:
		s.Bits, s.IsQuantizedClip = 8, true
	case QuantizedTanh, QuantizedSigmoid:
		s.Bits = 8
	case QuantizedPo2, QuantizedReluPo2:
		s.Bits, s.Log2Rounding = 8, "rnd"
	case StochasticBinary:
		s.UseReal = true
	case Ternary:
		s.NumberOfUnrolls = 5
	case StochasticTernary:
		s.UseReal, s.NumberOfUnrolls = true, 5
	case FixedPoint:
		s.Rounding, s.Overflow = "TRN", "WRAP"
	}
	return s
}

// kindByName finds a quantizer family by its QKeras name.
func kindByName(name string) Kind {
	for k := KindInvalid + 1; k < numKinds; k++ {
		if kindNames[k] == name {
			return k
		}
	}
	return KindInvalid
}

// ParseConfig parses a quantizer as a Keras config stores it: a string
// ("quantized_bits(6,0,alpha=1)", "quantized_relu(6,2,0,0.25)", "binary",
// "ternary(alpha='auto_po2')", "binary_tanh", "quantized_po2(4,1)") or a
// dict {"class_name": "quantized_bits", "config": {...}} as encoding/json
// decodes it (map[string]any), with QKeras's positional argument order and
// defaults for each quantizer. The result is the quantizer as QKeras's
// constructor leaves it (alpha 'auto' or 'auto_po2' forces symmetric);
// the kernel rewrite is a separate step, ForKernel.
//
// Errors are *ParseError and name the quantizer and the problem: an
// unknown quantizer, too many arguments, an unknown keyword, a value of the
// wrong type or out of range, or a parameter nnhls cannot honour
// (scale_axis, elements_per_scale, min/max_po2_exponent,
// post_training_scale, a tensor alpha).
func ParseConfig(v any) (*Spec, error) {
	switch v := v.(type) {
	case string:
		return parseString(v)
	case map[string]any:
		return parseDict(v)
	case nil:
		return nil, &ParseError{Offset: -1, Msg: "no quantizer (null)"}
	}
	return nil, &ParseError{Offset: -1, Msg: fmt.Sprintf("a quantizer must be a string or a dict, not %T", v)}
}

func parseString(src string) (*Spec, error) {
	call, err := parseCall(src)
	if err != nil {
		return nil, err
	}
	s, err := bind(call.name, call.args, call.kwargs)
	if err != nil {
		err.(*ParseError).Input = src
		return nil, err
	}
	return s, nil
}

func parseDict(d map[string]any) (*Spec, error) {
	cn, ok := d["class_name"]
	if !ok {
		return nil, &ParseError{Offset: -1, Msg: `dict has no "class_name"`}
	}
	name, ok := cn.(string)
	if !ok {
		return nil, &ParseError{Offset: -1, Msg: fmt.Sprintf(`"class_name" must be a string, not %T`, cn)}
	}
	// Keras 3 may register the class as "qkeras>quantized_bits".
	if i := strings.LastIndexByte(name, '>'); i >= 0 {
		name = name[i+1:]
	}
	var cfg map[string]any
	switch c := d["config"].(type) {
	case nil:
	case map[string]any:
		cfg = c
	default:
		return nil, &ParseError{Offset: -1, Quantizer: name, Msg: fmt.Sprintf(`"config" must be a dict, not %T`, c)}
	}
	keys := make([]string, 0, len(cfg))
	for k := range cfg {
		keys = append(keys, k)
	}
	sort.Strings(keys) // deterministic messages when several keys are bad
	var kwargs []keywordArg
	for _, k := range keys {
		if k == "__passive_serialization__" {
			continue
		}
		val, err := jsonValue(cfg[k], 0)
		if err != nil {
			return nil, &ParseError{Offset: -1, Quantizer: name, Msg: fmt.Sprintf("%s: %v", k, err)}
		}
		kwargs = append(kwargs, keywordArg{k, val})
	}
	return bind(name, nil, kwargs)
}

// jsonValue converts a value decoded by encoding/json into a literal. JSON
// has one number type, so integral numbers count as ints.
func jsonValue(v any, depth int) (value, error) {
	switch v := v.(type) {
	case nil:
		return value{kind: valNone}, nil
	case bool:
		return value{kind: valBool, b: v}, nil
	case float64:
		return numberValue(v)
	case int:
		return value{kind: valInt, num: float64(v)}, nil
	case int64:
		return value{kind: valInt, num: float64(v)}, nil
	case json.Number:
		f, err := v.Float64()
		if err != nil {
			return value{}, fmt.Errorf("bad number %q", v.String())
		}
		return numberValue(f)
	case string:
		return value{kind: valString, str: v}, nil
	case []any:
		if depth >= maxListDepth {
			return value{}, fmt.Errorf("lists nested too deeply")
		}
		out := value{kind: valList, list: make([]value, len(v))}
		for i, e := range v {
			ev, err := jsonValue(e, depth+1)
			if err != nil {
				return value{}, err
			}
			out.list[i] = ev
		}
		return out, nil
	}
	return value{}, fmt.Errorf("unsupported value of type %T", v)
}

func numberValue(f float64) (value, error) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return value{}, fmt.Errorf("number %v is not finite", f)
	}
	if f == math.Trunc(f) && math.Abs(f) <= 1<<53 {
		return value{kind: valInt, num: f}, nil
	}
	return value{kind: valFloat, num: f}, nil
}

// bind builds a Spec from a constructor call, like Python's argument
// binding followed by the quantizer's __init__.
func bind(name string, args []value, kwargs []keywordArg) (*Spec, error) {
	kind := kindByName(name)
	if kind == KindInvalid {
		return nil, &ParseError{Offset: -1, Msg: fmt.Sprintf("unknown quantizer %q", name), Unknown: true}
	}
	fail := func(format string, a ...any) (*Spec, error) {
		return nil, &ParseError{Offset: -1, Quantizer: name, Msg: fmt.Sprintf(format, a...)}
	}
	params := signatures[kind]
	if len(args) > len(params) {
		return fail("takes at most %d positional arguments (%d given)", len(params), len(args))
	}
	s := defaultSpec(kind)
	seen := make(map[string]bool, len(args)+len(kwargs))
	for i, v := range args {
		seen[params[i]] = true
		if err := s.setParam(params[i], v); err != nil {
			return fail("%s: %v", params[i], err)
		}
	}
	for _, kw := range kwargs {
		if !contains(params, kw.name) {
			return fail("unknown keyword argument %q", kw.name)
		}
		if seen[kw.name] {
			return fail("got multiple values for argument %q", kw.name)
		}
		seen[kw.name] = true
		if err := s.setParam(kw.name, kw.val); err != nil {
			return fail("%s: %v", kw.name, err)
		}
	}
	if kind == FixedPoint {
		for _, p := range params[:3] {
			if !seen[p] {
				return fail("missing argument %q", p)
			}
		}
	}
	if err := s.finish(); err != nil {
		return fail("%v", err)
	}
	return s, nil
}

func contains(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}

// setParam stores one argument. Parameter names mean the same thing in
// every quantizer that has them.
func (s *Spec) setParam(name string, v value) error {
	var err error
	switch name {
	case "bits":
		s.Bits, err = intArg(v, 0, maxBits)
	case "integer":
		s.Integer, err = intArg(v, -maxInteger, maxInteger)
	case "symmetric":
		s.Symmetric, err = boolArg(v)
	case "keep_negative":
		s.KeepNegative, err = boolArg(v)
	case "alpha":
		err = s.setAlpha(v)
	case "use_stochastic_rounding":
		s.UseStochasticRounding, err = boolArg(v)
	case "use_sigmoid":
		s.UseSigmoid, err = boolArg(v)
	case "negative_slope":
		s.NegativeSlope, err = floatArg(v)
	case "relu_upper_bound":
		s.ReluUpperBound, err = optFloatArg(v)
	case "is_quantized_clip":
		s.IsQuantizedClip, err = boolArg(v)
	case "max_value":
		s.MaxValue, err = optFloatArg(v)
	case "quadratic_approximation":
		s.QuadraticApproximation, err = boolArg(v)
	case "log2_rounding":
		if v.kind != valString || (v.str != "rnd" && v.str != "floor") {
			return fmt.Errorf("must be 'rnd' or 'floor', not %v", v)
		}
		s.Log2Rounding = v.str
	case "use_01":
		s.Use01, err = boolArg(v)
	case "threshold":
		s.Threshold, err = optFloatArg(v)
	case "use_real_tanh", "use_real_sigmoid":
		s.UseReal, err = boolArg(v)
	case "number_of_unrolls":
		s.NumberOfUnrolls, err = intArg(v, 1, 1000)
	case "qnoise_factor":
		var f float64
		if f, err = floatArg(v); err == nil {
			s.QNoiseFactor = &f
			if f == 1 {
				s.QNoiseFactor = nil // the default, spelled out
			}
		}
	case "k", "i", "f":
		var vals []float64
		if vals, err = floatListArg(v); err == nil {
			switch name {
			case "k":
				s.K = vals
			case "i":
				s.I = vals
			case "f":
				s.F = vals
			}
		}
	case "shape":
		s.KIFShape, err = shapeArg(v)
	case "round_mode":
		s.Rounding, err = modeArg(v, roundingModes)
	case "overflow_mode":
		s.Overflow, err = modeArg(v, overflowModes)

	// Training-only parameters: checked for type, not stored.
	case "var_name":
		if v.kind != valString && v.kind != valNone {
			return fmt.Errorf("must be a string or None, not %s %v", valueKindNames[v.kind], v)
		}
	case "use_ste", "use_variables", "enable_fast_inference":
		_, err = boolArg(v)
	case "temperature":
		_, err = floatArg(v)

	// Parameters nnhls does not implement: only their default is accepted.
	case "scale_axis", "elements_per_scale", "min_po2_exponent", "max_po2_exponent", "post_training_scale":
		if v.kind != valNone {
			return fmt.Errorf("%v is not supported (only None)", v)
		}
	default:
		return fmt.Errorf("unknown parameter")
	}
	return err
}

func (s *Spec) setAlpha(v value) error {
	switch v.kind {
	case valNone:
		s.Alpha, s.AlphaValue = AlphaNone, 0
	case valInt, valFloat:
		s.Alpha, s.AlphaValue = AlphaNumber, v.num
	case valString:
		switch v.str {
		case "auto":
			s.Alpha = AlphaAuto
		case "auto_po2":
			s.Alpha = AlphaAutoPo2
		default:
			return fmt.Errorf("must be None, a number, 'auto' or 'auto_po2', not %v", v)
		}
		s.AlphaValue = 0
	case valList:
		return fmt.Errorf("a tensor alpha %v is not supported", v)
	default:
		return fmt.Errorf("must be None, a number, 'auto' or 'auto_po2', not %s %v", valueKindNames[v.kind], v)
	}
	return nil
}

// finish applies what the quantizer's __init__ does after binding (and the
// asserts it makes), and rejects values Apply could not honour.
func (s *Spec) finish() error {
	switch s.Kind {
	case QuantizedBits:
		if s.Alpha == AlphaAuto || s.Alpha == AlphaAutoPo2 {
			// QKeras: "auto*" |-> symmetric.
			s.Symmetric = true
		}
		if s.Bits < 1 {
			return fmt.Errorf("bits must be at least 1, not %d", s.Bits)
		}
	case QuantizedRelu:
		if s.NegativeSlope < 0 || (s.NegativeSlope != 0 && !isPowerOfTwo(s.NegativeSlope)) {
			return fmt.Errorf("negative_slope must be 0 or a positive power of two, not %s", formatFloat(s.NegativeSlope))
		}
		if s.Bits < 1 || (s.NegativeSlope != 0 && s.Bits < 2) {
			return fmt.Errorf("bits %d leave no magnitude bits", s.Bits)
		}
	case QuantizedReluPo2:
		if s.NegativeSlope < 0 || (s.NegativeSlope != 0 && !isPowerOfTwo(s.NegativeSlope)) {
			return fmt.Errorf("negative_slope must be 0 or a positive power of two, not %s", formatFloat(s.NegativeSlope))
		}
		fallthrough
	case QuantizedPo2:
		if s.MaxValue != nil && *s.MaxValue < 0 {
			return fmt.Errorf("max_value must be non-negative, not %s", formatFloat(*s.MaxValue))
		}
		if _, _, err := s.po2Exponents(); err != nil {
			return err
		}
	case QuantizedTanh, QuantizedSigmoid:
		if s.Bits < 1 {
			return fmt.Errorf("bits must be at least 1, not %d", s.Bits)
		}
	case FixedPoint:
		return s.checkFixedPoint()
	}
	return nil
}

func isPowerOfTwo(f float64) bool {
	frac, _ := math.Frexp(f)
	return f > 0 && frac == 0.5
}

func intArg(v value, lo, hi int) (int, error) {
	if (v.kind != valInt && v.kind != valFloat) || v.num != math.Trunc(v.num) {
		return 0, fmt.Errorf("must be an integer, not %s %v", valueKindNames[v.kind], v)
	}
	if v.num < float64(lo) || v.num > float64(hi) {
		return 0, fmt.Errorf("%v is outside [%d, %d]", v, lo, hi)
	}
	return int(v.num), nil
}

// boolArg accepts what Python code treats as a flag: a bool or a number
// (QKeras configs commonly say symmetric=1).
func boolArg(v value) (bool, error) {
	switch v.kind {
	case valBool:
		return v.b, nil
	case valInt, valFloat:
		return v.num != 0, nil
	}
	return false, fmt.Errorf("must be a bool, not %s %v", valueKindNames[v.kind], v)
}

func floatArg(v value) (float64, error) {
	if v.kind != valInt && v.kind != valFloat {
		return 0, fmt.Errorf("must be a number, not %s %v", valueKindNames[v.kind], v)
	}
	return v.num, nil
}

func optFloatArg(v value) (*float64, error) {
	if v.kind == valNone {
		return nil, nil
	}
	f, err := floatArg(v)
	if err != nil {
		return nil, fmt.Errorf("must be a number or None, not %s %v", valueKindNames[v.kind], v)
	}
	return &f, nil
}

// floatListArg accepts a number or a flat list of numbers.
func floatListArg(v value) ([]float64, error) {
	if v.kind == valInt || v.kind == valFloat {
		return []float64{v.num}, nil
	}
	if v.kind != valList || len(v.list) == 0 {
		return nil, fmt.Errorf("must be a number or a non-empty list of numbers, not %v", v)
	}
	out := make([]float64, len(v.list))
	for i, e := range v.list {
		f, err := floatArg(e)
		if err != nil {
			return nil, fmt.Errorf("element %d: %v", i, err)
		}
		out[i] = f
	}
	return out, nil
}

func modeArg(v value, allowed []string) (string, error) {
	if v.kind == valString {
		m := strings.ToUpper(v.str)
		if contains(allowed, m) {
			return m, nil
		}
	}
	return "", fmt.Errorf("must be one of %s, not %v", strings.Join(allowed, ", "), v)
}

// shapeArg accepts None or a list of positive integers.
func shapeArg(v value) ([]int, error) {
	if v.kind == valNone {
		return nil, nil
	}
	if v.kind != valList {
		return nil, fmt.Errorf("must be None or a list of sizes, not %v", v)
	}
	out := make([]int, len(v.list))
	for i, e := range v.list {
		d, err := intArg(e, 1, math.MaxInt32)
		if err != nil {
			return nil, fmt.Errorf("element %d: %v", i, err)
		}
		out[i] = d
	}
	return out, nil
}
