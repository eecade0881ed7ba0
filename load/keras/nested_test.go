// This file implements tests of nested-model weights (Keras 2) and name-less Keras 3 archives, on files written by the test.

package keras

import (
	"archive/zip"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/nnhls/nnhls/ir"
	"github.com/scigolib/hdf5"
)

// writeH5 writes float32 datasets (path -> values, shape) and string-list
// attributes on groups (group -> attribute -> values) with the HDF5
// library's writer, creating groups as needed.
func writeH5(t *testing.T, path string, attrs map[string]map[string][]string, data map[string]struct {
	shape []uint64
	vals  []float32
}) {
	t.Helper()
	fw, err := hdf5.CreateForWrite(path, hdf5.CreateTruncate)
	if err != nil {
		t.Fatal(err)
	}
	made := map[string]*hdf5.GroupWriter{}
	var mkdir func(p string) *hdf5.GroupWriter
	mkdir = func(p string) *hdf5.GroupWriter {
		if g, ok := made[p]; ok {
			return g
		}
		if dir := filepath.Dir(p); dir != "/" {
			mkdir(dir)
		}
		g, err := fw.CreateGroup(p)
		if err != nil {
			t.Fatalf("group %s: %v", p, err)
		}
		made[p] = g
		return g
	}
	// Groups in sorted order, parents first.
	var groups []string
	for g := range attrs {
		groups = append(groups, g)
	}
	for p := range data {
		groups = append(groups, filepath.Dir(p))
	}
	for _, g := range sortedUnique(groups) {
		if g != "/" {
			mkdir(g)
		}
	}
	for g, as := range attrs {
		for name, v := range as {
			if err := mkdir(g).WriteAttribute(name, v); err != nil {
				t.Fatal(err)
			}
		}
	}
	for p, d := range data {
		ds, err := fw.CreateDataset(p, hdf5.Float32, d.shape)
		if err != nil {
			t.Fatalf("dataset %s: %v", p, err)
		}
		if err := ds.Write(d.vals); err != nil {
			t.Fatal(err)
		}
		ds.Close()
	}
	if err := fw.Close(); err != nil {
		t.Fatal(err)
	}
}

func sortedUnique(s []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, x := range s {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}

type dset = struct {
	shape []uint64
	vals  []float32
}

// TestNestedModelWeights loads a Functional model with a nested Sequential
// whose weights sit, Keras 2 style, in the nested model's group with names
// scoped by the inner layer.
func TestNestedModelWeights(t *testing.T) {
	dir := t.TempDir()
	inner := map[string]any{"class_name": "Sequential", "name": "inner", "config": map[string]any{"name": "inner", "layers": []any{
		map[string]any{"class_name": "Dense", "config": map[string]any{"name": "id", "units": 2, "batch_input_shape": []any{nil, 3}}},
	}}, "inbound_nodes": []any{[]any{[]any{"d1", 0, 0, map[string]any{}}}}}
	model := map[string]any{"class_name": "Functional", "config": map[string]any{"name": "outer",
		"layers": []any{
			kl("InputLayer", "x", map[string]any{"batch_input_shape": []any{nil, 4}}),
			kl("Dense", "d1", map[string]any{"units": 3, "use_bias": false}, "x"),
			inner,
		},
		"input_layers": ends("x"), "output_layers": ends("inner")}}
	text, _ := json.Marshal(model)
	os.WriteFile(filepath.Join(dir, "m.json"), text, 0o644)
	writeH5(t, filepath.Join(dir, "m_weights.h5"),
		map[string]map[string][]string{
			"/d1":    {"weight_names": {"d1/kernel:0"}},
			"/inner": {"weight_names": {"id/kernel:0", "id/bias:0"}},
		},
		map[string]dset{
			"/d1/d1/kernel:0":    {[]uint64{4, 3}, []float32{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}},
			"/inner/id/kernel:0": {[]uint64{3, 2}, []float32{0.5, -0.5, 0.25, -0.25, 0.125, -0.125}},
			"/inner/id/bias:0":   {[]uint64{2}, []float32{-1, 1}},
		})
	g := load(t, filepath.Join(dir, "m.json"))
	checkRows(t, g, []row{
		{"x", ir.OpInput, []int{4}, 0}, {"d1", ir.OpDense, []int{3}, 12}, {"id", ir.OpDense, []int{2}, 8},
	})
	if k := g.Nodes[2].Weight("kernel").Data; k[1] != -0.5 || k[5] != -0.125 {
		t.Errorf("inner kernel %v", k)
	}
	if b := g.Nodes[2].Weight("bias").Data; b[0] != -1 || b[1] != 1 {
		t.Errorf("inner bias %v", b)
	}
	if g.Outputs[0] != 2 || g.Nodes[2].Inputs[0] != 1 {
		t.Errorf("outputs %v inputs %v", g.Outputs, g.Nodes[2].Inputs)
	}
}

// TestKeras3WithoutNames builds a .keras archive whose vars groups carry no
// name attribute: weights are found under the paths Keras 3 derives from
// class names (dense, dense_1, batch_normalization).
func TestKeras3WithoutNames(t *testing.T) {
	dir := t.TempDir()
	layer := func(class string, c map[string]any) map[string]any {
		return map[string]any{"module": "keras.layers", "class_name": class, "config": c}
	}
	cfg := map[string]any{"module": "keras", "class_name": "Sequential", "config": map[string]any{"name": "s", "layers": []any{
		layer("InputLayer", map[string]any{"name": "in", "batch_shape": []any{nil, 2}}),
		layer("Dense", map[string]any{"name": "first", "units": 3}),
		layer("BatchNormalization", map[string]any{"name": "bn", "center": false}),
		layer("Dense", map[string]any{"name": "second", "units": 1, "use_bias": false, "activation": "sigmoid"}),
	}}}
	wp := filepath.Join(dir, "model.weights.h5")
	writeH5(t, wp, nil, map[string]dset{
		"/layers/dense/vars/0":               {[]uint64{2, 3}, []float32{1, 2, 3, 4, 5, 6}},
		"/layers/dense/vars/1":               {[]uint64{3}, []float32{7, 8, 9}},
		"/layers/batch_normalization/vars/0": {[]uint64{3}, []float32{1.5, 1.5, 1.5}},
		"/layers/batch_normalization/vars/1": {[]uint64{3}, []float32{0, 0.25, 0}},
		"/layers/batch_normalization/vars/2": {[]uint64{3}, []float32{2, 2, 2}},
		"/layers/dense_1/vars/0":             {[]uint64{3, 1}, []float32{-1, -2, -3}},
	})
	ap := filepath.Join(dir, "m.keras")
	out, _ := os.Create(ap)
	z := zip.NewWriter(out)
	w, _ := z.Create("config.json")
	json.NewEncoder(w).Encode(cfg)
	w, _ = z.Create("model.weights.h5")
	raw, _ := os.ReadFile(wp)
	w.Write(raw)
	z.Close()
	out.Close()
	g := load(t, ap)
	checkRows(t, g, []row{
		{"in", ir.OpInput, []int{2}, 0}, {"first", ir.OpDense, []int{3}, 9}, {"bn", ir.OpBatchNorm, []int{3}, 9},
		{"second", ir.OpDense, []int{1}, 3}, {"second_sigmoid", ir.OpActivation, []int{1}, 0},
	})
	bn := g.Nodes[2]
	// center=False: gamma, moving_mean, moving_variance in that order.
	if bn.Weight("beta") != nil || bn.Weight("gamma").Data[0] != 1.5 || bn.Weight("moving_mean").Data[1] != 0.25 || bn.Weight("moving_variance").Data[2] != 2 {
		t.Errorf("bn weights %v", bn.Weights)
	}
	if k := g.Nodes[3].Weight("kernel").Data; k[2] != -3 {
		t.Errorf("second kernel %v", k)
	}
}
