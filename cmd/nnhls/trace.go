// This file implements "nnhls trace": every layer's output of the
// bit-exact emulation, and a table of types, ranges and overflows.

package main

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/nnhls/nnhls/fixed"
	"github.com/nnhls/nnhls/ops"
	"github.com/nnhls/nnhls/sim"
)

func newTraceCmd() *cobra.Command {
	var f simFlags
	cmd := &cobra.Command{
		Use:   "trace MODEL --input X.npy --output T.npz [--config C.yml]",
		Short: "Record every layer's output and show which layers round and overflow",
		Long: `trace runs the bit-exact emulation like predict and writes every layer's
output to an .npz, keyed by the model's layer names (a layer's name holds its
final output, after a built-in activation; the part before the activation is
"<name>_linear"). On stderr it prints, per layer, the result type, the
observed range against the type's range, and how many values the casts into
the result type and into the accumulator rounded, saturated and wrapped.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			p, err := compileModelWith(args[0], f.config, false, f.typing)
			if err != nil {
				return err
			}
			x, n, err := readInputs(p, f.inputs)
			if err != nil {
				return err
			}
			res, err := runWithProgress(cmd.ErrOrStderr(), p, x, n, sim.RunOptions{Workers: f.workers, Tally: true, Trace: true})
			if err != nil {
				return err
			}
			g := p.Graph()
			nodes := make([]int, len(g.Nodes))
			for i := range nodes {
				nodes[i] = i
			}
			if err := writeNPZ(f.output, sim.Keys(g), p.Arrays(res, nodes)); err != nil {
				return err
			}
			printTraceTable(cmd.ErrOrStderr(), p, res)
			return nil
		},
	}
	f.register(cmd)
	return cmd
}

// printTraceTable writes one row per node: its key and op; its result
// type, that type's range, and the exact values offered to the result cast
// (before rounding and overflow, so a range beyond the type's shows by how
// much the layer overflows; for ops that do not report them, the output
// values); the result cast's counts; and the same for the accumulator
// (its exact sums) where the op has one. A "!" marks a layer whose values
// saturated or wrapped.
func printTraceTable(w io.Writer, p *sim.Program, res *sim.Result) {
	g := p.Graph()
	keys := sim.Keys(g)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "layer\top\tresult type\ttype range\tvalues\trounded\tsaturated\twrapped\taccum type\taccum range\taccum values\trounded\tsaturated\twrapped\t")
	for i, n := range g.Nodes {
		t := p.Type(i)
		tally := res.Tallies[i]
		r, a := tally[ops.SlotResult], tally[ops.SlotAccum]
		mark := ""
		if r.Saturated+r.Wrapped+a.Saturated+a.Wrapped > 0 {
			mark = " !"
		}
		values := "-"
		switch rg := res.Ranges[i]; {
		case r.Observed:
			values = fmt.Sprintf("[%g, %g]", r.Min, r.Max)
		case rg.Seen:
			values = fmt.Sprintf("[%g, %g] out", rg.Min, rg.Max)
		}
		accType, accRange, accValues := "-", "-", "-"
		if at, ok := n.HW.Type(ops.VarAccum); ok && a.Casts > 0 {
			accType, accRange = at.HLS4ML(), typeRange(at)
			if a.Observed {
				accValues = fmt.Sprintf("[%g, %g]", a.Min, a.Max)
			}
		}
		fmt.Fprintf(tw, "%s%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n",
			keys[i], mark, n.Op, t.HLS4ML(), typeRange(t), values,
			count(r.Rounded, r.Casts), count(r.Saturated, r.Casts), count(r.Wrapped, r.Casts),
			accType, accRange, accValues,
			count(a.Rounded, a.Casts), count(a.Saturated, a.Casts), count(a.Wrapped, a.Casts))
	}
	tw.Flush()
}

func typeRange(t fixed.Type) string {
	return fmt.Sprintf("[%g, %g]", t.Min(), t.Max())
}

// count renders k of n casts with its share, "-" when there were none:
// "0", "13 (<0.01%)", "1319 (26.38%)".
func count(k, n int64) string {
	switch {
	case n == 0:
		return "-"
	case k == 0:
		return "0"
	}
	pct := 100 * float64(k) / float64(n)
	if pct < 0.01 {
		return fmt.Sprintf("%d (<0.01%%)", k)
	}
	return fmt.Sprintf("%d (%s%%)", k, strings.TrimRight(strings.TrimRight(fmt.Sprintf("%.2f", pct), "0"), "."))
}
