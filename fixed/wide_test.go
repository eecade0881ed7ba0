// This file implements a check of the wide path at widths up to 1024 bits
// against an independent rational-arithmetic model of the rounding rules
// (SEMANTICS.md §3) and of the plain overflow modes.

package fixed

import (
	"math/big"
	mrand "math/rand"
	"math/rand/v2"
	"testing"
)

// ratModel quantizes the exact value x into t with big.Rat arithmetic,
// following the rule table literally: t = x/LSB, k = floor(t), f = t-k. It
// covers AP_SAT, AP_SAT_ZERO and AP_WRAP with N = 0.
func ratModel(x *big.Rat, t Type) *big.Int {
	lsb := new(big.Rat).SetFrac(big.NewInt(1), big.NewInt(1))
	if f := t.FracBits(); f >= 0 {
		lsb.SetFrac(big.NewInt(1), new(big.Int).Lsh(big.NewInt(1), uint(f)))
	} else {
		lsb.SetInt(new(big.Int).Lsh(big.NewInt(1), uint(-f)))
	}
	u := new(big.Rat).Quo(x, lsb)
	k := new(big.Int).Div(u.Num(), u.Denom()) // Euclidean: floor for a positive divisor
	f := new(big.Rat).Sub(u, new(big.Rat).SetInt(k))
	half := big.NewRat(1, 2)
	q := new(big.Int).Set(k)
	up := false
	if f.Sign() != 0 {
		c := f.Cmp(half)
		neg := x.Sign() < 0
		switch t.q {
		case TrnZero:
			up = neg
		case Rnd:
			up = c >= 0
		case RndZero:
			up = c > 0 || c == 0 && neg
		case RndMinInf:
			up = c > 0
		case RndInf:
			up = c > 0 || c == 0 && !neg
		case RndConv:
			up = c > 0 || c == 0 && k.Bit(0) == 1
		}
	}
	if up {
		q.Add(q, big.NewInt(1))
	}
	lo, hi := t.rawMin(), t.rawMax()
	switch {
	case q.Cmp(hi) > 0 && t.o == Sat:
		return hi
	case q.Cmp(lo) < 0 && t.o == Sat:
		return lo
	case (q.Cmp(hi) > 0 || q.Cmp(lo) < 0) && t.o == SatZero:
		return new(big.Int)
	case q.Cmp(hi) > 0 || q.Cmp(lo) < 0:
		// Wrap: reduce modulo 2^W into the range.
		m := new(big.Int).Lsh(big.NewInt(1), uint(t.w))
		q.Mod(q, m)
		if q.Cmp(hi) > 0 {
			q.Sub(q, m)
		}
	}
	return q
}

func TestWideMatchesRationalModel(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	bigRand := mrand.New(&randSource{r})
	for range 2000 {
		w := 65 + r.IntN(960)
		dst := MustNew(w, r.IntN(w+200)-100, r.IntN(2) == 0, Rounding(r.IntN(int(numRoundings))),
			[]Overflow{Sat, SatZero, Wrap}[r.IntN(3)], 0)
		// A source of up to 1100 random bits with up to 1200 fraction bits,
		// sometimes ending exactly on a tie.
		m := new(big.Int).Rand(bigRand, new(big.Int).Lsh(big.NewInt(1), uint(1+r.IntN(1100))))
		if r.IntN(2) == 0 {
			m.Neg(m)
		}
		e := r.IntN(1400) - 1200
		if r.IntN(4) == 0 {
			// x = (odd + 1/2) LSB: an exact tie.
			m.Lsh(m, 1).Add(m, big.NewInt(1))
			e = -dst.FracBits() - 1
		}
		x := new(big.Rat).SetInt(m)
		if e >= 0 {
			x.Mul(x, new(big.Rat).SetInt(new(big.Int).Lsh(big.NewInt(1), uint(e))))
		} else {
			x.Quo(x, new(big.Rat).SetInt(new(big.Int).Lsh(big.NewInt(1), uint(-e))))
		}
		got, _ := quantize(m, e, dst)
		if want := ratModel(x, dst); got.Cmp(want) != 0 {
			t.Fatalf("quantize(%v * 2^%d) into %v = %v, want %v", m, e, dst, got, want)
		}
	}
}

// randSource adapts a math/rand/v2 generator to the math/rand source that
// big.Int.Rand wants.
type randSource struct{ r *rand.Rand }

func (s *randSource) Int63() int64 { return int64(s.r.Uint64() >> 1) }
func (s *randSource) Seed(int64)   {}
