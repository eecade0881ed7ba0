// This file implements tests that loaded weights are exactly the values stored in the files.

package keras

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nnhls/nnhls/ir"
)

// encode writes values as little-endian float32 (or float64 when a value
// is not a float32), the bytes h5py stores.
func encode(vals []float64) []byte {
	f32 := true
	for _, v := range vals {
		if float64(float32(v)) != v {
			f32 = false
			break
		}
	}
	var buf bytes.Buffer
	for _, v := range vals {
		if f32 {
			binary.Write(&buf, binary.LittleEndian, math.Float32bits(float32(v)))
		} else {
			binary.Write(&buf, binary.LittleEndian, math.Float64bits(v))
		}
	}
	return buf.Bytes()
}

// rawWeights returns the bytes of the HDF5 file holding a model's weights.
func rawWeights(t *testing.T, path string) []byte {
	t.Helper()
	switch {
	case strings.HasSuffix(path, ".json"):
		path = strings.TrimSuffix(path, ".json") + "_weights.h5"
	case strings.HasSuffix(path, ".keras"):
		z, err := zip.OpenReader(path)
		if err != nil {
			t.Fatal(err)
		}
		defer z.Close()
		for _, f := range z.File {
			if f.Name == "model.weights.h5" {
				rc, _ := f.Open()
				data, err := io.ReadAll(rc)
				rc.Close()
				if err != nil {
					t.Fatal(err)
				}
				return data
			}
		}
		t.Fatal("no weights in archive")
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// TestWeightsExact checks, for every weight of every test model, that its
// values re-encoded as the file's float32 (float64 for keras_bnn) form one
// run of bytes in the HDF5 file: the loader returned exactly the stored
// values, in row-major order, found without any HDF5 parsing.
func TestWeightsExact(t *testing.T) {
	files, _ := filepath.Glob(testdata + "*")
	more, _ := filepath.Glob(testdata + "qkeras/*/model.h5")
	files = append(files, more...)
	checked := 0
	for _, f := range files {
		if st, err := os.Stat(f); err != nil || st.IsDir() || strings.HasSuffix(f, "_weights.h5") || strings.HasPrefix(filepath.Base(f), "garnet") {
			continue
		}
		g, err := Load(f)
		if err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		raw := rawWeights(t, f)
		for _, n := range g.Nodes {
			for _, r := range n.WeightRoles() {
				w := n.Weights[r]
				if err := w.Check(); err != nil {
					t.Errorf("%s %s %s: %v", f, n.Name, r, err)
				}
				if !bytes.Contains(raw, encode(w.Data)) {
					t.Errorf("%s: %s %s: values are not the file's bytes", f, n.Name, r)
				}
				checked++
			}
		}
	}
	if checked < 100 {
		t.Errorf("only %d weights checked", checked)
	}
}

// TestShapesOfWeights checks the Keras layouts the ir documents: Dense
// [in, out], Conv [k..., in, out], bias [out], BatchNorm [channels].
func TestShapesOfWeights(t *testing.T) {
	g := load(t, testdata+"jetTagger_Conv2D_Small.json")
	for name, want := range map[string]map[string][]int{
		"cnn2D_1_relu":          {"kernel": {3, 3, 1, 5}, "bias": {5}},
		"cnn2D_2_relu":          {"kernel": {5, 5, 5, 2}, "bias": {2}},
		"dense_1_relu":          {"kernel": {50, 10}, "bias": {10}},
		"batch_normalization_2": {"gamma": {5}, "beta": {5}, "moving_mean": {5}, "moving_variance": {5}},
	} {
		n := g.Nodes[g.Lookup(name)]
		for r, s := range want {
			if w := n.Weight(r); w == nil || fmt.Sprint(w.Shape) != fmt.Sprint(s) {
				t.Errorf("%s %s: %v, want %v", name, r, w, s)
			}
		}
	}
	if e := g.Nodes[g.Lookup("batch_normalization_2")].Attrs.Epsilon; e != 0.001 {
		t.Errorf("epsilon %v", e)
	}
	_ = ir.OpConv
}
