// This file tests the softmax kernel against hls4ml's own compiled C++: the
// softmax input hls4ml computed (hls4ml_presoftmax.npy) goes through
// NewSoftmax with the types hls4ml chose (layers.json, resolved_config.yml),
// and the result must equal hls4ml's output (hls4ml_out.npy) bit for bit.

package ops

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/nnhls/nnhls/fixed"
	"github.com/nnhls/nnhls/npy"
)

// refLayer is one entry of hls4ml-ref's layers.json.
type refLayer struct {
	Name        string            `json:"name"`
	Class       string            `json:"class"`
	Inputs      []string          `json:"inputs"`
	OutputShape []int             `json:"output_shape"`
	Types       map[string]string `json:"types"`
}

// refSoftmax reads the softmax layer of a reference model folder and returns
// its spec as hls4ml configured it.
func refSoftmax(t *testing.T, dir string) SoftmaxSpec {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "layers.json"))
	if err != nil {
		t.Fatal(err)
	}
	var layers []refLayer
	if err := json.Unmarshal(data, &layers); err != nil {
		t.Fatalf("%s: %v", dir, err)
	}
	byName := map[string]refLayer{}
	var sm *refLayer
	for i, l := range layers {
		byName[l.Name] = l
		if l.Class == "Softmax" {
			sm = &layers[i]
		}
	}
	if sm == nil {
		t.Fatalf("%s: no Softmax layer", dir)
	}
	typ := func(l refLayer, v string) fixed.Type {
		s, ok := l.Types[v]
		if !ok {
			t.Fatalf("%s: layer %s has no %s", dir, l.Name, v)
		}
		ft, err := fixed.Parse(s)
		if err != nil {
			t.Fatalf("%s: layer %s %s: %v", dir, l.Name, v, err)
		}
		return ft
	}
	yml, err := os.ReadFile(filepath.Join(dir, "resolved_config.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var cfg struct {
		LayerName map[string]struct {
			TableSize      int    `yaml:"TableSize"`
			Implementation string `yaml:"Implementation"`
		} `yaml:"LayerName"`
	}
	if err := yaml.Unmarshal(yml, &cfg); err != nil {
		t.Fatalf("%s: %v", dir, err)
	}
	lc := cfg.LayerName[sm.Name]
	impl, err := ParseSoftmaxImpl(lc.Implementation)
	if err != nil {
		t.Fatal(err)
	}
	return SoftmaxSpec{
		Impl:      impl,
		In:        typ(byName[sm.Inputs[0]], "result_t"),
		Result:    typ(*sm, "result_t"),
		Accum:     typ(*sm, "accum_t"),
		ExpTable:  typ(*sm, "exp_table_t"),
		InvTable:  typ(*sm, "inv_table_t"),
		InvInp:    typ(*sm, "inv_inp_t"),
		Table:     typ(*sm, "table_t"),
		TableSize: lc.TableSize,
		NOuter:    1, NSlice: sm.OutputShape[len(sm.OutputShape)-1], NInner: 1,
	}
}

func TestSoftmaxMatchesHLS4ML(t *testing.T) {
	for _, model := range []string{"KERAS_3layer", "KERAS_3layer_batch_norm", "KERAS_conv1d_small", "qkeras_3layer"} {
		t.Run(model, func(t *testing.T) {
			dir := filepath.Join("..", "testdata", "hls4ml-ref", model, "name")
			spec := refSoftmax(t, dir)
			k, err := NewSoftmax(spec)
			if err != nil {
				t.Fatal(err)
			}
			if exp, inv := SoftmaxTables(k); len(exp.Uncertain)+len(inv.Uncertain) != 0 {
				t.Errorf("uncertain table entries: exp %v, inv %v", exp.Uncertain, inv.Uncertain)
			}
			x, err := npy.ReadFile(filepath.Join(dir, "hls4ml_presoftmax.npy"))
			if err != nil {
				t.Fatal(err)
			}
			want, err := npy.ReadFile(filepath.Join(dir, "hls4ml_out.npy"))
			if err != nil {
				t.Fatal(err)
			}
			n := spec.NSlice
			if len(x.Data) != len(want.Data) || len(x.Data)%n != 0 {
				t.Fatalf("shapes %v and %v", x.Shape, want.Shape)
			}
			in, err := fixed.NewFloatCast64(spec.In)
			if err != nil {
				t.Fatal(err)
			}
			scale := math.Ldexp(1, spec.Result.FracBits())
			raw := make([]int64, n)
			out := make([]int64, n)
			scratch := make([]int64, k.Scratch())
			var tally Tally
			offGrid, bad := 0, 0
			for s := 0; s < len(x.Data); s += n {
				for j := range n {
					var fl fixed.Flags
					raw[j], fl = in.Apply(x.Data[s+j])
					if fl != 0 {
						offGrid++
					}
				}
				k.Run([][]int64{raw}, out, scratch, &tally)
				for j := range n {
					w := want.Data[s+j] * scale
					if w != math.Trunc(w) || int64(w) != out[j] {
						if bad < 5 {
							t.Errorf("sample %d, output %d: got raw %d (%g), hls4ml %g",
								s/n, j, out[j], float64(out[j])/scale, want.Data[s+j])
						}
						bad++
					}
				}
			}
			if offGrid != 0 {
				t.Errorf("%d inputs were not on the grid of %v", offGrid, spec.In)
			}
			if bad != 0 {
				t.Errorf("%d of %d outputs differ from hls4ml", bad, len(x.Data))
			}
			t.Logf("%s: %d samples of %d, input %v, inp_norm %v, all equal to hls4ml",
				model, len(x.Data)/n, n, spec.In, must(spec.Resolve()).InpNorm)
		})
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
