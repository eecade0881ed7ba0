// This file tests the Types and Verdict columns of "nnhls show" and its
// --passes listing.

package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestShowTypesColumn: the float jet tagger typed by interval inference is
// proven safe everywhere, and its first Dense accumulates x (fixed<16,6>,
// 10 fractional bits) times weights of fixed<16,3> (13) exactly: 23
// fractional bits (see passes.TestInferTypesDense for the arithmetic).
func TestShowTypesColumn(t *testing.T) {
	out, err := runShow(t, "../../testdata/keras/KERAS_3layer.json")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Types", "Verdict", "accum=fixed<34,11>", "inp_norm=ufixed<13,3,TRN,SAT>", "Types: every layer proven safe"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "fc1_relu ") && !strings.HasSuffix(strings.TrimSpace(line), "safe") {
			t.Errorf("fc1_relu not safe: %s", line)
		}
	}
}

// TestShowTypesUnsafe: a configuration that pins fc1_relu's result to
// fixed<16,6> ([-32, 32)) while its sums reach about ±526 makes the
// verdict name the type, the range and the wrap.
func TestShowTypesUnsafe(t *testing.T) {
	cfg := filepath.Join(t.TempDir(), "c.yml")
	if err := os.WriteFile(cfg, []byte("LayerName:\n  fc1_relu:\n    Precision:\n      result: fixed<16,6>\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := runShow(t, "--json", "-c", cfg, "../../testdata/keras/KERAS_3layer.json")
	if err != nil {
		t.Fatal(err)
	}
	var s struct {
		Layers []struct {
			Name    string            `json:"name"`
			Types   map[string]string `json:"types"`
			Verdict string            `json:"verdict"`
		} `json:"layers"`
		TypeNote string `json:"type_note"`
	}
	if err := json.Unmarshal([]byte(out), &s); err != nil {
		t.Fatal(err)
	}
	fc1 := s.Layers[1]
	if fc1.Name != "fc1_relu" || fc1.Types["result"] != "fixed<16,6>" ||
		!strings.Contains(fc1.Verdict, "may overflow: result fixed<16,6> holds [-32, 31.9990234375]") || !strings.Contains(fc1.Verdict, "wraps") {
		t.Errorf("fc1_relu: %+v", fc1)
	}
	if !strings.Contains(s.TypeNote, "1 layer(s) may overflow") {
		t.Errorf("type note %q", s.TypeNote)
	}
}

// TestShowPasses lists the float flow in order.
func TestShowPasses(t *testing.T) {
	out, err := runShow(t, "--passes", "../../testdata/keras/KERAS_3layer.json")
	if err != nil {
		t.Fatal(err)
	}
	want := " 1  fuse-bn-tanh\n 2  assign-types\n"
	if !strings.HasPrefix(out, want) || !strings.HasSuffix(out, "infer-types\n") {
		t.Errorf("passes:\n%s", out)
	}
}
