// This file implements the dtypes nnhls understands: parsing a numpy type
// descriptor such as "<f4" and widening raw element bytes to float64.

package npy

import (
	"encoding/binary"
	"fmt"
	"github.com/nnhls/nnhls/internal/float16"
	"math"
	"strconv"
)

// A dtype is a parsed numpy type descriptor for a plain numeric element.
type dtype struct {
	descr string           // as read, e.g. "<f4"
	kind  byte             // 'f', 'i', 'u' or 'b'
	size  int              // bytes per element
	order binary.ByteOrder // byte order of multi-byte elements
}

// rejectedKind names a numpy kind character nnhls rejects, so an error can
// say "complex" rather than only quoting "<c16"; it returns "" for others.
func rejectedKind(kind byte) string {
	switch kind {
	case 'c':
		return "complex"
	case 'O':
		return "object (pickled Python objects)"
	case 'V':
		return "void / structured"
	case 'U':
		return "unicode string"
	case 'S', 'a':
		return "byte string"
	case 'M':
		return "datetime"
	case 'm':
		return "timedelta"
	}
	return ""
}

// parseDType parses a simple descriptor: an optional byte-order character
// ('<', '>', '|', '='), a kind and a size in bytes. '=' and a missing order
// mean the writer's native order; numpy.save always writes '<' or '>' for
// multi-byte types, and every platform nnhls targets is little-endian.
func parseDType(descr string) (dtype, error) {
	d := dtype{descr: descr, order: binary.LittleEndian}
	s := descr
	if s != "" {
		switch s[0] {
		case '<', '=', '|':
			s = s[1:]
		case '>':
			d.order = binary.BigEndian
			s = s[1:]
		}
	}
	if s == "" {
		return d, fmt.Errorf("invalid dtype %q", descr)
	}
	d.kind = s[0]
	if name := rejectedKind(d.kind); name != "" {
		return d, fmt.Errorf("unsupported dtype %q (%s): only bool, integer and float arrays can be read", descr, name)
	}
	size, err := strconv.Atoi(s[1:])
	if err != nil || size <= 0 {
		return d, fmt.Errorf("invalid dtype %q", descr)
	}
	d.size = size
	ok := false
	switch d.kind {
	case 'f':
		ok = size == 2 || size == 4 || size == 8
		if size > 8 {
			return d, fmt.Errorf("unsupported dtype %q (extended-precision float): only float16, float32 and float64 can be read", descr)
		}
	case 'i', 'u':
		ok = size == 1 || size == 2 || size == 4 || size == 8
	case 'b':
		ok = size == 1
	}
	if !ok {
		return d, fmt.Errorf("unsupported dtype %q", descr)
	}
	return d, nil
}

// maxExactInt is 2^53: every integer of smaller magnitude is a float64.
const maxExactInt = 1 << 53

// decode widens len(dst) elements from src (which holds exactly
// len(dst)*d.size bytes) into dst. It fails only on a 64-bit integer that a
// float64 cannot hold exactly, reporting the element's flat index.
func (d dtype) decode(src []byte, dst []float64) error {
	n := d.size
	switch {
	case d.kind == 'f' && n == 2:
		for i := range dst {
			dst[i] = float16.ToFloat64(d.order.Uint16(src[i*n:]))
		}
	case d.kind == 'f' && n == 4:
		for i := range dst {
			dst[i] = float64(math.Float32frombits(d.order.Uint32(src[i*n:])))
		}
	case d.kind == 'f' && n == 8:
		for i := range dst {
			dst[i] = math.Float64frombits(d.order.Uint64(src[i*n:]))
		}
	case d.kind == 'b':
		// numpy writes 0 or 1; any non-zero byte is true, as in numpy.
		for i := range dst {
			if src[i] != 0 {
				dst[i] = 1
			} else {
				dst[i] = 0
			}
		}
	case d.kind == 'i' && n == 1:
		for i := range dst {
			dst[i] = float64(int8(src[i]))
		}
	case d.kind == 'i' && n == 2:
		for i := range dst {
			dst[i] = float64(int16(d.order.Uint16(src[i*n:])))
		}
	case d.kind == 'i' && n == 4:
		for i := range dst {
			dst[i] = float64(int32(d.order.Uint32(src[i*n:])))
		}
	case d.kind == 'i' && n == 8:
		for i := range dst {
			v := int64(d.order.Uint64(src[i*n:]))
			if v > maxExactInt || v < -maxExactInt {
				return fmt.Errorf("element %d: int64 value %d is not exactly representable as float64", i, v)
			}
			dst[i] = float64(v)
		}
	case d.kind == 'u' && n == 1:
		for i := range dst {
			dst[i] = float64(src[i])
		}
	case d.kind == 'u' && n == 2:
		for i := range dst {
			dst[i] = float64(d.order.Uint16(src[i*n:]))
		}
	case d.kind == 'u' && n == 4:
		for i := range dst {
			dst[i] = float64(d.order.Uint32(src[i*n:]))
		}
	case d.kind == 'u' && n == 8:
		for i := range dst {
			v := d.order.Uint64(src[i*n:])
			if v > maxExactInt {
				return fmt.Errorf("element %d: uint64 value %d is not exactly representable as float64", i, v)
			}
			dst[i] = float64(v)
		}
	default:
		// parseDType admits only the combinations above.
		panic("npy: unreachable dtype " + d.descr)
	}
	return nil
}
