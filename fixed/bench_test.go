// This file implements the benchmarks of the conversions and of one
// multiply-accumulate step on the int64 path.

package fixed

import (
	"math/rand/v2"
	"testing"
)

// benchFloats returns n values spread over [-40, 40), a little beyond the
// range of ap_fixed<16,6>, so that some conversions saturate.
func benchFloats(n int) []float64 {
	r := rand.New(rand.NewPCG(9, 10))
	xs := make([]float64, n)
	for i := range xs {
		xs[i] = r.Float64()*80 - 40
	}
	return xs
}

func BenchmarkFromFloat64(b *testing.B) {
	t := MustParse("ap_fixed<16,6,AP_RND_CONV,AP_SAT>")
	xs := benchFloats(1024)
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		FromFloat64(t, xs[i&1023])
	}
}

func BenchmarkFloatCast64(b *testing.B) {
	c, _ := NewFloatCast64(MustParse("ap_fixed<16,6,AP_RND_CONV,AP_SAT>"))
	xs := benchFloats(1024)
	var sink int64
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		r, _ := c.Apply(xs[i&1023])
		sink += r
	}
	_ = sink
}

// BenchmarkConvert converts Values type to type: on the inline int64 path
// (ap_fixed<32,12> -> ap_fixed<16,6,AP_RND_CONV,AP_SAT>) and on the wide
// path (ap_fixed<128,40> -> ap_fixed<96,30,AP_RND_CONV,AP_SAT>).
func BenchmarkConvert(b *testing.B) {
	cases := []struct{ name, from, to string }{
		{"int64", "ap_fixed<32,12>", "ap_fixed<16,6,AP_RND_CONV,AP_SAT>"},
		{"wide", "ap_fixed<128,40>", "ap_fixed<96,30,AP_RND_CONV,AP_SAT>"},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			from, to := MustParse(c.from), MustParse(c.to)
			vs := make([]Value, 1024)
			for i, x := range benchFloats(len(vs)) {
				vs[i], _ = FromFloat64(from, x*1.2345)
			}
			b.ResetTimer()
			for i := 0; b.Loop(); i++ {
				vs[i&1023].Convert(to)
			}
		})
	}
}

// BenchmarkCast64 narrows raw products of two ap_fixed<16,6> (20 fraction
// bits) into ap_fixed<16,6> with the default AP_TRN/AP_WRAP and with
// AP_RND_CONV/AP_SAT.
func BenchmarkCast64(b *testing.B) {
	r := rand.New(rand.NewPCG(11, 12))
	raws := make([]int64, 1024)
	for i := range raws {
		raws[i] = int64(r.IntN(1<<16)-1<<15) * int64(r.IntN(1<<16)-1<<15)
	}
	for _, name := range []string{"ap_fixed<16,6>", "ap_fixed<16,6,AP_RND_CONV,AP_SAT>"} {
		b.Run(MustParse(name).HLS4ML(), func(b *testing.B) {
			c, err := NewCast64(20, MustParse(name))
			if err != nil {
				b.Fatal(err)
			}
			var sink int64
			b.ResetTimer()
			for i := 0; b.Loop(); i++ {
				v, _ := c.Apply(raws[i&1023])
				sink += v
			}
			_ = sink
		})
	}
}

// BenchmarkMAC64 is one step of a dense layer on the int64 path:
// acc = accum_t(acc + w*x) with x, w, acc all ap_fixed<16,6>: one multiply,
// one alignment shift and one Cast64 from the product's 20 fraction bits.
func BenchmarkMAC64(b *testing.B) {
	t := MustParse("ap_fixed<16,6>")
	c, _ := NewCast64(20, t)
	r := rand.New(rand.NewPCG(13, 14))
	xs, ws := make([]int64, 1024), make([]int64, 1024)
	for i := range xs {
		xs[i] = int64(r.IntN(1<<16) - 1<<15)
		ws[i] = int64(r.IntN(1<<12) - 1<<11)
	}
	var acc int64
	var flags Flags
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		j := i & 1023
		var fl Flags
		acc, fl = c.Apply(acc<<10 + ws[j]*xs[j])
		flags |= fl
	}
	_ = flags
}
