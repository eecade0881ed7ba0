// This file checks the ONNX files tf2onnx/keras2onnx exported from Keras
// models against the same Keras models read by load/keras: the same op
// list and shapes, and the same float outputs.

package onnx

import (
	"math"
	"path/filepath"
	"testing"

	"github.com/nnhls/nnhls/ir"
	"github.com/nnhls/nnhls/load/keras"
)

func TestKerasExports(t *testing.T) {
	for _, tt := range []struct{ keras, onnx string }{
		{"KERAS_3layer.json", "example-models/three_layer_keras.onnx"},
		{"KERAS_3layer_batch_norm.json", "example-models/three_layer_bn_keras.onnx"},
		{"KERAS_conv1d_small.json", "example-models/conv1d_small_keras.onnx"},
	} {
		t.Run(tt.onnx, func(t *testing.T) {
			kg, err := keras.Load(filepath.Join("../../testdata/keras", tt.keras))
			if err != nil {
				t.Fatalf("the Keras loader cannot read %s: %v", tt.keras, err)
			}
			og, err := Load(filepath.Join(testdata, tt.onnx))
			if err != nil {
				t.Fatal(err)
			}
			if a, b := opList(kg), opList(og); a != b {
				t.Fatalf("ops differ:\nkeras %s\n onnx %s", a, b)
			}
			n := ir.NumElements(og.Nodes[og.Inputs[0]].Shape)
			seed := uint64(12345)
			worst, worstAbs := 0.0, 0.0
			for range 64 {
				x := make([]float64, n)
				for i := range x {
					seed = seed*6364136223846793005 + 1442695040888963407
					x[i] = float64(int64(seed>>33)%2001-1000) / 250
				}
				ko, err := evalGraph(kg, x)
				if err != nil {
					t.Fatal(err)
				}
				oo, err := evalGraph(og, x)
				if err != nil {
					t.Fatal(err)
				}
				a, b := ko[kg.Outputs[0]], oo[og.Outputs[0]]
				for i := range a {
					worst = math.Max(worst, math.Abs(a[i]-b[i])/math.Max(math.Abs(a[i]), 1e-6))
					worstAbs = math.Max(worstAbs, math.Abs(a[i]-b[i]))
				}
			}
			// keras2onnx normalized the BatchNormalization statistics
			// itself (mean 0, variance 1, epsilon 1e-9, gamma and beta
			// rescaled) and stored the results as float32: the softmax
			// outputs move by about 1e-7. Everything else is identical.
			if tt.keras == "KERAS_3layer_batch_norm.json" {
				if worstAbs > 1e-6 {
					t.Errorf("worst absolute difference %g", worstAbs)
				}
			} else if worst != 0 {
				t.Errorf("worst relative difference %g", worst)
			}
			t.Logf("worst relative difference %g, absolute %g", worst, worstAbs)
		})
	}
}
