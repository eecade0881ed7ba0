// This file implements tests that truncated, malformed and hostile .npy
// inputs fail with a clear message, on both the stream path (size unknown) and
// the file path (size known), and never allocate what a header merely claims.

package npy

import (
	"bytes"
	"encoding/binary"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func TestReadBad(t *testing.T) {
	f8 := func(shape string) string { return dict("<f8", "False", shape) }
	v1len := func(n uint16) []byte { return binary.LittleEndian.AppendUint16([]byte("\x93NUMPY\x01\x00"), n) }
	v2len := func(n uint32) []byte { return binary.LittleEndian.AppendUint32([]byte("\x93NUMPY\x02\x00"), n) }
	cases := []struct {
		name   string
		in     []byte
		stream string // expected fragment from Read
		file   string // expected fragment from ReadFile; "" means the same
	}{
		{"empty", nil, "not a .npy file: unexpected EOF", ""},
		{"short magic", []byte("\x93NUMP"), "not a .npy file: unexpected EOF", ""},
		{"zip magic", []byte("PK\x03\x04\x14\x00\x00\x00"), `bad magic "PK\x03\x04\x14\x00"`, ""},
		{"version 4.0", []byte("\x93NUMPY\x04\x00\x10\x00"), "unsupported .npy format version 4.0", ""},
		{"version 1.1", []byte("\x93NUMPY\x01\x01\x10\x00"), "unsupported .npy format version 1.1", ""},
		{"no header length", []byte("\x93NUMPY\x01\x00\x10"), "header length: unexpected EOF", ""},
		{"header length past end", v1len(0xffff), "header: unexpected EOF", "header length 65535 exceeds the 0 bytes left in the file"},
		{"header length 4 GiB", v2len(0xffffffff), "header length 4294967295 exceeds the limit", "header length 4294967295 exceeds the 0 bytes left"},
		{"header cut short", npyBytes(1, f8("(1,)"), nil)[:30], "header: unexpected EOF", "exceeds the 20 bytes left"},
		{"not a dict", npyBytes(1, "[1, 2]", nil), "not a dict", ""},
		{"not python", npyBytes(1, "descr=<f8", nil), "unexpected 'd' at offset 0", ""},
		{"trailing junk", npyBytes(1, f8("(1,)")+" x", nil), "unexpected 'x'", ""},
		{"unterminated string", npyBytes(1, "{'descr: 1}", nil), "unterminated string", ""},
		{"missing shape", npyBytes(1, "{'descr': '<f8', 'fortran_order': False}", nil), `missing key "shape"`, ""},
		{"missing descr", npyBytes(1, "{'shape': (1,), 'fortran_order': False}", nil), `missing key "descr"`, ""},
		{"extra key", npyBytes(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (), 'x': 1}", nil), `unexpected key "x"`, ""},
		{"duplicate key", npyBytes(1, "{'descr': '<f8', 'descr': '<f8', 'fortran_order': False, 'shape': ()}", nil), `duplicate key "descr"`, ""},
		{"non-string key", npyBytes(1, "{1: 2}", nil), "dict key is not a string", ""},
		{"fortran not bool", npyBytes(1, dict("<f8", "'yes'", "(1,)"), nil), "fortran_order is not True or False", ""},
		{"shape not tuple", npyBytes(1, dict("<f8", "False", "'x'"), nil), "shape is not a tuple", ""},
		{"shape int", npyBytes(1, dict("<f8", "False", "(5)"), nil), "shape is not a tuple", ""},
		{"shape float", npyBytes(1, dict("<f8", "False", "(1.5,)"), nil), "unexpected '.'", ""},
		{"shape string", npyBytes(1, dict("<f8", "False", "('a',)"), nil), "shape entry 0 is not an integer", ""},
		{"negative dim", npyBytes(1, f8("(2, -1)"), nil), "shape dimension 1 is negative (-1)", ""},
		{"dim out of range", npyBytes(1, f8("(99999999999999999999,)"), nil), "integer 99999999999999999999 out of range", ""},
		{"size overflow", npyBytes(1, f8("(4294967296, 4294967296)"), nil), "shape (4294967296, 4294967296): size overflows", ""},
		{"65 dimensions", npyBytes(1, f8("("+strings.Repeat("1, ", 65)+")"), nil),
			"shape has 65 dimensions, more than numpy's limit of 64", ""},
		{"deep nesting", npyBytes(1, strings.Repeat("(", 100000), nil), "nested too deeply", ""},
		{"complex", npyBytes(1, dict("<c16", "False", "(1,)"), nil), `unsupported dtype "<c16" (complex)`, ""},
		{"object", npyBytes(1, dict("|O", "False", "(1,)"), nil), `unsupported dtype "|O" (object`, ""},
		{"unicode", npyBytes(1, dict("<U10", "False", "(1,)"), nil), `unsupported dtype "<U10" (unicode string)`, ""},
		{"bytes", npyBytes(1, dict("|S4", "False", "(1,)"), nil), `unsupported dtype "|S4" (byte string)`, ""},
		{"void", npyBytes(1, dict("|V8", "False", "(1,)"), nil), `unsupported dtype "|V8" (void`, ""},
		{"datetime", npyBytes(1, dict("<M8[ns]", "False", "(1,)"), nil), `unsupported dtype "<M8[ns]" (datetime)`, ""},
		{"structured", npyBytes(1, "{'descr': [('a', '<f4'), ('b', '<i4')], 'fortran_order': False, 'shape': (1,), }", nil),
			"structured (record) arrays cannot be read", ""},
		{"long double", npyBytes(1, dict("<f16", "False", "(1,)"), nil), `unsupported dtype "<f16" (extended-precision float)`, ""},
		{"odd size", npyBytes(1, dict("<f3", "False", "(1,)"), nil), `unsupported dtype "<f3"`, ""},
		{"bool size 2", npyBytes(1, dict("|b2", "False", "(1,)"), nil), `unsupported dtype "|b2"`, ""},
		{"empty descr", npyBytes(1, dict("", "False", "(1,)"), nil), `invalid dtype ""`, ""},
		{"order only", npyBytes(1, dict("<", "False", "(1,)"), nil), `invalid dtype "<"`, ""},
		{"no size", npyBytes(1, dict("<f", "False", "(1,)"), nil), `invalid dtype "<f"`, ""},
		{"data short", npyBytes(1, f8("(1000,)"), make([]byte, 8)),
			"data for shape (1000,) of <f8: unexpected EOF: got 8 of 8000 bytes",
			"shape (1000,) of <f8 needs 8000 data bytes, but the file has 8 after the header"},
		{"data missing", npyBytes(1, f8("(2, 3)"), nil),
			"unexpected EOF", "needs 48 data bytes, but the file has 0"},
		{"huge claim", npyBytes(1, f8("(1099511627776,)"), make([]byte, 16)),
			"unexpected EOF: got 16 of 8796093022208 bytes", "needs 8796093022208 data bytes, but the file has 16"},
		{"int64 inexact", npyBytes(1, dict("<i8", "False", "(2,)"), []byte{0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0x20, 0}),
			"element 1: int64 value 9007199254740993 is not exactly representable as float64", ""},
		{"uint64 inexact", npyBytes(1, dict(">u8", "False", "(1,)"), []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}),
			"element 0: uint64 value 18446744073709551615 is not exactly representable", ""},
	}
	dir := t.TempDir()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Read(bytes.NewReader(c.in))
			if err == nil || !strings.Contains(err.Error(), c.stream) || !strings.HasPrefix(err.Error(), "npy: ") {
				t.Errorf("Read: got %v, want npy: ...%s", err, c.stream)
			}
			want := c.file
			if want == "" {
				want = c.stream
			}
			path := filepath.Join(dir, strings.ReplaceAll(c.name, " ", "_")+".npy")
			if err := os.WriteFile(path, c.in, 0o644); err != nil {
				t.Fatal(err)
			}
			_, err = ReadFile(path)
			if err == nil || !strings.Contains(err.Error(), want) || !strings.HasPrefix(err.Error(), path+": ") {
				t.Errorf("ReadFile: got %v, want %s: ...%s", err, path, want)
			}
		})
	}
}

// TestReadHostileAllocation reads headers that claim terabytes with only a
// few bytes behind them, and checks that the reader allocated only in
// proportion to the input.
func TestReadHostileAllocation(t *testing.T) {
	inputs := [][]byte{
		npyBytes(1, dict("<f8", "False", "(1099511627776,)"), make([]byte, 64)),
		npyBytes(1, dict("|u1", "False", "(1048576, 1048576)"), make([]byte, 64)),
		npyBytes(2, dict("<f4", "True", "(65536, 65536, 65536)"), nil),
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for _, in := range inputs {
		if _, err := Read(bytes.NewReader(in)); err == nil {
			t.Fatalf("%q: no error", in[:40])
		}
		if _, _, err := ReadNPZFrom(bytes.NewReader(in), int64(len(in))); err == nil {
			t.Fatalf("%q: no npz error", in[:40])
		}
	}
	runtime.ReadMemStats(&after)
	if got := after.TotalAlloc - before.TotalAlloc; got > 1<<20 {
		t.Errorf("allocated %d bytes reading %d tiny hostile inputs", got, len(inputs))
	}
}

func TestReadFileMissing(t *testing.T) {
	path := filepath.Join(t.TempDir(), "nope.npy")
	if _, err := ReadFile(path); err == nil || !strings.Contains(err.Error(), path) {
		t.Errorf("got %v, want an error naming %s", err, path)
	}
}
