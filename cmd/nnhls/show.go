// This file implements "nnhls show": the model summary an FPGA engineer
// reads first — every layer with its op, shapes, parameters, multiplications
// and quantizers — as a table or as JSON.

package main

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strings"
	"text/tabwriter"

	"github.com/nnhls/nnhls/ir"
	"github.com/nnhls/nnhls/quant"
	"github.com/spf13/cobra"
)

// newShowCmd builds the show command.
func newShowCmd() *cobra.Command {
	var (
		asJSON, showPasses bool
		cfgPath            string
		typing             typingFlags
	)
	cmd := &cobra.Command{
		Use:   "show MODEL",
		Short: "Print a model's layers, shapes, parameters and quantizers",
		Long: `show reads a model (Keras 2 .h5, .json with <name>_weights.h5, Keras 3 .keras,
with QKeras and HGQ layers) and prints each layer with its op and source class,
input and output shapes (channels-last, without the batch axis), parameter count,
multiplications per inference and quantizers in canonical form, then the totals.
The Types column holds each layer's types after nnhls's passes (as predict and
convert use them, from --config and --calibrate), and Verdict says whether they
are proven not to overflow or why they may ("nnhls config" prints the same with
the origin of every type).`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			g, err := loadModel(args[0])
			if err != nil {
				return err
			}
			s := summarize(g)
			if showPasses {
				return writePasses(cmd.OutOrStdout(), g, typing)
			}
			addTypes(s, args[0], cfgPath, typing)
			if asJSON {
				enc := json.NewEncoder(cmd.OutOrStdout())
				enc.SetIndent("", "  ")
				return enc.Encode(s)
			}
			return s.writeTable(cmd.OutOrStdout())
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the summary as JSON")
	cmd.Flags().BoolVar(&showPasses, "passes", false, "print the passes nnhls runs on the model, in order, instead of the table")
	cmd.Flags().StringVarP(&cfgPath, "config", "c", "", "hls4ml-style configuration the Types column starts from")
	typing.register(cmd.Flags())
	return cmd
}

// A summary is what show prints; its JSON field order is the struct order.
type summary struct {
	File        string         `json:"file"`
	Name        string         `json:"name"`
	Inputs      []string       `json:"inputs"`
	Outputs     []string       `json:"outputs"`
	Layers      []layerSummary `json:"layers"`
	TotalParams int            `json:"total_params"`
	TotalMults  int64          `json:"total_mults"`
	// TypeNote says why the Types column is empty, or how many layers may
	// overflow.
	TypeNote string `json:"type_note,omitempty"`
}

// A layerSummary is one node of the graph.
type layerSummary struct {
	Name        string      `json:"name"`
	Op          string      `json:"op"`
	Class       string      `json:"class"`
	Origin      string      `json:"origin,omitempty"`
	Inputs      []string    `json:"inputs"`
	InputShapes [][]int     `json:"input_shapes"`
	OutputShape []int       `json:"output_shape"`
	Params      int         `json:"params"`
	Mults       int64       `json:"mults"`
	Quantizers  []roleQuant `json:"quantizers"`
	// Types and Verdict are the layer's types after nnhls's passes and
	// its safety verdict (show_types.go).
	Types   map[string]string `json:"types,omitempty"`
	Verdict string            `json:"verdict,omitempty"`
}

// A roleQuant is one quantizer of a layer in canonical form.
type roleQuant struct {
	Role      string `json:"role"`
	Quantizer string `json:"quantizer"`
	spec      *quant.Spec
}

// summarize collects the summary of a graph.
func summarize(g *ir.Graph) *summary {
	s := &summary{File: g.Source, Name: g.Name, Inputs: []string{}, Outputs: []string{}, Layers: []layerSummary{}}
	for _, i := range g.Inputs {
		s.Inputs = append(s.Inputs, g.Nodes[i].Name)
	}
	for _, o := range g.Outputs {
		s.Outputs = append(s.Outputs, g.Nodes[o].Name)
	}
	for _, n := range g.Nodes {
		l := layerSummary{Name: n.Name, Op: n.Op.String(), Class: n.Class, Origin: n.Origin,
			Inputs: []string{}, InputShapes: [][]int{}, OutputShape: n.Shape,
			Params: n.NumParams(), Mults: mults(g, n), Quantizers: []roleQuant{}}
		for _, in := range n.Inputs {
			l.Inputs = append(l.Inputs, g.Nodes[in].Name)
			l.InputShapes = append(l.InputShapes, g.Nodes[in].Shape)
		}
		for _, r := range n.QuantizerRoles() {
			q := n.Quantizers[r]
			l.Quantizers = append(l.Quantizers, roleQuant{Role: r, Quantizer: q.String(), spec: q})
		}
		s.Layers = append(s.Layers, l)
		s.TotalParams += l.Params
		s.TotalMults += l.Mults
	}
	return s
}

// mults counts the multiplications of one inference in the layers that
// carry them: Dense in·out per position, Conv out_pixels·k^d·cin·cout,
// DepthwiseConv out_pixels·k^d·cin·depth_multiplier. Other ops (BatchNorm
// scales, merges) are not counted.
func mults(g *ir.Graph, n *ir.Node) int64 {
	if len(n.Inputs) == 0 || len(n.Shape) == 0 {
		return 0
	}
	in := g.Nodes[n.Inputs[0]].Shape
	if len(in) == 0 {
		return 0
	}
	cin := int64(in[len(in)-1])
	positions := int64(1) // output positions (all axes but the last)
	for _, d := range n.Shape[:len(n.Shape)-1] {
		positions *= int64(d)
	}
	window := int64(1)
	for _, k := range n.Attrs.Kernel {
		window *= int64(k)
	}
	cout := int64(n.Shape[len(n.Shape)-1])
	switch n.Op {
	case ir.OpDense, ir.OpConv:
		return positions * window * cin * cout
	case ir.OpDepthwiseConv:
		return positions * window * cout // cout = cin·depth_multiplier
	}
	return 0
}

// writeTable prints the summary as aligned columns.
func (s *summary) writeTable(w io.Writer) error {
	name := s.Name
	if name == "" {
		name = "(unnamed)"
	}
	fmt.Fprintf(w, "Model %s from %s\n", name, s.File)
	fmt.Fprintf(w, "Inputs: %s   Outputs: %s\n\n", strings.Join(s.Inputs, ", "), strings.Join(s.Outputs, ", "))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "Layer\tOp (class)\tInput shape\tOutput shape\tParams\tMults\tQuantizers\tTypes\tVerdict")
	for _, l := range s.Layers {
		var ins []string
		for _, sh := range l.InputShapes {
			ins = append(ins, shapeText(sh))
		}
		in := strings.Join(ins, " ")
		if in == "" {
			in = "-"
		}
		var qs []string
		for _, q := range l.Quantizers {
			qs = append(qs, q.Role+"="+shortQuant(q))
		}
		fmt.Fprintf(tw, "%s\t%s (%s)\t%s\t%s\t%d\t%d\t%s\t%s\t%s\n", l.Name, l.Op, l.Class, in, shapeText(l.OutputShape), l.Params, l.Mults, strings.Join(qs, " "), typesText(l.Types), verdictText(l.Verdict))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(w, "\nTotal parameters: %d\nMultiplications per inference: %d (Dense, Conv, DepthwiseConv)\n", s.TotalParams, s.TotalMults)
	if s.TypeNote != "" {
		fmt.Fprintf(w, "Types: %s\n", s.TypeNote)
	}
	return nil
}

// shapeText prints a shape as [8,8,3].
func shapeText(s []int) string {
	parts := make([]string, len(s))
	for i, d := range s {
		parts[i] = fmt.Sprint(d)
	}
	return "[" + strings.Join(parts, ",") + "]"
}

// shortQuant is the canonical form, except that a per-element HGQ
// fixed-point quantizer, whose canonical form lists every element, is
// summarized by the range of its k, i and f (--json prints it in full).
func shortQuant(q roleQuant) string {
	s := q.spec
	if s == nil || s.Kind != quant.FixedPoint || len(s.K) <= 1 {
		return q.Quantizer
	}
	rng := func(v []float64) string {
		lo, hi := math.Inf(1), math.Inf(-1)
		for _, x := range v {
			lo, hi = math.Min(lo, x), math.Max(hi, x)
		}
		if lo == hi {
			return fmt.Sprint(lo)
		}
		return fmt.Sprintf("%v..%v", lo, hi)
	}
	return fmt.Sprintf("fixed_point(k=%s,i=%s,f=%s per element ×%d,%s,%s)", rng(s.K), rng(s.I), rng(s.F), len(s.K), s.Rounding, s.Overflow)
}
