// This file implements the softmax rule of InferTypes: table types and
// the stable softmax's inp_norm_t sized from the input, so that a softmax
// never collapses to a constant (numerics.md §0 and trap T7).

package passes

import (
	"fmt"
	"math"

	"github.com/nnhls/nnhls/fixed"
	"github.com/nnhls/nnhls/ops"
)

// Softmax table types nnhls chooses: exp(−d) ∈ (0, 1] in ufixed<11,1>
// (10 fractional bits, as hls4ml's default exp table has), 1/S in
// ufixed<18,1>, and at most 2^13 entries.
const (
	expFrac      = 10
	invWidth     = 18
	maxTableBits = 13
	minTableBits = 10
)

// softmax sizes the types of a stable or latency softmax that the user did
// not write. hls4ml derives the stable softmax's inp_norm_t = ap_ufixed<W−1,
// I−1> from the input type <W,I>: after an "auto" Dense of fixed<38,18> the
// exp table's 1024 entries then span [0, 2^17), 128 per bin, and every
// logit difference below 128 reads bin 0: the output is a constant 1/N.
//
// nnhls gives inp_norm_t only the integer bits exp(−d) needs to stay above
// half a step of exp_table_t (beyond d = (F+1)·ln 2 every entry is 0:
// 3 bits for F = 10), capped by the largest difference the input can make,
// and saturates it, so a larger difference reads the last entry (exp ≈ 0)
// instead of wrapping to a small one. When the configuration sets no
// TableSize, the table gets one entry per step of the input's grid over
// that range (2^(I+F) entries, between 2^10 and 2^13), so that the table
// adds no error in d: with 1024 entries over [0, 8) close logits of
// KERAS_conv1d_small tie and top-1 agreement drops to 92%. The sum of N
// exp values lies in [1, N] (accum_t holds it exactly), inv_inp_t covers
// [0, N] at the inverse table's address bits, and the inverse table holds
// 1/S ≤ 1.
func (x *nodeCtx) softmax() (span, error) {
	n := x.n
	v, t := x.in(0)
	x.bounded = true
	switch n.HW.Implementation {
	case "argmax":
		return x.result(span{0, 1}, 0, 0, "of argmax"), nil
	case "legacy":
		tf := x.refFrac()
		if tt, ok := n.HW.Types[ops.VarTable]; ok {
			tf = tt.FracBits()
		}
		return x.result(span{0, 1}, tf, tf, "of the inverse table"), nil
	}
	axis := n.Attrs.Axis
	if axis < 0 || axis >= len(n.Shape) {
		axis = len(n.Shape) - 1
	}
	elems := n.Shape[axis]
	stable := n.HW.Implementation != "latency"
	unsignedT := func(w, i int, q fixed.Rounding, o fixed.Overflow) fixed.Type {
		return fixed.MustNew(max(w, 1), i, false, q, o, 0)
	}
	expOpen := x.inferable(ops.VarExpTable)
	if expOpen {
		why := "table: exp(−d) ∈ (0, 1]"
		if !stable {
			why = "table: exp(x) over the input's range"
		}
		et := unsignedT(expFrac+1, 1, fixed.Rnd, fixed.Sat)
		if !stable {
			et = fitSpan(span{0, math.Exp(math.Min(t.Max(), 40))}, expFrac).WithModes(fixed.Rnd, fixed.Sat, 0)
		}
		x.n.HW.SetType(ops.VarExpTable, et, why)
	}
	if x.inferable(ops.VarInvTable) {
		x.n.HW.SetType(ops.VarInvTable, unsignedT(invWidth, 1, fixed.Rnd, fixed.Sat), "table: 1/S ≤ 1 for S ≥ 1")
	}
	expT, invT := x.typ(ops.VarExpTable), x.typ(ops.VarInvTable)
	d := span{0, math.Max(v.hi-v.lo, 0)}
	normT, normWhy, userNorm := x.inpNormUser()
	// nnhls sizes the table address only when the user left the softmax's
	// tables open; a configuration that types them (an hls4ml one) keeps
	// hls4ml's derivation, which check reports when it wraps or collapses.
	sized := stable && !userNorm && expOpen
	normI := 0
	if sized {
		need := 0
		for float64(int(1)<<need) < float64(expT.FracBits()+1)*math.Ln2 {
			need++
		}
		normI = min(need, intBitsFor(d, t.FracBits(), false))
		if _, _, written := x.f.c.Setting(n.Name, x.class, "TableSize"); !written {
			bits := min(max(normI+t.FracBits(), minTableBits), maxTableBits)
			n.HW.TableSize = 1 << bits
			note(n, "table_size", fmt.Sprintf("%d entries: one per input step over max − x ∈ [0, 2^%d)", n.HW.TableSize, normI))
		}
	}
	size := n.HW.TableSize
	if size <= 0 {
		size = 1024
	}
	// ops.SoftmaxSpec.Resolve caps the table size at 2^min(input width,
	// inverse-table width).
	if m := min(t.Width(), invT.Width()); m < 31 && 1<<m < size {
		size = 1 << m
	}
	addrBits := log2Up(size)
	// exp(−d) ≤ 1 rounds to at most 1 on any grid that holds 1, and
	// saturates below it on any other: a stable sum is at most N.
	sum := span{0, float64(elems)}
	if !stable {
		sum.hi *= expT.Max()
	}
	if x.inferable(ops.VarAccum) {
		x.set(ops.VarAccum, fitSpan(sum, expT.FracBits()), "interval of the sum of exp values "+sum.String())
	}
	acc := x.typ(ops.VarAccum)
	x.check(ops.VarAccum, acc, sum)
	if x.inferable(ops.VarInvInp) {
		i := intBitsFor(sum, addrBits, false)
		x.n.HW.SetType(ops.VarInvInp, unsignedT(i+max(addrBits, 10), i, fixed.Trn, fixed.Sat), "interval of the sum of exp values "+sum.String())
	}
	switch {
	case sized:
		normT = fixed.MustNew(max(addrBits, normI+1), normI, false, fixed.Trn, fixed.Sat, 0)
		normWhy = fmt.Sprintf("table address: max − x saturating at 2^%d: exp_table_t has %d fractional bits", normI, expT.FracBits())
		x.n.HW.SetType(ops.VarInpNorm, normT, normWhy)
	case userNorm:
		x.n.HW.SetType(ops.VarInpNorm, normT, normWhy)
		x.checkNorm(normT, d, addrBits)
	case stable:
		x.checkNorm(hls4mlInpNorm(t), d, min(addrBits, t.Width()-1))
	}
	src := acc.FracBits() + invT.FracBits()
	return x.result(span{0, 1}, src, x.f.ref.Width()-1, "of softmax"), nil
}

// inpNormUser returns the inp_norm type the user wrote (only a Precision
// entry for inp_norm itself counts: a default does not size this table
// address), and whether there is one.
func (x *nodeCtx) inpNormUser() (fixed.Type, string, bool) {
	p := x.f.c.Precision(x.n.Name, x.class, ops.VarInpNorm)
	if p.Explicit() && !p.Auto {
		return p.Type, p.Source.String(), true
	}
	return fixed.Type{}, "", false
}

// hls4mlInpNorm is the inp_norm_t hls4ml derives from the input type
// <W,I>: ap_ufixed<W−1, I−1> for a signed input (ap_ufixed<W,I> for an
// unsigned one), AP_TRN and AP_WRAP.
func hls4mlInpNorm(in fixed.Type) fixed.Type {
	sg := 0
	if in.Signed() {
		sg = 1
	}
	t, err := fixed.New(max(in.Width()-sg, 1), in.IntBits()-sg, false, fixed.Trn, fixed.Wrap, 0)
	if err != nil {
		return fixed.Type{}
	}
	return t
}

// checkNorm reports an inp_norm_t that wraps differences d, and a table
// address so coarse that bins of max − x are one unit wide or more: then
// every logit difference below the bin width reads the first entry and
// the softmax is close to a constant (hls4ml's 'name' conversion of float
// models, numerics.md §0).
func (x *nodeCtx) checkNorm(t fixed.Type, d span, addrBits int) {
	if !t.Valid() {
		return
	}
	if t.Overflow() == fixed.Wrap {
		x.check(ops.VarInpNorm, t, d)
	}
	if bin := math.Ldexp(1, t.IntBits()-addrBits); bin >= 1 {
		x.unsafe("softmax inp_norm %s read by %d address bits: bins of max − x are %g wide, the output is nearly constant", t.HLS4ML(), addrBits, bin)
	}
}
