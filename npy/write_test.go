// This file implements tests of writing .npy files: the exact bytes numpy
// would write, exact round trips, and atomic replacement.

package npy

import (
	"bytes"
	"encoding/binary"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestWriteBytes checks the preamble byte for byte against numpy.save's
// layout for a (2, 3) float64 array: magic, version 1.0, header length 118
// ('v\x00'), the dict, space padding and '\n' up to byte 128, then the values
// as little-endian float64.
func TestWriteBytes(t *testing.T) {
	a, err := New([]int{2, 3}, []float64{1, 2, 3, 4, 5, -0.5})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := Write(&buf, a); err != nil {
		t.Fatal(err)
	}
	d := "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }"
	want := "\x93NUMPY\x01\x00v\x00" + d + strings.Repeat(" ", 128-10-len(d)-1) + "\n"
	got := buf.Bytes()
	if len(got) != 128+48 || string(got[:128]) != want {
		t.Fatalf("preamble = %q (total %d bytes), want %q", got[:min(len(got), 128)], len(got), want)
	}
	if v := math.Float64frombits(binary.LittleEndian.Uint64(got[128+5*8:])); v != -0.5 {
		t.Errorf("last value = %v, want -0.5", v)
	}

	// Shapes print as Python tuples: (5,) for 1-d, () for 0-d.
	for shape, tuple := range map[string]string{"1": "(5,)", "0": "()"} {
		var s []int
		n := 1
		if shape == "1" {
			s, n = []int{5}, 5
		}
		buf.Reset()
		if err := Write(&buf, &Array{Shape: s, Data: make([]float64, n)}); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(buf.String(), "'shape': "+tuple+", }") || buf.Len() != 128+8*n {
			t.Errorf("%s-d header = %q", shape, buf.String()[:128])
		}
	}
}

// TestFormatHeaderVersion2 checks that a dict too long for the 16-bit length
// of version 1.0 switches to version 2.0 with a 32-bit length, still aligned
// to 64 bytes. Only formatHeader can be asked for this: Write stops at
// numpy's 64 dimensions, whose header always fits version 1.0.
func TestFormatHeaderVersion2(t *testing.T) {
	shape := make([]int, 30000) // "1, " × 30000 > 65535 bytes
	for i := range shape {
		shape[i] = 1
	}
	h := formatHeader(shape)
	if h[6] != 2 || h[7] != 0 || len(h)%64 != 0 || h[len(h)-1] != '\n' {
		t.Fatalf("version %d.%d, length %d, last %q", h[6], h[7], len(h), h[len(h)-1])
	}
	if hlen := binary.LittleEndian.Uint32(h[8:12]); int(hlen) != len(h)-12 {
		t.Errorf("header length field %d, want %d", hlen, len(h)-12)
	}
	// Readers refuse what numpy cannot hold.
	_, err := Read(bytes.NewReader(append(h, make([]byte, 8)...)))
	if err == nil || !strings.Contains(err.Error(), "exceeds the limit of 65536 bytes") {
		t.Fatalf("read back: %v", err)
	}
	if short := formatHeader([]int{3}); short[6] != 1 || len(short) != 128 {
		t.Errorf("(3,) header: version %d, %d bytes", short[6], len(short))
	}
}

// TestRoundTrip writes awkward float64 values and reads them back bit for bit.
func TestRoundTrip(t *testing.T) {
	vals := []float64{0, math.Copysign(0, -1), 0.1, -1.0 / 3, math.MaxFloat64, math.SmallestNonzeroFloat64,
		2.2250738585072014e-308, math.Inf(1), math.Inf(-1), math.NaN(), math.Float64frombits(0x7ff8dead00000001), 1e300}
	a, err := New([]int{3, 2, 2}, vals)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "out.npy")
	if err := WriteFile(path, a); err != nil {
		t.Fatal(err)
	}
	b, err := ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(b.Shape, a.Shape) || b.DType != "<f8" || !sameFloats(b.Data, vals) {
		t.Errorf("got %v %q %v, want %v", b.Shape, b.DType, b.Data, vals)
	}
	st, err := os.Stat(path)
	if err != nil || st.Mode().Perm() != 0o644 {
		t.Errorf("mode %v, %v; want 0644", st.Mode(), err)
	}
}

// TestRoundTripEveryDType reads each dtype from hand-built bytes, writes the
// result (always float64) and reads that back unchanged.
func TestRoundTripEveryDType(t *testing.T) {
	for _, c := range []struct {
		descr string
		data  []byte
	}{
		{"<f2", []byte{0x01, 0x00, 0x00, 0xfc}}, {">f4", []byte{0x3f, 0x80, 0, 0, 0xff, 0x7f, 0xff, 0xff}},
		{"|i1", []byte{0x80, 0x7f}}, {">i2", []byte{0x80, 0x00, 0x00, 0x01}},
		{"<i4", []byte{1, 2, 3, 4, 5, 6, 7, 0x88}}, {"<i8", make([]byte, 16)},
		{"|u1", []byte{0, 255}}, {"<u2", []byte{0xff, 0xff, 0, 0}}, {">u4", []byte{0xff, 0, 0, 0, 0, 0, 0, 1}},
		{">u8", make([]byte, 16)}, {"|b1", []byte{1, 0}}, {">f8", make([]byte, 16)},
	} {
		a, err := Read(bytes.NewReader(npyBytes(1, dict(c.descr, "False", "(2,)"), c.data)))
		if err != nil {
			t.Fatalf("%s: %v", c.descr, err)
		}
		var buf bytes.Buffer
		if err := Write(&buf, a); err != nil {
			t.Fatalf("%s: %v", c.descr, err)
		}
		b, err := Read(&buf)
		if err != nil || b.DType != "<f8" || !sameFloats(a.Data, b.Data) {
			t.Errorf("%s: %v -> %v (%v)", c.descr, a.Data, b, err)
		}
	}
}

// TestWriteFileAtomic checks that a failed write leaves neither a partial
// file nor a temporary file, and keeps an existing file as it was.
func TestWriteFileAtomic(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "pred.npy")
	bad := &Array{Shape: []int{2, 2}, Data: []float64{1, 2, 3}}
	err := WriteFile(path, bad)
	if err == nil || !strings.Contains(err.Error(), path+": shape (2, 2) holds 4 values, but the array has 3") {
		t.Errorf("got %v", err)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("failed write left %s (%v)", path, err)
	}
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	if WriteFile(path, &Array{Shape: []int{-1}}) == nil {
		t.Error("negative shape written")
	}
	if old, _ := os.ReadFile(path); string(old) != "old" {
		t.Errorf("existing file changed to %q", old)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("directory holds %d entries, want only pred.npy", len(entries))
	}
	// A missing directory is an error that names the path.
	nodir := filepath.Join(dir, "no", "such", "x.npy")
	if err := WriteFile(nodir, bad); err == nil || !strings.Contains(err.Error(), nodir) {
		t.Errorf("got %v", err)
	}
}

func TestWriteBad(t *testing.T) {
	var buf bytes.Buffer
	for _, c := range []struct {
		a    *Array
		want string
	}{
		{nil, "npy: nil array"},
		{&Array{Shape: []int{3}, Data: []float64{1}}, "npy: shape (3,) holds 3 values, but the array has 1"},
		{&Array{Shape: []int{2, -2}}, "npy: shape (2, -2): dimension 1 is negative"},
		{&Array{Shape: make([]int, 65), Data: nil}, "npy: 65 dimensions exceed numpy's limit of 64"},
	} {
		if err := Write(&buf, c.a); err == nil || err.Error() != c.want {
			t.Errorf("got %v, want %s", err, c.want)
		}
	}
	if _, err := New([]int{2}, []float64{1}); err == nil {
		t.Error("New accepted 1 value for shape (2,)")
	}
}
