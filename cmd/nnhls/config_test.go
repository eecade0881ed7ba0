// This file tests "nnhls config": the YAML it prints, passed back with
// --config, gives exactly the same types, and the emulator the same
// outputs.

package main

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nnhls/nnhls/config"
	"github.com/nnhls/nnhls/ir"
	"github.com/nnhls/nnhls/npy"
	"github.com/nnhls/nnhls/passes"
	"github.com/nnhls/nnhls/sim"
)

// emulate compiles g and runs it on x.
func emulate(t *testing.T, g *ir.Graph, x *npy.Array) []float64 {
	t.Helper()
	p, err := sim.Compile(g, sim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	res, err := p.Run([][]float64{x.Data}, x.Shape[0], sim.RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return res.Outputs[0]
}

// TestConfigRoundTrip prints the name-granularity configuration of three
// float models (interval inference, and calibration on their inputs),
// passes it back, and requires every type, table size and output to be
// the same.
func TestConfigRoundTrip(t *testing.T) {
	for _, m := range []string{"KERAS_3layer", "KERAS_3layer_batch_norm", "KERAS_conv1d_small"} {
		for _, calib := range []bool{false, true} {
			t.Run(m+map[bool]string{false: "/interval", true: "/calibrated"}[calib], func(t *testing.T) {
				model := filepath.Join("..", "..", "testdata", "keras", m+".json")
				inputs := filepath.Join("..", "..", "testdata", "hls4ml-ref", m, "inputs.npy")
				var f typingFlags
				if calib {
					f = typingFlags{calibrate: []string{inputs}, margin: 1}
				}
				out := filepath.Join(t.TempDir(), "c.yml")
				if msg, err := runCmd(t, append([]string{"config", model, "-o", out}, calibArgs(f)...)...); err != nil {
					t.Fatalf("%v\n%s", err, msg)
				}
				first, err := loadModel(model)
				if err != nil {
					t.Fatal(err)
				}
				if _, err := typeGraph(first, config.Default(), f); err != nil {
					t.Fatal(err)
				}
				c, err := config.Load(out)
				if err != nil {
					t.Fatal(err)
				}
				second, err := loadModel(model)
				if err != nil {
					t.Fatal(err)
				}
				if _, err := typeGraph(second, c, typingFlags{}); err != nil {
					t.Fatal(err)
				}
				if len(first.Nodes) != len(second.Nodes) {
					t.Fatalf("%d nodes, then %d", len(first.Nodes), len(second.Nodes))
				}
				for i, a := range first.Nodes {
					b := second.Nodes[i]
					if len(a.HW.Types) != len(b.HW.Types) || a.HW.TableSize != b.HW.TableSize {
						t.Errorf("%s: types %v (table %d), then %v (table %d)", a.Name, a.HW.Types, a.HW.TableSize, b.HW.Types, b.HW.TableSize)
						continue
					}
					for v, ty := range a.HW.Types {
						if b.HW.Types[v] != ty {
							t.Errorf("%s %s: %s, then %s (%s)", a.Name, v, ty.HLS4ML(), b.HW.Types[v].HLS4ML(), b.HW.Why[v])
						}
					}
					if passes.Verdict(a) != passes.Verdict(b) {
						t.Errorf("%s: verdict %q, then %q", a.Name, passes.Verdict(a), passes.Verdict(b))
					}
				}
				x, err := npy.ReadFile(inputs)
				if err != nil {
					t.Fatal(err)
				}
				ya, yb := emulate(t, first, x), emulate(t, second, x)
				for i := range ya {
					if ya[i] != yb[i] {
						t.Fatalf("output %d: %v, then %v", i, ya[i], yb[i])
					}
				}
			})
		}
	}
}

func calibArgs(f typingFlags) []string {
	var a []string
	for _, p := range f.calibrate {
		a = append(a, "--calibrate", p)
	}
	return a
}

// TestConfigComments checks the origins the YAML names: the built-in
// default of the input, intervals of accumulators, calibration, the
// softmax table, and the verdicts.
func TestConfigComments(t *testing.T) {
	model := filepath.Join("..", "..", "testdata", "keras", "KERAS_3layer.json")
	inputs := filepath.Join("..", "..", "testdata", "hls4ml-ref", "KERAS_3layer", "inputs.npy")
	out, err := runCmd(t, "config", model)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"      result: fixed<16,6>  # built-in default",
		"      accum: fixed<34,11>  # interval of the sums",
		"      inp_norm: ufixed<13,3,TRN,SAT>  # table address",
		"    # proven safe",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	out, err = runCmd(t, "config", model, "--calibrate", inputs, "--granularity", "type")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"LayerType:\n  Input:\n    Precision:\n      result: fixed<16,5,RND,SAT>", "  Dense:\n", "union of 4 layer(s)"} {
		if !strings.Contains(out, want) {
			t.Errorf("type granularity output lacks %q:\n%s", want, out)
		}
	}
	if _, err := runCmd(t, "config", model, "--granularity", "layer"); err == nil || !strings.Contains(err.Error(), "granularity") {
		t.Errorf("bad granularity: %v", err)
	}
}

// TestConfigUnionsStaySafe: the 'type' and 'model' configurations write
// unions of the inferred types; passed back, every layer of the float
// models is still proven safe (the unions hold every layer's interval).
func TestConfigUnionsStaySafe(t *testing.T) {
	for _, m := range []string{"KERAS_3layer", "KERAS_3layer_batch_norm", "KERAS_conv1d_small", "jetTagger_Conv2D_Small"} {
		for _, gran := range []string{"type", "model"} {
			model := filepath.Join("..", "..", "testdata", "keras", m+".json")
			out := filepath.Join(t.TempDir(), "c.yml")
			if msg, err := runCmd(t, "config", model, "-g", gran, "-o", out); err != nil {
				t.Fatalf("%s %s: %v\n%s", m, gran, err, msg)
			}
			c, err := config.Load(out)
			if err != nil {
				t.Fatal(err)
			}
			g, err := loadModel(model)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := typeGraph(g, c, typingFlags{}); err != nil {
				t.Fatal(err)
			}
			if w := passes.Warnings(g); len(w) > 0 {
				t.Errorf("%s %s: %v", m, gran, w)
			}
		}
	}
}

// TestConvertInferredTypesCsim: the C++ project of a float model typed by
// inference (and by calibration) computes what predict computes with the
// same flags, on 200 reference inputs: the inferred types (unsigned
// results, inp_norm_t, large softmax tables) reach the C++ intact.
func TestConvertInferredTypesCsim(t *testing.T) {
	if _, err := exec.LookPath("g++"); err != nil {
		t.Skip("g++ is not installed")
	}
	for _, m := range []string{"KERAS_3layer", "KERAS_conv1d_small"} {
		for _, calib := range []bool{false, true} {
			t.Run(m+map[bool]string{false: "/interval", true: "/calibrated"}[calib], func(t *testing.T) {
				t.Parallel()
				dir := t.TempDir()
				model := filepath.Join("..", "..", "testdata", "keras", m+".json")
				all, err := npy.ReadFile(filepath.Join("..", "..", "testdata", "hls4ml-ref", m, "inputs.npy"))
				if err != nil {
					t.Fatal(err)
				}
				const n = 200
				per := len(all.Data) / all.Shape[0]
				x := filepath.Join(dir, "x.npy")
				if err := npy.WriteFile(x, &npy.Array{Shape: append([]int{n}, all.Shape[1:]...), Data: all.Data[:n*per], DType: "<f8"}); err != nil {
					t.Fatal(err)
				}
				var flags []string
				if calib {
					flags = []string{"--calibrate", x}
				}
				proj := filepath.Join(dir, "prj")
				if msg, err := runCmd(t, append([]string{"convert", model, "-o", proj, "-i", x}, flags...)...); err != nil {
					t.Fatalf("convert: %v\n%s", err, msg)
				}
				csimOut, predOut := filepath.Join(dir, "csim.npy"), filepath.Join(dir, "pred.npy")
				if msg, err := runCmd(t, "csim", proj, "-i", x, "-o", csimOut); err != nil {
					t.Fatalf("csim: %v\n%s", err, msg)
				}
				if msg, err := runCmd(t, append([]string{"predict", model, "-i", x, "-o", predOut}, flags...)...); err != nil {
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
				if len(got.Data) != len(want.Data) {
					t.Fatalf("csim %d values, predict %d", len(got.Data), len(want.Data))
				}
				for i := range got.Data {
					if got.Data[i] != want.Data[i] {
						t.Fatalf("value %d: csim %v, predict %v", i, got.Data[i], want.Data[i])
					}
				}
			})
		}
	}
}
