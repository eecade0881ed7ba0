package main

import "github.com/spf13/cobra"

// newFixedCmd is a placeholder until the fixed-point core lands.
func newFixedCmd() *cobra.Command {
	return &cobra.Command{Use: "fixed TYPE VALUE...", Short: "Show what a fixed-point type makes of values"}
}
