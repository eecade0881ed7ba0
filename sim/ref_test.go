// This file tests the emulator against hls4ml 1.4's own results on the
// reference models (testdata/hls4ml-ref, copied from
// /work/shared/models/hls4ml-ref): its compiled C++ outputs, its per-layer
// trace, and the Keras float forward pass.

package sim

import (
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nnhls/nnhls/config"
	"github.com/nnhls/nnhls/ir"
	"github.com/nnhls/nnhls/load/keras"
	"github.com/nnhls/nnhls/npy"
	"github.com/nnhls/nnhls/passes"
)

// refModels are the models of testdata/hls4ml-ref.
var refModels = []struct {
	name       string
	hasSoftmax bool
}{
	{name: "KERAS_3layer", hasSoftmax: true},
	{name: "KERAS_3layer_batch_norm", hasSoftmax: true},
	{name: "KERAS_3layer_binary_smaller"},
	{name: "KERAS_conv1d_small", hasSoftmax: true},
	{name: "qkeras_3layer", hasSoftmax: true},
}

func refPath(parts ...string) string {
	return filepath.Join(append([]string{"..", "testdata", "hls4ml-ref"}, parts...)...)
}

// loadRef loads a reference model, typed with the resolved configuration of
// granularity gran ("model" or "name"), or untyped for gran "". A float
// model is typed by nnhls's pipeline, as the CLI types it (hls4ml-bn-fuse
// fuses KERAS_3layer_batch_norm's BatchNorms under 'name', whose resolved
// configuration names the Dense layers but not the BatchNorms); a
// quantized one only by AssignTypes: the exact flow chooses other types
// than hls4ml's.
func loadRef(t testing.TB, model, gran string) *ir.Graph {
	t.Helper()
	g, err := keras.Load(filepath.Join("..", "testdata", "keras", model+".json"))
	if err != nil {
		t.Fatal(err)
	}
	if gran == "" || passes.Quantized(g) {
		if err := passes.FuseBatchNormTanh(g, nil); err != nil {
			t.Fatal(err)
		}
	}
	if gran == "" {
		return g
	}
	c, err := config.Load(refPath(model, gran, "resolved_config.yml"))
	if err != nil {
		t.Fatal(err)
	}
	if passes.Quantized(g) {
		if err := passes.AssignTypes(g, c); err != nil {
			t.Fatal(err)
		}
		return g
	}
	if err := passes.RunFlow(g, c, passes.Pipeline(g, passes.PipelineOptions{})); err != nil {
		t.Fatal(err)
	}
	return g
}

func readRef(t testing.TB, parts ...string) *npy.Array {
	t.Helper()
	a, err := npy.ReadFile(refPath(parts...))
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// TestPredictMatchesHLS4ML runs every reference model's 1,000 inputs under
// hls4ml's resolved configurations and requires hls4ml's predict output
// bit for bit. hls4ml returns float32; every value of these result types
// (fixed<16,6>) is a float32, so the comparison is exact equality after the
// conversion to float32 the reference itself went through.
func TestPredictMatchesHLS4ML(t *testing.T) {
	for _, m := range refModels {
		for _, gran := range []string{"model", "name"} {
			t.Run(m.name+"/"+gran, func(t *testing.T) {
				g := loadRef(t, m.name, gran)
				p, err := Compile(g, Options{})
				if err != nil {
					t.Fatal(err)
				}
				x := readRef(t, m.name, "inputs.npy")
				res, err := p.Run([][]float64{x.Data}, x.Shape[0], RunOptions{})
				if err != nil {
					t.Fatal(err)
				}
				want := readRef(t, m.name, gran, "hls4ml_out.npy")
				got := res.Outputs[0]
				if len(got) != len(want.Data) {
					t.Fatalf("got %d values, want %d", len(got), len(want.Data))
				}
				bad := 0
				for i, w := range want.Data {
					if g := float64(float32(got[i])); g != w {
						if bad < 5 {
							t.Errorf("sample %d output %d: got %v, hls4ml %v", i/want.Shape[1], i%want.Shape[1], got[i], w)
						}
						bad++
					}
				}
				if bad > 0 {
					t.Errorf("%d of %d values differ", bad, len(want.Data))
				}
			})
		}
	}
}

// TestTraceMatchesHLS4ML compares every node's output on the first 10
// samples with hls4ml's trace under 'name', on every layer both have.
// hls4ml names the parts of a Dense with an activation as the loader
// does ("fc1_relu" before, "fc1_relu_relu" after the activation), so node
// names map 1:1.
func TestTraceMatchesHLS4ML(t *testing.T) {
	for _, m := range refModels {
		t.Run(m.name, func(t *testing.T) {
			g := loadRef(t, m.name, "name")
			p, err := Compile(g, Options{})
			if err != nil {
				t.Fatal(err)
			}
			x := readRef(t, m.name, "inputs.npy")
			const n = 10
			per := len(x.Data) / x.Shape[0]
			res, err := p.Run([][]float64{x.Data[:n*per]}, n, RunOptions{Trace: true})
			if err != nil {
				t.Fatal(err)
			}
			names, arrays, err := npy.ReadNPZ(refPath(m.name, "name", "trace_first10.npz"))
			if err != nil {
				t.Fatal(err)
			}
			compared := 0
			for _, name := range names {
				// hls4ml calls a BatchNormalization fused with its binary
				// tanh "bnbt_<bn>", and stores the result XNOR-encoded:
				// 1 for +1, 0 for -1.
				node, xnor := name, false
				if b, ok := strings.CutPrefix(name, "bnbt_"); ok {
					node, xnor = b, true
				}
				i := g.Lookup(node)
				if i < 0 {
					t.Errorf("layer %q of hls4ml's trace has no node", name)
					continue
				}
				want, got := arrays[name].Data, res.Nodes[i]
				if len(want) != len(got) {
					t.Errorf("%s: %d values, hls4ml has %d", name, len(got), len(want))
					continue
				}
				for j := range want {
					w := want[j]
					if xnor {
						w = 2*w - 1
					}
					if float64(float32(got[j])) != w {
						t.Errorf("%s value %d: got %v, hls4ml %v", name, j, got[j], want[j])
						break
					}
				}
				compared++
			}
			t.Logf("compared %d layers (the graph has %d nodes)", compared, len(g.Nodes))
		})
	}
}

// TestFloatMatchesKeras compares the float64 forward pass with the float32
// Keras forward pass of the reference (float_out.npy, and
// float_presoftmax.npy against the node before the softmax). The reference
// is float32, accurate to about 1e-7 relative per operation, so the bound
// is 1e-5 relative plus 2e-6 of the array's largest magnitude (float32
// sums of 64 products carry errors of that order relative to their terms,
// not to their result).
func TestFloatMatchesKeras(t *testing.T) {
	for _, m := range refModels {
		t.Run(m.name, func(t *testing.T) {
			g := loadRef(t, m.name, "")
			p, err := Compile(g, Options{Float: true})
			if err != nil {
				t.Fatal(err)
			}
			x := readRef(t, m.name, "inputs.npy")
			res, err := p.Run([][]float64{x.Data}, x.Shape[0], RunOptions{Trace: true})
			if err != nil {
				t.Fatal(err)
			}
			check := func(file string, got []float64) {
				want := readRef(t, m.name, file)
				if len(got) != len(want.Data) {
					t.Fatalf("%s: got %d values, want %d", file, len(got), len(want.Data))
				}
				scale := 0.0
				for _, w := range want.Data {
					scale = max(scale, math.Abs(w))
				}
				worst := 0.0
				for i, w := range want.Data {
					d := math.Abs(got[i] - w)
					worst = max(worst, d/scale)
					if d > 1e-5*math.Abs(w)+2e-6*scale {
						t.Fatalf("%s value %d: got %v, Keras %v", file, i, got[i], w)
					}
				}
				t.Logf("%s: largest difference %.2g of the largest value", file, worst)
			}
			check("float_out.npy", res.Outputs[0])
			if m.hasSoftmax {
				out := g.Outputs[0]
				check("float_presoftmax.npy", res.Nodes[g.Nodes[out].Inputs[0]])
			}
		})
	}
}

// TestPredictWithHLS4MLConfig gives the configuration hls4ml itself was
// given (only Model.Precision: fixed<16,6>) instead of the resolved one, so
// every type comes from the precedence rules and the ops' own defaults
// (AssignTypesHLS4ML: hls4ml keeps softmax's tables at fixed<18,8,RND,SAT>
// under a Model default). QKeras and binary models are left out: hls4ml takes their
// weight and accumulator types from the quantizers (a binary Dense sums in
// int<8>), which AssignTypes does not do.
func TestPredictWithHLS4MLConfig(t *testing.T) {
	for _, m := range []string{"KERAS_3layer", "KERAS_3layer_batch_norm", "KERAS_conv1d_small"} {
		t.Run(m, func(t *testing.T) {
			g := loadRef(t, m, "")
			c, err := config.Load(refPath(m, "model", "hls4ml_config.yml"))
			if err != nil {
				t.Fatal(err)
			}
			if err := passes.AssignTypesHLS4ML(g, c); err != nil {
				t.Fatal(err)
			}
			p, err := Compile(g, Options{})
			if err != nil {
				t.Fatal(err)
			}
			x := readRef(t, m, "inputs.npy")
			res, err := p.Run([][]float64{x.Data}, x.Shape[0], RunOptions{})
			if err != nil {
				t.Fatal(err)
			}
			want := readRef(t, m, "model", "hls4ml_out.npy")
			for i, w := range want.Data {
				if float64(float32(res.Outputs[0][i])) != w {
					t.Fatalf("value %d: got %v, hls4ml %v", i, res.Outputs[0][i], w)
				}
			}
		})
	}
}
