package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestPredictReportsOverflow checks that predict says when a layer wraps:
// under hls4ml's 'model' types (fixed<16,6>, TRN/WRAP) the jet tagger's
// Dense sums leave [-32, 32) on some of the reference inputs (the wrap
// hls4ml users meet silently), while nnhls's inferred types hold them.
func TestPredictReportsOverflow(t *testing.T) {
	model := testdataPath("keras/KERAS_3layer.json")
	x := testdataPath("hls4ml-ref/KERAS_3layer/inputs.npy")
	out := filepath.Join(t.TempDir(), "y.npy")
	msg, err := runCmd(t, "predict", model, "-i", x, "-o", out, "-c", testdataPath("hls4ml-ref/KERAS_3layer/model/resolved_config.yml"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(msg, "1000 samples") || !strings.Contains(msg, "wrapped in") || !strings.Contains(msg, "fc2_relu") {
		t.Errorf("hls4ml types: want a wrap report naming fc2_relu, got %q", msg)
	}
	msg, err = runCmd(t, "predict", model, "-i", x, "-o", out)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(msg, "no result or accumulator saturated or wrapped") {
		t.Errorf("nnhls types: want no overflow, got %q", msg)
	}
}
