// This file runs the loaded PyTorch models through the project's float
// emulator (sim with Options.Float) and compares with PyTorch's float64
// outputs: the ops package's float kernels must agree with the loader's
// layouts and weights. (The QONNX models are not run here: sim's float
// pass drops training-side quantizers by design, while the references
// apply them.)

package onnx

import (
	"math"
	"path/filepath"
	"testing"

	"github.com/nnhls/nnhls/npy"
	"github.com/nnhls/nnhls/sim"
)

func TestSimFloat(t *testing.T) {
	for _, tt := range []struct {
		dir, ref string
		tol      float64 // absolute
	}{
		{"torch_mlp", "torch_out_float64.npy", 1e-12},
		{"torch_conv1d", "torch_out_float64.npy", 1e-12},
		{"torch_cnn_bn", "torch_out_float64.npy", 1e-6}, // BatchNorm2d folded as float32 by the exporter
	} {
		t.Run(tt.dir, func(t *testing.T) {
			dir := filepath.Join(testdata, tt.dir)
			g, err := Load(filepath.Join(dir, "model.onnx"))
			if err != nil {
				t.Fatal(err)
			}
			p, err := sim.Compile(g, sim.Options{Float: true})
			if err != nil {
				t.Fatalf("sim.Compile: %v", err)
			}
			in := readNpy(t, filepath.Join(dir, "inputs.npy"))
			r, err := p.Predict(
				[]*npy.Array{in}, sim.RunOptions{})
			if err != nil {
				t.Fatal(err)
			}
			want := readNpy(t, filepath.Join(dir, tt.ref))
			got := r.Outputs[0]
			if len(got) != want.Size() {
				t.Fatalf("%d outputs, want %d", len(got), want.Size())
			}
			worst := 0.0
			for i := range got {
				worst = math.Max(worst, math.Abs(got[i]-want.Data[i]))
			}
			if worst > tt.tol {
				t.Errorf("worst absolute difference %g > %g", worst, tt.tol)
			}
			t.Logf("worst absolute difference %g", worst)
		})
	}
}
