// This file implements decoding TensorProto values (raw_data or the typed
// fields) into constants, widened to float64 exactly, and the constant
// arithmetic the loader needs on them: broadcasting and transposing.

package onnx

import (
	"encoding/binary"
	"errors"
	"fmt"
	"github.com/nnhls/nnhls/internal/float16"
	"math"
)

// ONNX element types (TensorProto.DataType).
const (
	dtFloat   = 1
	dtUint8   = 2
	dtInt8    = 3
	dtUint16  = 4
	dtInt16   = 5
	dtInt32   = 6
	dtInt64   = 7
	dtString  = 8
	dtBool    = 9
	dtFloat16 = 10
	dtDouble  = 11
	dtUint32  = 12
	dtUint64  = 13
	dtBfloat  = 16
)

// dtypeNames names the element types in messages.
var dtypeNames = map[int64]string{
	dtFloat: "float", dtUint8: "uint8", dtInt8: "int8", dtUint16: "uint16",
	dtInt16: "int16", dtInt32: "int32", dtInt64: "int64", dtString: "string",
	dtBool: "bool", dtFloat16: "float16", dtDouble: "double", dtUint32: "uint32",
	dtUint64: "uint64", dtBfloat: "bfloat16",
}

func dtypeName(t int64) string {
	if n, ok := dtypeNames[t]; ok {
		return n
	}
	return fmt.Sprintf("type %d", t)
}

// A constant is a tensor whose value the loader knows: an initializer, a
// Constant node, or anything computed from them. Data is row-major in the
// ONNX layout (constants never carry a batch axis).
type constant struct {
	shape []int
	data  []float64
	dtype int64
}

// isInt reports whether the constant holds integers (for QCDQ codes and
// shape arithmetic).
func (c *constant) isInt() bool {
	switch c.dtype {
	case dtFloat, dtDouble, dtFloat16, dtBfloat:
		return false
	}
	return true
}

// numel is the product of dims, or an error if a dimension is negative or
// the count is absurd.
func numel(dims []int64) (int, error) {
	n := int64(1)
	for _, d := range dims {
		if d < 0 {
			return 0, fmt.Errorf("negative dimension in %v", dims)
		}
		if d > 0 && n > maxElements/d {
			return 0, fmt.Errorf("shape %v has more than %d elements", dims, maxElements)
		}
		n *= d
	}
	if n > maxElements {
		return 0, fmt.Errorf("shape %v has more than %d elements", dims, maxElements)
	}
	return int(n), nil
}

// values decodes a TensorProto into a constant.
func (t *tensor) values() (*constant, error) {
	if t.external {
		return nil, errors.New("the tensor's data is stored in an external file (external data is not supported; save the model with its weights inside the .onnx file)")
	}
	n, err := numel(t.dims)
	if err != nil {
		return nil, err
	}
	c := &constant{shape: make([]int, len(t.dims)), dtype: t.dataType}
	for i, d := range t.dims {
		c.shape[i] = int(d)
	}
	size, ok := map[int64]int{dtFloat: 4, dtUint8: 1, dtInt8: 1, dtUint16: 2, dtInt16: 2, dtInt32: 4,
		dtInt64: 8, dtBool: 1, dtFloat16: 2, dtDouble: 8, dtUint32: 4, dtUint64: 8, dtBfloat: 2}[t.dataType]
	if !ok {
		return nil, fmt.Errorf("unsupported element type %s", dtypeName(t.dataType))
	}
	if t.hasRaw {
		if len(t.raw) != n*size {
			return nil, fmt.Errorf("raw_data holds %d bytes, shape %v of %s needs %d", len(t.raw), t.dims, dtypeName(t.dataType), n*size)
		}
		c.data = make([]float64, n)
		for i := range c.data {
			c.data[i] = rawValue(t.dataType, t.raw[i*size:(i+1)*size])
		}
		return c, nil
	}
	var have int
	var get func(i int) float64
	switch t.dataType {
	case dtFloat:
		have, get = len(t.floats), func(i int) float64 { return float64(t.floats[i]) }
	case dtDouble:
		have, get = len(t.doubles), func(i int) float64 { return t.doubles[i] }
	case dtInt64:
		have, get = len(t.int64s), func(i int) float64 { return float64(t.int64s[i]) }
	case dtUint32, dtUint64:
		have, get = len(t.uint64s), func(i int) float64 { return float64(t.uint64s[i]) }
	case dtFloat16:
		have, get = len(t.int32s), func(i int) float64 { return float16.ToFloat64(uint16(t.int32s[i])) }
	case dtBfloat:
		have, get = len(t.int32s), func(i int) float64 { return float64(math.Float32frombits(uint32(uint16(t.int32s[i])) << 16)) }
	case dtInt8:
		have, get = len(t.int32s), func(i int) float64 { return float64(int8(t.int32s[i])) }
	case dtUint8:
		have, get = len(t.int32s), func(i int) float64 { return float64(uint8(t.int32s[i])) }
	case dtInt16:
		have, get = len(t.int32s), func(i int) float64 { return float64(int16(t.int32s[i])) }
	case dtUint16:
		have, get = len(t.int32s), func(i int) float64 { return float64(uint16(t.int32s[i])) }
	default: // int32, bool
		have, get = len(t.int32s), func(i int) float64 { return float64(int32(t.int32s[i])) }
	}
	if have != n {
		return nil, fmt.Errorf("holds %d values, shape %v needs %d", have, t.dims, n)
	}
	c.data = make([]float64, n)
	for i := range c.data {
		c.data[i] = get(i)
	}
	return c, nil
}

// rawValue decodes one little-endian element of raw_data.
func rawValue(dt int64, b []byte) float64 {
	switch dt {
	case dtFloat:
		return float64(math.Float32frombits(binary.LittleEndian.Uint32(b)))
	case dtDouble:
		return math.Float64frombits(binary.LittleEndian.Uint64(b))
	case dtUint8, dtBool:
		return float64(b[0])
	case dtInt8:
		return float64(int8(b[0]))
	case dtUint16:
		return float64(binary.LittleEndian.Uint16(b))
	case dtInt16:
		return float64(int16(binary.LittleEndian.Uint16(b)))
	case dtInt32:
		return float64(int32(binary.LittleEndian.Uint32(b)))
	case dtInt64:
		return float64(int64(binary.LittleEndian.Uint64(b)))
	case dtUint32:
		return float64(binary.LittleEndian.Uint32(b))
	case dtUint64:
		return float64(binary.LittleEndian.Uint64(b))
	case dtFloat16:
		return float16.ToFloat64(binary.LittleEndian.Uint16(b))
	case dtBfloat:
		return float64(math.Float32frombits(uint32(binary.LittleEndian.Uint16(b)) << 16))
	}
	return math.NaN()
}

// strides returns row-major strides of a shape.
func strides(shape []int) []int {
	s := make([]int, len(shape))
	acc := 1
	for i := len(shape) - 1; i >= 0; i-- {
		s[i] = acc
		acc *= shape[i]
	}
	return s
}

// broadcastShape is numpy's broadcast of two shapes.
func broadcastShape(a, b []int) ([]int, error) {
	r := max(len(a), len(b))
	out := make([]int, r)
	for i := range r {
		da, db := 1, 1
		if j := i - (r - len(a)); j >= 0 {
			da = a[j]
		}
		if j := i - (r - len(b)); j >= 0 {
			db = b[j]
		}
		switch {
		case da == db, db == 1:
			out[i] = da
		case da == 1:
			out[i] = db
		default:
			return nil, fmt.Errorf("shapes %v and %v do not broadcast", a, b)
		}
	}
	return out, nil
}

// expand broadcasts data of shape from to shape to (numpy rules; from must
// broadcast to to).
func expand(data []float64, from, to []int) ([]float64, error) {
	if len(from) > len(to) {
		return nil, fmt.Errorf("shape %v does not broadcast to %v", from, to)
	}
	pad := len(to) - len(from)
	fs := strides(from)
	src := make([]int, len(to)) // source stride per target axis
	for i := range to {
		j := i - pad
		if j < 0 {
			continue
		}
		switch from[j] {
		case to[i]:
			src[i] = fs[j]
		case 1:
		default:
			return nil, fmt.Errorf("shape %v does not broadcast to %v", from, to)
		}
	}
	n := 1
	for _, d := range to {
		n *= d
	}
	if n > maxElements {
		return nil, fmt.Errorf("shape %v is too large", to)
	}
	out := make([]float64, n)
	idx := make([]int, len(to))
	for k := range out {
		off := 0
		for i := range idx {
			off += idx[i] * src[i]
		}
		out[k] = data[off]
		for i := len(idx) - 1; i >= 0; i-- {
			if idx[i]++; idx[i] < to[i] {
				break
			}
			idx[i] = 0
		}
	}
	return out, nil
}

// transpose permutes the axes of row-major data: out axis i is in axis
// perm[i].
func transpose(data []float64, shape, perm []int) ([]float64, []int) {
	outShape := make([]int, len(perm))
	for i, p := range perm {
		outShape[i] = shape[p]
	}
	st := strides(shape)
	out := make([]float64, len(data))
	idx := make([]int, len(perm))
	for k := range out {
		off := 0
		for i, p := range perm {
			off += idx[i] * st[p]
		}
		out[k] = data[off]
		for i := len(idx) - 1; i >= 0; i-- {
			if idx[i]++; idx[i] < outShape[i] {
				break
			}
			idx[i] = 0
		}
	}
	return out, outShape
}

// compress returns the smallest shape data (of the given shape) broadcasts
// from: every axis along which the values do not change becomes 1. A
// per-channel scale expanded over a tensor comes back as [1, ..., C].
func compress(data []float64, shape []int) ([]float64, []int) {
	cur, cs := data, append([]int(nil), shape...)
	for ax := range cs {
		if cs[ax] == 1 {
			continue
		}
		st := strides(cs)
		same := true
		for k := 0; k < len(cur) && same; k++ {
			if (k/st[ax])%cs[ax] != 0 && !sameFloat(cur[k], cur[k-(k/st[ax]%cs[ax])*st[ax]]) {
				same = false
			}
		}
		if !same {
			continue
		}
		ns := append([]int(nil), cs...)
		ns[ax] = 1
		out := make([]float64, 0, len(cur)/cs[ax])
		for k := range cur {
			if (k/st[ax])%cs[ax] == 0 {
				out = append(out, cur[k])
			}
		}
		cur, cs = out, ns
	}
	return cur, cs
}

// sameFloat compares values bit for bit (so -0 and +0 differ, NaN equals
// itself).
func sameFloat(a, b float64) bool { return math.Float64bits(a) == math.Float64bits(b) }
