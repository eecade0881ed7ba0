// This file implements the lookup tables of hls4ml's table activations
// (sigmoid, tanh, softplus, softsign, elu, selu, and the softmax exp and
// inverse tables) and the two ways hls4ml indexes them: truncating
// x·N/range toward zero, and slicing the top bits of a raw value. The table
// contents are computed the way the C++ computes them, one IEEE operation at
// a time (docs/hls4ml-activations.md §2–§5).

package ops

import (
	"fmt"
	"math"
	"math/big"
	"math/bits"

	"github.com/nnhls/nnhls/fixed"
)

// Error bounds of the C library functions the tables call, in ULPs of their
// result, with a margin for the error of Go's own float64 functions (under
// one float64 ULP, i.e. 2^-29 float32 ULPs). glibc documents expf below
// 0.502 ULP and log below 0.52 ULP; tanhf is taken as 2 ULP, the bound glibc
// lists for it on x86-64.
const (
	expfULP  = 0.502 + 1e-6
	tanhfULP = 2 + 1e-6
	logULP   = 0.52 + 1e-6
)

// A Table is a lookup table of raw values of one fixed-point type.
type Table struct {
	Type fixed.Type
	Raw  []int64
	// Uncertain lists the entries whose value depends on how the C library
	// rounds its last bit: candidates within the library's error bound
	// convert to different raw values. Raw holds the value of the correctly
	// rounded candidate there.
	Uncertain []int
}

// ceilLog2 is hls4ml's ceillog2: 1 for n <= 2, else 1 + ceillog2((n+1)/2).
// It is the number of address bits of a table of n entries.
func ceilLog2(n int) int {
	if n <= 2 {
		return 1
	}
	return 1 + ceilLog2((n+1)/2)
}

// floorLog2 is hls4ml's floorlog2: 0 for n < 2, else 1 + floorlog2(n/2).
func floorLog2(n int) int {
	if n < 2 {
		return 0
	}
	return 1 + floorLog2(n/2)
}

// checkTableSize refuses sizes for which the C++ reads outside its table:
// below 2, or not a power of two (ceillog2 address bits then reach entries
// past the end).
func checkTableSize(what string, n int) error {
	if n < 2 || n > 1<<24 || n&(n-1) != 0 {
		return fmt.Errorf("%s size %d: must be a power of two between 2 and 2^24", what, n)
	}
	return nil
}

// floatCandidates returns every float32 a C library function with the given
// error bound (in ULPs) may return when the true result is t, nearest first.
func floatCandidates(t float64, ulps float64) []float32 {
	n := float32(t)
	out := []float32{n}
	if math.IsInf(float64(n), 0) || math.IsNaN(t) {
		if math.IsInf(float64(n), 1) && t < math.Inf(1) {
			// Close to overflow, the largest finite float may be returned.
			if m := float32(math.MaxFloat32); float64(m)+ulps*ulp32(m) >= t {
				out = append(out, m)
			}
		}
		return out
	}
	for _, dir := range []float32{float32(math.Inf(-1)), float32(math.Inf(1))} {
		for f := math.Nextafter32(n, dir); ; f = math.Nextafter32(f, dir) {
			if math.IsInf(float64(f), 0) || math.Abs(float64(f)-t) > ulps*ulp32(float32(t)) {
				break
			}
			out = append(out, f)
		}
	}
	return out
}

// ulp32 returns the spacing of float32 values at |f|.
func ulp32(f float32) float64 {
	a := float32(math.Abs(float64(f)))
	if math.IsInf(float64(a), 0) {
		return math.Inf(1)
	}
	return float64(math.Nextafter32(a, float32(math.Inf(1)))) - float64(a)
}

// doubleCandidates is floatCandidates for a function returning double.
func doubleCandidates(t float64, ulps float64) []float64 {
	out := []float64{t}
	if math.IsInf(t, 0) || math.IsNaN(t) {
		return out
	}
	u := math.Nextafter(math.Abs(t), math.Inf(1)) - math.Abs(t)
	for _, dir := range []float64{math.Inf(-1), math.Inf(1)} {
		for f := math.Nextafter(t, dir); math.Abs(f-t) <= ulps*u; f = math.Nextafter(f, dir) {
			out = append(out, f)
		}
	}
	return out
}

// expfCandidates returns what glibc's expf(x) may return. exp(0) = 1 is the
// only exact case (e^x is transcendental for every other float x), and every
// libm returns it exactly.
func expfCandidates(x float32) []float32 {
	if x == 0 {
		return []float32{1}
	}
	return floatCandidates(math.Exp(float64(x)), expfULP)
}

// tanhfCandidates returns what glibc's tanhf(x) may return; tanh(±0) = ±0
// exactly.
func tanhfCandidates(x float32) []float32 {
	if x == 0 {
		return []float32{x}
	}
	return floatCandidates(math.Tanh(float64(x)), tanhfULP)
}

// logCandidates returns what glibc's log(a) may return; log(1) = 0 exactly.
func logCandidates(a float64) []float64 {
	if a == 1 {
		return []float64{0}
	}
	return doubleCandidates(math.Log(a), logULP)
}

// buildTable fills a table of n entries of type t. entry returns, for entry
// i, the candidate values the C++ may assign to it (each exactly
// representable in float64), the most likely first.
func buildTable(n int, t fixed.Type, entry func(i int) []float64) (*Table, error) {
	conv, err := fixed.NewFloatCast64(t)
	if err != nil {
		return nil, fmt.Errorf("table type %v: %w", t, err)
	}
	tab := &Table{Type: t, Raw: make([]int64, n)}
	for i := range n {
		cands := entry(i)
		raw, _ := conv.Apply(cands[0])
		for _, c := range cands[1:] {
			if r, _ := conv.Apply(c); r != raw {
				tab.Uncertain = append(tab.Uncertain, i)
				break
			}
		}
		tab.Raw[i] = raw
	}
	return tab, nil
}

// centredInput is the table input of sigmoid, softplus, softsign (span 16)
// and tanh (span 8): float(span·(i − N/2.0)/N), computed in double.
func centredInput(i, n int, span float64) float32 {
	fn := float64(float32(n))
	return float32(span * (float64(i) - fn/2.0) / fn)
}

// negativeInput is the table input of elu and selu: float(−8.0·i/N).
func negativeInput(i, n int) float32 {
	return float32(-8.0 * float64(i) / float64(float32(n)))
}

// TableFunc names the function a fixed-domain table holds.
type TableFunc uint8

// The fixed-domain table functions.
const (
	TableSigmoid TableFunc = iota
	TableTanh
	TableSoftplus
	TableSoftsign
	TableElu
	TableSelu
)

// selu's constants, as the C++ writes them (double literals).
const (
	seluLambda = 1.0507009873554804934193349852946
	seluAlpha  = 1.6732632423543772848170429916717
)

// FuncTable builds the table of size n and type t that hls4ml's init_*_table
// builds for f.
func FuncTable(f TableFunc, n int, t fixed.Type) (*Table, error) {
	if err := checkTableSize("table", n); err != nil {
		return nil, err
	}
	var entry func(i int) []float64
	switch f {
	case TableSigmoid:
		entry = func(i int) []float64 {
			var out []float64
			for _, e := range expfCandidates(-centredInput(i, n, 16)) {
				d := 1 + e // a float addition
				out = append(out, float64(float32(1.0/float64(d))))
			}
			return out
		}
	case TableTanh:
		entry = func(i int) []float64 {
			return widen(tanhfCandidates(centredInput(i, n, 8)))
		}
	case TableSoftplus:
		entry = func(i int) []float64 {
			var out []float64
			for _, e := range expfCandidates(centredInput(i, n, 16)) {
				for _, l := range logCandidates(float64(e) + 1.0) {
					out = append(out, float64(float32(l)))
				}
			}
			return out
		}
	case TableSoftsign:
		entry = func(i int) []float64 {
			x := float64(centredInput(i, n, 16))
			return []float64{float64(float32(x / (math.Abs(x) + 1.0)))}
		}
	case TableElu:
		entry = func(i int) []float64 {
			var out []float64
			for _, e := range expfCandidates(negativeInput(i, n)) {
				out = append(out, float64(float32(float64(e)-1.0)))
			}
			return out
		}
	case TableSelu:
		entry = func(i int) []float64 {
			var out []float64
			for _, e := range expfCandidates(negativeInput(i, n)) {
				out = append(out, float64(float32(seluLambda*(seluAlpha*(float64(e)-1.0)))))
			}
			return out
		}
	default:
		return nil, fmt.Errorf("unknown table function %d", f)
	}
	return buildTable(n, t, entry)
}

// widen converts float32 candidates to float64.
func widen(fs []float32) []float64 {
	out := make([]float64, len(fs))
	for i, f := range fs {
		out[i] = float64(f)
	}
	return out
}

// sliceIndex returns the top n bits of the w-bit pattern of raw: the index
// hls4ml's softmax_idx_from_real_val takes (the sign bit of a signed type is
// the index's top bit).
func sliceIndex(raw int64, w, n int) int {
	u := uint64(raw)
	if w < 64 {
		u &= 1<<w - 1
	}
	return int(u >> (w - n))
}

// sliceValue returns the value whose top n raw bits are i and whose other
// bits are 0, in type t, as the float hls4ml's softmax_real_val_from_idx
// returns (exact for n <= 24).
func sliceValue(i int, t fixed.Type, n int) float32 {
	w := t.Width()
	raw := int64(i) << (w - n)
	if t.Signed() && w < 64 {
		raw = raw << (64 - w) >> (64 - w)
	}
	return float32(math.Ldexp(float64(raw), -t.FracBits()))
}

// SoftmaxExpTable builds the softmax exp table of the latency (negate false,
// addr = the input type) and stable (negate true, addr = inp_norm_t)
// implementations: entry i is expf(±float(val(i))·scale) in type t.
func SoftmaxExpTable(addr fixed.Type, n int, scale float32, negate bool, t fixed.Type) (*Table, error) {
	bitsN, err := sliceBits("exp table", addr, n)
	if err != nil {
		return nil, err
	}
	return buildTable(n, t, func(i int) []float64 {
		x := sliceValue(i, addr, bitsN) * scale
		if negate {
			x = -x
		}
		return widen(expfCandidates(x))
	})
}

// SoftmaxInvTable builds the softmax inverse table: entry i is the float
// 1/float(val(i)) in type t, addressed by addr (inv_inp_t). Entry 0 is 1/0 =
// +inf, which a saturating t holds as its maximum.
func SoftmaxInvTable(addr fixed.Type, n int, t fixed.Type) (*Table, error) {
	bitsN, err := sliceBits("inverse table", addr, n)
	if err != nil {
		return nil, err
	}
	return buildTable(n, t, func(i int) []float64 {
		return []float64{float64(float32(1) / sliceValue(i, addr, bitsN))}
	})
}

// sliceBits checks a bit-sliced table and returns its address bits.
func sliceBits(what string, addr fixed.Type, n int) (int, error) {
	if err := checkTableSize(what, n); err != nil {
		return 0, err
	}
	b := ceilLog2(n)
	if b > addr.Width() || addr.Width() > 63 {
		return 0, fmt.Errorf("%s of %d entries needs %d address bits, but its address type %v has %d",
			what, n, b, addr, addr.Width())
	}
	return b, nil
}

// LegacyExpTable builds legacy softmax's exp table: entry i is
// expf(float(16.0·(i − N/2.0)/N)) in type t.
func LegacyExpTable(n int, t fixed.Type) (*Table, error) {
	if err := checkTableSize("exp table", n); err != nil {
		return nil, err
	}
	return buildTable(n, t, func(i int) []float64 {
		return widen(expfCandidates(centredInput(i, n, 16)))
	})
}

// LegacyInvTable builds legacy softmax's inverse table: entry i is the double
// 1.0/float(64.0·i/N) converted straight to t, and 0 for i = 0.
func LegacyInvTable(n int, t fixed.Type) (*Table, error) {
	if err := checkTableSize("inverse table", n); err != nil {
		return nil, err
	}
	return buildTable(n, t, func(i int) []float64 {
		in := float32(64.0 * float64(i) / float64(float32(n)))
		if in > 0 {
			return []float64{1.0 / float64(in)}
		}
		return []float64{0}
	})
}

// A truncIndexer computes hls4ml's fixed-domain index
// int(x·mul/div) + offset for x = raw·2^-frac: the ap_fixed product with the
// unsigned table size, the ap_fixed division by an int (truncating toward
// zero), the conversion to a 32-bit int (toward zero, low 32 bits) and the
// addition of the unsigned offset (32-bit wraparound). The result is not yet
// clamped.
type truncIndexer struct {
	mul, div, offset int64
	frac             int
	// fast: raw·mul fits in an int64 and den = |div|·2^frac fits too.
	fast bool
	den  int64
}

func newTruncIndexer(mul, div, offset int64, frac, width int) truncIndexer {
	ix := truncIndexer{mul: mul, div: div, offset: offset, frac: frac}
	ad := div
	if ad < 0 {
		ad = -ad
	}
	if width <= 62 && frac >= 0 && frac < 62-bits.Len64(uint64(ad)) &&
		width+bits.Len64(uint64(mul)) <= 62 {
		ix.fast = true
		ix.den = ad << frac
	}
	return ix
}

// index returns the unclamped index for raw.
func (ix *truncIndexer) index(raw int64) int32 {
	var q int64
	if ix.fast {
		q = raw * ix.mul / ix.den // Go's / truncates toward zero
		if ix.div < 0 {
			q = -q
		}
	} else {
		q = ix.slowQuot(raw)
	}
	return int32(uint32(int32(q)) + uint32(ix.offset))
}

// slowQuot is the exact quotient for wide or oddly scaled types, reduced to
// its low 64 bits.
func (ix *truncIndexer) slowQuot(raw int64) int64 {
	num := new(big.Int).Mul(big.NewInt(raw), big.NewInt(ix.mul))
	den := big.NewInt(ix.div)
	if ix.frac >= 0 {
		den.Lsh(den, uint(ix.frac))
	} else {
		num.Lsh(num, uint(-ix.frac))
	}
	num.Quo(num, den) // truncates toward zero
	low := new(big.Int).And(num, new(big.Int).SetUint64(math.MaxUint64))
	return int64(low.Uint64())
}

// clampIndex limits an index to [0, n-1].
func clampIndex(i int32, n int) int {
	switch {
	case i < 0:
		return 0
	case int(i) > n-1:
		return n - 1
	}
	return int(i)
}
