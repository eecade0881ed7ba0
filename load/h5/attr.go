// This file implements reading attributes: strings in both layouts h5py
// writes (variable-length, and fixed-length NUL-padded |S arrays) and
// numbers.

package h5

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"github.com/nnhls/nnhls/internal/float16"
	"math"
)

// HDF5 datatype classes (HDF5 format spec, section IV.A.2.d).
const (
	classFixed  = 0
	classFloat  = 1
	classString = 3
	classVarLen = 9
)

// An Attr is a decoded attribute: strings or numbers, and whether the
// dataspace was a scalar.
type Attr struct {
	Strings []string
	Numbers []float64
	Scalar  bool
}

// AttrNames returns the names of the group's attributes.
func (g *Group) AttrNames() (names []string, err error) {
	defer guard(g.f.path, g.path, &err)
	attrs, err := g.lib.Attributes()
	if err != nil {
		return nil, &Error{File: g.f.path, Object: g.path, Err: err}
	}
	for _, a := range attrs {
		if a != nil {
			names = append(names, a.Name)
		}
	}
	return names, nil
}

// HasAttr reports whether the group has the named attribute.
func (g *Group) HasAttr(name string) bool {
	names, err := g.AttrNames()
	if err != nil {
		return false
	}
	for _, n := range names {
		if n == name {
			return true
		}
	}
	return false
}

// Attr reads the named attribute.
func (g *Group) Attr(name string) (v *Attr, err error) {
	obj := g.path + "@" + name
	defer guard(g.f.path, obj, &err)
	attrs, err := g.lib.Attributes()
	if err != nil {
		return nil, &Error{File: g.f.path, Object: g.path, Err: err}
	}
	for _, a := range attrs {
		if a == nil || a.Name != name {
			continue
		}
		if a.Datatype == nil || a.Dataspace == nil {
			return nil, &Error{File: g.f.path, Object: obj, Err: errors.New("attribute without datatype or dataspace")}
		}
		n, scalar, err := count(a.Dataspace.Dimensions, int(a.Dataspace.Type))
		if err != nil {
			return nil, &Error{File: g.f.path, Object: obj, Err: err}
		}
		v, err := decodeAttr(int(a.Datatype.Class), a.Datatype.Size, a.Datatype.ClassBitField, a.Data, n, func() (any, error) { return a.ReadValue() })
		if err != nil {
			return nil, &Error{File: g.f.path, Object: obj, Err: err}
		}
		v.Scalar = scalar
		return v, nil
	}
	return nil, &Error{File: g.f.path, Object: obj, Err: errors.New("no such attribute")}
}

// AttrString reads a string attribute holding one string (a scalar or a
// one-element array).
func (g *Group) AttrString(name string) (string, error) {
	v, err := g.Attr(name)
	if err != nil {
		return "", err
	}
	if len(v.Strings) != 1 {
		return "", &Error{File: g.f.path, Object: g.path + "@" + name, Err: fmt.Errorf("want one string, have %d strings and %d numbers", len(v.Strings), len(v.Numbers))}
	}
	return v.Strings[0], nil
}

// AttrStrings reads a string-array attribute. An empty numeric array (what
// Keras writes as weight_names for a layer without weights) gives an empty
// list.
func (g *Group) AttrStrings(name string) ([]string, error) {
	v, err := g.Attr(name)
	if err != nil {
		return nil, err
	}
	if len(v.Numbers) > 0 {
		return nil, &Error{File: g.f.path, Object: g.path + "@" + name, Err: errors.New("want strings, have numbers")}
	}
	return v.Strings, nil
}

// count returns the element count of a dataspace, refusing counts whose
// product overflows or exceeds MaxBytes elements.
func count(dims []uint64, typ int) (n uint64, scalar bool, err error) {
	if len(dims) == 0 {
		// Scalar (type 0) has one element; null (type 2) none.
		if typ == 2 {
			return 0, false, nil
		}
		return 1, true, nil
	}
	n = 1
	for _, d := range dims {
		if d != 0 && n > MaxBytes/d {
			return 0, false, fmt.Errorf("implausible dataspace %v", dims)
		}
		n *= d
	}
	return n, false, nil
}

// decodeAttr decodes n elements of raw attribute data. Only variable-length
// strings, which live in the file's global heap, go through the library
// (readVLen), after checking the references fit in the data.
func decodeAttr(cls int, size uint32, bits uint32, data []byte, n uint64, readVLen func() (any, error)) (*Attr, error) {
	v := &Attr{}
	if n == 0 {
		return v, nil
	}
	switch cls {
	case classString:
		if size == 0 || n*uint64(size) > uint64(len(data)) {
			return nil, fmt.Errorf("string attribute needs %d×%d bytes, has %d", n, size, len(data))
		}
		v.Strings = make([]string, n)
		for i := range v.Strings {
			s := data[uint64(i)*uint64(size) : uint64(i+1)*uint64(size)]
			if bits&0x0f == 2 { // space-padded
				s = bytes.TrimRight(s, " ")
			} else if k := bytes.IndexByte(s, 0); k >= 0 {
				s = s[:k]
			}
			v.Strings[i] = string(s)
		}
		return v, nil
	case classVarLen:
		if bits&0x0f != 1 {
			return nil, errors.New("variable-length attribute that is not a string")
		}
		// A reference is a 4-byte length, an address (4 or 8 bytes) and a
		// 4-byte index: at least 12 bytes each.
		if n*12 > uint64(len(data)) {
			return nil, fmt.Errorf("variable-length string attribute claims %d elements in %d bytes", n, len(data))
		}
		val, err := readVLen()
		if err != nil {
			return nil, err
		}
		switch s := val.(type) {
		case string:
			v.Strings = []string{s}
		case []string:
			v.Strings = s
		default:
			return nil, fmt.Errorf("unexpected variable-length value %T", val)
		}
		return v, nil
	case classFloat, classFixed:
		if size == 0 || size > 8 || n*uint64(size) > uint64(len(data)) {
			return nil, fmt.Errorf("numeric attribute needs %d×%d bytes, has %d", n, size, len(data))
		}
		vals, err := decodeNumbers(cls, size, bits, data, n)
		if err != nil {
			return nil, err
		}
		v.Numbers = vals
		return v, nil
	}
	return nil, fmt.Errorf("unsupported attribute datatype class %d", cls)
}

// decodeNumbers decodes n integers or floats of the given byte size. Bit 0
// of the class bit field is the byte order; bit 3 the sign of integers.
func decodeNumbers(class int, size uint32, bits uint32, data []byte, n uint64) ([]float64, error) {
	var order binary.ByteOrder = binary.LittleEndian
	if bits&1 != 0 {
		order = binary.BigEndian
	}
	out := make([]float64, n)
	sz := uint64(size)
	for i := range out {
		b := data[uint64(i)*sz : uint64(i+1)*sz]
		switch {
		case class == classFloat && size == 2:
			out[i] = float16.ToFloat64(order.Uint16(b))
		case class == classFloat && size == 4:
			out[i] = float64(math.Float32frombits(order.Uint32(b)))
		case class == classFloat && size == 8:
			out[i] = math.Float64frombits(order.Uint64(b))
		case class == classFixed:
			var u uint64
			switch size {
			case 1:
				u = uint64(b[0])
			case 2:
				u = uint64(order.Uint16(b))
			case 4:
				u = uint64(order.Uint32(b))
			case 8:
				u = order.Uint64(b)
			default:
				return nil, fmt.Errorf("unsupported integer size %d", size)
			}
			if bits&0x08 != 0 && size < 8 {
				shift := 64 - 8*uint(size)
				out[i] = float64(int64(u<<shift) >> shift)
			} else if bits&0x08 != 0 {
				out[i] = float64(int64(u))
			} else {
				out[i] = float64(u)
			}
		default:
			return nil, fmt.Errorf("unsupported float size %d", size)
		}
	}
	return out, nil
}
