// This file implements `nnhls fixed`, the fixed-point calculator: what a type
// makes of values, and what a type can hold.

package main

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"text/tabwriter"

	"github.com/nnhls/nnhls/fixed"
	"github.com/spf13/cobra"
)

func newFixedCmd() *cobra.Command {
	var info bool
	cmd := &cobra.Command{
		Use:   "fixed TYPE [VALUE...]",
		Short: "Show what a fixed-point type makes of values",
		Long: `For each VALUE, print what TYPE makes of it, as the Xilinx library does for
"TYPE y = VALUE;": the exact decimal result, the raw bits in hex, and whether
the value was rounded, saturated or wrapped. VALUE is a decimal or hex-float
number (1.3, -0.625, 0x1.8p+1, inf), read as a double as C++ does.

TYPE is any spelling of ap_fixed, ap_ufixed, ap_int, ap_uint or hls4ml's
fixed, ufixed, int, uint; quote it in the shell because of < and >.
With --info, or without values, print the type's range and step.`,
		Example: `  nnhls fixed 'ap_fixed<4,2>' 1.3 -0.3
  nnhls fixed 'fixed<16,6,RND_CONV,SAT>' 40 0x1.8p-3
  nnhls fixed --info 'ap_ufixed<8,3>'`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			t, err := fixed.Parse(args[0])
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			values := args[1:]
			if info || len(values) == 0 {
				if err := printTypeInfo(out, t); err != nil {
					return err
				}
				if len(values) == 0 {
					return nil
				}
				fmt.Fprintln(out)
			}
			return printValues(out, t, values)
		},
	}
	cmd.Flags().BoolVar(&info, "info", false, "print the type's spellings, range and step")
	// Values may be negative ("-0.5"): stop reading flags at TYPE so that
	// they are not taken for options.
	cmd.Flags().SetInterspersed(false)
	return cmd
}

// printValues prints one row per value: input, exact result, raw bits and
// what the conversion did.
func printValues(out io.Writer, t fixed.Type, values []string) error {
	xs := make([]float64, len(values))
	for i, s := range values {
		x, err := strconv.ParseFloat(s, 64)
		if err != nil {
			if errors.Is(err, strconv.ErrRange) {
				return fmt.Errorf("value %q: outside the range of a double", s)
			}
			return fmt.Errorf("value %q: not a decimal or hex-float number", s)
		}
		xs[i] = x
	}
	fmt.Fprintf(out, "%s\n", t)
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "input\tvalue\traw\tresult")
	for i, x := range xs {
		v, fl := fixed.FromFloat64(t, x)
		fmt.Fprintf(tw, "%s\t%s\t0x%s\t%s\n", values[i], v.Text(), v.RawBits(), describeFlags(fl))
	}
	return tw.Flush()
}

// describeFlags words a conversion's flags for people.
func describeFlags(fl fixed.Flags) string {
	if fl == 0 {
		return "exact"
	}
	if fl.Has(fixed.NaN) {
		return "NaN (the library gives garbage; nnhls gives 0)"
	}
	return fl.String()
}

// printTypeInfo prints the spellings, shape, modes, range and step of t.
func printTypeInfo(out io.Writer, t fixed.Type) error {
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	signed := "no (ap_ufixed)"
	if t.Signed() {
		signed = "yes (two's complement)"
	}
	rows := [][2]string{
		{"type", t.String()},
		{"hls4ml", t.HLS4ML()},
		{"width", fmt.Sprintf("%d bits: %d integer, %d fraction", t.Width(), t.IntBits(), t.FracBits())},
		{"signed", signed},
		{"rounding", t.Rounding().String()},
		{"overflow", fmt.Sprintf("%s, saturation bits %d", t.Overflow(), t.SatBits())},
		{"min", t.MinValue().Text()},
		{"max", t.MaxValue().Text()},
		{"step", fmt.Sprintf("%s (2^%d)", t.LSBText(), -t.FracBits())},
	}
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t%s\n", r[0], r[1])
	}
	return tw.Flush()
}
