// This file implements the typing step the commands share: nnhls's pass
// pipeline with an optional calibration of float models on user data, and
// the flags that control it.

package main

import (
	"fmt"
	"math"
	"path/filepath"
	"strings"

	"github.com/spf13/pflag"

	"github.com/nnhls/nnhls/config"
	"github.com/nnhls/nnhls/ir"
	"github.com/nnhls/nnhls/npy"
	"github.com/nnhls/nnhls/ops"
	"github.com/nnhls/nnhls/passes"
	"github.com/nnhls/nnhls/sim"
)

// typingFlags are the flags that change how a model is typed.
type typingFlags struct {
	calibrate   []string
	margin      int
	width       int
	approximate bool
}

// register adds --calibrate, --margin, --width and --approximate to fs.
func (f *typingFlags) register(fs *pflag.FlagSet) {
	fs.StringArrayVar(&f.calibrate, "calibrate", nil, "calibration inputs (.npy or hls4ml .dat; repeat for several model inputs): result types of float layers get the integer bits of the ranges the float model reaches on them")
	fs.IntVar(&f.margin, "margin", passes.DefaultMargin, "integer bits added above each calibrated range")
	fs.IntVar(&f.width, "width", 0, "total width of calibrated types (default: the Model default's, 16 for fixed<16,6>)")
	fs.BoolVar(&f.approximate, "approximate", false, "accept quantizers that have no exact hardware form (qnoise_factor < 1, alpha='auto' kernels) instead of failing; the approximation is noted per layer")
}

// options returns the pipeline options of the flags.
func (f *typingFlags) options() passes.PipelineOptions {
	var opt passes.PipelineOptions
	opt.Exact.Approximate = f.approximate
	if len(f.calibrate) > 0 {
		names := make([]string, len(f.calibrate))
		for i, p := range f.calibrate {
			names[i] = filepath.Base(p)
		}
		opt.Infer = passes.InferOptions{
			Observe: observeFloat(f.calibrate), Margin: f.margin, Width: f.width,
			Source: strings.Join(names, ", "),
		}
	}
	return opt
}

// typeGraph runs nnhls's pipeline on g with configuration c (checking
// that every LayerName entry names a layer before or after the passes)
// and returns the passes it ran.
func typeGraph(g *ir.Graph, c *config.Config, f typingFlags) ([]passes.Pass, error) {
	before := layerNames(g)
	flow := passes.Pipeline(g, f.options())
	if err := passes.RunFlow(g, c, flow); err != nil {
		return flow, err
	}
	after := layerNames(g)
	names := append(before[0], after[0]...)
	classes := append(before[1], after[1]...)
	return flow, c.CheckNames(names, classes)
}

// layerNames returns the names and hls4ml classes of g's layers.
func layerNames(g *ir.Graph) [2][]string {
	var out [2][]string
	for _, n := range g.Nodes {
		out[0] = append(out[0], n.Name)
		if d, err := ops.Lookup(n.Op); err == nil {
			out[1] = append(out[1], d.Class(n))
		}
	}
	return out
}

// observeFloat returns the calibration step: the float64 forward pass of
// the graph on the arrays at paths, and the range of every node's output.
func observeFloat(paths []string) func(*ir.Graph) (map[string]passes.Range, error) {
	return func(g *ir.Graph) (map[string]passes.Range, error) {
		p, err := sim.Compile(g, sim.Options{Float: true})
		if err != nil {
			return nil, err
		}
		arrays := make([]*npy.Array, len(paths))
		for i, path := range paths {
			if arrays[i], err = npy.ReadAny(path); err != nil {
				return nil, err
			}
		}
		x, n, err := p.Batch(arrays)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", strings.Join(paths, ", "), err)
		}
		res, err := p.Run(x, n, sim.RunOptions{Trace: true})
		if err != nil {
			return nil, err
		}
		out := make(map[string]passes.Range, len(g.Nodes))
		for i, nd := range g.Nodes {
			r := passes.Range{Min: math.Inf(1), Max: math.Inf(-1)}
			for _, v := range res.Nodes[i] {
				if !math.IsNaN(v) {
					r.Min, r.Max = math.Min(r.Min, v), math.Max(r.Max, v)
				}
			}
			if r.Min <= r.Max {
				out[nd.Name] = r
			}
		}
		return out, nil
	}
}

// loadConfig reads the configuration at path, or returns the default.
func loadConfig(path string) (*config.Config, error) {
	if path == "" {
		return config.Default(), nil
	}
	return config.Load(path)
}
