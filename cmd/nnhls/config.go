// This file implements "nnhls config": the hls4ml-style YAML of the types
// nnhls would use for a model, each with a comment saying where it came
// from, to edit and pass back with --config.

package main

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/nnhls/nnhls/passes"
)

func newConfigCmd() *cobra.Command {
	var (
		gran, cfgPath, out string
		typing             typingFlags
	)
	cmd := &cobra.Command{
		Use:   "config MODEL [--granularity model|type|name] [--calibrate X.npy] [--config C.yml]",
		Short: "Print the configuration nnhls would use, every type written out",
		Long: `config types MODEL as predict and convert do (the configuration given with
--config first; every type it leaves open inferred so that it cannot
overflow, or calibrated on --calibrate data) and prints the result as an
hls4ml-style YAML. Each type has a comment saying where it came from
(interval, calibration, quantizer, the user's file and line, default), and
each layer its safety verdict. With --granularity name (the default) the
file names every variable of every layer and, passed back with --config,
gives exactly the same types; type and model write the union of the
types per layer class or for the whole model, which keeps every layer
safe but not its exact widths.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			g, err := loadModel(args[0])
			if err != nil {
				return err
			}
			c, err := loadConfig(cfgPath)
			if err != nil {
				return err
			}
			if _, err := typeGraph(g, c, typing); err != nil {
				return err
			}
			w := cmd.OutOrStdout()
			if out != "" {
				f, err := os.Create(out)
				if err != nil {
					return err
				}
				defer f.Close()
				w = f
			}
			if err := passes.WriteConfig(w, g, c, gran); err != nil {
				return err
			}
			if warn := passes.Warnings(g); len(warn) > 0 {
				fmt.Fprintf(cmd.ErrOrStderr(), "nnhls: %d possible overflows (see the \"may overflow\" comments)\n", len(warn))
			}
			return nil
		},
	}
	cmd.Flags().StringVarP(&gran, "granularity", "g", passes.GranularityName, "model, type or name: one type per variable for the model, per layer class, or per layer")
	cmd.Flags().StringVarP(&cfgPath, "config", "c", "", "hls4ml-style configuration to start from: what it sets is kept")
	cmd.Flags().StringVarP(&out, "output", "o", "", "write the YAML here instead of standard output")
	typing.register(cmd.Flags())
	return cmd
}
