package main

import "github.com/spf13/cobra"

// newRootCmd builds the command tree. Each subcommand lives in its own file
// and is added here, so the list of commands is visible in one place.
func newRootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:   "nnhls",
		Short: "Turn trained neural networks into bit-exact HLS firmware",
		Long: `nnhls reads trained Keras, QKeras, HGQ and ONNX models, chooses fixed-point
types that do not overflow, emulates the firmware bit for bit, and writes
an HLS C++ project for Vivado/Vitis HLS.`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.AddCommand(
		newFixedCmd(),
		newPredictCmd(),
		newTraceCmd(),
		newShowCmd(),
		newConfigCmd(),
		newConvertCmd(),
		newCsimCmd(),
	)
	return root
}
