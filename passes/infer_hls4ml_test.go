// This file tests that InferTypes keeps what a configuration types: with
// hls4ml's own resolved configurations the pipeline gives hls4ml's
// firmware outputs bit for bit, and the verdicts name hls4ml's overflows
// and its collapsed softmax.

package passes_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/nnhls/nnhls/config"
	"github.com/nnhls/nnhls/passes"
	"github.com/nnhls/nnhls/sim"
)

// TestPipelineKeepsHLS4MLConfig runs the float reference models through
// the pipeline with hls4ml's resolved 'model' and 'name' configurations
// and requires hls4ml_out.npy exactly (every value of these result types
// is a float32). Under 'name' the softmax reads max − x through hls4ml's
// inp_norm_t ufixed<37,17> or wider with 1024 entries: the verdict must say
// the bins are 128 wide or more.
func TestPipelineKeepsHLS4MLConfig(t *testing.T) {
	for _, m := range []string{"KERAS_3layer", "KERAS_conv1d_small"} {
		for _, gran := range []string{"model", "name"} {
			t.Run(m+"/"+gran, func(t *testing.T) {
				g := loadModel(t, m)
				c, err := config.Load(filepath.Join("..", "testdata", "hls4ml-ref", m, gran, "resolved_config.yml"))
				if err != nil {
					t.Fatal(err)
				}
				if err := passes.RunFlow(g, c, passes.Pipeline(g, passes.PipelineOptions{})); err != nil {
					t.Fatal(err)
				}
				p, err := sim.Compile(g, sim.Options{})
				if err != nil {
					t.Fatal(err)
				}
				x := readArray(t, "hls4ml-ref", m, "inputs.npy")
				res, err := p.Run([][]float64{x.Data}, x.Shape[0], sim.RunOptions{})
				if err != nil {
					t.Fatal(err)
				}
				want := readArray(t, "hls4ml-ref", m, gran, "hls4ml_out.npy")
				bad := 0
				for i, w := range want.Data {
					if float64(float32(res.Outputs[0][i])) != w {
						bad++
					}
				}
				if bad > 0 {
					t.Errorf("%d of %d values differ from hls4ml", bad, len(want.Data))
				}
				sm := g.Nodes[len(g.Nodes)-1]
				v := passes.Verdict(sm)
				collapsed := strings.Contains(v, "the output is nearly constant")
				if gran == "name" && !collapsed {
					t.Errorf("softmax verdict %q does not report the collapse", v)
				}
				if gran == "model" && collapsed {
					t.Errorf("softmax verdict %q reports a collapse under 'model'", v)
				}
				t.Logf("softmax: %s; %d warnings", v, len(passes.Warnings(g)))
			})
		}
	}
}
