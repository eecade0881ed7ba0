// This file implements the multiply-accumulate unit shared by Dense, Conv,
// DepthwiseConv and Dot: hls4ml's product-to-accumulator arithmetic on raw
// int64 values, with the fast path chosen once at build time.

package ops

import (
	"fmt"
	"math"
	"math/bits"

	"github.com/nnhls/nnhls/fixed"
)

// hls4ml's dense kernel (nnet_dense_latency.h, numerics.md §4.2) computes,
// for each output j,
//
//	acc = accum_t(b_j)
//	for i ascending: acc = accum_t(acc + accum_t(x_i * w_ij))
//	y_j = result_t(acc)
//
// The product is exact; each product is converted to accum_t on its own
// (quantization, then overflow), and the running sum is converted again
// (only overflow can act there, both operands being on accum_t's grid).
//
// When accum_t wraps (AP_WRAP with no saturation bits) the order and the
// number of wraps do not matter: wrapping is reduction modulo 2^W, which
// commutes with addition. So the unit rounds each product onto accum_t's
// grid, adds in int64 without overflow, and wraps once at the end; with
// AP_TRN the rounding is an arithmetic shift. That is exactly equal to the
// per-step form. Saturating accumulators (and the rare wrap variants) take
// the per-step path, in hls4ml's order: bias first, then i ascending.
//
// Skipping a zero input is exact in every mode: its products are 0, on every
// grid, and adding 0 to an in-range accumulator changes nothing.

// macUnit holds one layer's accumulator arithmetic. It is read-only after
// newMAC, so one unit serves every goroutine.
type macUnit struct {
	nOut int
	// wrapAcc: the accumulator wraps, so products are rounded, summed
	// exactly and wrapped once (see above).
	wrapAcc bool
	// trn: wrapAcc with AP_TRN; products are shifted right by shift, or
	// left by lshift when accum_t has more fractional bits.
	trn           bool
	shift, lshift uint
	mask          int64 // the product bits below accum_t's LSB
	// round rounds a product onto accum_t's grid without overflow (wrapAcc
	// with a rounding mode other than AP_TRN).
	round fixed.Cast64
	// prod and sum are the per-step casts of the saturating path.
	prod, sum fixed.Cast64
	accLo     int64
	accHi     int64
	accBits   uint // 64 - W, for sign extension
	accMask   int64
	accSigned bool
	accLSB    float64 // 2^-F of accum_t, to report exact values
	// res converts the accumulator into result_t; resSame skips it when
	// both types are equal.
	res     fixed.Cast64
	resFast trnWrap
	resSame bool
	// bias holds the biases already converted into accum_t, biasCounts
	// what that conversion did (counted once per sample, as the hardware
	// does it every time).
	bias       []int64
	biasCounts Counts
}

// macTypes are the types a MAC unit needs.
type macTypes struct {
	in, weight, bias, accum, result fixed.Type
	// nTerms is the number of products summed into one output, for the
	// int64 range check.
	nTerms int
}

// newMAC builds the unit for nOut outputs per position from raw biases in
// types.bias (nil biases mean zero). It fails when a value could leave the
// int64 range; that needs the wide path, which the emulator does not have.
func newMAC(nOut int, biasRaw []int64, ty macTypes) (*macUnit, error) {
	for _, t := range []fixed.Type{ty.in, ty.weight, ty.accum, ty.result} {
		if !t.Valid() {
			return nil, fmt.Errorf("missing type")
		}
	}
	prodW := ty.in.Width() + ty.weight.Width()
	prodF := ty.in.FracBits() + ty.weight.FracBits()
	accF := ty.accum.FracBits()
	termBits := uint(bits.Len(uint(ty.nTerms + 1)))
	if prodW > 62 || ty.accum.Width() > 60 || ty.result.Width() > 62 {
		return nil, fmt.Errorf("product %d bits or accumulator %v too wide for the int64 path", prodW, ty.accum)
	}
	if d := accF - prodF; d > 0 && prodW+d+int(termBits) > 62 {
		return nil, fmt.Errorf("accumulator %v too fine for products of %d fractional bits in the int64 path", ty.accum, prodF)
	}
	if prodW+int(termBits) > 62 {
		return nil, fmt.Errorf("sum of %d products of %d bits too wide for the int64 path", ty.nTerms, prodW)
	}
	m := &macUnit{nOut: nOut, accSigned: ty.accum.Signed()}
	m.accLo, m.accHi, _ = ty.accum.RawRange64()
	m.accBits = uint(64 - ty.accum.Width())
	m.accMask = int64(^uint64(0) >> m.accBits)
	m.accLSB = math.Ldexp(1, -accF)
	var err error
	if m.prod, err = fixed.NewCast64(prodF, ty.accum); err != nil {
		return nil, err
	}
	if m.sum, err = fixed.NewCast64(accF, ty.accum); err != nil {
		return nil, err
	}
	if m.res, err = fixed.NewCast64(accF, ty.result); err != nil {
		return nil, err
	}
	m.resSame = ty.result == ty.accum
	m.resFast = newTrnWrap(accF, ty.result)
	m.wrapAcc = ty.accum.Overflow() == fixed.Wrap && ty.accum.SatBits() == 0
	if m.wrapAcc {
		switch s := prodF - accF; {
		case s <= 0:
			m.trn, m.lshift = true, uint(-s)
		case ty.accum.Rounding() == fixed.Trn:
			m.trn, m.shift, m.mask = true, uint(s), int64(1)<<uint(s)-1
		default:
			wide, err := fixed.New(63, 63-accF, true, ty.accum.Rounding(), fixed.Wrap, 0)
			if err != nil {
				return nil, err
			}
			if m.round, err = fixed.NewCast64(prodF, wide); err != nil {
				return nil, err
			}
		}
	}
	m.bias = make([]int64, len(biasRaw))
	if len(biasRaw) > 0 {
		bc, err := fixed.NewCast64(ty.bias.FracBits(), ty.accum)
		if err != nil {
			return nil, err
		}
		for i, b := range biasRaw {
			v, fl := bc.Apply(b)
			m.bias[i] = v
			m.biasCounts.Add(fl)
		}
	}
	return m, nil
}

// begin starts the outputs acc from the biases at offset off (per output
// position, hls4ml's acc = accum_t(b_j)).
func (m *macUnit) begin(acc []int64, off int) {
	if len(m.bias) == 0 {
		clear(acc)
		return
	}
	copy(acc, m.bias[off:off+len(acc)])
}

// add accumulates x times row into acc (len(row) == len(acc)). With a tally
// it counts products that were rounded, and steps that saturated.
func (m *macUnit) add(acc []int64, x int64, row []int64, t *Tally) {
	row = row[:len(acc)]
	switch {
	case m.trn && t == nil:
		if m.lshift > 0 {
			for j, w := range row {
				acc[j] += (x * w) << m.lshift
			}
			return
		}
		mac1(acc, row, x, m.shift)
	case m.trn:
		s, mask := m.shift, m.mask
		var rounded int64
		for j, w := range row {
			p := x * w
			if p&mask != 0 {
				rounded++
			}
			acc[j] += p >> s << m.lshift
		}
		t[SlotAccum].Rounded += rounded
	case m.wrapAcc:
		for j, w := range row {
			p, fl := m.round.Apply(x * w)
			if t != nil && fl != 0 {
				t[SlotAccum].Rounded++
			}
			acc[j] += p
		}
	default:
		for j, w := range row {
			p, fl := m.prod.Apply(x * w)
			v, fl2 := m.sum.Apply(acc[j] + p)
			acc[j] = v
			if t != nil {
				if fl|fl2 != 0 {
					countFlags(&t[SlotAccum], fl|fl2)
				}
			}
		}
	}
}

// countFlags adds one outcome to c without counting a cast (casts are
// counted in bulk by the kernels).
func countFlags(c *Counts, fl fixed.Flags) {
	if fl.Has(fixed.Rounded) {
		c.Rounded++
	}
	if fl.Has(fixed.Saturated) {
		c.Saturated++
	}
	if fl.Has(fixed.Wrapped) {
		c.Wrapped++
	}
}

// finish wraps the accumulators if the unit defers wrapping and casts them
// into out. An output whose exact sum left accum_t's range counts as one
// wrap: that is when the accumulator's value differs from the true sum.
func (m *macUnit) finish(acc, out []int64, t *Tally) {
	out = out[:len(acc)]
	if t == nil && m.wrapAcc && m.resSame && m.accSigned {
		// The common case, hoisted: wrap into accum_t, which is also
		// result_t.
		lo, hi, ext := m.accLo, m.accHi, m.accBits&63
		for j, v := range acc {
			if v < lo || v > hi {
				v = v << ext >> ext
			}
			out[j] = v
		}
		return
	}
	for j, v := range acc {
		if t != nil {
			if m.wrapAcc {
				// The exact sum; the saturating path has clamped already.
				t[SlotAccum].Observe(float64(v) * m.accLSB)
			}
		}
		if m.wrapAcc && (v < m.accLo || v > m.accHi) {
			if m.accSigned {
				v = v << m.accBits >> m.accBits
			} else {
				v &= m.accMask
			}
			if t != nil {
				t[SlotAccum].Wrapped++
			}
		}
		if t != nil {
			t[SlotResult].Observe(float64(v) * m.accLSB)
		}
		switch {
		case m.resSame:
			out[j] = v
			continue
		case t == nil && m.resFast.ok:
			out[j] = m.resFast.apply(v)
			continue
		}
		r, fl := m.res.Apply(v)
		out[j] = r
		if t != nil && fl != 0 {
			countFlags(&t[SlotResult], fl)
		}
	}
	if t != nil {
		t[SlotResult].Casts += int64(len(acc))
	}
}

// countSample adds the per-sample bulk counts: nProducts product casts and
// biasUses conversions of the whole bias vector.
func (m *macUnit) countSample(t *Tally, nProducts, biasUses int) {
	if t == nil {
		return
	}
	t[SlotAccum].Casts += int64(nProducts)
	if m.biasCounts.Casts > 0 {
		c := m.biasCounts
		k := int64(biasUses)
		t[SlotAccum].Casts += c.Casts * k
		t[SlotAccum].Rounded += c.Rounded * k
		t[SlotAccum].Saturated += c.Saturated * k
		t[SlotAccum].Wrapped += c.Wrapped * k
	}
}

// accumulate adds vals[k] times the weight row starting at rows[k] (nOut
// values of w) into acc, for every k. It is add for many inputs at once:
// on the AP_TRN/AP_WRAP path without counting it handles four inputs per
// pass over acc, so that each accumulator is loaded and stored once per
// four products instead of once per product. The result is the same, as
// the per-product floors are summed exactly either way.
func (m *macUnit) accumulate(acc []int64, vals []int64, rows []int64, w []int64, t *Tally) {
	n := len(acc)
	rows = rows[:len(vals)]
	if !m.trn || t != nil || m.lshift != 0 {
		for k, x := range vals {
			r := int(rows[k])
			m.add(acc, x, w[r:r+n], t)
		}
		return
	}
	s := m.shift
	k := 0
	for ; k+4 <= len(vals); k += 4 {
		r0, r1, r2, r3 := int(rows[k]), int(rows[k+1]), int(rows[k+2]), int(rows[k+3])
		mac4(acc, w[r0:r0+n], w[r1:r1+n], w[r2:r2+n], w[r3:r3+n], vals[k], vals[k+1], vals[k+2], vals[k+3], s)
	}
	// One more pass over acc for the last one to three inputs.
	switch r := rows[k:]; len(r) {
	case 3:
		r0, r1, r2 := int(r[0]), int(r[1]), int(r[2])
		mac3(acc, w[r0:r0+n], w[r1:r1+n], w[r2:r2+n], vals[k], vals[k+1], vals[k+2], s)
	case 2:
		r0, r1 := int(r[0]), int(r[1])
		mac2(acc, w[r0:r0+n], w[r1:r1+n], vals[k], vals[k+1], s)
	case 1:
		r0 := int(r[0])
		mac1(acc, w[r0:r0+n], vals[k], s)
	}
}

// mac3 is mac4 for three inputs.
func mac3(acc, w0, w1, w2 []int64, x0, x1, x2 int64, s uint) {
	s &= 63
	w0, w1, w2 = w0[:len(acc)], w1[:len(acc)], w2[:len(acc)]
	for j := range acc {
		acc[j] += (x0*w0[j])>>s + (x1*w1[j])>>s + (x2*w2[j])>>s
	}
}

// mac2 is mac4 for two inputs.
func mac2(acc, w0, w1 []int64, x0, x1 int64, s uint) {
	s &= 63
	w0, w1 = w0[:len(acc)], w1[:len(acc)]
	for j := range acc {
		acc[j] += (x0*w0[j])>>s + (x1*w1[j])>>s
	}
}

// mac4 adds four floored products per accumulator. It is a function of its
// own so that the register allocator sees only the loop's variables.
func mac4(acc, w0, w1, w2, w3 []int64, x0, x1, x2, x3 int64, s uint) {
	s &= 63 // tells the compiler the shift needs no clamping
	w0, w1, w2, w3 = w0[:len(acc)], w1[:len(acc)], w2[:len(acc)], w3[:len(acc)]
	for j := range acc {
		acc[j] += (x0*w0[j])>>s + (x1*w1[j])>>s + (x2*w2[j])>>s + (x3*w3[j])>>s
	}
}

// mac1 adds one input's floored products.
func mac1(acc, w []int64, x int64, s uint) {
	s &= 63
	w = w[:len(acc)]
	for j := range acc {
		acc[j] += (x * w[j]) >> s
	}
}

// narrowOut is the output count below which a layer runs as one dot
// product per output over its transposed weights: with few outputs, a pass
// over the accumulators per input costs more in loop overhead than the
// products, and skipping zero inputs does not pay for itself.
const narrowOut = 8

// transpose returns w [k][n] as [n][k].
func transpose(w []int64, k, n int) []int64 {
	t := make([]int64, len(w))
	for i := range k {
		for j := range n {
			t[j*k+i] = w[i*n+j]
		}
	}
	return t
}

// dot adds to each acc[j] the products of col with row j of wT
// (len(acc) rows of len(col) weights), in the order bias, then col
// ascending, as accumulate does per output.
func (m *macUnit) dot(acc, col, wT []int64, t *Tally) {
	n := len(col)
	if !m.trn || t != nil || m.lshift != 0 {
		for j := range acc {
			row := wT[j*n : (j+1)*n]
			for k, x := range col {
				if x != 0 {
					m.add(acc[j:j+1], x, row[k:k+1], t)
				}
			}
		}
		return
	}
	j := 0
	for ; j+2 <= len(acc); j += 2 {
		a0, a1 := dotFloor2(col, wT[j*n:(j+1)*n], wT[(j+1)*n:(j+2)*n], m.shift)
		acc[j] += a0
		acc[j+1] += a1
	}
	if j < len(acc) {
		acc[j] += dotFloor(col, wT[j*n:(j+1)*n], m.shift)
	}
}

// dotFloor2 is dotFloor for two weight rows at once, reading x once.
func dotFloor2(x, w0, w1 []int64, s uint) (int64, int64) {
	s &= 63
	w0, w1 = w0[:len(x)], w1[:len(x)]
	var a0, a1 int64
	for k, v := range x {
		a0 += (v * w0[k]) >> s
		a1 += (v * w1[k]) >> s
	}
	return a0, a1
}

// dotFloor is Σ floor(x[k]·w[k] / 2^s), with two partial sums for
// instruction-level parallelism (exact: integer addition is associative).
func dotFloor(x, w []int64, s uint) int64 {
	s &= 63
	w = w[:len(x)]
	var a0, a1 int64
	k := 0
	for ; k+2 <= len(x); k += 2 {
		a0 += (x[k] * w[k]) >> s
		a1 += (x[k+1] * w[k+1]) >> s
	}
	if k < len(x) {
		a0 += (x[k] * w[k]) >> s
	}
	return a0 + a1
}
