// This file implements the fuzz targets for the three parsers: .npy, .npz
// and testbench text. Each must return an error or a well-formed array, never
// panic, and never allocate what a header merely claims.

package npy

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// fuzzMaxAlloc bounds what a successful parse may hold: the input is a few
// KiB, so a result larger than this means a header's claim was trusted.
const fuzzMaxAlloc = 64 << 20

func FuzzRead(f *testing.F) {
	f.Add(npyBytes(1, dict("<f4", "False", "(2, 2)"), make([]byte, 16)))
	f.Add(npyBytes(2, dict(">i8", "True", "(2, 1, 2)"), make([]byte, 32)))
	f.Add(npyBytes(3, dict("<f2", "False", "()"), []byte{0, 0x3c}))
	f.Add(npyBytes(1, dict("|b1", "False", "(3,)"), []byte{0, 1, 2}))
	f.Add(npyBytes(1, dict("<f8", "False", "(1099511627776,)"), nil))
	if raw, err := os.ReadFile(filepath.Join(testdata, "keras_3layer_inputs.npy")); err == nil {
		f.Add(raw[:256])
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		// Stream path (size unknown) and file path (size known) must agree.
		a, err := Read(bytes.NewReader(in))
		b, errSized := decode(bytes.NewReader(in), int64(len(in)), true)
		if (err == nil) != (errSized == nil) {
			t.Fatalf("stream error %v, sized error %v", err, errSized)
		}
		if err != nil {
			return
		}
		if err := a.Check(); err != nil {
			t.Fatalf("Read returned a malformed array: %v", err)
		}
		if len(a.Data) > fuzzMaxAlloc || !sameFloats(a.Data, b.Data) {
			t.Fatalf("%d values from %d bytes, or paths disagree", len(a.Data), len(in))
		}
		// What was read writes and reads back unchanged.
		var buf bytes.Buffer
		if err := Write(&buf, a); err != nil {
			if len(a.Shape) > maxDims {
				return
			}
			t.Fatal(err)
		}
		c, err := Read(&buf)
		if err != nil || !sameFloats(a.Data, c.Data) {
			t.Fatalf("round trip: %v", err)
		}
	})
}

func FuzzReadNPZ(f *testing.F) {
	f.Add(zipOf(f, 0, "a.npy", string(npyBytes(1, dict("<f4", "False", "(2,)"), make([]byte, 8)))))
	f.Add(zipOf(f, 8, "a.npy", string(npyBytes(1, dict("|u1", "True", "(2, 2)"), []byte{1, 2, 3, 4})), "b", ""))
	if raw, err := os.ReadFile(filepath.Join(testdata, "keras_conv1d_small_trace_first10.npz")); err == nil {
		f.Add(raw)
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		names, arrays, err := ReadNPZFrom(bytes.NewReader(in), int64(len(in)))
		if err != nil {
			return
		}
		if len(names) != len(arrays) {
			t.Fatalf("%d names, %d arrays", len(names), len(arrays))
		}
		for _, n := range names {
			if err := arrays[n].Check(); err != nil {
				t.Fatalf("%s: %v", n, err)
			}
		}
	})
}

func FuzzParseText(f *testing.F) {
	f.Add([]byte("1 2 3\n4 5 6\n"))
	f.Add([]byte("0.1\t-inf\r\nnan 1e400\r\n"))
	f.Add([]byte("\n\n1\n"))
	f.Fuzz(func(t *testing.T, in []byte) {
		a, err := ParseText(bytes.NewReader(in))
		if err != nil {
			return
		}
		if err := a.Check(); err != nil || len(a.Shape) != 2 || a.Shape[0] == 0 || a.Shape[1] == 0 {
			t.Fatalf("malformed result %v: %v", a.Shape, err)
		}
	})
}
