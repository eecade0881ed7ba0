// This file tests "nnhls predict" and "nnhls trace" with default settings
// on the QKeras reference models (testdata/keras/qkeras): QKeras's outputs
// bit for bit.

package main

import (
	"math"
	"path/filepath"
	"testing"

	"github.com/nnhls/nnhls/npy"
)

// TestPredictQKerasDefault: with no configuration, predict equals
// qkeras_out.npy bit for bit on every reference model; the two that end in
// a float softmax are within 1e-3 there (the exact flow leaves softmax's
// tables to precision inference), and trace's pre-softmax layer is exact.
func TestPredictQKerasDefault(t *testing.T) {
	models := map[string]string{
		"binary_dense": "", "po2_dense": "", "qbn_po2_mixed": "", "qconv2dbn_alpha1": "",
		"qconv2dbn_alpha_none": "", "qconv_bn_qact_saturation": "",
		"jet_mlp_q6": "output", "qconv1d": "q_dense",
	}
	for name, logits := range models {
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join("..", "..", "testdata", "keras", "qkeras", name)
			out := filepath.Join(t.TempDir(), "y.npy")
			if msg, err := runCmd(t, "predict", filepath.Join(dir, "model.h5"), "-i", filepath.Join(dir, "inputs.npy"), "-o", out); err != nil {
				t.Fatalf("%v\n%s", err, msg)
			}
			got, err := npy.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			want, err := npy.ReadFile(filepath.Join(dir, "qkeras_out.npy"))
			if err != nil {
				t.Fatal(err)
			}
			tol := 0.0
			if logits != "" {
				tol = 1e-3
			}
			for i, w := range want.Data {
				if d := math.Abs(got.Data[i] - w); d > tol || math.IsNaN(d) {
					t.Fatalf("value %d: %v, QKeras %v", i, got.Data[i], w)
				}
			}
			if logits == "" {
				return
			}
			tr := filepath.Join(t.TempDir(), "t.npz")
			if msg, err := runCmd(t, "trace", filepath.Join(dir, "model.h5"), "-i", filepath.Join(dir, "inputs.npy"), "-o", tr); err != nil {
				t.Fatalf("%v\n%s", err, msg)
			}
			_, traced, err := npy.ReadNPZ(tr)
			if err != nil {
				t.Fatal(err)
			}
			_, ref, err := npy.ReadNPZ(filepath.Join(dir, "layer_outputs.npz"))
			if err != nil {
				t.Fatal(err)
			}
			g, r := traced[logits], ref[logits]
			if g == nil || r == nil || len(g.Data) != len(r.Data) {
				t.Fatalf("layer %s: traced %v, reference %v", logits, g != nil, r != nil)
			}
			for i := range r.Data {
				if g.Data[i] != r.Data[i] {
					t.Fatalf("layer %s value %d: %v, QKeras %v", logits, i, g.Data[i], r.Data[i])
				}
			}
		})
	}
}
