// This file implements tests of .npz archives: round trips, deterministic
// bytes, deflate members, and broken archives.

package npy

import (
	"archive/zip"
	"bytes"
	"hash/crc32"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// traceArrays returns a small set of named outputs in a deliberately
// non-alphabetical order, as a model's layer order would be.
func traceArrays() ([]string, map[string]*Array) {
	names := []string{"fc1", "relu1", "output_softmax", "a_last"}
	arrays := map[string]*Array{
		"fc1":            {Shape: []int{2, 3}, Data: []float64{1, -2, 0.5, 0.25, 1e-9, 7}},
		"relu1":          {Shape: []int{2, 3}, Data: []float64{1, 0, 0.5, 0.25, 1e-9, 7}},
		"output_softmax": {Shape: []int{2, 1, 2}, Data: []float64{0.25, 0.75, 0.5, 0.5}},
		"a_last":         {Shape: []int{}, Data: []float64{42}},
	}
	return names, arrays
}

func TestNPZRoundTripAndDeterminism(t *testing.T) {
	dir := t.TempDir()
	names, arrays := traceArrays()
	p1, p2 := filepath.Join(dir, "a.npz"), filepath.Join(dir, "b.npz")
	for _, p := range []string{p1, p2} {
		if err := WriteNPZ(p, names, arrays); err != nil {
			t.Fatal(err)
		}
	}
	b1, _ := os.ReadFile(p1)
	b2, _ := os.ReadFile(p2)
	if !bytes.Equal(b1, b2) || len(b1) == 0 {
		t.Fatalf("two writes differ (%d vs %d bytes)", len(b1), len(b2))
	}
	// The first local file header: signature, version 20, flags 0, method 0
	// (stored), time 0, date 0x0021 (1980-01-01), then the member's CRC.
	if want := "PK\x03\x04\x14\x00\x00\x00\x00\x00\x00\x00\x21\x00"; string(b1[:14]) != want {
		t.Errorf("local header = %q, want %q", b1[:14], want)
	}

	got, read, err := ReadNPZ(p1)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, names) {
		t.Errorf("names = %q, want %q", got, names)
	}
	for _, n := range names {
		a, b := arrays[n], read[n]
		if !slices.Equal(a.Shape, b.Shape) || !sameFloats(a.Data, b.Data) || b.DType != "<f8" {
			t.Errorf("%s: got %v %v, want %v %v", n, b.Shape, b.Data, a.Shape, a.Data)
		}
	}

	// Each member is exactly what Write produces, under "<name>.npy".
	zr, err := zip.OpenReader(p1)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	for i, f := range zr.File {
		if f.Name != names[i]+".npy" || f.Method != zip.Store || f.Flags&0x8 != 0 {
			t.Errorf("member %d: %q method %d flags %#x", i, f.Name, f.Method, f.Flags)
		}
	}
}

func TestWriteNPZBad(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.npz")
	names, arrays := traceArrays()
	for _, c := range []struct {
		names  []string
		arrays map[string]*Array
		want   string
	}{
		{[]string{"fc1", "fc1"}, arrays, `array name "fc1" given twice`},
		{[]string{"fc1", "nope"}, arrays, `no array named "nope"`},
		{[]string{""}, arrays, "empty array name"},
		{names[:2], arrays, "is missing from the list of names"},
		{[]string{"x"}, map[string]*Array{"x": {Shape: []int{2}, Data: []float64{1}}},
			`array "x": shape (2,) holds 2 values, but the array has 1`},
	} {
		err := WriteNPZ(path, c.names, c.arrays)
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), path+": ") {
			t.Errorf("got %v, want %s: ...%s", err, path, c.want)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("failed writes left %d files", len(entries))
	}
}

// zipOf builds an archive whose members are compressed with the given method
// (stored, deflate, or an unsupported one written raw).
func zipOf(t testing.TB, method uint16, members ...string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for i := 0; i < len(members); i += 2 {
		body := []byte(members[i+1])
		if method != zip.Store && method != zip.Deflate {
			fw, err := zw.CreateRaw(&zip.FileHeader{Name: members[i], Method: method, CRC32: crc32.ChecksumIEEE(body),
				CompressedSize64: uint64(len(body)), UncompressedSize64: uint64(len(body))})
			if err != nil {
				t.Fatal(err)
			}
			fw.Write(body)
			continue
		}
		fw, err := zw.CreateHeader(&zip.FileHeader{Name: members[i], Method: method})
		if err != nil {
			t.Fatal(err)
		}
		fw.Write(body)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestReadNPZMembers(t *testing.T) {
	one := string(npyBytes(1, dict("<i2", "False", "(2,)"), []byte{1, 0, 0xff, 0xff}))
	two := string(npyBytes(2, dict("|u1", "True", "(2, 2)"), []byte{1, 3, 2, 4}))
	// Deflate members with a directory entry and a member without ".npy".
	raw := zipOf(t, zip.Deflate, "x.npy", one, "dir/", "", "dir/y", two)
	names, arrays, err := ReadNPZFrom(bytes.NewReader(raw), int64(len(raw)))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(names, []string{"x", "dir/y"}) {
		t.Fatalf("names %q", names)
	}
	if !slices.Equal(arrays["x"].Data, []float64{1, -1}) || !slices.Equal(arrays["dir/y"].Data, []float64{1, 2, 3, 4}) {
		t.Errorf("x = %v, dir/y = %v", arrays["x"].Data, arrays["dir/y"].Data)
	}
}

func TestReadNPZBad(t *testing.T) {
	good := string(npyBytes(1, dict("<f8", "False", "(1,)"), make([]byte, 8)))
	short := string(npyBytes(1, dict("<f8", "False", "(3,)"), make([]byte, 8)))
	cases := []struct {
		name string
		in   []byte
		want string
	}{
		{"not zip", []byte("\x93NUMPY not a zip"), "not a valid .npz (zip) archive: zip: not a valid zip file"},
		{"empty", nil, "not a valid .npz (zip) archive"},
		{"duplicate", zipOf(t, zip.Store, "a.npy", good, "a", good), `member "a": array "a" appears twice`},
		{"bad member", zipOf(t, zip.Deflate, "a.npy", good, "b.npy", "hello"), `member "b.npy": not a .npy file`},
		{"short member", zipOf(t, zip.Store, "s.npy", short), `member "s.npy": shape (3,) of <f8 needs 24 data bytes, but the file has 8`},
		{"lzma", zipOf(t, 14, "z.npy", good), `member "z.npy": unsupported compression method 14 (want stored or deflate)`},
		{"complex member", zipOf(t, zip.Store, "c.npy", string(npyBytes(1, dict("<c8", "False", "(1,)"), make([]byte, 8)))),
			`member "c.npy": unsupported dtype "<c8" (complex)`},
	}
	dir := t.TempDir()
	for _, c := range cases {
		path := filepath.Join(dir, strings.ReplaceAll(c.name, " ", "_")+".npz")
		if err := os.WriteFile(path, c.in, 0o644); err != nil {
			t.Fatal(err)
		}
		_, _, err := ReadNPZ(path)
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), path+": ") {
			t.Errorf("%s: got %v, want %s: ...%s", c.name, err, path, c.want)
		}
	}
}

// TestReadNPZLyingSize hand-edits a stored member's declared sizes to claim
// more than the archive holds: the member must fail as truncated.
func TestReadNPZLyingSize(t *testing.T) {
	body := npyBytes(1, dict("<f8", "False", "(100000,)"), make([]byte, 8))
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	fw, err := zw.CreateRaw(&zip.FileHeader{Name: "big.npy", Method: zip.Store, CRC32: crc32.ChecksumIEEE(body),
		CompressedSize64: 800000 + 128, UncompressedSize64: 800000 + 128})
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(body)
	zw.Close()
	raw := buf.Bytes()
	_, _, err = ReadNPZFrom(bytes.NewReader(raw), int64(len(raw)))
	if err == nil || !strings.Contains(err.Error(), `member "big.npy": data for shape (100000,) of <f8: unexpected EOF`) {
		t.Fatalf("got %v", err)
	}
}
