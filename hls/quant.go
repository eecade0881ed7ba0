// This file implements the C++ of a quantizer's exact hardware form
// (ops.HLSQuant): the rule and the scale as static functions of the
// layer's config struct, over the constant arrays they read.

package hls

import (
	"fmt"
	"strings"

	"github.com/nnhls/nnhls/fixed"
	"github.com/nnhls/nnhls/ir"
	"github.com/nnhls/nnhls/quant"
)

// castCall returns the C++ of casting raw expression r with frac
// fractional bits into the typedef name of t.
func castCall(name string, t fixed.Type, frac int, r string) string {
	return fmt.Sprintf("nnhls::cast_raw<%s, %d, %t, %d>(%s)", name, t.Width(), t.Signed(), frac, r)
}

func (w *layerWriter) writeQuant() error {
	q, i := w.ex.Quant, w.l.Index
	w.constU("n_elem", ir.NumElements(w.n.Shape))
	w.inConsts()
	fmt.Fprintf(&w.sb, "  static const int s_frac = %d;\n", q.SF)
	var rule strings.Builder
	usesI := false
	switch q.Kind {
	case quant.HWCast:
		w.addType("qtype", q.Type, false)
		if q.Neg {
			w.addType("qneg", q.NegType, false)
			fmt.Fprintf(&rule, "    if (r < 0) return nnhls::shl(%s, %d);\n", castCall("qneg_t", q.NegType, q.NegF, "r"), q.UpN)
		}
		fmt.Fprintf(&rule, "    long long v = nnhls::shl(%s, %d);\n",
			castCall("qtype_t", q.Type, q.CastF, fmt.Sprintf("nnhls::shl(r, %d) + %dLL", q.AffUp, q.AffOff)), q.UpT)
		if q.HasMax {
			fmt.Fprintf(&rule, "    if (v > %dLL) v = %dLL;\n", q.MaxRaw, q.MaxRaw)
		}
		fmt.Fprintf(&rule, "    return v + %dLL;\n", q.OutOff)
	case quant.HWConst:
		fmt.Fprintf(&rule, "    return %dLL;\n", q.Konst)
	case quant.HWBinary:
		cond := "r > 0"
		if q.ZeroHigh {
			cond = "r >= 0"
		}
		fmt.Fprintf(&rule, "    return %s ? %dLL : %dLL;\n", cond, q.High, q.Low)
	case quant.HWTernary:
		if q.ThrOn {
			fmt.Fprintf(&rule, "    if (r >= %dLL) return %dLL;\n    if (r <= %dLL) return %dLL;\n    return 0;\n", q.Thr, q.High, -q.Thr, q.Low)
		} else {
			fmt.Fprintf(&rule, "    if (r > 0) return %dLL;\n    if (r < 0) return %dLL;\n    return %dLL;\n", q.High, q.Low, q.Zero)
		}
	case quant.HWPo2:
		brk := w.addArray("po2_brk", "power-of-two rule breakpoints (raw inputs)", q.Brk, fixed.Int(63, true))
		vals := w.addArray("po2_val", "power-of-two rule values from each breakpoint on", q.Vals, fixed.Int(63, true))
		fmt.Fprintf(&rule, "    long long v = %s[0];\n    for (unsigned k = 1; k < %d; k++) {\n      if (%s[k] <= r) v = %s[k];\n    }\n    return v;\n",
			vals, len(q.Vals), brk, vals)
	case quant.HWPerElement:
		usesI = true
		idx := w.addIndex("elem_idx", "type index of each element", q.ElemIdx)
		// One case per distinct element type.
		var order []fixed.Type
		groups := map[fixed.Type][]int{}
		for j, t := range q.Elem {
			if !t.Valid() {
				continue
			}
			if _, ok := groups[t]; !ok {
				order = append(order, t)
			}
			groups[t] = append(groups[t], j)
		}
		fmt.Fprintf(&rule, "    switch (%s[i]) {\n", idx)
		for k, t := range order {
			name := fmt.Sprintf("qelem%d", k)
			w.addType(name, t, false)
			for _, j := range groups[t] {
				fmt.Fprintf(&rule, "      case %d:\n", j)
			}
			fmt.Fprintf(&rule, "        return nnhls::shl(%s, %d);\n", castCall(name+"_t", t, q.InF, "r"), q.ElemUp[groups[t][0]])
		}
		rule.WriteString("      default:\n        return 0;\n    }\n")
	default:
		return fmt.Errorf("quantizer form %s has no C++ kernel yet", q.Kind)
	}
	rParam, iParam := "long long r", "unsigned"
	if q.Kind == quant.HWConst {
		rParam = "long long"
	}
	if usesI {
		iParam = "unsigned i"
	}
	fmt.Fprintf(&w.sb, "  static long long rule(%s, %s) {\n%s  }\n", rParam, iParam, rule.String())
	if q.Mul == nil {
		w.sb.WriteString("  static long long scale(long long v, unsigned) { return v; }\n")
	} else {
		mul := w.addArray("qmul", "per-channel scale numerators", q.Mul, fixed.Int(63, true))
		sh := make([]int32, len(q.Sh))
		for k, s := range q.Sh {
			sh[k] = int32(s)
		}
		shn := w.addIndex("qshift", "per-channel scale shifts", sh)
		if len(q.Mul) > 1 {
			fmt.Fprintf(&w.sb, "  static long long scale(long long v, unsigned i) {\n    const unsigned c = i %% %d;\n    return nnhls::shl(v * %s[c], %s[c]);\n  }\n", w.ex.Channels, mul, shn)
		} else {
			fmt.Fprintf(&w.sb, "  static long long scale(long long v, unsigned) { return nnhls::shl(v * %s[0], %s[0]); }\n", mul, shn)
		}
	}
	w.finishConfig()
	w.l.call = func(in []string, out string) string {
		return fmt.Sprintf("nnhls::quantizer<%s, %s, %s>(%s, %s);", tensorType(w.n.Inputs[0]), tensorType(i), w.cfg, in[0], out)
	}
	return nil
}
