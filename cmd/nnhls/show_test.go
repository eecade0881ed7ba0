// This file implements tests of the show command: table, JSON and errors.

package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// runShow runs "nnhls show" with args and returns its output.
func runShow(t *testing.T, args ...string) (string, error) {
	t.Helper()
	root := newRootCmd()
	var out bytes.Buffer
	root.SetOut(&out)
	root.SetErr(&out)
	root.SetArgs(append([]string{"show"}, args...))
	err := root.Execute()
	return out.String(), err
}

// TestShowTable checks the table and the totals, computed by hand: the
// jet tagger 16-64-32-32-5 has 16·64+64 + 64·32+32 + 32·32+32 + 32·5+5 =
// 4389 parameters and 16·64 + 64·32 + 32·32 + 32·5 = 4256 multiplications.
func TestShowTable(t *testing.T) {
	out, err := runShow(t, "../../testdata/keras/qkeras-v3_3layer.keras")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"Total parameters: 4389",
		"Multiplications per inference: 4256",
		"fc1   ", "Dense (QDense)", "[16]", "[64]", "1088", "1024",
		"kernel=quantized_bits(6,0,alpha=1)",
		"relu1", "Quant (QActivation)", "activation=quantized_relu(6,0)",
		"softmax", "Softmax (Activation)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

// TestShowMults checks multiplications of a CNN, by hand: conv 3x3 1→16 on
// 26·26 outputs = 97344, conv 3x3 16→16 on 11·11 = 278784, dense 400·10 =
// 4000; total 380128.
func TestShowMults(t *testing.T) {
	out, err := runShow(t, "--json", "../../testdata/keras/qkeras_mnist_cnn.json")
	if err != nil {
		t.Fatal(err)
	}
	var s struct {
		File   string `json:"file"`
		Layers []struct {
			Name        string  `json:"name"`
			Op          string  `json:"op"`
			Class       string  `json:"class"`
			Origin      string  `json:"origin"`
			InputShapes [][]int `json:"input_shapes"`
			OutputShape []int   `json:"output_shape"`
			Params      int     `json:"params"`
			Mults       int64   `json:"mults"`
			Quantizers  []struct {
				Role      string `json:"role"`
				Quantizer string `json:"quantizer"`
			} `json:"quantizers"`
		} `json:"layers"`
		TotalParams int   `json:"total_params"`
		TotalMults  int64 `json:"total_mults"`
	}
	if err := json.Unmarshal([]byte(out), &s); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if s.TotalMults != 97344+278784+4000 || s.TotalParams != 160+2320+4010 {
		t.Errorf("totals %d params, %d mults", s.TotalParams, s.TotalMults)
	}
	mults := map[string]int64{}
	for _, l := range s.Layers {
		mults[l.Name] = l.Mults
	}
	if mults["q_conv2d"] != 97344 || mults["q_conv2d_1"] != 278784 || mults["q_dense"] != 4000 {
		t.Errorf("per-layer mults %v", mults)
	}
	l := s.Layers[1]
	if l.Name != "q_conv2d" || l.Op != "Conv" || l.Class != "QConv2D" || len(l.InputShapes) != 1 ||
		len(l.Quantizers) != 2 || l.Quantizers[0].Role != "bias" || l.Quantizers[1].Quantizer != "quantized_bits(6,0,alpha=1)" {
		t.Errorf("layer 1 = %+v", l)
	}
	if r := s.Layers[2]; r.Name != "q_conv2d_relu" || r.Origin != "q_conv2d" {
		t.Errorf("layer 2 = %+v", r)
	}
	// Field order is stable: file first, totals last.
	if !strings.HasPrefix(out, "{\n  \"file\"") || strings.Index(out, "total_params") < strings.LastIndex(out, "\"layers\"") {
		t.Errorf("field order:\n%.200s", out)
	}
}

// TestShowErrors checks a bad model is an error naming the file (exit
// code 1 through run).
func TestShowErrors(t *testing.T) {
	p := filepath.Join(t.TempDir(), "bad.h5")
	os.WriteFile(p, []byte("not a model"), 0o644)
	if _, err := runShow(t, p); err == nil || !strings.Contains(err.Error(), "bad.h5") || !strings.Contains(err.Error(), "not an HDF5 file") {
		t.Errorf("error = %v", err)
	}
	if code := run([]string{"show", p}); code != 1 {
		t.Errorf("exit code %d, want 1", code)
	}
	if _, err := runShow(t); err == nil {
		t.Error("no argument: no error")
	}
}
