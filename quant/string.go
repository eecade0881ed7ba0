// This file implements Spec.String, the canonical spelling of a quantizer.

package quant

import (
	"strconv"
	"strings"
)

// String returns the canonical spelling of s, which ParseConfig reads back
// into an equal Spec (except AlphaRewritten, which records where a Spec
// came from, not what it computes). The leading size arguments QKeras's
// own __str__ always prints are positional; every other parameter that
// differs from the constructor's default follows as a keyword, in
// signature order, with flags as 0/1 and floats in shortest round-trip
// form:
//
//	quantized_bits(6,0,symmetric=1,alpha='auto_po2')
//	quantized_relu(6,2,negative_slope=0.25)
//	binary
func (s *Spec) String() string {
	if s == nil {
		return "<nil>"
	}
	if s.Kind <= KindInvalid || s.Kind >= numKinds {
		return "invalid"
	}
	if s.Kind >= QONNXQuant {
		return s.qonnxString()
	}
	def := defaultSpec(s.Kind)
	npos := positionalInString[s.Kind]
	var parts []string
	for i, p := range signatures[s.Kind] {
		t, ok := s.paramText(p)
		if !ok {
			continue
		}
		if i < npos {
			parts = append(parts, t)
			continue
		}
		if d, _ := def.paramText(p); t != d {
			parts = append(parts, p+"="+t)
		}
	}
	if len(parts) == 0 {
		return s.Kind.String()
	}
	return s.Kind.String() + "(" + strings.Join(parts, ",") + ")"
}

// paramText is the canonical text of one parameter's value; ok is false for
// parameters a Spec does not keep.
func (s *Spec) paramText(name string) (text string, ok bool) {
	switch name {
	case "bits":
		return strconv.Itoa(s.Bits), true
	case "integer":
		return strconv.Itoa(s.Integer), true
	case "symmetric":
		return flagText(s.Symmetric), true
	case "keep_negative":
		return flagText(s.KeepNegative), true
	case "alpha":
		switch s.Alpha {
		case AlphaNumber:
			return formatFloat(s.AlphaValue), true
		case AlphaAuto:
			return "'auto'", true
		case AlphaAutoPo2:
			return "'auto_po2'", true
		}
		return "None", true
	case "use_stochastic_rounding":
		return flagText(s.UseStochasticRounding), true
	case "use_sigmoid":
		return flagText(s.UseSigmoid), true
	case "negative_slope":
		return formatFloat(s.NegativeSlope), true
	case "relu_upper_bound":
		return optFloatText(s.ReluUpperBound), true
	case "is_quantized_clip":
		return flagText(s.IsQuantizedClip), true
	case "max_value":
		return optFloatText(s.MaxValue), true
	case "quadratic_approximation":
		return flagText(s.QuadraticApproximation), true
	case "log2_rounding":
		if s.Log2Rounding == "" {
			return "'rnd'", true
		}
		return "'" + s.Log2Rounding + "'", true
	case "use_01":
		return flagText(s.Use01), true
	case "threshold":
		return optFloatText(s.Threshold), true
	case "use_real_tanh", "use_real_sigmoid":
		return flagText(s.UseReal), true
	case "number_of_unrolls":
		return strconv.Itoa(s.unrolls()), true
	case "qnoise_factor":
		if s.QNoiseFactor == nil {
			return "1", true
		}
		return formatFloat(*s.QNoiseFactor), true
	case "k":
		return listText(s.K), true
	case "i":
		return listText(s.I), true
	case "f":
		return listText(s.F), true
	case "shape":
		if s.KIFShape == nil {
			return "None", true
		}
		parts := make([]string, len(s.KIFShape))
		for i, d := range s.KIFShape {
			parts[i] = strconv.Itoa(d)
		}
		return "[" + strings.Join(parts, ",") + "]", true
	case "round_mode":
		return "'" + orDefault(s.Rounding, "TRN") + "'", true
	case "overflow_mode":
		return "'" + orDefault(s.Overflow, "WRAP") + "'", true
	}
	return "", false
}

func flagText(b bool) string {
	if b {
		return "1"
	}
	return "0"
}

func optFloatText(p *float64) string {
	if p == nil {
		return "None"
	}
	return formatFloat(*p)
}

func listText(v []float64) string {
	if len(v) == 1 {
		return formatFloat(v[0])
	}
	parts := make([]string, len(v))
	for i, f := range v {
		parts[i] = formatFloat(f)
	}
	return "[" + strings.Join(parts, ",") + "]"
}

// unrolls is the ternary auto-alpha iteration count (0 means 5).
func (s *Spec) unrolls() int {
	if s.NumberOfUnrolls == 0 {
		return 5
	}
	return s.NumberOfUnrolls
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
