// This file implements the elementwise activations of OpActivation on raw
// fixed-point values, as hls4ml's nnet_activation.h computes them
// (docs/hls4ml-activations.md §1–§3): the comparison activations (relu
// family, leaky/thresholded/parametric relu, linear, binary and ternary
// tanh), hard sigmoid and tanh, and the table activations (sigmoid, tanh,
// softplus, softsign, elu, selu) whose tables table.go builds.

package ops

import (
	"fmt"
	"math"
	"strings"

	"github.com/nnhls/nnhls/fixed"
	"github.com/nnhls/nnhls/ir"
)

// Names of the parameter types of hard_sigmoid and hard_tanh (hls4ml's
// slope_t and shift_t).
const (
	VarSlope = "slope"
	VarShift = "shift"
)

// hls4ml's defaults for hard activations (layers.py HardActivation): Keras
// 2's slope 0.2 in ufixed<16,0> and shift 0.5 in ufixed<2,0>.
var (
	defaultSlopeType = fixed.MustNew(16, 0, false, fixed.Trn, fixed.Wrap, 0)
	defaultShiftType = fixed.MustNew(2, 0, false, fixed.Trn, fixed.Wrap, 0)
)

const (
	defaultSlope     = 0.2
	defaultShift     = 0.5
	defaultTableSize = 1024
)

// ActKind is an elementwise activation function.
type ActKind uint8

// The activations, in hls4ml's C++ naming.
const (
	ActLinear ActKind = iota
	ActRelu
	ActRelu6
	ActRelu1
	ActLeakyRelu
	ActThresholdedRelu
	ActPRelu
	ActElu
	ActSelu
	ActSigmoid
	ActTanh
	ActSoftplus
	ActSoftsign
	ActHardSigmoid
	ActHardTanh
	ActBinaryTanh
	ActTernaryTanh
	numActKinds
)

var actNames = [numActKinds]string{
	"linear", "relu", "relu6", "relu1", "leaky_relu", "thresholded_relu", "prelu", "elu", "selu",
	"sigmoid", "tanh", "softplus", "softsign", "hard_sigmoid", "hard_tanh", "binary_tanh", "ternary_tanh",
}

// String returns the activation's name.
func (k ActKind) String() string {
	if k < numActKinds {
		return actNames[k]
	}
	return fmt.Sprintf("ActKind(%d)", uint8(k))
}

// ParseActKind reads an activation name as Keras, QKeras or hls4ml spell it
// ("leaky_relu", "LeakyReLU", "hard_sigmoid", ...).
func ParseActKind(s string) (ActKind, error) {
	n := strings.ToLower(strings.ReplaceAll(s, "_", ""))
	for k, name := range actNames {
		if n == strings.ReplaceAll(name, "_", "") {
			return ActKind(k), nil
		}
	}
	return 0, fmt.Errorf("unknown activation %q", s)
}

// ActSpec is everything an activation kernel needs, with every type
// resolved. Fields an activation does not use stay zero.
type ActSpec struct {
	Kind   ActKind
	In     fixed.Type
	Result fixed.Type
	// Table and TableSize describe the table of sigmoid, tanh, softplus,
	// softsign, elu and selu.
	Table     fixed.Type
	TableSize int
	// Param and ParamType are leaky_relu's alpha, thresholded_relu's theta
	// and elu's alpha, converted into ParamType as the C++ constant is.
	// PerElement holds prelu's alphas (one per element, cycled).
	Param      float64
	ParamType  fixed.Type
	PerElement []float64
	// Slope and Shift (with their types) are hard_sigmoid's and
	// hard_tanh's line.
	Slope, Shift         float64
	SlopeType, ShiftType fixed.Type
}

// actKernel runs one elementwise activation.
type actKernel struct {
	kind   ActKind
	out    fixed.Cast64 // input type → result
	prod   fixed.Cast64 // param × input product → result (leaky, prelu, elu, selu, hard)
	table  []int64
	tab    fixed.Cast64 // table type → result
	n      int
	ix     truncIndexer
	alpha  []int64 // leaky_relu/elu: one value; prelu: per element
	thresh int64   // relu6/relu1/thresholded_relu: x > limit ⇔ raw > thresh
	limit  int64   // relu6/relu1: the result raw of the integer limit
	one    int64   // binary/ternary: the result's raw 1 and -1 (or 0)
	minus  int64
	in2    fixed.Cast64 // ternary: 2x back into the input type
	// ternary: d > 1 ⇔ raw > gtOne, d > −1 ⇔ raw > gtMinusOne.
	gtOne, gtMinusOne int64
	// hard sigmoid/tanh: s = slope·x + shift in the exact sum type, whose
	// grid the product and the shift are moved onto.
	slope, shift    int64
	prodAt, shiftAt uint
	gtSumOne        int64 // s > 1 ⇔ raw > gtSumOne
	sumOne          int64 // 1 assigned into the sum type
	sumFrac         int
	plainUnsigned1  bool    // binary_tanh into ap_uint<1>
	sameType        bool    // input and result types are equal: the cast is the identity
	outFast         trnWrap // the result cast inlined, when the result is TRN/WRAP
}

// NewActivation builds the kernel for s.
func NewActivation(s ActSpec) (Kernel, error) {
	if !s.In.Valid() || !s.Result.Valid() {
		return nil, fmt.Errorf("%v: input and result types must be set", s.Kind)
	}
	if s.In.Width() > 62 || s.Result.Width() > 62 {
		return nil, fmt.Errorf("%v: types wider than 62 bits (%v, %v) are not supported by the int64 path",
			s.Kind, s.In, s.Result)
	}
	k := &actKernel{kind: s.Kind, sameType: s.In == s.Result, outFast: newTrnWrap(s.In.FracBits(), s.Result)}
	var err error
	if k.out, err = fixed.NewCast64(s.In.FracBits(), s.Result); err != nil {
		return nil, fmt.Errorf("%v: %w", s.Kind, err)
	}
	switch s.Kind {
	case ActLinear, ActRelu:
	case ActRelu6, ActRelu1:
		m := int64(6)
		if s.Kind == ActRelu1 {
			m = 1
		}
		k.thresh = threshold(m, 0, s.In.FracBits())
		k.limit = rawOf(s.Result, float64(m))
	case ActLeakyRelu, ActPRelu:
		err = k.initProduct(s)
	case ActThresholdedRelu:
		if !s.ParamType.Valid() {
			return nil, fmt.Errorf("%v: the parameter type is not set", s.Kind)
		}
		k.thresh = threshold(rawOf(s.ParamType, s.Param), s.ParamType.FracBits(), s.In.FracBits())
	case ActElu, ActSelu:
		err = k.initNegTable(s)
	case ActSigmoid, ActTanh, ActSoftplus, ActSoftsign:
		err = k.initCentredTable(s)
	case ActHardSigmoid, ActHardTanh:
		err = k.initHard(s)
	case ActBinaryTanh:
		k.plainUnsigned1 = !s.Result.Signed() && s.Result.IsInt() && s.Result.Width() == 1
		k.one = rawOf(s.Result, 1)
		k.minus = rawOf(s.Result, -1)
	case ActTernaryTanh:
		if k.in2, err = fixed.NewCast64(s.In.FracBits(), s.In); err != nil {
			return nil, err
		}
		k.gtOne = threshold(1, 0, s.In.FracBits())
		k.gtMinusOne = threshold(-1, 0, s.In.FracBits())
		k.one = rawOf(s.Result, 1)
		k.minus = rawOf(s.Result, -1)
	default:
		return nil, fmt.Errorf("unknown activation %v", s.Kind)
	}
	if err != nil {
		return nil, fmt.Errorf("%v: %w", s.Kind, err)
	}
	return k, nil
}

// rawOf converts the C++ constant v into t, as `t c = v;` does.
func rawOf(t fixed.Type, v float64) int64 {
	c, _ := fixed.NewFloatCast64(t)
	r, _ := c.Apply(v)
	return r
}

// threshold returns T such that, for x = raw·2^-frac and c = craw·2^-cfrac,
// x > c exactly when raw > T.
func threshold(craw int64, cfrac, frac int) int64 {
	s := frac - cfrac
	switch {
	case s >= 0 && s < 63:
		if v := craw << s; v>>s == craw {
			return v
		}
	case s < 0 && s > -63:
		return craw >> -s // floor
	case s < 0:
		return craw >> 63
	}
	if craw < 0 {
		return math.MinInt64
	}
	return math.MaxInt64
}

// initProduct prepares α·x for leaky_relu (one α) and prelu (one per
// element).
func (k *actKernel) initProduct(s ActSpec) error {
	if !s.ParamType.Valid() {
		return fmt.Errorf("the parameter type is not set")
	}
	if s.ParamType.Width()+s.In.Width() > 63 {
		return fmt.Errorf("product %v × %v is wider than 63 bits", s.ParamType, s.In)
	}
	vals := []float64{s.Param}
	if s.Kind == ActPRelu {
		if len(s.PerElement) == 0 {
			return fmt.Errorf("no alpha values")
		}
		vals = s.PerElement
	}
	k.alpha = make([]int64, len(vals))
	for i, v := range vals {
		k.alpha[i] = rawOf(s.ParamType, v)
	}
	var err error
	k.prod, err = fixed.NewCast64(s.ParamType.FracBits()+s.In.FracBits(), s.Result)
	return err
}

// tableSize returns the spec's table size or hls4ml's default.
func (s *ActSpec) tableSize() int {
	if s.TableSize == 0 {
		return defaultTableSize
	}
	return s.TableSize
}

// initCentredTable prepares sigmoid, tanh, softplus and softsign.
func (k *actKernel) initCentredTable(s ActSpec) error {
	f, span := map[ActKind]TableFunc{
		ActSigmoid: TableSigmoid, ActTanh: TableTanh, ActSoftplus: TableSoftplus, ActSoftsign: TableSoftsign,
	}[s.Kind], int64(16)
	if s.Kind == ActTanh {
		span = 8
	}
	n := s.tableSize()
	tab, err := FuncTable(f, n, s.Table)
	if err != nil {
		return err
	}
	k.table, k.n = tab.Raw, n
	// index = int(x·N/span) + (span/2)·N/span, the offset in unsigned
	// arithmetic (floor(N/2)).
	k.ix = newTruncIndexer(int64(n), span, span/2*int64(n)/span, s.In.FracBits(), s.In.Width())
	k.tab, err = fixed.NewCast64(s.Table.FracBits(), s.Result)
	return err
}

// initNegTable prepares elu and selu: the table over [−8, 0] and the
// positive side (x for elu, λ·x for selu).
func (k *actKernel) initNegTable(s ActSpec) error {
	n := s.tableSize()
	f := TableElu
	if s.Kind == ActSelu {
		f = TableSelu
	}
	tab, err := FuncTable(f, n, s.Table)
	if err != nil {
		return err
	}
	k.table, k.n = tab.Raw, n
	k.ix = newTruncIndexer(int64(n), -8, 0, s.In.FracBits(), s.In.Width())
	if k.tab, err = fixed.NewCast64(s.Table.FracBits(), s.Result); err != nil {
		return err
	}
	if s.Kind == ActSelu {
		// Positive side: λ = ap_ufixed<16,1>(1.0507009873554805) times x.
		lt := fixed.MustNew(16, 1, false, fixed.Trn, fixed.Wrap, 0)
		if lt.Width()+s.In.Width() > 63 {
			return fmt.Errorf("product %v × %v is wider than 63 bits", lt, s.In)
		}
		k.alpha = []int64{rawOf(lt, 1.0507009873554805)}
		k.prod, err = fixed.NewCast64(lt.FracBits()+s.In.FracBits(), s.Result)
		return err
	}
	// Negative side of elu: α·table[i]. Activation('elu') has α = 1 as
	// ap_uint<1>; an ELU layer's α comes in its parameter type.
	pt := s.ParamType
	alpha := s.Param
	if !pt.Valid() {
		if alpha != 1 && alpha != 0 {
			return fmt.Errorf("alpha %g needs a parameter type", alpha)
		}
		pt, alpha = fixed.Int(1, false), 1
	}
	if pt.Width()+s.Table.Width() > 63 {
		return fmt.Errorf("product %v × %v is wider than 63 bits", pt, s.Table)
	}
	k.alpha = []int64{rawOf(pt, alpha)}
	k.prod, err = fixed.NewCast64(pt.FracBits()+s.Table.FracBits(), s.Result)
	return err
}

// initHard prepares hard_sigmoid and hard_tanh: s = slope·x + shift in the
// exact type of the sum.
func (k *actKernel) initHard(s ActSpec) error {
	st, ht := s.SlopeType, s.ShiftType
	slope, shift := s.Slope, s.Shift
	if !st.Valid() {
		st, slope = defaultSlopeType, defaultSlope
	}
	if !ht.Valid() {
		ht, shift = defaultShiftType, defaultShift
	}
	pt := fixed.MulType(st, s.In)
	sum := fixed.AddType(pt, ht)
	if !sum.Valid() || sum.Width() > 62 {
		return fmt.Errorf("slope·x + shift type %v is too wide for the int64 path", sum)
	}
	k.sumFrac = sum.FracBits()
	if k.sumFrac < 0 {
		return fmt.Errorf("slope·x + shift type %v has no fractional bits to hold 2s−1", sum)
	}
	// The sum's fraction is the larger of the two, so both shifts are >= 0.
	k.slope, k.prodAt = rawOf(st, slope), uint(k.sumFrac-pt.FracBits())
	k.shift, k.shiftAt = rawOf(ht, shift), uint(k.sumFrac-ht.FracBits())
	k.gtSumOne = threshold(1, 0, k.sumFrac)
	k.sumOne = rawOf(sum, 1)
	// hard_sigmoid casts s, hard_tanh the exact 2s − 1, both on s's grid.
	var err error
	k.out, err = fixed.NewCast64(k.sumFrac, s.Result)
	return err
}

// Scratch implements Kernel.
func (k *actKernel) Scratch() int { return 0 }

// Run implements Kernel.
func (k *actKernel) Run(in [][]int64, out []int64, _ []int64, t *Tally) {
	if t == nil && k.kind == ActRelu && k.sameType {
		// Fast path for predict (no counts): the cast is the identity.
		for i, v := range in[0][:len(out)] {
			out[i] = max(v, 0)
		}
		return
	}
	if t == nil && k.kind == ActRelu && k.outFast.ok {
		// Fast path for predict: an inlined AP_TRN/AP_WRAP cast.
		for i, v := range in[0][:len(out)] {
			out[i] = k.outFast.apply(max(v, 0))
		}
		return
	}
	var discard Tally // t is nil when the caller wants no counts
	if t == nil {
		t = &discard
	}
	x := in[0]
	res := &t[SlotResult]
	for i := range out {
		v, fl := k.element(x[i], i)
		res.Add(fl)
		out[i] = v
	}
}

// element computes one output and the flags of its result cast.
func (k *actKernel) element(x int64, i int) (int64, fixed.Flags) {
	switch k.kind {
	case ActLinear:
		return k.out.Apply(x)
	case ActRelu:
		if x > 0 {
			return k.out.Apply(x)
		}
		return 0, 0
	case ActRelu6, ActRelu1:
		switch {
		case x < 0:
			return 0, 0
		case x > k.thresh:
			return k.limit, 0
		}
		return k.out.Apply(x)
	case ActLeakyRelu, ActPRelu:
		if x > 0 {
			return k.out.Apply(x)
		}
		return k.prod.Apply(k.alpha[i%len(k.alpha)] * x)
	case ActThresholdedRelu:
		if x > k.thresh {
			return k.out.Apply(x)
		}
		return 0, 0
	case ActElu:
		if x >= 0 {
			return k.out.Apply(x)
		}
		return k.prod.Apply(k.alpha[0] * k.table[k.negIndex(x)])
	case ActSelu:
		if x >= 0 {
			return k.prod.Apply(k.alpha[0] * x)
		}
		return k.tab.Apply(k.table[k.negIndex(x)])
	case ActSigmoid, ActTanh, ActSoftplus, ActSoftsign:
		return k.tab.Apply(k.table[clampIndex(k.ix.index(x), k.n)])
	case ActHardSigmoid, ActHardTanh:
		s := (k.slope*x)<<k.prodAt + k.shift<<k.shiftAt
		if s > k.gtSumOne {
			s = k.sumOne
		} else if s < 0 {
			s = 0
		}
		if k.kind == ActHardSigmoid {
			return k.out.Apply(s)
		}
		return k.out.Apply(2*s - int64(1)<<k.sumFrac)
	case ActBinaryTanh:
		if x >= 0 {
			return k.one, 0
		}
		if k.plainUnsigned1 {
			return 0, 0
		}
		return k.minus, 0
	case ActTernaryTanh:
		d, _ := k.in2.Apply(2 * x)
		switch {
		case d > k.gtOne:
			return k.one, 0
		case d > k.gtMinusOne:
			return 0, 0
		}
		return k.minus, 0
	}
	return 0, 0
}

// negIndex is the elu/selu index of a negative x: int(x·N/−8), with the
// C++'s clamps (elu compares the int with an unsigned bound, so a wrapped
// negative index also reads the last entry; selu clamps it to 0).
func (k *actKernel) negIndex(x int64) int {
	i := k.ix.index(x)
	if i < 0 && k.kind == ActElu {
		return k.n - 1
	}
	return clampIndex(i, k.n)
}

// activationDef is OpActivation's row of the op table.
func activationDef() *Def {
	return &Def{
		Op: ir.OpActivation,
		Class: func(n *ir.Node) string {
			switch k, _ := ParseActKind(n.Attrs.Activation); k {
			case ActLeakyRelu, ActThresholdedRelu:
				return "ParametrizedActivation"
			case ActElu:
				if n.Class == "ELU" { // the layer, not Activation('elu')
					return "ParametrizedActivation"
				}
			case ActPRelu:
				return "PReLU"
			case ActHardSigmoid, ActHardTanh:
				return "HardActivation"
			}
			return "Activation"
		},
		Vars: func(n *ir.Node) []string {
			switch k, _ := ParseActKind(n.Attrs.Activation); k {
			case ActSigmoid, ActTanh, ActSoftplus, ActSoftsign, ActElu, ActSelu:
				return []string{VarTable}
			case ActLeakyRelu, ActThresholdedRelu, ActPRelu:
				return []string{VarParam}
			}
			return nil
		},
		Default: activationDefault,
		Kernel:  buildActivation,
		Float:   activationFloat,
	}
}

// activationDefault gives hls4ml's own table type, table_t fixed<18,8>,
// which a Model-wide precision does not replace.
func activationDefault(_ *ir.Node, v string) (fixed.Type, bool) {
	if v == VarTable {
		return fixed.MustNew(18, 8, true, fixed.Trn, fixed.Wrap, 0), true
	}
	return fixed.Type{}, false
}

// buildActivation builds the fixed-point kernel of a typed activation node.
func buildActivation(b *Build) (Kernel, error) {
	n := b.Node
	kind, err := ParseActKind(n.Attrs.Activation)
	if err != nil {
		return nil, fmt.Errorf("layer %q: %w", n.Name, err)
	}
	if len(b.InTypes) != 1 {
		return nil, fmt.Errorf("layer %q: an activation takes one input", n.Name)
	}
	s := ActSpec{
		Kind: kind, In: b.InTypes[0], Result: b.Result(),
		Table: b.Types[VarTable], TableSize: n.HW.TableSize,
		ParamType: b.Types[VarParam], Param: n.Attrs.Alpha,
		SlopeType: b.Types[VarSlope], ShiftType: b.Types[VarShift],
		Slope: defaultSlope, Shift: defaultShift,
	}
	switch kind {
	case ActThresholdedRelu:
		s.Param = n.Attrs.Theta
	case ActElu:
		if n.Attrs.Alpha == 0 {
			s.Param = 1
		}
	case ActPRelu:
		a := n.Weight("alpha")
		if a == nil {
			return nil, fmt.Errorf("layer %q: prelu has no alpha weights", n.Name)
		}
		s.PerElement = a.Data
	}
	k, err := NewActivation(s)
	if err != nil {
		return nil, fmt.Errorf("layer %q: %w", n.Name, err)
	}
	return k, nil
}

// activationFloat builds the float64 kernel: the functions as the training
// framework defines them (Keras 2 hard_sigmoid: clip(0.2x + 0.5, 0, 1)).
func activationFloat(n *ir.Node, _ [][]int) (FloatKernel, error) {
	kind, err := ParseActKind(n.Attrs.Activation)
	if err != nil {
		return nil, fmt.Errorf("layer %q: %w", n.Name, err)
	}
	k := &actFloatKernel{kind: kind, alpha: n.Attrs.Alpha, theta: n.Attrs.Theta}
	if kind == ActElu && k.alpha == 0 {
		k.alpha = 1
	}
	if kind == ActPRelu {
		a := n.Weight("alpha")
		if a == nil {
			return nil, fmt.Errorf("layer %q: prelu has no alpha weights", n.Name)
		}
		k.alphas = a.Data
	}
	return k, nil
}

type actFloatKernel struct {
	kind         ActKind
	alpha, theta float64
	alphas       []float64
}

// Run implements FloatKernel.
func (k *actFloatKernel) Run(in [][]float64, out []float64) {
	for i, x := range in[0] {
		out[i] = k.f(x, i)
	}
}

func (k *actFloatKernel) f(x float64, i int) float64 {
	hard := func(x float64) float64 { return min(max(0.2*x+0.5, 0), 1) }
	switch k.kind {
	case ActRelu:
		return max(x, 0)
	case ActRelu6:
		return min(max(x, 0), 6)
	case ActRelu1:
		return min(max(x, 0), 1)
	case ActLeakyRelu:
		if x < 0 {
			return k.alpha * x
		}
	case ActPRelu:
		if x < 0 {
			return k.alphas[i%len(k.alphas)] * x
		}
	case ActThresholdedRelu:
		if x <= k.theta {
			return 0
		}
	case ActElu:
		if x < 0 {
			return k.alpha * (math.Exp(x) - 1)
		}
	case ActSelu:
		if x < 0 {
			return seluLambda * seluAlpha * (math.Exp(x) - 1)
		}
		return seluLambda * x
	case ActSigmoid:
		return 1 / (1 + math.Exp(-x))
	case ActTanh:
		return math.Tanh(x)
	case ActSoftplus:
		return math.Log1p(math.Exp(x))
	case ActSoftsign:
		return x / (math.Abs(x) + 1)
	case ActHardSigmoid:
		return hard(x)
	case ActHardTanh:
		return 2*hard(x) - 1
	case ActBinaryTanh:
		if x >= 0 {
			return 1
		}
		return -1
	case ActTernaryTanh:
		switch {
		case 2*x > 1:
			return 1
		case 2*x > -1:
			return 0
		}
		return -1
	}
	return x
}
