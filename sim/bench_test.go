// This file holds the emulator's benchmarks and the tests of its run-time
// guarantees: results independent of the worker count, and no allocation
// per sample.

package sim

import (
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/nnhls/nnhls/config"
	"github.com/nnhls/nnhls/ir"
	"github.com/nnhls/nnhls/load/keras"
	"github.com/nnhls/nnhls/passes"
	"path/filepath"
)

// macs counts the multiply-accumulates of one sample: kernel sizes times
// output positions of the Dense and Conv nodes.
func macs(g *ir.Graph) int {
	n := 0
	for _, nd := range g.Nodes {
		k := nd.Weight("kernel")
		if k == nil {
			continue
		}
		switch nd.Op {
		case ir.OpDense:
			n += k.Len() * (ir.NumElements(nd.Shape) / k.Shape[len(k.Shape)-1])
		case ir.OpConv:
			n += k.Len() * (ir.NumElements(nd.Shape) / k.Shape[len(k.Shape)-1])
		case ir.OpDepthwiseConv:
			n += k.Len() / k.Shape[len(k.Shape)-2] * ir.NumElements(nd.Shape) / k.Shape[len(k.Shape)-1]
		}
	}
	return n
}

func benchProgram(b *testing.B, model string) (*Program, [][]float64, int) {
	b.Helper()
	var g *ir.Graph
	if model == "KERAS_3layer" {
		g = loadRef(b, model, "model")
	} else {
		var err error
		if g, err = keras.Load(filepath.Join("..", "testdata", "keras", model+".json")); err != nil {
			b.Fatal(err)
		}
		if err := passes.AssignTypes(g, config.Default()); err != nil {
			b.Fatal(err)
		}
	}
	p, err := Compile(g, Options{})
	if err != nil {
		b.Fatal(err)
	}
	const n = 1000
	r := rand.New(rand.NewPCG(1, 2))
	x := make([]float64, n*p.InputSize(0))
	for i := range x {
		x[i] = r.NormFloat64()
	}
	return p, [][]float64{x}, n
}

func benchPredict(b *testing.B, model string) {
	p, x, n := benchProgram(b, model)
	b.ReportAllocs()
	c0, cpuOK := cpuTime()
	b.ResetTimer()
	for b.Loop() {
		if _, err := p.Run(x, n, RunOptions{}); err != nil {
			b.Fatal(err)
		}
	}
	sec := b.Elapsed().Seconds()
	samples := float64(n * b.N)
	b.ReportMetric(samples/sec, "samples/s")
	b.ReportMetric(sec*1e9/(samples*float64(macs(p.Graph()))), "ns/MAC")
	if c1, ok := cpuTime(); ok && cpuOK {
		// CPU time per sample: what one core delivers, however many
		// other jobs share the machine.
		cpu := (c1 - c0).Seconds()
		b.ReportMetric(samples/cpu, "samples/cpu-s")
		b.ReportMetric(cpu*1e9/(samples*float64(macs(p.Graph()))), "cpu-ns/MAC")
	}
}

// BenchmarkPredictJet is the jet tagger (KERAS_3layer, 16-64-32-32-5) under
// hls4ml's 'model' configuration, on batches of 1,000 samples. Run with
// -cpu 1,2 for one core and all cores.
func BenchmarkPredictJet(b *testing.B) { benchPredict(b, "KERAS_3layer") }

// BenchmarkPredictConv2DSmall is jetTagger_Conv2D_Small with every type
// fixed<16,6>.
func BenchmarkPredictConv2DSmall(b *testing.B) { benchPredict(b, "jetTagger_Conv2D_Small") }

// TestWorkersDeterministic runs the same batch on 1 to 4 workers and
// requires identical outputs, traces, counts and ranges.
func TestWorkersDeterministic(t *testing.T) {
	g := loadRef(t, "KERAS_conv1d_small", "model")
	p, err := Compile(g, Options{})
	if err != nil {
		t.Fatal(err)
	}
	x := readRef(t, "KERAS_conv1d_small", "inputs.npy")
	var first *Result
	for w := 1; w <= 4; w++ {
		res, err := p.Run([][]float64{x.Data}, x.Shape[0], RunOptions{Workers: w, Tally: true, Trace: true})
		if err != nil {
			t.Fatal(err)
		}
		if first == nil {
			first = res
			continue
		}
		if !reflect.DeepEqual(first, res) {
			t.Fatalf("%d workers give a different result than 1", w)
		}
	}
	if first.Tallies[1][0].Casts == 0 {
		t.Fatal("no casts counted")
	}
}

// TestSampleAllocs pins the per-sample path at zero allocations, with and
// without counting.
func TestSampleAllocs(t *testing.T) {
	for _, model := range []string{"KERAS_3layer", "KERAS_conv1d_small"} {
		g := loadRef(t, model, "model")
		p, err := Compile(g, Options{})
		if err != nil {
			t.Fatal(err)
		}
		x := readRef(t, model, "inputs.npy")
		xs := [][]float64{x.Data[:p.InputSize(0)]}
		for _, tally := range []bool{false, true} {
			w := p.newWorker(tally)
			if a := testing.AllocsPerRun(100, func() { w.sample(xs) }); a != 0 {
				t.Errorf("%s (tally %v): %v allocations per sample", model, tally, a)
			}
		}
	}
}
