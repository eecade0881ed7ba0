// This file implements "nnhls convert": write the HLS C++ project of a
// model, with a testbench holding the emulator's predictions.

package main

import (
	"fmt"
	"math/rand/v2"
	"os"

	"github.com/spf13/cobra"

	"github.com/nnhls/nnhls/config"
	"github.com/nnhls/nnhls/hls"
	"github.com/nnhls/nnhls/sim"
)

// tbSamples is the number of testbench samples convert draws when no
// --input is given.
const tbSamples = 10

func newConvertCmd() *cobra.Command {
	var (
		out, cfgPath, apTypes string
		inputs                []string
		typing                typingFlags
	)
	cmd := &cobra.Command{
		Use:   "convert MODEL -o DIR [--config C.yml] [--input X.npy]",
		Short: "Write the HLS C++ project of a model (Vivado/Vitis HLS, or g++)",
		Long: `convert writes an HLS C++ project for MODEL into DIR: the top function, one
call per layer of nnhls's own layer library, the types of the configuration,
weights as raw integers, a testbench whose expected outputs are the
emulator's (so "make run" in DIR checks the C++ bit for bit), a Makefile for
g++ and Tcl scripts for Vivado HLS and Vitis HLS. The types are assigned
exactly as predict assigns them. With --input the testbench samples are
those arrays; otherwise 10 seeded normal samples. The same model and
configuration give a byte-identical project. DIR is replaced only when it
is an earlier nnhls project or empty.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if apTypes == "" {
				if x := os.Getenv("XILINX_HLS"); x != "" {
					apTypes = x + "/include"
				}
			}
			if err := convert(args[0], cfgPath, out, inputs, apTypes, typing); err != nil {
				return err
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "nnhls: wrote HLS project %s; check it with \"make -C %s run\" or \"nnhls csim %s -i X.npy -o Y.npy\"\n", out, out, out)
			return nil
		},
	}
	cmd.Flags().StringVarP(&out, "output", "o", "", "project directory to write")
	cmd.Flags().StringVarP(&cfgPath, "config", "c", "", "hls4ml-style configuration; what it leaves open nnhls infers so that it cannot overflow")
	typing.register(cmd.Flags())
	cmd.Flags().StringArrayVarP(&inputs, "input", "i", nil, "testbench samples: .npy or hls4ml .dat text; repeat for several inputs")
	cmd.Flags().StringVar(&apTypes, "ap-types", "", "directory of the Xilinx ap_fixed.h/ap_int.h/hls_stream.h to build against (default: $XILINX_HLS/include if set, else nnhls's own headers)")
	_ = cmd.MarkFlagRequired("output")
	return cmd
}

// convert is the command's work, shared with the tests. typing, when
// given, holds the calibration flags.
func convert(model, cfgPath, out string, inputs []string, apTypes string, typing ...typingFlags) error {
	var tf typingFlags
	if len(typing) > 0 {
		tf = typing[0]
	}
	p, err := compileModelWith(model, cfgPath, false, tf)
	if err != nil {
		return err
	}
	c := config.Default()
	if cfgPath != "" {
		if c, err = config.Load(cfgPath); err != nil {
			return err
		}
	}
	var x [][]float64
	var n int
	if len(inputs) > 0 {
		if x, n, err = readInputs(p, inputs); err != nil {
			return err
		}
	} else {
		x, n = randomInputs(p, tbSamples)
	}
	res, err := p.Run(x, n, sim.RunOptions{})
	if err != nil {
		return err
	}
	g := p.Graph()
	keys := sim.Keys(g)
	var outKeys []string
	for _, o := range g.Outputs {
		outKeys = append(outKeys, keys[o])
	}
	inSizes := make([]int, len(x))
	for i := range x {
		inSizes[i] = p.InputSize(i)
	}
	outSizes := make([]int, len(res.Outputs))
	for i := range res.Outputs {
		outSizes[i] = len(res.Outputs[i]) / max(n, 1)
	}
	proj, err := hls.Generate(g, c, hls.Options{
		APTypes: apTypes, TBInputs: joinSamples(x, inSizes, n), TBOutputs: joinSamples(res.Outputs, outSizes, n),
		OutputKeys: outKeys,
	})
	if err != nil {
		return err
	}
	if err := hls.Write(proj, out); err != nil {
		return err
	}
	return nil
}

// randomInputs draws n samples of every input from a standard normal
// distribution with a fixed seed, so that projects are reproducible.
func randomInputs(p *sim.Program, n int) ([][]float64, int) {
	r := rand.New(rand.NewPCG(1, 2))
	x := make([][]float64, len(p.Graph().Inputs))
	for i := range x {
		x[i] = make([]float64, n*p.InputSize(i))
		for j := range x[i] {
			x[i][j] = float64(float32(r.NormFloat64()))
		}
	}
	return x, n
}

// joinSamples turns per-tensor, sample-major data (x[t] holds n samples of
// sizes[t] values) into per-sample rows of all tensors concatenated.
func joinSamples(x [][]float64, sizes []int, n int) [][]float64 {
	rows := make([][]float64, n)
	for s := range rows {
		for t := range x {
			rows[s] = append(rows[s], x[t][s*sizes[t]:(s+1)*sizes[t]]...)
		}
	}
	return rows
}

// splitSamples is the inverse of joinSamples.
func splitSamples(rows [][]float64, sizes []int) ([][]float64, error) {
	out := make([][]float64, len(sizes))
	for s, r := range rows {
		off := 0
		for t, sz := range sizes {
			if off+sz > len(r) {
				return nil, fmt.Errorf("sample %d has %d values, want %d", s, len(r), off+sz)
			}
			out[t] = append(out[t], r[off:off+sz]...)
			off += sz
		}
	}
	return out, nil
}
