// Package float16 widens IEEE 754 binary16 values, which .npy files, HDF5
// datasets and ONNX tensors may all hold.
package float16

import "math"

// ToFloat64 widens the binary16 value with bits h. Every half value,
// subnormals included, is exactly a float64; a NaN stays a NaN.
func ToFloat64(h uint16) float64 {
	sign := 1.0
	if h&0x8000 != 0 {
		sign = -1
	}
	exp := int(h>>10) & 0x1f
	frac := float64(h & 0x3ff)
	switch exp {
	case 0: // zero or subnormal: frac × 2^-24
		return sign * math.Ldexp(frac, -24)
	case 0x1f:
		if frac != 0 {
			return math.NaN()
		}
		return sign * math.Inf(1)
	}
	// normal: (1024 + frac) × 2^(exp-15-10)
	return sign * math.Ldexp(1024+frac, exp-25)
}
