// This file tests "nnhls predict" and "nnhls trace" end to end on the jet
// tagger and hls4ml's own results for it.

package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/nnhls/nnhls/npy"
)

var (
	jetModel = filepath.Join("..", "..", "testdata", "keras", "KERAS_3layer.json")
	jetRef   = filepath.Join("..", "..", "testdata", "hls4ml-ref", "KERAS_3layer")
)

// TestPredictJet writes the emulated outputs under hls4ml's 'model'
// configuration and requires hls4ml's compiled-C++ outputs bit for bit.
func TestPredictJet(t *testing.T) {
	out := filepath.Join(t.TempDir(), "y.npy")
	if msg, err := runCmd(t, "predict", jetModel, "--input", filepath.Join(jetRef, "inputs.npy"),
		"--output", out, "--config", filepath.Join(jetRef, "model", "resolved_config.yml")); err != nil {
		t.Fatalf("%v\n%s", err, msg)
	}
	got, err := npy.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	want, err := npy.ReadFile(filepath.Join(jetRef, "model", "hls4ml_out.npy"))
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Shape) != 2 || got.Shape[0] != 1000 || got.Shape[1] != 5 || got.DType != "<f8" {
		t.Fatalf("output shape %v dtype %s, want (1000, 5) <f8", got.Shape, got.DType)
	}
	for i, w := range want.Data {
		if float64(float32(got.Data[i])) != w {
			t.Fatalf("value %d: got %v, hls4ml %v", i, got.Data[i], w)
		}
	}
}

// TestPredictFloat checks --float against the Keras float32 forward pass.
func TestPredictFloat(t *testing.T) {
	out := filepath.Join(t.TempDir(), "y.npy")
	if msg, err := runCmd(t, "predict", jetModel, "-i", filepath.Join(jetRef, "inputs.npy"), "-o", out, "--float"); err != nil {
		t.Fatalf("%v\n%s", err, msg)
	}
	got, _ := npy.ReadFile(out)
	want, _ := npy.ReadFile(filepath.Join(jetRef, "float_out.npy"))
	for i, w := range want.Data {
		if d := got.Data[i] - w; d > 2e-6 || d < -2e-6 {
			t.Fatalf("value %d: got %v, Keras %v", i, got.Data[i], w)
		}
	}
}

// TestPredictShapeMismatch feeds the jet tagger (16 inputs) arrays of the
// wrong shape and expects both shapes in the message.
func TestPredictShapeMismatch(t *testing.T) {
	dir := t.TempDir()
	x := filepath.Join(dir, "x.npy")
	if err := npy.WriteFile(x, &npy.Array{Shape: []int{3, 15}, Data: make([]float64, 45), DType: "<f8"}); err != nil {
		t.Fatal(err)
	}
	_, err := runCmd(t, "predict", jetModel, "-i", x, "-o", filepath.Join(dir, "y.npy"))
	if err == nil {
		t.Fatal("no error for 15 features")
	}
	for _, s := range []string{"(3, 15)", "(N, 16)"} {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("error %q does not show %s", err, s)
		}
	}
}

// TestPredictTestbenchText reads hls4ml's testbench text format.
func TestPredictTestbenchText(t *testing.T) {
	dir := t.TempDir()
	x := filepath.Join(dir, "tb_input_features.dat")
	in, _ := npy.ReadFile(filepath.Join(jetRef, "inputs.npy"))
	in.Shape, in.Data = []int{2, 16}, in.Data[:32]
	if err := npy.WriteText(x, in); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "y.npy")
	if msg, err := runCmd(t, "predict", jetModel, "-i", x, "-o", out, "-c", filepath.Join(jetRef, "model", "resolved_config.yml")); err != nil {
		t.Fatalf("%v\n%s", err, msg)
	}
	got, _ := npy.ReadFile(out)
	want, _ := npy.ReadFile(filepath.Join(jetRef, "model", "hls4ml_out.npy"))
	for i := range 10 {
		if float64(float32(got.Data[i])) != want.Data[i] {
			t.Fatalf("value %d: got %v, hls4ml %v", i, got.Data[i], want.Data[i])
		}
	}
}

// TestTraceJet writes every layer's output and the table. The relu
// layers' outputs are the Dense outputs with negatives set to 0, and the
// table shows the accumulator wraps of the 'model' configuration (types
// fixed<16,6>: logits beyond ±32 wrap).
func TestTraceJet(t *testing.T) {
	out := filepath.Join(t.TempDir(), "t.npz")
	msg, err := runCmd(t, "trace", jetModel, "-i", filepath.Join(jetRef, "inputs.npy"), "-o", out,
		"-c", filepath.Join(jetRef, "model", "resolved_config.yml"))
	if err != nil {
		t.Fatalf("%v\n%s", err, msg)
	}
	names, arrays, err := npy.ReadNPZ(out)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"input_1", "fc1_relu_linear", "fc1_relu", "fc2_relu_linear", "fc2_relu",
		"fc3_relu_linear", "fc3_relu", "output_softmax_linear", "output_softmax"}
	if strings.Join(names, ",") != strings.Join(want, ",") {
		t.Fatalf("keys %q, want %q", names, want)
	}
	pre, post := arrays["fc1_relu_linear"], arrays["fc1_relu"]
	for i, v := range pre.Data {
		if max(v, 0) != post.Data[i] {
			t.Fatalf("fc1_relu value %d = %v, the Dense gave %v", i, post.Data[i], v)
		}
	}
	final, _ := npy.ReadFile(filepath.Join(jetRef, "model", "hls4ml_out.npy"))
	for i, w := range final.Data {
		if float64(float32(arrays["output_softmax"].Data[i])) != w {
			t.Fatalf("output_softmax value %d differs from hls4ml", i)
		}
	}
	if f := fields(msg, "input_1"); len(f) < 3 || f[2] != "fixed<16,6>" {
		t.Errorf("table row for input_1: %q", f)
	}
	if !strings.Contains(msg, "fc3_relu_linear !") {
		t.Errorf("table does not mark fc3_relu_linear's accumulator wraps:\n%s", msg)
	}
}
