// This file tests InferTypes on the float example models: with the types
// it infers (and with calibration) the emulated firmware keeps the float
// model's top-1 class on at least 99% of the reference inputs, and the
// softmax outputs are not constant (hls4ml's 'name' conversion of the same
// models outputs 0.2002 for every class: numerics.md §0).

package passes_test

import (
	"math"
	"math/rand/v2"
	"path/filepath"
	"testing"

	"github.com/nnhls/nnhls/config"
	"github.com/nnhls/nnhls/ir"
	"github.com/nnhls/nnhls/load/keras"
	"github.com/nnhls/nnhls/npy"
	"github.com/nnhls/nnhls/passes"
	"github.com/nnhls/nnhls/sim"
)

// observer runs the float model on x and returns every node's range.
func observer(x *npy.Array) func(*ir.Graph) (map[string]passes.Range, error) {
	return func(g *ir.Graph) (map[string]passes.Range, error) {
		p, err := sim.Compile(g, sim.Options{Float: true})
		if err != nil {
			return nil, err
		}
		res, err := p.Run([][]float64{x.Data}, x.Shape[0], sim.RunOptions{Trace: true})
		if err != nil {
			return nil, err
		}
		out := map[string]passes.Range{}
		for i, n := range g.Nodes {
			r := passes.Range{Min: math.Inf(1), Max: math.Inf(-1)}
			for _, v := range res.Nodes[i] {
				r.Min, r.Max = math.Min(r.Min, v), math.Max(r.Max, v)
			}
			out[n.Name] = r
		}
		return out, nil
	}
}

func loadModel(t *testing.T, name string) *ir.Graph {
	t.Helper()
	g, err := keras.Load(filepath.Join("..", "testdata", "keras", name+".json"))
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func readArray(t *testing.T, parts ...string) *npy.Array {
	t.Helper()
	a, err := npy.ReadFile(filepath.Join(append([]string{"..", "testdata"}, parts...)...))
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// argmax returns the index of the first largest value.
func argmax(v []float64) int {
	b := 0
	for i, x := range v {
		if x > v[b] {
			b = i
		}
	}
	return b
}

// floatCase is a float model with its reference inputs and outputs: the
// Keras float outputs of testdata/hls4ml-ref, or, for models without
// them, seeded normal samples and nnhls's own float forward pass (whose
// kernels sim tests hold to Keras), with calibration on other samples.
type floatCase struct {
	model        string
	x, calX, ref *npy.Array
}

func floatCases(t *testing.T) []floatCase {
	var cs []floatCase
	for _, m := range []string{"KERAS_3layer", "KERAS_3layer_batch_norm", "KERAS_conv1d_small"} {
		x := readArray(t, "hls4ml-ref", m, "inputs.npy")
		cs = append(cs, floatCase{m, x, x, readArray(t, "hls4ml-ref", m, "float_out.npy")})
	}
	r := rand.New(rand.NewPCG(7, 11))
	for _, m := range []string{"jetTagger_Conv2D_Small", "KERAS_conv2d_model"} {
		g := loadModel(t, m)
		shape := append([]int{1000}, g.Nodes[g.Inputs[0]].Shape...)
		draw := func() *npy.Array {
			a := &npy.Array{Shape: shape, Data: make([]float64, ir.NumElements(shape)), DType: "<f8"}
			for i := range a.Data {
				a.Data[i] = float64(float32(r.NormFloat64()))
			}
			return a
		}
		x, calX := draw(), draw()
		p, err := sim.Compile(g, sim.Options{Float: true})
		if err != nil {
			t.Fatal(err)
		}
		res, err := p.Run([][]float64{x.Data}, 1000, sim.RunOptions{})
		if err != nil {
			t.Fatal(err)
		}
		k := len(res.Outputs[0]) / 1000
		cs = append(cs, floatCase{m, x, calX, &npy.Array{Shape: []int{1000, k}, Data: res.Outputs[0]}})
	}
	return cs
}

// TestFloatModelsAgree types each float model by interval inference alone
// and with calibration, emulates it, and compares the top-1 class with the
// float reference; the softmax output must take many values (hls4ml's
// 'name' conversion gives every sample the same).
func TestFloatModelsAgree(t *testing.T) {
	for _, fc := range floatCases(t) {
		for _, calib := range []bool{false, true} {
			name := fc.model + "/interval"
			if calib {
				name = fc.model + "/calibrated"
			}
			t.Run(name, func(t *testing.T) {
				g := loadModel(t, fc.model)
				opt := passes.PipelineOptions{}
				if calib {
					opt.Infer = passes.InferOptions{Observe: observer(fc.calX), Margin: passes.DefaultMargin, Source: "inputs"}
				}
				if err := passes.RunFlow(g, config.Default(), passes.Pipeline(g, opt)); err != nil {
					t.Fatal(err)
				}
				p, err := sim.Compile(g, sim.Options{})
				if err != nil {
					t.Fatal(err)
				}
				n := fc.x.Shape[0]
				res, err := p.Run([][]float64{fc.x.Data}, n, sim.RunOptions{})
				if err != nil {
					t.Fatal(err)
				}
				got, want := res.Outputs[0], fc.ref
				k := want.Shape[1]
				agree, distinct := 0, map[float64]bool{}
				for s := range n {
					if argmax(got[s*k:(s+1)*k]) == argmax(want.Data[s*k:(s+1)*k]) {
						agree++
					}
					distinct[got[s*k]] = true
				}
				frac := float64(agree) / float64(n)
				t.Logf("top-1 agreement %d/%d = %.4f, %d distinct values of output 0; %d warnings", agree, n, frac, len(distinct), len(passes.Warnings(g)))
				if frac < 0.99 {
					t.Errorf("top-1 agreement %.4f < 0.99", frac)
				}
				if len(distinct) < 10 {
					t.Errorf("softmax output 0 takes only %d values", len(distinct))
				}
			})
		}
	}
}
