// This file implements the translation of each typed node into its C++:
// the typedefs of its variables, its config struct, its constant arrays
// (raw weights, tables, index maps, exported by package ops so that they
// are the emulator's own numbers) and its call in the top function.

package hls

import (
	"fmt"
	"strings"

	"github.com/nnhls/nnhls/config"
	"github.com/nnhls/nnhls/fixed"
	"github.com/nnhls/nnhls/ir"
	"github.com/nnhls/nnhls/ops"
)

// A typedef is one line of defines.h.
type typedef struct {
	Name string
	Type string
}

// An array is one constant array, written to weights/<Name>.h.
type array struct {
	Name    string
	CType   string
	What    string // for the header's comment
	Values  []int64
	Indices []int32 // when set, Values is unused
}

// A layer is the C++ of one node.
type layer struct {
	Index    int
	Name     string // the model's layer name
	Op       string
	Typedefs []typedef
	Config   string // the config struct, "" when the call needs none
	Arrays   []array
	// call returns the C++ statement(s) computing the layer from the
	// named input arrays into the named output array.
	call func(in []string, out string) string
	// streamCall, when set, is the io_stream form reading and writing the
	// named streams itself (the line-buffer window layers); otherwise the
	// stream wrapper buffers the tensor around call.
	streamCall func(in []string, out string) string
}

// lineBuffer returns, for a window layer's tap table, the pixel after
// which each output position can be computed (its last input pixel, never
// decreasing from one position to the next, so that outputs leave in
// order) and the ring size that holds every window until then.
func lineBuffer(taps []int32, nPos, nTaps int) (ready []int32, ring int) {
	ready = make([]int32, nPos)
	last := int32(0)
	ring = 1
	for p := range nPos {
		lo, hi := int32(-1), int32(-1)
		for _, pix := range taps[p*nTaps : (p+1)*nTaps] {
			if pix < 0 {
				continue
			}
			if lo < 0 || pix < lo {
				lo = pix
			}
			hi = max(hi, pix)
		}
		last = max(last, hi)
		ready[p] = last
		if lo >= 0 {
			ring = max(ring, int(last-lo)+1)
		}
	}
	return ready, ring
}

// tensorType is the typedef name of node i's output.
func tensorType(i int) string { return fmt.Sprintf("layer%d_t", i) }

// varType is the typedef name of node i's variable v.
func varType(i int, v string) string { return fmt.Sprintf("layer%d_%s_t", i, v) }

// buildLayer translates node i of g.
func buildLayer(g *ir.Graph, i int) (*layer, error) {
	n := g.Nodes[i]
	l := &layer{Index: i, Name: n.Name, Op: n.Op.String()}
	res, ok := n.HW.Type(ops.VarResult)
	if !ok || !res.Valid() {
		return nil, fmt.Errorf("has no result type (the graph is not typed)")
	}
	l.Typedefs = append(l.Typedefs, typedef{tensorType(i), res.String()})
	if n.Op == ir.OpInput {
		return l, nil
	}
	b := &ops.Build{Node: n, Types: n.HW.Types}
	for _, in := range n.Inputs {
		b.InShapes = append(b.InShapes, g.Nodes[in].Shape)
		t, _ := g.Nodes[in].HW.Type(ops.VarResult)
		b.InTypes = append(b.InTypes, t)
	}
	ex, err := ops.ExportHLS(b)
	if err != nil {
		return nil, err
	}
	w := &layerWriter{l: l, n: n, b: b, ex: ex, cfg: fmt.Sprintf("config%d", i)}
	if err := w.write(); err != nil {
		return nil, err
	}
	return l, nil
}

// layerWriter holds what the per-family writers share.
type layerWriter struct {
	l   *layer
	n   *ir.Node
	b   *ops.Build
	ex  *ops.HLSLayer
	cfg string
	sb  strings.Builder // the config struct's body
}

// addType adds the typedef of variable v with type t and the config
// struct's typedef and width constant for it.
func (w *layerWriter) addType(v string, t fixed.Type, raw bool) {
	name := varType(w.l.Index, v)
	w.l.Typedefs = append(w.l.Typedefs, typedef{name, t.String()})
	fmt.Fprintf(&w.sb, "  typedef %s %s_t;\n", name, v)
	if raw {
		fmt.Fprintf(&w.sb, "  typedef %s %s_raw_t;\n", rawCType(t), v)
		fmt.Fprintf(&w.sb, "  static const int %s_width = %d;\n", v, t.Width())
	}
}

func (w *layerWriter) constU(name string, v int) {
	fmt.Fprintf(&w.sb, "  static const unsigned %s = %d;\n", name, v)
}
func (w *layerWriter) constI(name string, v int64) {
	fmt.Fprintf(&w.sb, "  static const long long %s = %dLL;\n", name, v)
}
func (w *layerWriter) constB(name string, v bool) {
	fmt.Fprintf(&w.sb, "  static const bool %s = %t;\n", name, v)
}

// constD adds a static function returning the exact double of raw in t
// (C++14 has no in-class double constants).
func (w *layerWriter) constD(name string, raw int64, t fixed.Type) error {
	lit, err := exactLiteral(raw, t)
	if err != nil {
		return err
	}
	fmt.Fprintf(&w.sb, "  static double %s() { return %s; }\n", name, lit)
	return nil
}

// inConsts adds the width and signedness constants of input 0.
func (w *layerWriter) inConsts() {
	t := w.b.InTypes[0]
	w.constU("in_width", t.Width())
	w.constB("in_signed", t.Signed())
}

// addArray adds a raw-valued constant array of type t.
func (w *layerWriter) addArray(suffix, what string, vals []int64, t fixed.Type) string {
	name := fmt.Sprintf("%s%d", suffix, w.l.Index)
	w.l.Arrays = append(w.l.Arrays, array{Name: name, CType: rawCType(t), What: what, Values: vals})
	return name
}

// addIndex adds an int index array.
func (w *layerWriter) addIndex(suffix, what string, idx []int32) string {
	name := fmt.Sprintf("%s%d", suffix, w.l.Index)
	w.l.Arrays = append(w.l.Arrays, array{Name: name, CType: "int", What: what, Indices: idx})
	return name
}

func (w *layerWriter) finishConfig() {
	w.l.Config = fmt.Sprintf("struct %s {\n%s};\n", w.cfg, w.sb.String())
}

func (w *layerWriter) write() error {
	ex, i := w.ex, w.l.Index
	res := tensorType(i)
	inT := func(k int) string { return tensorType(w.n.Inputs[k]) }
	switch ex.Kind {
	case ops.HLSDense, ops.HLSConv, ops.HLSDepthwise:
		return w.writeMAC()
	case ops.HLSDot:
		w.addType("accum", w.b.Types[ops.VarAccum], false)
		w.constU("n_in", ex.NIn)
		w.finishConfig()
		w.l.call = func(in []string, out string) string {
			return fmt.Sprintf("nnhls::dot<%s, %s, %s, %s>(%s, %s, %s);", inT(0), inT(1), res, w.cfg, in[0], in[1], out)
		}
	case ops.HLSPool:
		acc := w.b.Types[ops.VarAccum]
		w.addType("accum", acc, false)
		w.constU("n_in_pix", ir.NumElements(w.b.InShapes[0])/ex.Channels)
		w.constU("n_chan", ex.Channels)
		w.constU("n_pos", ex.NPos)
		w.constU("n_taps", ex.NTaps)
		w.constB("average", ex.Avg)
		w.constB("count_pad", ex.CountPad)
		w.constU("accum_width", acc.Width())
		w.constB("accum_signed", acc.Signed())
		readyV, ring := lineBuffer(ex.Taps, ex.NPos, ex.NTaps)
		w.constU("n_ring", ring)
		w.constU("reuse_factor", 1)
		w.finishConfig()
		taps := w.addIndex("taps", "input pixel of each tap at each output position (-1: padding)", ex.Taps)
		counts := w.addIndex("counts", "taps inside the input at each output position", ex.Counts)
		ready := w.addIndex("ready", "input pixel after which each output position is computed (line buffer)", readyV)
		w.l.call = func(in []string, out string) string {
			return fmt.Sprintf("nnhls::pool<%s, %s, %s>(%s, %s, %s, %s);", inT(0), res, w.cfg, in[0], out, taps, counts)
		}
		w.l.streamCall = func(in []string, out string) string {
			return fmt.Sprintf("nnhls::pool_stream<%s, %s, %s>(%s, %s, %s, %s, %s);", inT(0), res, w.cfg, in[0], out, taps, counts, ready)
		}
	case ops.HLSScaleShift:
		st, bt := w.b.Types[ops.VarScale], w.b.Types[ops.VarBias]
		w.addType("scale", st, true)
		w.addType("bias", bt, true)
		w.constU("n_pos", ex.NPos)
		w.constU("n_chan", ex.Channels)
		w.finishConfig()
		s := w.addArray("s", "scale per channel", ex.Scale, st)
		bb := w.addArray("b", "bias per channel", ex.Bias, bt)
		w.l.call = func(in []string, out string) string {
			return fmt.Sprintf("nnhls::scale_shift<%s, %s, %s>(%s, %s, %s, %s);", inT(0), res, w.cfg, in[0], out, s, bb)
		}
	case ops.HLSThreshold:
		return w.writeThreshold()
	case ops.HLSActivation:
		return w.writeActivation()
	case ops.HLSSoftmax:
		return w.writeSoftmax()
	case ops.HLSQuantizer:
		return w.writeQuant()
	case ops.HLSGather:
		return w.writeGather()
	case ops.HLSMerge:
		if len(w.n.Inputs) != 2 {
			return fmt.Errorf("a merge of %d inputs has no C++ kernel yet (two are supported)", len(w.n.Inputs))
		}
		w.constU("n_elem", ir.NumElements(w.n.Shape))
		w.constU("kind", int(ex.Merge))
		w.finishConfig()
		w.l.call = func(in []string, out string) string {
			return fmt.Sprintf("nnhls::merge<%s, %s, %s, %s>(%s, %s, %s);", inT(0), inT(1), res, w.cfg, in[0], in[1], out)
		}
	default:
		return fmt.Errorf("no C++ kernel for this node")
	}
	return nil
}

// validReuse returns the reuse factors that divide n multiplications.
func validReuse(n int) []int {
	var out []int
	for r := 1; r <= n; r++ {
		if n%r == 0 {
			out = append(out, r)
		}
	}
	return out
}

// strategyOf maps a configured Strategy onto the C++ enum.
func strategyOf(s string) (string, error) {
	switch strings.ToLower(s) {
	case "", strings.ToLower(config.StrategyLatency):
		return "nnhls::latency", nil
	case strings.ToLower(config.StrategyResource):
		return "nnhls::resource", nil
	}
	return "", fmt.Errorf("strategy %q is not supported by the C++ library (Latency or Resource)", s)
}

// writeMAC writes Dense, Conv and DepthwiseConv.
func (w *layerWriter) writeMAC() error {
	ex, i, n := w.ex, w.l.Index, w.n
	nMult := ex.NIn * ex.NOut
	switch ex.Kind {
	case ops.HLSConv:
		nMult = ex.NTaps * ex.Channels * ex.NOut
	case ops.HLSDepthwise:
		nMult = ex.NTaps * ex.NOut
	}
	rf := max(n.HW.ReuseFactor, 1)
	if nMult%rf != 0 {
		vals := validReuse(nMult)
		txt := make([]string, len(vals))
		for k, v := range vals {
			txt[k] = fmt.Sprint(v)
		}
		return fmt.Errorf("ReuseFactor %d does not divide the layer's %d multiplications; valid values: %s",
			rf, nMult, strings.Join(txt, ", "))
	}
	strat, err := strategyOf(n.HW.Strategy)
	if err != nil {
		return err
	}
	wt, bt := ex.WeightType, w.b.Types[ops.VarBias]
	if !bt.Valid() {
		bt = fixed.Int(1, false)
	}
	w.addType("accum", w.b.Types[ops.VarAccum], false)
	w.addType("weight", wt, true)
	w.addType("bias", bt, true)
	bias := ex.Bias
	w.constB("has_bias", bias != nil)
	if bias == nil {
		bias = []int64{0}
	}
	w.constU("reuse_factor", rf)
	fmt.Fprintf(&w.sb, "  static const unsigned strategy = %s;\n", strat)
	res, inT := tensorType(i), tensorType(n.Inputs[0])
	wn := w.addArray("w", "weights", ex.Weight, wt)
	bn := w.addArray("b", "biases", bias, bt)
	switch ex.Kind {
	case ops.HLSDense:
		w.constU("n_in", ex.NIn)
		w.constU("n_out", ex.NOut)
		w.constU("n_pos", ex.NPos)
		w.finishConfig()
		w.l.call = func(in []string, out string) string {
			return fmt.Sprintf("nnhls::dense<%s, %s, %s>(%s, %s, %s, %s);", inT, res, w.cfg, in[0], out, wn, bn)
		}
	default:
		w.constU("n_in_pix", ir.NumElements(w.b.InShapes[0])/ex.Channels)
		w.constU("n_chan", ex.Channels)
		w.constU("n_out", ex.NOut)
		w.constU("n_pos", ex.NPos)
		w.constU("n_taps", ex.NTaps)
		fn := "conv"
		if ex.Kind == ops.HLSDepthwise {
			w.constU("mult", ex.Mult)
			fn = "depthwise_conv"
		}
		readyV, ring := lineBuffer(ex.Taps, ex.NPos, ex.NTaps)
		w.constU("n_ring", ring)
		w.finishConfig()
		taps := w.addIndex("taps", "input pixel of each tap at each output position (-1: padding)", ex.Taps)
		ready := w.addIndex("ready", "input pixel after which each output position is computed (line buffer)", readyV)
		w.l.call = func(in []string, out string) string {
			return fmt.Sprintf("nnhls::%s<%s, %s, %s>(%s, %s, %s, %s, %s);", fn, inT, res, w.cfg, in[0], out, wn, bn, taps)
		}
		w.l.streamCall = func(in []string, out string) string {
			return fmt.Sprintf("nnhls::%s_stream<%s, %s, %s>(%s, %s, %s, %s, %s, %s);", fn, inT, res, w.cfg, in[0], out, wn, bn, taps, ready)
		}
	}
	return nil
}

func (w *layerWriter) writeThreshold() error {
	ex, i := w.ex, w.l.Index
	res := w.n.HW.Types[ops.VarResult]
	w.constU("n_pos", ex.NPos)
	w.constU("n_chan", ex.Channels)
	w.inConsts()
	w.constB("ternary", ex.Ternary)
	for _, c := range []struct {
		name string
		raw  int64
	}{{"plus", ex.Plus}, {"minus", ex.Minus}, {"zero", ex.Zero}} {
		if err := w.constD(c.name, c.raw, res); err != nil {
			return err
		}
	}
	w.finishConfig()
	lo := ex.Lo
	if lo == nil {
		lo = make([]int64, len(ex.Hi))
	}
	hi := w.addArray("hi", "upper thresholds per channel (raw input values)", ex.Hi, fixed.Int(63, true))
	lon := w.addArray("lo", "lower thresholds per channel (raw input values)", lo, fixed.Int(63, true))
	w.l.call = func(ins []string, out string) string {
		return fmt.Sprintf("nnhls::threshold<%s, %s, %s>(%s, %s, %s, %s);", tensorType(w.n.Inputs[0]), tensorType(i), w.cfg, ins[0], out, hi, lon)
	}
	return nil
}

func (w *layerWriter) writeActivation() error {
	ex, i := w.ex, w.l.Index
	a := ex.Act
	res := a.Result
	w.constU("n_in", ir.NumElements(w.n.Shape))
	w.constU("kind", int(a.Kind))
	w.inConsts()
	tt := a.Table
	table := ex.ActTable
	if table == nil || !tt.Valid() {
		tt, table = fixed.Int(1, false), []int64{0}
	}
	w.addType("table", tt, true)
	w.constU("table_size", len(table))
	pt := ex.AlphaTyp
	alpha := ex.Alpha
	if alpha == nil || !pt.Valid() {
		pt, alpha = fixed.Int(1, false), []int64{0}
	}
	w.addType("param", pt, true)
	w.constU("n_alpha", len(alpha))
	w.constI("thresh", ex.Thresh)
	w.constI("ix_mul", ex.IxMul)
	w.constI("ix_den", max(ex.IxDen, 1))
	w.constI("ix_sign", ex.IxSign)
	w.constI("ix_offset", ex.IxOffset)
	w.constI("gt_one", ex.GtOne)
	w.constI("gt_minus_one", ex.GtMinusOne)
	w.constB("plain_unsigned1", ex.PlainUnsigned1)
	w.constI("slope", ex.Slope)
	w.constI("shift", ex.Shift)
	w.constU("prod_at", ex.ProdAt)
	w.constU("shift_at", ex.ShiftAt)
	w.constI("gt_sum_one", ex.GtSumOne)
	w.constI("sum_one", ex.SumOne)
	fmt.Fprintf(&w.sb, "  static const int sum_frac = %d;\n", ex.SumFrac)
	for _, c := range []struct {
		name string
		raw  int64
	}{{"limit", ex.Limit}, {"one", ex.One}, {"minus_one", ex.MinusOne}} {
		if err := w.constD(c.name, c.raw, res); err != nil {
			return err
		}
	}
	w.finishConfig()
	tn := w.addArray("table", "activation table", table, tt)
	an := w.addArray("alpha", "activation parameters", alpha, pt)
	w.l.call = func(in []string, out string) string {
		return fmt.Sprintf("nnhls::activation<%s, %s, %s>(%s, %s, %s, %s);", tensorType(w.n.Inputs[0]), tensorType(i), w.cfg, in[0], out, tn, an)
	}
	return nil
}

func (w *layerWriter) writeSoftmax() error {
	ex, i := w.ex, w.l.Index
	s := ex.Softmax
	w.constU("n_outer", s.NOuter)
	w.constU("n_slice", s.NSlice)
	w.constU("n_inner", s.NInner)
	w.constU("impl", int(s.Impl))
	if s.Impl == ops.SoftmaxArgmax {
		// The table arguments are unused; one-entry dummies keep the call
		// uniform.
		ex.ExpTable, ex.InvTable = []int64{0}, []int64{0}
		s.ExpTable, s.InvTable, s.Accum, s.InvInp, s.InpNorm = fixed.Int(1, false), fixed.Int(1, false), fixed.Int(1, false), fixed.Int(1, false), fixed.Int(1, false)
		ex.ExpBits, ex.InvBits, ex.AddrType = 1, 1, fixed.Int(1, false)
	}
	if s.Impl == ops.SoftmaxLegacy {
		// Both tables are in table_t; the other types are unused.
		s.ExpTable, s.InvTable = s.Table, s.Table
		s.Accum, s.InvInp, s.InpNorm = fixed.Int(1, false), fixed.Int(1, false), fixed.Int(1, false)
		ex.ExpBits, ex.InvBits, ex.AddrType = 1, 1, fixed.Int(1, false)
	}
	if !s.InpNorm.Valid() {
		s.InpNorm = s.In
	}
	w.inConsts()
	w.constB("table_signed", s.ExpTable.Signed())
	for k, name := range []string{"lx_mul", "lx_den", "lx_off"} {
		w.constI(name, ex.LegacyIx[k])
	}
	for k, name := range []string{"li_mul", "li_den", "li_off"} {
		w.constI(name, ex.LegacyInvIx[k])
	}
	w.constI("table_one", ex.TableOne)
	w.addType("accum", s.Accum, false)
	w.addType("exp_table", s.ExpTable, false)
	w.addType("inv_table", s.InvTable, false)
	w.addType("inv_inp", s.InvInp, false)
	w.addType("inp_norm", s.InpNorm, false)
	fmt.Fprintf(&w.sb, "  typedef %s exp_raw_t;\n  typedef %s inv_raw_t;\n", rawCType(s.ExpTable), rawCType(s.InvTable))
	w.constU("exp_table_size", len(ex.ExpTable))
	w.constU("inv_table_size", len(ex.InvTable))
	w.constU("exp_width", s.ExpTable.Width())
	w.constU("inv_width", s.InvTable.Width())
	w.constU("exp_bits", ex.ExpBits)
	w.constU("inv_bits", ex.InvBits)
	w.constU("addr_width", ex.AddrType.Width())
	w.constU("inv_inp_width", s.InvInp.Width())
	if err := w.constD("one", ex.ArgmaxOne, w.n.HW.Types[ops.VarResult]); err != nil {
		return err
	}
	w.finishConfig()
	en := w.addArray("exp_table", "softmax exp table", ex.ExpTable, s.ExpTable)
	in := w.addArray("inv_table", "softmax inverse table", ex.InvTable, s.InvTable)
	w.l.call = func(ins []string, out string) string {
		return fmt.Sprintf("nnhls::softmax<%s, %s, %s>(%s, %s, %s, %s);", tensorType(w.n.Inputs[0]), tensorType(i), w.cfg, ins[0], out, en, in)
	}
	return nil
}

// writeGather writes the data-movement ops: a plain copy when the map is
// the identity of one input, else per-input index tables and a zero list.
func (w *layerWriter) writeGather() error {
	ex, i := w.ex, w.l.Index
	nOut := len(ex.Idx)
	identity := len(w.n.Inputs) == 1
	for k, j := range ex.Idx {
		if ex.Src[k] != 0 || int(j) != k {
			identity = false
			break
		}
	}
	res := tensorType(i)
	if identity {
		w.l.call = func(in []string, out string) string {
			return fmt.Sprintf("nnhls::copy<%s, %s, %d>(%s, %s);", tensorType(w.n.Inputs[0]), res, nOut, in[0], out)
		}
		return nil
	}
	type part struct {
		outName, inName string
		k               int
		nIn             int
	}
	var parts []part
	var zeros []int32
	outs := make([][]int32, len(w.n.Inputs))
	ins := make([][]int32, len(w.n.Inputs))
	for k, j := range ex.Idx {
		s := ex.Src[k]
		if s < 0 {
			zeros = append(zeros, int32(k))
			continue
		}
		outs[s] = append(outs[s], int32(k))
		ins[s] = append(ins[s], j)
	}
	for s := range w.n.Inputs {
		if len(outs[s]) == 0 {
			continue
		}
		p := part{k: s, nIn: len(outs[s])}
		p.outName = w.addIndex(fmt.Sprintf("gather_out%d_", s), fmt.Sprintf("output element of each value of input %d", s), outs[s])
		p.inName = w.addIndex(fmt.Sprintf("gather_in%d_", s), fmt.Sprintf("element of input %d each value comes from", s), ins[s])
		parts = append(parts, p)
	}
	zn := ""
	if len(zeros) > 0 {
		zn = w.addIndex("zeros", "output elements that are zero (padding)", zeros)
	}
	w.l.call = func(in []string, out string) string {
		var sb strings.Builder
		if zn != "" {
			fmt.Fprintf(&sb, "nnhls::zero<%s, %d, %d>(%s, %s);", res, nOut, len(zeros), out, zn)
		}
		for _, p := range parts {
			if sb.Len() > 0 {
				sb.WriteString("\n  ")
			}
			src := w.n.Inputs[p.k]
			fmt.Fprintf(&sb, "nnhls::gather<%s, %s, %d, %d, %d>(%s, %s, %s, %s);", tensorType(src), res,
				ir.NumElements(w.b.InShapes[p.k]), nOut, p.nIn, in[p.k], out, p.outName, p.inName)
		}
		return sb.String()
	}
	return nil
}
