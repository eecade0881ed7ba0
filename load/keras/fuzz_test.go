// This file implements fuzz tests of the loader entry points.

package keras

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzConfig builds graphs from arbitrary model configs (with synthesized
// weights): any outcome but a panic is fine, and a graph that builds is
// valid.
func FuzzConfig(f *testing.F) {
	for _, name := range []string{"KERAS_3layer.json", "KERAS_conv1d_small.json", "KERAS_conv2d_model.json", "qkeras_mnist_dense.json", "garnet_1layer.json"} {
		raw, err := os.ReadFile(testdata + name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(raw)
	}
	f.Add([]byte(`{"class_name":"Sequential","config":[{"class_name":"Dense","config":{"name":"d","units":3,"batch_input_shape":[null,2]}}]}`))
	f.Add([]byte(`{"class_name":"Functional","config":{"layers":[{"class_name":"InputLayer","name":"x","config":{"name":"x","batch_shape":[null,4]},"inbound_nodes":[]},{"class_name":"Add","name":"a","config":{"name":"a"},"inbound_nodes":[[["x",0,0,{}],["x",0,0,{}]]]}],"input_layers":[["x",0,0]],"output_layers":["a",0,0]}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		g, err := build("fuzz.json", data, nil)
		if err == nil {
			if verr := g.Validate(); verr != nil {
				t.Fatalf("built an invalid graph: %v", verr)
			}
		}
	})
}

// FuzzWeights loads KERAS_3layer.json with mutated weights-file bytes.
func FuzzWeights(f *testing.F) {
	raw, err := os.ReadFile(testdata + "KERAS_3layer_weights.h5")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(raw)
	f.Add(raw[:len(raw)/3])
	f.Fuzz(func(t *testing.T, data []byte) {
		p := filepath.Join(t.TempDir(), "w.h5")
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		_, _ = LoadJSON(testdata+"KERAS_3layer.json", p)
	})
}

// FuzzFullModel loads mutated bytes of a full-model .h5 (a small QKeras
// model: config and weights in one file).
func FuzzFullModel(f *testing.F) {
	raw, err := os.ReadFile(testdata + "qkeras/po2_dense/model.h5")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(raw)
	f.Fuzz(func(t *testing.T, data []byte) {
		p := filepath.Join(t.TempDir(), "m.h5")
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		_, _ = Load(p)
	})
}
