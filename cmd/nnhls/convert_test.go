// This file tests "nnhls convert" and "nnhls csim" end to end: every Keras
// and ONNX model of testdata that the emulator runs is converted under
// io_parallel and io_stream, Latency and Resource, compiled with g++, run
// on inputs, and its outputs must equal "nnhls predict" bit for bit.

package main

import (
	"bytes"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/nnhls/nnhls/npy"
)

// e2eModels are the Keras models of testdata/keras, with the inputs to run
// (a file of testdata, or "" for seeded random inputs). A model the
// emulator refuses (GarNet) is skipped with the emulator's message: convert
// refuses it as predict does.
var e2eModels = []struct{ model, inputs string }{
	{"KERAS_3layer.json", "hls4ml-ref/KERAS_3layer/inputs.npy"},
	{"KERAS_3layer_batch_norm.json", "hls4ml-ref/KERAS_3layer_batch_norm/inputs.npy"},
	{"KERAS_3layer_binary_smaller.json", "hls4ml-ref/KERAS_3layer_binary_smaller/inputs.npy"},
	{"KERAS_3layer_binarydense_relu_max.json", ""},
	{"KERAS_3layer_ternary_small.json", ""},
	{"KERAS_conv1d_small.json", "hls4ml-ref/KERAS_conv1d_small/inputs.npy"},
	{"KERAS_conv2d_model.json", ""},
	{"jetTagger_Conv2D_Small.json", ""},
	{"keras_bnn.json", ""},
	{"qkeras_3layer.json", "hls4ml-ref/qkeras_3layer/inputs.npy"},
	{"qkeras_mnist_cnn.json", ""},
	{"qkeras_mnist_dense.json", ""},
	{"hgq_jet_classifier.h5", ""},
	{"hgq_mnist_heterogeneous.h5", ""},
	{"qkeras-v3_3layer.keras", ""},
	{"qkeras/jet_mlp_q6/model.h5", ""},
	{"qkeras/qbn_po2_mixed/model.h5", ""},
	{"qkeras/qconv1d/model.h5", ""},
	{"qkeras/qconv2dbn_alpha1/model.h5", ""},
	{"qkeras/qconv_bn_qact_saturation/model.h5", ""},
	{"qkeras/binary_dense/model.h5", ""},
	{"qkeras/po2_dense/model.h5", ""},
	{"qkeras/qconv2dbn_alpha_none/model.h5", ""},
	{"garnet_1layer.json", ""},
	// ONNX models, named relative to testdata/keras.
	{"../onnx/torch_mlp/model.onnx", "onnx/torch_mlp/inputs.npy"},
	{"../onnx/torch_cnn_bn/model.onnx", "onnx/torch_cnn_bn/inputs.npy"},
	{"../onnx/torch_conv1d/model.onnx", "onnx/torch_conv1d/inputs.npy"},
	{"../onnx/example-models/conv1d_small_keras.onnx", ""},
	{"../onnx/example-models/conv2d_small_keras.onnx", ""},
	{"../onnx/example-models/conv2d_small_mp_keras.onnx", ""},
	{"../onnx/example-models/dense_big_keras.onnx", ""},
	{"../onnx/example-models/three_layer_bn_keras.onnx", ""},
	{"../onnx/example-models/three_layer_bn_pytorch.onnx", ""},
	{"../onnx/example-models/three_layer_keras.onnx", ""},
	{"../onnx/example-models/three_layer_pytorch.onnx", ""},
	{"../onnx/example-models/two_layer_keras.onnx", ""},
	{"../onnx/example-models/two_layer_pytorch.onnx", ""},
	{"../onnx/example-models/bnn_model_fc_1layer.onnx", ""},
	{"../onnx/example-models/branched_model_ch_last.onnx", ""},
	{"../onnx/example-models/separable_conv_model_ch_last.onnx", ""},
	{"../onnx/example-models/tiny_unet_ch_last.onnx", ""},
	{"../onnx/qonnx_mlp_po2/model.onnx", "onnx/qonnx_mlp_po2/inputs.npy"},
	{"../onnx/qonnx_rounding_modes/model.onnx", "onnx/qonnx_rounding_modes/inputs.npy"},
	{"../onnx/qonnx_conv_bipolar/model.onnx", "onnx/qonnx_conv_bipolar/inputs.npy"},
	{"../onnx/qonnx_trunc_avgpool/model.onnx", "onnx/qonnx_trunc_avgpool/inputs.npy"},
	{"../onnx/qonnx_mlp_perchannel/model.onnx", "onnx/qonnx_mlp_perchannel/inputs.npy"},
	{"../onnx/qcdq_mlp/model.onnx", "onnx/qcdq_mlp/inputs.npy"},
}

// e2eConfigs are the project variants. Every model runs the first two;
// the other two, which combine the same code paths the other way round,
// run on the models of e2eAllVariants. Resource uses ReuseFactor 1, the
// one value valid for every layer; TestCsimResourceReuse covers a larger
// one.
var e2eConfigs = []struct{ name, yaml string }{
	{"parallel_latency", "IOType: io_parallel\nHLSConfig:\n  Model:\n    Precision: fixed<16,6>\n    Strategy: Latency\n"},
	{"stream_resource", "IOType: io_stream\nHLSConfig:\n  Model:\n    Precision: fixed<16,6>\n    Strategy: Resource\n"},
	{"parallel_resource", "IOType: io_parallel\nHLSConfig:\n  Model:\n    Precision: fixed<16,6>\n    Strategy: Resource\n"},
	{"stream_latency", "IOType: io_stream\nHLSConfig:\n  Model:\n    Precision: fixed<16,6>\n    Strategy: Latency\n"},
}

// e2eAllVariants are the models that run under all four variants.
var e2eAllVariants = map[string]bool{"KERAS_3layer.json": true, "KERAS_conv1d_small.json": true, "qkeras_mnist_cnn.json": true}

// e2eSamples is the number of samples each case runs: enough to meet
// rounding ties and overflows, few enough to keep the C++ runs short.
const e2eSamples = 100

func testdataPath(p string) string { return filepath.Join("..", "..", "testdata", p) }

func needGXX(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("g++"); err != nil {
		t.Skip("g++ is not installed: the C++ projects cannot be compiled")
	}
}

// randomInputsFor writes n seeded samples of the model's input shape,
// scaled by 4 so that some values saturate or wrap.
func randomInputsFor(t *testing.T, model string, n int, path string) {
	t.Helper()
	p, err := compileModel(model, "", false)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Graph().Inputs) != 1 {
		t.Fatalf("%s: %d inputs", model, len(p.Graph().Inputs))
	}
	in := p.Graph().Nodes[p.Graph().Inputs[0]]
	r := rand.New(rand.NewPCG(7, uint64(len(model))))
	a := &npy.Array{Shape: append([]int{n}, in.Shape...), DType: "<f8"}
	a.Data = make([]float64, n*p.InputSize(0))
	for i := range a.Data {
		a.Data[i] = float64(float32(4 * r.NormFloat64()))
	}
	if err := npy.WriteFile(path, a); err != nil {
		t.Fatal(err)
	}
}

// TestConvertCsimEqualsPredict is the end-to-end proof: C++ == emulator.
func TestConvertCsimEqualsPredict(t *testing.T) {
	needGXX(t)
	for _, m := range e2eModels {
		for k, v := range e2eConfigs {
			if k >= 2 && !e2eAllVariants[m.model] {
				continue
			}
			if testing.Short() && !e2eAllVariants[m.model] {
				continue
			}
			cfgText := v.yaml
			t.Run(strings.ReplaceAll(strings.TrimPrefix(m.model, "../"), "/", "_")+"/"+v.name, func(t *testing.T) {
				t.Parallel()
				dir := t.TempDir()
				model := testdataPath(filepath.Join("keras", m.model))
				cfg := filepath.Join(dir, "config.yml")
				if err := os.WriteFile(cfg, []byte(cfgText), 0o644); err != nil {
					t.Fatal(err)
				}
				if _, err := compileModel(model, cfg, false); err != nil {
					t.Skipf("the emulator does not run this model: %v", err)
				}
				x := filepath.Join(dir, "x.npy")
				if m.inputs == "" {
					randomInputsFor(t, model, e2eSamples, x)
				} else {
					firstSamples(t, testdataPath(m.inputs), e2eSamples, x)
				}
				proj := filepath.Join(dir, "prj")
				if msg, err := runCmd(t, "convert", model, "-o", proj, "-c", cfg, "-i", x); err != nil {
					t.Fatalf("convert: %v\n%s", err, msg)
				}
				csimOut, predOut := filepath.Join(dir, "csim.npy"), filepath.Join(dir, "pred.npy")
				if msg, err := runCmd(t, "csim", proj, "-i", x, "-o", csimOut); err != nil {
					t.Fatalf("csim: %v\n%s", err, msg)
				}
				if msg, err := runCmd(t, "predict", model, "-i", x, "-o", predOut, "-c", cfg); err != nil {
					t.Fatalf("predict: %v\n%s", err, msg)
				}
				got, err := npy.ReadFile(csimOut)
				if err != nil {
					t.Fatal(err)
				}
				want, err := npy.ReadFile(predOut)
				if err != nil {
					t.Fatal(err)
				}
				if !slices.Equal(got.Shape, want.Shape) {
					t.Fatalf("csim shape %v, predict %v", got.Shape, want.Shape)
				}
				for i := range want.Data {
					if got.Data[i] != want.Data[i] {
						t.Fatalf("value %d: C++ %v, emulator %v", i, got.Data[i], want.Data[i])
					}
				}
				// The build is warning-free under -Wall -Wextra.
				if log, err := os.ReadFile(filepath.Join(proj, "build", "compile.log")); err != nil || len(log) > 0 {
					t.Fatalf("g++ warnings (%v):\n%s", err, log)
				}
				// The testbench compares with the emulator's predictions
				// itself and must exit 0.
				cmd := exec.Command(filepath.Join(proj, "build", "myproject_csim"))
				cmd.Dir = proj
				if out, err := cmd.CombinedOutput(); err != nil || !bytes.Contains(out, []byte(" 0 mismatching")) {
					t.Fatalf("testbench: %v\n%s", err, out)
				}
			})
		}
	}
}

// firstSamples writes the first n samples of the array at src to dst.
func firstSamples(t *testing.T, src string, n int, dst string) {
	t.Helper()
	a, err := npy.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	n = min(n, a.Shape[0])
	per := len(a.Data) / a.Shape[0]
	b := &npy.Array{Shape: append([]int{n}, a.Shape[1:]...), Data: a.Data[:n*per], DType: "<f8"}
	if err := npy.WriteFile(dst, b); err != nil {
		t.Fatal(err)
	}
}
