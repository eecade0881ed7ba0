// This file implements "nnhls csim": build a written project with g++ and
// run the compiled firmware on a batch of inputs.

package main

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/nnhls/nnhls/hls"
	"github.com/nnhls/nnhls/npy"
)

func newCsimCmd() *cobra.Command {
	var (
		inputs []string
		output string
		cxx    string
	)
	cmd := &cobra.Command{
		Use:   "csim DIR --input X.npy --output Y.npy",
		Short: "Build a written project with g++ and run the C++ on a batch of inputs",
		Long: `csim compiles the project in DIR (written by nnhls convert) with g++, unless
the previous build is up to date, and runs the compiled firmware on every
sample of the input arrays: hls4ml's compile() and predict(), for when the
C++ itself should answer. Its outputs equal nnhls predict's bit for bit.
One output is written as .npy, several as .npz keyed by output layer.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := csim(args[0], inputs, output, cxx); err != nil {
				return err
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "nnhls: wrote %s: the g++-compiled firmware of %s on %s\n", output, args[0], strings.Join(inputs, ", "))
			return nil
		},
	}
	cmd.Flags().StringArrayVarP(&inputs, "input", "i", nil, "input array: .npy or hls4ml .dat text; repeat for several inputs")
	cmd.Flags().StringVarP(&output, "output", "o", "", "where to write the outputs (.npy, or .npz)")
	cmd.Flags().StringVar(&cxx, "cxx", "", "C++ compiler (default g++)")
	_ = cmd.MarkFlagRequired("input")
	_ = cmd.MarkFlagRequired("output")
	return cmd
}

// csim is the command's work, shared with the tests.
func csim(dir string, inputs []string, output, cxx string) error {
	m, err := hls.ReadManifest(dir)
	if err != nil {
		return err
	}
	if len(inputs) != len(m.Inputs) {
		return fmt.Errorf("the project has %d inputs, got %d arrays", len(m.Inputs), len(inputs))
	}
	var x [][]float64
	var sizes []int
	n := -1
	for i, path := range inputs {
		a, err := npy.ReadAny(path)
		if err != nil {
			return err
		}
		t := m.Inputs[i]
		size := t.Size()
		if len(a.Shape) == 0 || a.Size()%size != 0 || (len(a.Shape) > 1 && a.Size()/a.Shape[0] != size) {
			return fmt.Errorf("%s: shape %v does not hold samples of input %q %v", path, a.Shape, t.Name, t.Shape)
		}
		k := a.Size() / size
		if n >= 0 && k != n {
			return fmt.Errorf("%s: %d samples, the first input has %d", path, k, n)
		}
		n = k
		x = append(x, a.Data)
		sizes = append(sizes, size)
	}
	bin, _, err := hls.Build(dir, hls.BuildOptions{CXX: cxx})
	if err != nil {
		return err
	}
	rows, err := hls.Predict(dir, bin, joinSamples(x, sizes, n))
	if err != nil {
		return err
	}
	var outSizes []int
	for _, t := range m.Outputs {
		outSizes = append(outSizes, t.Size())
	}
	outs, err := splitSamples(rows, outSizes)
	if err != nil {
		return err
	}
	arrays := make([]*npy.Array, len(outs))
	names := make([]string, len(outs))
	for i, t := range m.Outputs {
		arrays[i] = &npy.Array{Shape: append([]int{n}, t.Shape...), Data: outs[i], DType: "<f8"}
		if arrays[i].Data == nil {
			arrays[i].Data = []float64{}
		}
		names[i] = t.Name
	}
	isNPZ := strings.EqualFold(filepath.Ext(output), ".npz")
	if len(arrays) == 1 && !isNPZ {
		return npy.WriteFile(output, arrays[0])
	}
	if !isNPZ {
		return fmt.Errorf("%s: the model has %d outputs; write them to an .npz file", output, len(arrays))
	}
	return writeNPZ(output, names, arrays)
}
