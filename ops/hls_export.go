// This file implements the export of a node's prepared kernel data to the
// HLS project writer: raw weights in their C++ types, lookup tables, window
// and gather index maps, and the raw constants of comparisons. The writer
// prints these numbers into the project, so that the C++ and the Go
// kernels work from identical values by construction.

package ops

import (
	"fmt"
	"math"

	"github.com/nnhls/nnhls/fixed"
	"github.com/nnhls/nnhls/ir"
	"github.com/nnhls/nnhls/quant"
)

// HLSKind is the C++ kernel family a node is written as.
type HLSKind uint8

// The C++ kernel families.
const (
	HLSNone HLSKind = iota
	HLSDense
	HLSConv
	HLSDepthwise
	HLSPool
	HLSScaleShift
	HLSThreshold
	HLSActivation
	HLSSoftmax
	HLSGather
	HLSMerge
	HLSDot
	HLSQuantizer
)

// HLSLayer is what the project writer needs of one typed node. Fields a
// family does not use stay zero.
type HLSLayer struct {
	Kind HLSKind

	// Dense, Conv, Depthwise: NIn inputs (per position for Dense, input
	// channels for Conv) and NOut outputs per position, NPos positions.
	NIn, NOut, NPos int
	// Weight holds raw values of WeightType in Keras order ([in][out] for
	// Dense, [tap][channel][out] for Conv, [tap][channel][mult] for
	// Depthwise); WeightType is the type the kernel multiplies with (an
	// ap_int<2> of ±1 for binary weights). Bias holds raw bias_t values,
	// nil without a bias.
	Weight     []int64
	WeightType fixed.Type
	Bias       []int64
	Mult       int // depthwise multiplier

	// Conv, Depthwise, Pool: Taps[p*NTaps+t] is the input pixel of tap t
	// at output position p, or -1 where the window overhangs the input.
	// Counts[p] is the number of taps inside the input at p.
	Taps     []int32
	Counts   []int32
	NTaps    int
	Channels int
	Avg      bool // Pool: average (else max)
	CountPad bool // Pool: average divides by NTaps

	// ScaleShift: raw scale_t values per channel (Bias holds bias_t).
	Scale []int64

	// Threshold: raw input-type thresholds per channel; Plus, Minus and
	// Zero are the result's raw +1, -1 and 0.
	Ternary           bool
	Hi, Lo            []int64
	Plus, Minus, Zero int64

	// Activation.
	Act ActSpec
	// ActTable holds the raw table_t entries of table activations.
	ActTable []int64
	// Index = int32(uint32(trunc(raw·IxMul / IxDen)·IxSign) + IxOffset):
	// the truncating index of table activations, IxDen = |div|·2^F.
	IxMul, IxDen, IxOffset int64
	IxSign                 int64
	// Alpha holds param_t raws (leaky_relu one value, prelu one per
	// element) or the elu/selu factor.
	Alpha    []int64
	AlphaTyp fixed.Type
	// Thresh and Limit: relu6/relu1 and thresholded_relu compare raw > Thresh;
	// Limit is the result raw of the upper limit.
	Thresh, Limit int64
	// One and MinusOne are binary/ternary tanh's result raws; PlainUnsigned1
	// makes binary_tanh write 0 for negative inputs.
	One, MinusOne  int64
	PlainUnsigned1 bool
	// GtOne, GtMinusOne: ternary_tanh compares 2x (in the input type).
	GtOne, GtMinusOne int64
	// Hard sigmoid/tanh: s = (Slope·x) << ProdAt + Shift << ShiftAt, raw
	// with SumFrac fractional bits, clipped to [0, SumOne] when
	// s > GtSumOne.
	Slope, Shift     int64
	ProdAt, ShiftAt  int
	GtSumOne, SumOne int64
	SumFrac          int

	// Softmax: the resolved configuration and its tables.
	Softmax   SoftmaxSpec
	ExpTable  []int64
	InvTable  []int64
	ExpBits   int
	InvBits   int
	AddrType  fixed.Type // the exp table's address type
	ArgmaxOne int64      // argmax: the result's raw 1
	// Legacy: the exp and inverse table indices as {mul, den, offset}
	// (index = int32(trunc(raw·mul/den)) + offset, clamped), and table_t's 1.
	LegacyIx, LegacyInvIx [3]int64
	TableOne              int64

	// Gather: for every output element, the input (Src, -1 for a zero)
	// and its element index.
	Src []int8
	Idx []int32

	// Merge: how inputs are combined.
	Merge ir.MergeKind

	// Quant: a quantizer's exact hardware form.
	Quant *HLSQuant
}

// HLSQuant is the hardware form of a quantizer (quant.HWType) as raw
// integer arithmetic, the way quantHW computes it: the rule gives a raw
// value at VF fractional bits, the per-channel scale takes it to SF, and
// one cast takes it into result_t.
type HLSQuant struct {
	Kind    quant.HWKind
	InF     int
	VF, SF  int
	Type    fixed.Type // HWCast's target
	CastF   int        // fractional bits of the cast's input (raw << AffUp + AffOff)
	AffUp   int
	AffOff  int64
	UpT     int
	Neg     bool
	NegType fixed.Type
	NegF    int // fractional bits the raw input has as NegSlope·x
	UpN     int
	HasMax  bool
	MaxRaw  int64
	OutOff  int64
	// HWConst, HWBinary, HWTernary values at VF.
	Konst, Low, High, Zero int64
	ZeroHigh               bool
	ThrOn                  bool
	Thr                    int64
	// HWPo2: breakpoints (raw inputs) and the values from each on.
	Brk, Vals []int64
	// HWPerElement: each element's type index; the types (invalid: the
	// element is 0) and their shifts to VF.
	ElemIdx []int32
	Elem    []fixed.Type
	ElemUp  []int
	// Per-channel scale: v·Mul[c] << Sh[c]; nil means none.
	Mul []int64
	Sh  []int
}

// ExportHLS builds the kernel of the typed node b describes and returns
// what the project writer needs of it. It fails when the kernel cannot be
// built (as the emulator would) or the node's arithmetic has no C++ form
// in nnhls's layer library yet.
func ExportHLS(b *Build) (*HLSLayer, error) {
	n := b.Node
	def, err := Lookup(n.Op)
	if err != nil {
		return nil, err
	}
	k, err := def.Kernel(b)
	if err != nil {
		return nil, err
	}
	switch k := k.(type) {
	case *denseKernel:
		bias, err := rawBias(n, b.Types)
		if err != nil {
			return nil, err
		}
		return &HLSLayer{Kind: HLSDense, NIn: k.nIn, NOut: k.nOut, NPos: k.nPos, Weight: k.w, Bias: bias,
			WeightType: weightType(n, b.Types[VarWeight])}, nil
	case *convKernel:
		bias, err := rawBias(n, b.Types)
		if err != nil {
			return nil, err
		}
		l := &HLSLayer{Kind: HLSConv, NIn: k.g.c, NOut: k.g.nOut, NPos: k.g.plan.nPos, Weight: k.w, Bias: bias,
			WeightType: weightType(n, b.Types[VarWeight]), Channels: k.g.c, Mult: k.g.mult}
		if k.g.depthwise {
			l.Kind = HLSDepthwise
		}
		l.Taps, l.Counts, l.NTaps = k.g.plan.dense()
		return l, nil
	case *poolKernel:
		l := &HLSLayer{Kind: HLSPool, NPos: k.g.plan.nPos, Channels: k.g.c, Avg: k.g.avg, CountPad: k.g.countPad}
		l.Taps, l.Counts, l.NTaps = k.g.plan.dense()
		return l, nil
	case *scaleShiftKernel:
		scale, bias, err := ScaleBias(n, k.c)
		if err != nil {
			return nil, err
		}
		s, _, err := weightsRaw(scale, b.Types[VarScale], "scale")
		if err != nil {
			return nil, err
		}
		braw, _, err := weightsRaw(bias, b.Types[VarBias], "bias")
		if err != nil {
			return nil, err
		}
		return &HLSLayer{Kind: HLSScaleShift, Channels: k.c, NPos: k.n / k.c, Scale: s, Bias: braw}, nil
	case *thresholdKernel:
		return &HLSLayer{Kind: HLSThreshold, Channels: k.c, NPos: k.n / k.c, Ternary: k.ternary, Hi: k.hi, Lo: k.lo,
			Plus: k.plus, Minus: k.minus, Zero: k.zero}, nil
	case *actKernel:
		return exportActivation(b, k)
	case *softmaxKernel:
		return exportSoftmax(k)
	case *gatherKernel:
		return &HLSLayer{Kind: HLSGather, Src: k.g.src, Idx: k.g.idx}, nil
	case *mergeKernel:
		return &HLSLayer{Kind: HLSMerge, Merge: k.kind}, nil
	case *dotKernel:
		return &HLSLayer{Kind: HLSDot, NIn: k.n, NOut: 1, NPos: 1}, nil
	case *quantHW:
		return &HLSLayer{Kind: HLSQuantizer, Channels: k.c, Quant: exportQuant(k)}, nil
	}
	return nil, fmt.Errorf("op %s has no C++ kernel in nnhls's layer library yet", n.Op)
}

// rawBias returns a node's bias after its quantizer in raw bias_t values
// (nil without a bias). The weights come from the built kernel, which holds
// them raw in Keras order already: converting them again would double the
// cost of the export.
func rawBias(n *ir.Node, types map[string]fixed.Type) ([]int64, error) {
	bd, err := quantizedWeights(n, "bias")
	if err != nil || bd == nil {
		return nil, err
	}
	bias, _, err := weightsRaw(bd, types[VarBias], "bias")
	return bias, err
}

// dense returns the plan as a dense [nPos][nTaps] map of input pixels in
// tap order, -1 for taps outside the input, and the per-position counts.
func (p *windowPlan) dense() (taps, counts []int32, nTaps int) {
	taps = make([]int32, p.nPos*p.nTaps)
	for i := range taps {
		taps[i] = -1
	}
	for pos := range p.nPos {
		for q := p.start[pos]; q < p.start[pos+1]; q++ {
			taps[pos*p.nTaps+int(p.tap[q])] = p.pix[q]
		}
	}
	return taps, append([]int32(nil), p.counts...), p.nTaps
}

// exportActivation copies an activation kernel's constants.
func exportActivation(b *Build, k *actKernel) (*HLSLayer, error) {
	l := &HLSLayer{Kind: HLSActivation, Act: ActSpec{Kind: k.kind, In: b.InTypes[0], Result: b.Result(),
		Table: b.Types[VarTable], ParamType: b.Types[VarParam]},
		ActTable: k.table, Alpha: k.alpha, Thresh: k.thresh, Limit: k.limit,
		One: k.one, MinusOne: k.minus, PlainUnsigned1: k.plainUnsigned1,
		GtOne: k.gtOne, GtMinusOne: k.gtMinusOne,
		Slope: k.slope, Shift: k.shift, ProdAt: int(k.prodAt), ShiftAt: int(k.shiftAt),
		GtSumOne: k.gtSumOne, SumOne: k.sumOne, SumFrac: k.sumFrac}
	if k.table != nil {
		if !k.ix.fast {
			return nil, fmt.Errorf("%v: the table index of input type %v needs the wide path, which the C++ library does not have", k.kind, b.InTypes[0])
		}
		l.IxMul, l.IxDen, l.IxOffset, l.IxSign = k.ix.mul, k.ix.den, k.ix.offset, 1
		if k.ix.div < 0 {
			l.IxSign = -1
		}
	}
	switch k.kind {
	case ActLeakyRelu, ActPRelu:
		l.AlphaTyp = b.Types[VarParam]
	case ActElu:
		// As initNegTable: alpha in its parameter type, or Activation('elu')'s
		// alpha 1 in ap_uint<1>.
		l.AlphaTyp = b.Types[VarParam]
		if !l.AlphaTyp.Valid() {
			l.AlphaTyp = fixed.Int(1, false)
		}
	case ActSelu:
		l.AlphaTyp = fixed.MustNew(16, 1, false, fixed.Trn, fixed.Wrap, 0)
	}
	return l, nil
}

// exportSoftmax copies a softmax kernel's resolved configuration and tables.
func exportSoftmax(k *softmaxKernel) (*HLSLayer, error) {
	l := &HLSLayer{Kind: HLSSoftmax, Softmax: k.s, ExpBits: k.expBits, InvBits: k.invBits, ArgmaxOne: k.one}
	switch k.s.Impl {
	case SoftmaxStable:
		l.AddrType = k.s.InpNorm
	case SoftmaxLatency:
		l.AddrType = k.s.In
	case SoftmaxLegacy:
		if !k.legacyIx.fast || !k.legacyInvIx.fast {
			return nil, fmt.Errorf("legacy softmax: the table index of %v or %v needs the wide path, which the C++ library does not have", k.s.In, k.s.Table)
		}
		l.LegacyIx = [3]int64{k.legacyIx.mul, k.legacyIx.den, k.legacyIx.offset}
		l.LegacyInvIx = [3]int64{k.legacyInvIx.mul, k.legacyInvIx.den, k.legacyInvIx.offset}
		l.TableOne = k.tableOne
	}
	if k.exp != nil {
		l.ExpTable, l.InvTable = k.exp.Raw, k.inv.Raw
	}
	return l, nil
}

// exportQuant copies a quantizer kernel's constants, and recomputes the
// fractional bits its casts read their input at (buildCast).
func exportQuant(k *quantHW) *HLSQuant {
	h := k.h
	q := &HLSQuant{Kind: h.Kind, InF: k.inF, VF: k.vF, SF: k.sF, Type: h.Type, AffUp: int(k.affUp), AffOff: k.affOff,
		UpT: int(k.upT), Neg: k.neg, NegType: h.NegType, UpN: int(k.upN), HasMax: k.hasMax, MaxRaw: k.maxRaw,
		OutOff: k.outOff, Konst: k.konst, Low: k.low, High: k.high, Zero: k.zero, ZeroHigh: h.ZeroHigh,
		ThrOn: k.thrOn, Thr: k.thr, Brk: k.brk, Vals: k.vals, ElemIdx: k.elemIdx, Mul: k.mul}
	if h.Kind == quant.HWCast {
		_, exp := math.Frexp(h.InSlope)
		q.CastF = k.inF - (exp - 1) + int(k.affUp)
		if k.neg {
			_, e := math.Frexp(h.NegSlope)
			q.NegF = k.inF - (e - 1)
		}
	}
	if h.Kind == quant.HWPerElement {
		q.Elem = make([]fixed.Type, len(h.Elem))
		q.ElemUp = make([]int, len(h.Elem))
		for j, t := range h.Elem {
			if k.elemOn[j] {
				q.Elem[j], q.ElemUp[j] = t, int(k.elemUp[j])
			}
		}
	}
	for _, s := range k.sh {
		q.Sh = append(q.Sh, int(s))
	}
	return q
}
