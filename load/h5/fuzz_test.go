// This file implements the fuzz test of Open over mutated HDF5 bytes, with a tiny seed file written by the HDF5 library.

package h5

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/scigolib/hdf5"
)

// tinyFile writes a small HDF5 file with a group, attributes and a float32
// dataset, for the fuzz seed corpus.
func tinyFile(t testing.TB, path string) []byte {
	t.Helper()
	fw, err := hdf5.CreateForWrite(path, hdf5.CreateTruncate)
	if err != nil {
		t.Fatal(err)
	}
	g, err := fw.CreateGroup("/fc1")
	if err != nil {
		t.Fatal(err)
	}
	if err := g.WriteAttribute("weight_names", []string{"fc1/kernel:0"}); err != nil {
		t.Fatal(err)
	}
	ds, err := fw.CreateDataset("/fc1/kernel:0", hdf5.Float32, []uint64{2, 3})
	if err != nil {
		t.Fatal(err)
	}
	if err := ds.Write([]float32{1, -2, 0.5, 0.25, 3, -0.125}); err != nil {
		t.Fatal(err)
	}
	ds.Close()
	ints, err := fw.CreateDataset("/fc1/steps", hdf5.Int16, []uint64{3})
	if err != nil {
		t.Fatal(err)
	}
	if err := ints.Write([]int16{-3, 0, 32767}); err != nil {
		t.Fatal(err)
	}
	ints.Close()
	dbl, err := fw.CreateDataset("/scale", hdf5.Float64, []uint64{1})
	if err != nil {
		t.Fatal(err)
	}
	if err := dbl.Write([]float64{0.1}); err != nil {
		t.Fatal(err)
	}
	dbl.Close()
	if err := fw.Close(); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

func TestTinyFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "tiny.h5")
	tinyFile(t, p)
	f, err := Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ds, err := f.Root().Dataset("fc1/kernel:0")
	if err != nil {
		t.Fatal(err)
	}
	vals, shape, err := ds.Read()
	if err != nil || len(shape) != 2 || shape[0] != 2 || shape[1] != 3 || vals[2] != 0.5 || vals[5] != -0.125 {
		t.Errorf("Read = %v %v %v", vals, shape, err)
	}
	for path, want := range map[string][]float64{"fc1/steps": {-3, 0, 32767}, "scale": {0.1}} {
		ds, err := f.Root().Dataset(path)
		if err != nil {
			t.Fatal(err)
		}
		vals, _, err := ds.Read()
		if err != nil || len(vals) != len(want) {
			t.Fatalf("%s: %v %v", path, vals, err)
		}
		for i := range want {
			if vals[i] != want[i] {
				t.Errorf("%s[%d] = %v, want %v", path, i, vals[i], want[i])
			}
		}
	}
	if wn, err := f.Root().Group("fc1"); err != nil {
		t.Fatal(err)
	} else if names, err := wn.AttrStrings("weight_names"); err != nil || len(names) != 1 || names[0] != "fc1/kernel:0" {
		t.Errorf("weight_names = %q, %v", names, err)
	}
	if got := f.Root().Datasets(); len(got) != 3 {
		t.Errorf("Datasets() = %v", got)
	}
}

// FuzzOpen feeds mutated HDF5 bytes to Open and reads everything in the
// file: any outcome but a panic or a crash is fine.
func FuzzOpen(f *testing.F) {
	dir := f.TempDir()
	f.Add(tinyFile(f, filepath.Join(dir, "seed.h5")))
	f.Add([]byte("\x89HDF\r\n\x1a\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p := filepath.Join(t.TempDir(), "f.h5")
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		h, err := Open(p)
		if err != nil {
			return
		}
		defer h.Close()
		_ = walkAll(h.Root())
		_ = h.Root().Datasets()
	})
}
