// This file implements the loading benchmarks, with a 1M-parameter model written by the test.

package keras

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/scigolib/hdf5"
)

// BenchmarkLoadDense200 loads the largest hls4ml example,
// KERAS_dense_16x200x200x200x200x200x5 (165,205 parameters), from the
// shared model collection.
func BenchmarkLoadDense200(b *testing.B) {
	p := sharedModels + "example-models/keras/KERAS_dense_16x200x200x200x200x200x5.json"
	if _, err := os.Stat(p); err != nil {
		b.Skipf("%s not present", p)
	}
	b.ReportAllocs()
	for b.Loop() {
		g, err := Load(p)
		if err != nil {
			b.Fatal(err)
		}
		if g.NumParams() != 165205 {
			b.Fatalf("%d params", g.NumParams())
		}
	}
}

// millionModel writes a Sequential 16-1000-1000-5 Dense model (1,023,005
// parameters) as a .json and a Keras 2 weights .h5 written with the HDF5
// library's writer, and returns the .json path.
func millionModel(b testing.TB, dir string) string {
	b.Helper()
	widths := []int{16, 1000, 1000, 5}
	var layers []any
	names := []string{}
	for i := 1; i < len(widths); i++ {
		c := map[string]any{"name": fmt.Sprintf("fc%d", i), "units": widths[i], "activation": "relu", "use_bias": true}
		if i == 1 {
			c["batch_input_shape"] = []any{nil, widths[0]}
		}
		layers = append(layers, map[string]any{"class_name": "Dense", "config": c})
		names = append(names, c["name"].(string))
	}
	text, _ := json.Marshal(map[string]any{"class_name": "Sequential", "config": map[string]any{"name": "million", "layers": layers}})
	jp := filepath.Join(dir, "million.json")
	if err := os.WriteFile(jp, text, 0o644); err != nil {
		b.Fatal(err)
	}
	fw, err := hdf5.CreateForWrite(filepath.Join(dir, "million_weights.h5"), hdf5.CreateTruncate)
	if err != nil {
		b.Fatal(err)
	}
	for i, n := range names {
		g, err := fw.CreateGroup("/" + n)
		if err != nil {
			b.Fatal(err)
		}
		if err := g.WriteAttribute("weight_names", []string{n + "/kernel:0", n + "/bias:0"}); err != nil {
			b.Fatal(err)
		}
		if _, err := fw.CreateGroup("/" + n + "/" + n); err != nil {
			b.Fatal(err)
		}
		in, out := widths[i], widths[i+1]
		for _, w := range []struct {
			name string
			dims []uint64
		}{{"kernel:0", []uint64{uint64(in), uint64(out)}}, {"bias:0", []uint64{uint64(out)}}} {
			ds, err := fw.CreateDataset("/"+n+"/"+n+"/"+w.name, hdf5.Float32, w.dims)
			if err != nil {
				b.Fatal(err)
			}
			vals := make([]float32, prod(w.dims))
			for k := range vals {
				vals[k] = float32(k%97) / 64
			}
			if err := ds.Write(vals); err != nil {
				b.Fatal(err)
			}
			ds.Close()
		}
	}
	if err := fw.Close(); err != nil {
		b.Fatal(err)
	}
	return jp
}

func prod(d []uint64) int {
	n := 1
	for _, x := range d {
		n *= int(x)
	}
	return n
}

// TestMillionModel checks the synthetic model the benchmark loads.
func TestMillionModel(t *testing.T) {
	g := load(t, millionModel(t, t.TempDir()))
	if g.NumParams() != 16*1000+1000+1000*1000+1000+1000*5+5 {
		t.Errorf("%d params", g.NumParams())
	}
	k := g.Nodes[g.Lookup("fc2")].Weight("kernel")
	if k.Data[100] != float64(float32(100%97)/64) || k.Data[999999] != float64(float32(999999%97)/64) {
		t.Errorf("kernel values %v %v", k.Data[100], k.Data[999999])
	}
}

// BenchmarkLoadMillion loads a 1,023,005-parameter JSON + weights .h5
// model end to end.
func BenchmarkLoadMillion(b *testing.B) {
	p := millionModel(b, b.TempDir())
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := Load(p); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBuildMillionConfig measures config parsing and IR construction
// alone for the same model (weights synthesized as zeros, no HDF5).
func BenchmarkBuildMillionConfig(b *testing.B) {
	p := millionModel(b, b.TempDir())
	text, err := os.ReadFile(p)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := build(p, text, nil); err != nil {
			b.Fatal(err)
		}
	}
}
