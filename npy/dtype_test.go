// This file implements tests of reading every supported dtype, byte order,
// header version and Fortran order from .npy bytes built by hand.

package npy

import (
	"bytes"
	"encoding/binary"
	"math"
	"slices"
	"strconv"
	"testing"
)

// npyBytes builds a .npy file by hand: magic, version major.0, the header
// length (2 bytes for 1.0, 4 for 2.0 and 3.0, little-endian), the dict
// followed by '\n', and the raw data. numpy pads the dict to a multiple of
// 64 bytes, but readers must not rely on it, so we do not pad.
func npyBytes(major byte, dict string, data []byte) []byte {
	b := []byte("\x93NUMPY")
	b = append(b, major, 0)
	hlen := len(dict) + 1
	if major == 1 {
		b = binary.LittleEndian.AppendUint16(b, uint16(hlen))
	} else {
		b = binary.LittleEndian.AppendUint32(b, uint32(hlen))
	}
	b = append(b, dict...)
	b = append(b, '\n')
	return append(b, data...)
}

// dict returns numpy's header dict for a descr, order and shape tuple text.
func dict(descr, fortran, shape string) string {
	return "{'descr': '" + descr + "', 'fortran_order': " + fortran + ", 'shape': " + shape + ", }"
}

// sameFloats compares bit patterns, so -0 differs from 0 and NaN equals NaN.
func sameFloats(a, b []float64) bool {
	return slices.EqualFunc(a, b, func(x, y float64) bool { return math.Float64bits(x) == math.Float64bits(y) })
}

func TestReadDTypes(t *testing.T) {
	negZero := math.Copysign(0, -1)
	cases := []struct {
		descr string
		data  []byte
		want  []float64
	}{
		// binary16: 0x3c00 = 1, 0xc000 = -2, 0x3555 = 1365/4096 = 0.333251953125,
		// 0x0001 = 2^-24 (smallest subnormal), 0x03ff = 1023 × 2^-24 (largest
		// subnormal), 0x7bff = 65504 (largest finite), 0x7c00 = +Inf, 0x8000 = -0.
		{"<f2", []byte{0x00, 0x3c, 0x00, 0xc0, 0x55, 0x35, 0x01, 0x00, 0xff, 0x03, 0xff, 0x7b, 0x00, 0x7c, 0x00, 0x80},
			[]float64{1, -2, 0.333251953125, 0x1p-24, 1023 * 0x1p-24, 65504, math.Inf(1), negZero}},
		{">f2", []byte{0x3c, 0x00, 0xfc, 0x00}, []float64{1, math.Inf(-1)}},
		// binary32: 0x3f800000 = 1, 0xc0490fdb = float32(-pi) = -3.1415927410125732.
		{"<f4", []byte{0, 0, 0x80, 0x3f, 0xdb, 0x0f, 0x49, 0xc0}, []float64{1, -3.1415927410125732}},
		{">f4", []byte{0x3f, 0x80, 0, 0, 0xc0, 0x49, 0x0f, 0xdb}, []float64{1, -3.1415927410125732}},
		// binary64: 0x3ff8000000000000 = 1.5, 0xbfb999999999999a = -0.1.
		{"<f8", []byte{0, 0, 0, 0, 0, 0, 0xf8, 0x3f, 0x9a, 0x99, 0x99, 0x99, 0x99, 0x99, 0xb9, 0xbf}, []float64{1.5, -0.1}},
		{">f8", []byte{0x3f, 0xf8, 0, 0, 0, 0, 0, 0, 0xbf, 0xb9, 0x99, 0x99, 0x99, 0x99, 0x99, 0x9a}, []float64{1.5, -0.1}},
		{"=f8", []byte{0, 0, 0, 0, 0, 0, 0xf8, 0x3f}, []float64{1.5}},
		{"|i1", []byte{0x80, 0x7f, 0xff, 0}, []float64{-128, 127, -1, 0}},
		{"<i1", []byte{0xfe}, []float64{-2}},
		{"<i2", []byte{0x00, 0x80, 0xff, 0x7f, 0xfe, 0xff}, []float64{-32768, 32767, -2}},
		{">i2", []byte{0x80, 0x00, 0x01, 0x02}, []float64{-32768, 258}},
		{"<i4", []byte{0xfe, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x80}, []float64{-2, -2147483648}},
		{">i4", []byte{0x7f, 0xff, 0xff, 0xff, 0, 0, 1, 0}, []float64{2147483647, 256}},
		// int64 ±2^53 are the extremes that are still exact.
		{"<i8", []byte{0, 0, 0, 0, 0, 0, 0xe0, 0xff, 0, 0, 0, 0, 0, 0, 0x20, 0, 7, 0, 0, 0, 0, 0, 0, 0},
			[]float64{-(1 << 53), 1 << 53, 7}},
		{">i8", []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, []float64{-1}},
		{"|u1", []byte{0, 255, 128}, []float64{0, 255, 128}},
		{"<u2", []byte{0xff, 0xff, 0x01, 0x00}, []float64{65535, 1}},
		{">u2", []byte{0x01, 0x00}, []float64{256}},
		{"<u4", []byte{0xff, 0xff, 0xff, 0xff}, []float64{4294967295}},
		{">u4", []byte{0x00, 0x00, 0x01, 0x00}, []float64{256}},
		{"<u8", []byte{0, 0, 0, 0, 0, 0, 0x20, 0}, []float64{1 << 53}},
		{">u8", []byte{0, 0, 0, 0, 0, 0, 0, 9}, []float64{9}},
		// numpy writes bools as 0 and 1; any non-zero byte counts as true.
		{"|b1", []byte{0, 1, 2, 0}, []float64{0, 1, 1, 0}},
	}
	for _, c := range cases {
		size := len(c.want)
		shape := "(" + strconv.Itoa(size) + ",)"
		for _, major := range []byte{1, 2, 3} {
			raw := npyBytes(major, dict(c.descr, "False", shape), c.data)
			a, err := Read(bytes.NewReader(raw))
			if err != nil {
				t.Errorf("%s v%d: %v", c.descr, major, err)
				continue
			}
			if a.DType != c.descr || !slices.Equal(a.Shape, []int{size}) || !sameFloats(a.Data, c.want) {
				t.Errorf("%s v%d: got %q %v %v, want %v", c.descr, major, a.DType, a.Shape, a.Data, c.want)
			}
		}
	}
}

func TestReadHalfNaN(t *testing.T) {
	a, err := Read(bytes.NewReader(npyBytes(1, dict("<f2", "False", "(1,)"), []byte{0x00, 0x7e})))
	if err != nil {
		t.Fatal(err)
	}
	if !math.IsNaN(a.Data[0]) {
		t.Errorf("half 0x7e00 = %v, want NaN", a.Data[0])
	}
}

// TestReadShapes covers 0-d, empty and Python 2 style shapes.
func TestReadShapes(t *testing.T) {
	cases := []struct {
		shape string
		data  []byte
		want  []int
	}{
		{"()", []byte{42}, []int{}},
		{"(0,)", nil, []int{0}},
		{"(3, 0)", nil, []int{3, 0}},
		{"(2,3)", []byte{1, 2, 3, 4, 5, 6}, []int{2, 3}},
		{"(2L, 3L)", []byte{1, 2, 3, 4, 5, 6}, []int{2, 3}},
		{"[2, 1]", []byte{1, 2}, []int{2, 1}},
	}
	for _, c := range cases {
		a, err := Read(bytes.NewReader(npyBytes(1, dict("|u1", "False", c.shape), c.data)))
		if err != nil {
			t.Errorf("shape %s: %v", c.shape, err)
			continue
		}
		if !slices.Equal(a.Shape, c.want) || len(a.Data) != len(c.data) {
			t.Errorf("shape %s: got %v with %d values, want %v with %d", c.shape, a.Shape, len(a.Data), c.want, len(c.data))
		}
	}
	// Key order and quoting are free in a Python dict.
	raw := npyBytes(1, `{"shape": (1,), "fortran_order": False, "descr": "|u1"}`, []byte{9})
	if a, err := Read(bytes.NewReader(raw)); err != nil || a.Data[0] != 9 {
		t.Errorf("reordered dict: %v %v", a, err)
	}
}

// TestReadFortranOrder reads column-major arrays. In Fortran order element
// (i, j, k) of shape (2, 3, 4) is stored at i + 2j + 6k; we store the value
// 100i + 10j + k there and expect C order to list them with k fastest.
func TestReadFortranOrder(t *testing.T) {
	src := make([]byte, 24)
	var want []float64
	for i := range 2 {
		for j := range 3 {
			for k := range 4 {
				src[i+2*j+6*k] = byte(100*i + 10*j + k)
				want = append(want, float64(100*i+10*j+k))
			}
		}
	}
	a, err := Read(bytes.NewReader(npyBytes(1, dict("|u1", "True", "(2, 3, 4)"), src)))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(a.Shape, []int{2, 3, 4}) || !slices.Equal(a.Data, want) {
		t.Errorf("got %v %v, want %v", a.Shape, a.Data, want)
	}

	// 2-D, float64 big-endian: the matrix [[1 2 3] [4 5 6]] stored by column.
	var col []byte
	for _, v := range []float64{1, 4, 2, 5, 3, 6} {
		col = binary.BigEndian.AppendUint64(col, math.Float64bits(v))
	}
	a, err = Read(bytes.NewReader(npyBytes(1, dict(">f8", "True", "(2, 3)"), col)))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(a.Data, []float64{1, 2, 3, 4, 5, 6}) {
		t.Errorf("fortran (2, 3) = %v", a.Data)
	}

	// 1-D and empty arrays read the same in either order.
	a, err = Read(bytes.NewReader(npyBytes(1, dict("|u1", "True", "(3,)"), []byte{7, 8, 9})))
	if err != nil || !slices.Equal(a.Data, []float64{7, 8, 9}) {
		t.Errorf("fortran (3,) = %v, %v", a, err)
	}
	a, err = Read(bytes.NewReader(npyBytes(1, dict("|u1", "True", "(0, 3)"), nil)))
	if err != nil || len(a.Data) != 0 {
		t.Errorf("fortran (0, 3) = %v, %v", a, err)
	}
}

// TestReadStream reads two arrays back to back from one stream: Read must
// stop at the end of the first array's data.
func TestReadStream(t *testing.T) {
	var buf bytes.Buffer
	buf.Write(npyBytes(1, dict("|u1", "False", "(2,)"), []byte{1, 2}))
	buf.Write(npyBytes(3, dict("<i2", "False", "(1,)"), []byte{0xff, 0xff}))
	a, err := Read(&buf)
	if err != nil || !slices.Equal(a.Data, []float64{1, 2}) {
		t.Fatalf("first: %v %v", a, err)
	}
	b, err := Read(&buf)
	if err != nil || !slices.Equal(b.Data, []float64{-1}) {
		t.Fatalf("second: %v %v", b, err)
	}
}
