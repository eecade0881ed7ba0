// This file implements tests of the error messages for broken inputs.

package keras

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// copyFile copies a test file into dir under a new name.
func copyFile(t *testing.T, src, dir, name string) string {
	t.Helper()
	raw, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, raw, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// editedJSON writes a copy of a test config with one replacement, plus its
// weights beside it.
func editedJSON(t *testing.T, dir, model, old, new string) string {
	t.Helper()
	raw, err := os.ReadFile(testdata + model + ".json")
	if err != nil {
		t.Fatal(err)
	}
	s := string(raw)
	if !strings.Contains(s, old) {
		t.Fatalf("%s.json has no %q", model, old)
	}
	p := filepath.Join(dir, model+".json")
	os.WriteFile(p, []byte(strings.Replace(s, old, new, 1)), 0o644)
	copyFile(t, testdata+model+"_weights.h5", dir, model+"_weights.h5")
	return p
}

// editedLayer writes a copy of a test config with one layer changed, plus
// its weights beside it.
func editedLayer(t *testing.T, dir, model, layer string, edit func(map[string]any)) string {
	t.Helper()
	raw, err := os.ReadFile(testdata + model + ".json")
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, l := range m["config"].(map[string]any)["layers"].([]any) {
		lm := l.(map[string]any)
		if lm["config"].(map[string]any)["name"] == layer {
			edit(lm)
			found = true
		}
	}
	if !found {
		t.Fatalf("%s has no layer %s", model, layer)
	}
	out, _ := json.Marshal(m)
	p := filepath.Join(dir, model+".json")
	os.WriteFile(p, out, 0o644)
	copyFile(t, testdata+model+"_weights.h5", dir, model+"_weights.h5")
	return p
}

// TestErrors checks each broken input gives one message naming the file,
// the layer (name and class) where there is one, and the problem.
func TestErrors(t *testing.T) {
	tests := []struct {
		name  string
		setup func(t *testing.T, dir string) string
		want  []string
	}{
		{"truncated h5", func(t *testing.T, dir string) string {
			raw, _ := os.ReadFile(testdata + "hgq_jet_classifier.h5")
			p := filepath.Join(dir, "cut.h5")
			os.WriteFile(p, raw[:len(raw)/2], 0o644)
			return p
		}, []string{"cut.h5"}},
		{"truncated weights", func(t *testing.T, dir string) string {
			p := copyFile(t, testdata+"KERAS_3layer.json", dir, "m.json")
			raw, _ := os.ReadFile(testdata + "KERAS_3layer_weights.h5")
			os.WriteFile(filepath.Join(dir, "m_weights.h5"), raw[:len(raw)*3/4], 0o644)
			return p
		}, []string{"m_weights.h5"}},
		{"not HDF5", func(t *testing.T, dir string) string {
			p := filepath.Join(dir, "model.h5")
			os.WriteFile(p, []byte("I am a text file, not a model\n"), 0o644)
			return p
		}, []string{"model.h5", "not an HDF5 file"}},
		{"empty file", func(t *testing.T, dir string) string {
			p := filepath.Join(dir, "empty.keras")
			os.WriteFile(p, nil, 0o644)
			return p
		}, []string{"empty.keras", "not a .keras archive"}},
		{"json without weights", func(t *testing.T, dir string) string {
			return copyFile(t, testdata+"KERAS_3layer.json", dir, "lonely.json")
		}, []string{"lonely.json", "missing weights file", "lonely_weights.h5"}},
		{"weights without json", func(t *testing.T, dir string) string {
			return copyFile(t, testdata+"KERAS_3layer_weights.h5", dir, "orphan_weights.h5")
		}, []string{"orphan_weights.h5", "no model_config", "orphan.json not found"}},
		{"unknown layer class", func(t *testing.T, dir string) string {
			return editedLayer(t, dir, "KERAS_3layer", "fc2_relu", func(l map[string]any) { l["class_name"] = "FancyDense" })
		}, []string{"KERAS_3layer.json", `layer "fc2_relu" (FancyDense)`, "unsupported layer class"}},
		{"weight shape mismatch", func(t *testing.T, dir string) string {
			return editedJSON(t, dir, "KERAS_3layer", `"units": 64`, `"units": 48`)
			// The layers after fc1 are skipped silently: one mistake, one
			// message.
		}, []string{`layer "fc1_relu" (Dense)`, `weight "kernel"`, "KERAS_3layer_weights.h5", "/fc1_relu/fc1_relu/kernel:0",
			"has shape [16 64]", "implies [16 48]"}},
		{"unknown quantizer", func(t *testing.T, dir string) string {
			return editedJSON(t, dir, "qkeras_mnist_dense", `"activation": "quantized_relu(3,1)"`, `"activation": "quantized_frobnicate(3,1)"`)
		}, []string{"qkeras_mnist_dense.json", `layer "q_activation_3" (QActivation)`, "quantized_frobnicate"}},
		{"unknown activation", func(t *testing.T, dir string) string {
			return editedJSON(t, dir, "KERAS_3layer", `"activation": "relu"`, `"activation": "wiggle"`)
		}, []string{`layer "fc1_relu" (Dense)`, `unknown activation "wiggle"`}},
		{"bad json", func(t *testing.T, dir string) string {
			return editedJSON(t, dir, "KERAS_3layer", `{`, `{{`)
		}, []string{"KERAS_3layer.json", "not valid JSON"}},
		{"garnet", func(t *testing.T, dir string) string {
			return testdata + "garnet_1layer.json"
		}, []string{"garnet_1layer.json", `layer "gar_1" (GarNet)`, "unsupported layer class"}},
		{"missing file", func(t *testing.T, dir string) string {
			return filepath.Join(dir, "nope.h5")
		}, []string{"nope.h5"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := tt.setup(t, t.TempDir())
			g, err := Load(p)
			if err == nil {
				t.Fatalf("Load(%s) = %d nodes, no error", p, len(g.Nodes))
			}
			msg := err.Error()
			if strings.Count(msg, "\n") > 0 {
				t.Errorf("several messages for one mistake:\n%s", msg)
			}
			for _, w := range tt.want {
				if !strings.Contains(msg, w) {
					t.Errorf("error %q does not contain %q", msg, w)
				}
			}
		})
	}
}

// TestWeightsPaths checks the two ways to name a JSON+weights pair, and a
// weights file of another name through LoadJSON.
func TestWeightsPaths(t *testing.T) {
	a := load(t, testdata+"KERAS_3layer.json")
	b := load(t, testdata+"KERAS_3layer_weights.h5")
	if a.NumParams() != b.NumParams() || len(a.Nodes) != len(b.Nodes) {
		t.Errorf("json and weights paths differ: %d/%d params", a.NumParams(), b.NumParams())
	}
	pruned := sharedModels + "example-models/keras/KERAS_3layer_70pruned_retrained_weights.h5"
	if _, err := os.Stat(pruned); err != nil {
		t.Skip("shared models not present")
	}
	g, err := LoadJSON(testdata+"KERAS_3layer.json", pruned)
	if err != nil {
		t.Fatal(err)
	}
	zeros := 0
	for _, v := range g.Nodes[g.Lookup("fc2_relu")].Weight("kernel").Data {
		if v == 0 {
			zeros++
		}
	}
	// 70% pruned: most of the 2048 kernel weights are zero.
	if zeros < 2048/2 {
		t.Errorf("%d zeros in the pruned kernel", zeros)
	}
}
