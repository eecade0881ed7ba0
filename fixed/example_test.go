// This file implements the package examples shown in the documentation.

package fixed_test

import (
	"fmt"

	"github.com/nnhls/nnhls/fixed"
)

func ExampleParse() {
	t, err := fixed.Parse("fixed<8, 3, RND_CONV, SAT>")
	if err != nil {
		panic(err)
	}
	fmt.Println(t, t.HLS4ML(), t.FracBits(), t.Min(), t.Max())
	_, err = fixed.Parse("ap_fixed<16>")
	fmt.Println(err)
	// Output:
	// ap_fixed<8,3,AP_RND_CONV,AP_SAT> fixed<8,3,RND_CONV,SAT> 5 -4 3.96875
	// type "ap_fixed<16>": column 12: missing integer bits
}

func ExampleFromFloat64() {
	t := fixed.MustParse("ap_fixed<8,3,AP_RND_CONV,AP_SAT>") // LSB 1/32
	for _, x := range []float64{1.3, 5, -0.015625} {
		v, fl := fixed.FromFloat64(t, x)
		fmt.Println(x, "->", v.Text(), v.RawBits(), fl)
	}
	// Output:
	// 1.3 -> 1.3125 2a rounded
	// 5 -> 3.96875 7f saturated
	// -0.015625 -> 0 0 rounded
}

func ExampleCast64() {
	// acc = ap_fixed<8,3>(a * b) on raw integers: the product of two
	// ap_fixed<8,3> has 10 fraction bits.
	t := fixed.MustParse("ap_fixed<8,3>")
	c, err := fixed.NewCast64(10, t)
	if err != nil {
		panic(err)
	}
	a, b := int64(41), int64(-48) // 1.28125 and -1.5
	raw, fl := c.Apply(a * b)     // -1.921875 floors to -1.9375
	fmt.Println(raw, fixed.FromRaw64(t, raw).Text(), fl)
	// Output:
	// -62 -1.9375 rounded
}
