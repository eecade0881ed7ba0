// This file implements "nnhls predict": run a model's bit-exact emulation
// (or its float64 forward pass) on a batch of inputs. It also holds what
// predict and trace share: loading and typing the model, reading inputs,
// and the progress bar.

package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"github.com/spf13/cobra"

	"github.com/nnhls/nnhls/config"
	"github.com/nnhls/nnhls/ir"
	"github.com/nnhls/nnhls/load/keras"
	"github.com/nnhls/nnhls/load/onnx"
	"github.com/nnhls/nnhls/npy"
	"github.com/nnhls/nnhls/ops"
	"github.com/nnhls/nnhls/passes"
	"github.com/nnhls/nnhls/sim"
)

// simFlags are the flags predict and trace share.
type simFlags struct {
	inputs  []string
	output  string
	config  string
	workers int
	typing  typingFlags
}

func (f *simFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringArrayVarP(&f.inputs, "input", "i", nil, "input array: .npy (float32/float64) or hls4ml testbench text (.dat, .txt); repeat for a model with several inputs")
	cmd.Flags().StringVarP(&f.output, "output", "o", "", "where to write the results")
	cmd.Flags().StringVarP(&f.config, "config", "c", "", "hls4ml-style configuration (HLSConfig or a whole hls4ml project YAML); what it leaves open nnhls infers so that it cannot overflow")
	f.typing.register(cmd.Flags())
	cmd.Flags().IntVar(&f.workers, "workers", 0, "goroutines to run on (default: one per CPU; results do not depend on it)")
	_ = cmd.MarkFlagRequired("input")
	_ = cmd.MarkFlagRequired("output")
}

func newPredictCmd() *cobra.Command {
	var f simFlags
	var float bool
	cmd := &cobra.Command{
		Use:   "predict MODEL --input X.npy --output Y.npy [--config C.yml] [--float]",
		Short: "Compute exactly what the firmware outputs on a batch of inputs",
		Long: `predict emulates the HLS firmware of MODEL bit for bit on every sample of the
input arrays: every product, accumulation, rounding and overflow as the
fixed-point types of the configuration make them. A model with one output
writes a .npy of shape (N, ...); a model with several writes a .npz with one
array per output layer. --float runs the trained network in float64 instead
(no fixed point, training-side quantizers removed), for comparison.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			p, err := compileModelWith(args[0], f.config, float, f.typing)
			if err != nil {
				return err
			}
			x, n, err := readInputs(p, f.inputs)
			if err != nil {
				return err
			}
			res, err := runWithProgress(cmd.ErrOrStderr(), p, x, n, sim.RunOptions{Workers: f.workers, Tally: !float})
			if err != nil {
				return err
			}
			if err := writePredictions(p, res, f.output); err != nil {
				return err
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "nnhls: wrote %s: %d samples%s\n", f.output, n, overflowSummary(p, res))
			return nil
		},
	}
	f.register(cmd)
	cmd.Flags().BoolVar(&float, "float", false, "run the float64 forward pass instead of the fixed-point emulation")
	return cmd
}

// compileModel is compileModelWith without calibration.
func compileModel(modelPath, configPath string, float bool) (*sim.Program, error) {
	return compileModelWith(modelPath, configPath, float, typingFlags{})
}

// compileModelWith loads the model, types it with nnhls's pipeline from
// the configuration and the typing flags (unless float) and compiles it.
func compileModelWith(modelPath, configPath string, float bool, typing typingFlags) (*sim.Program, error) {
	g, err := loadModel(modelPath)
	if err != nil {
		return nil, err
	}
	if float {
		if err := passes.FuseBatchNormTanh(g, nil); err != nil {
			return nil, err
		}
		return sim.Compile(g, sim.Options{Float: true})
	}
	c, err := loadConfig(configPath)
	if err != nil {
		return nil, err
	}
	if _, err := typeGraph(g, c, typing); err != nil {
		return nil, err
	}
	return sim.Compile(g, sim.Options{})
}

// loadModel reads a model file by its kind.
func loadModel(path string) (*ir.Graph, error) {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".onnx":
		return onnx.Load(path)
	}
	return keras.Load(path)
}

// checkConfigNames reports LayerName entries that match no layer (hls4ml
// would silently ignore them), as config.CheckNames decides.
func checkConfigNames(c *config.Config, g *ir.Graph) error {
	var names, classes []string
	for _, n := range g.Nodes {
		names = append(names, n.Name)
		if d, err := ops.Lookup(n.Op); err == nil {
			classes = append(classes, d.Class(n))
		}
	}
	return c.CheckNames(names, classes)
}

// readInputs reads the input arrays and checks them against the model.
func readInputs(p *sim.Program, paths []string) ([][]float64, int, error) {
	arrays := make([]*npy.Array, len(paths))
	for i, path := range paths {
		a, err := npy.ReadAny(path)
		if err != nil {
			return nil, 0, err
		}
		arrays[i] = a
	}
	x, n, err := p.Batch(arrays)
	if err != nil {
		return nil, 0, fmt.Errorf("%s: %w", strings.Join(paths, ", "), err)
	}
	return x, n, nil
}

// writePredictions writes one output as .npy, several as .npz keyed by
// output layer name.
func writePredictions(p *sim.Program, res *sim.Result, path string) error {
	arrays := p.Arrays(res, nil)
	g := p.Graph()
	if len(arrays) == 1 {
		if strings.EqualFold(filepath.Ext(path), ".npz") {
			return writeNPZ(path, []string{sim.Keys(g)[g.Outputs[0]]}, arrays)
		}
		return npy.WriteFile(path, arrays[0])
	}
	if !strings.EqualFold(filepath.Ext(path), ".npz") {
		return fmt.Errorf("%s: the model has %d outputs; write them to an .npz file", path, len(arrays))
	}
	keys := sim.Keys(g)
	names := make([]string, len(arrays))
	for i, o := range g.Outputs {
		names[i] = keys[o]
	}
	return writeNPZ(path, names, arrays)
}

func writeNPZ(path string, names []string, arrays []*npy.Array) error {
	m := make(map[string]*npy.Array, len(names))
	for i, n := range names {
		m[n] = arrays[i]
	}
	return npy.WriteNPZ(path, names, m)
}

// runWithProgress runs the batch, drawing a progress bar on w when it is a
// terminal and the run takes over a second.
func runWithProgress(w io.Writer, p *sim.Program, x [][]float64, n int, opt sim.RunOptions) (*sim.Result, error) {
	f, ok := w.(*os.File)
	if !ok || !isTerminal(f) {
		return p.Run(x, n, opt)
	}
	var done atomic.Int64
	opt.Progress = func(d int) { done.Store(int64(d)) }
	stop := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		select {
		case <-stop:
			return
		case <-time.After(time.Second):
		}
		tick := time.NewTicker(100 * time.Millisecond)
		defer tick.Stop()
		for {
			drawBar(f, int(done.Load()), n)
			select {
			case <-stop:
				drawBar(f, n, n)
				fmt.Fprintln(f)
				return
			case <-tick.C:
			}
		}
	}()
	res, err := p.Run(x, n, opt)
	close(stop)
	<-finished
	return res, err
}

// isTerminal reports whether f is a character device (a terminal), without
// depending on a terminal package.
func isTerminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

func drawBar(w io.Writer, done, total int) {
	const width = 40
	frac := 1.0
	if total > 0 {
		frac = float64(done) / float64(total)
	}
	fill := int(frac * width)
	fmt.Fprintf(w, "\r[%s%s] %3.0f%% %d/%d samples", strings.Repeat("=", fill), strings.Repeat(" ", width-fill), 100*frac, done, total)
}

// overflowSummary says which layers saturated or wrapped a result or an
// accumulator during the run, so that predict never hides an overflow; the
// per-layer table is trace's job.
func overflowSummary(p *sim.Program, res *sim.Result) string {
	if res.Tallies == nil {
		return ""
	}
	var sat, wrap int64
	var layers []string
	for i, t := range res.Tallies {
		var s, w int64
		for _, slot := range []ops.Slot{ops.SlotResult, ops.SlotAccum} {
			s += t[slot].Saturated
			w += t[slot].Wrapped
		}
		if s+w > 0 {
			layers = append(layers, p.Graph().Nodes[i].Name)
		}
		sat += s
		wrap += w
	}
	if len(layers) == 0 {
		return "; no result or accumulator saturated or wrapped"
	}
	if len(layers) > 5 {
		layers = append(layers[:5], "...")
	}
	return fmt.Sprintf("; %d values saturated and %d wrapped in %s (\"nnhls trace\" shows by how much)", sat, wrap, strings.Join(layers, ", "))
}
