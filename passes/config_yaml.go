// This file implements WriteConfig: the hls4ml-style YAML of the types a
// typed graph uses, each with a comment saying where it came from, which a
// user can edit and pass back with --config.

package passes

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/nnhls/nnhls/config"
	"github.com/nnhls/nnhls/fixed"
	"github.com/nnhls/nnhls/ir"
	"github.com/nnhls/nnhls/ops"
)

// Granularities of WriteConfig, as hls4ml's config_from_keras_model names
// them.
const (
	GranularityModel = "model"
	GranularityType  = "type"
	GranularityName  = "name"
)

// WriteConfig writes the configuration that gives g its current types
// (after the pipeline) to w, at granularity:
//
//   - "name": a LayerName entry per layer with every variable's type and,
//     for softmax, its TableSize. Passed back with --config, it reproduces
//     every type exactly: each is then the user's.
//   - "type": a LayerType entry per layer class whose types are the union
//     of that class's layers (a type holding every value of each), so the
//     layers keep their safety, not their exact widths.
//   - "model": the union of every layer's type per variable, at the
//     Model, and the inputs' own type in a LayerType Input entry (a Model
//     default as wide as the widest accumulator would widen every
//     interval after it).
//
// Each type is followed by a comment with its origin (n.HW.Why: interval,
// calibration, quantizer, the user's file and line, default), and each
// layer by its safety verdict.
func WriteConfig(w io.Writer, g *ir.Graph, c *config.Config, granularity string) error {
	if c == nil {
		c = config.Default()
	}
	var b strings.Builder
	name := g.Name
	if name == "" {
		name = "model"
	}
	fmt.Fprintf(&b, "# nnhls configuration for %s (%s), granularity %s.\n", name, g.Source, granularity)
	fmt.Fprintf(&b, "# Every type is written out; the comment says where it came from. Edit and pass back with --config.\n")
	ref := config.DefaultPrecision()
	refWhy := "built-in default"
	if p := c.Precision("", "", "default"); !p.Auto && p.Type.Valid() {
		ref, refWhy = p.Type, p.Source.String()
	}
	b.WriteString("Model:\n  Precision:\n")
	switch granularity {
	case GranularityName, GranularityType:
		fmt.Fprintf(&b, "    default: %s  # %s\n", ref.HLS4ML(), refWhy)
	case GranularityModel:
		u := unionByVar(g.Nodes)
		fmt.Fprintf(&b, "    default: %s  # union of every result type\n", u[ops.VarResult].HLS4ML())
		for _, v := range sortedVars(u) {
			if v != ops.VarResult {
				fmt.Fprintf(&b, "    %s: %s  # union over all layers\n", v, u[v].HLS4ML())
			}
		}
	default:
		return fmt.Errorf("unknown granularity %q (want model, type or name)", granularity)
	}
	if m, ok := c.MaxPrecision(); ok {
		fmt.Fprintf(&b, "    maximum: %s\n", m.HLS4ML())
	}
	fmt.Fprintf(&b, "  ReuseFactor: %d\n  Strategy: %s\n", c.ReuseFactor("", ""), c.Strategy("", ""))
	switch granularity {
	case GranularityName:
		writeLayerNames(&b, g)
	default:
		writeLayerTypes(&b, g, granularity == GranularityModel)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// writeLayerNames writes one LayerName entry per node.
func writeLayerNames(b *strings.Builder, g *ir.Graph) {
	b.WriteString("LayerName:\n")
	for _, n := range g.Nodes {
		fmt.Fprintf(b, "  %s:\n", yamlKey(n.Name))
		if v := Verdict(n); v != "" {
			fmt.Fprintf(b, "    # %s\n", v)
		}
		if len(n.HW.Types) > 0 {
			b.WriteString("    Precision:\n")
			for _, v := range sortedVars(n.HW.Types) {
				fmt.Fprintf(b, "      %s: %s  # %s\n", v, n.HW.Types[v].HLS4ML(), oneLine(n.HW.Why[v]))
			}
		}
		if n.Op == ir.OpSoftmax && n.HW.TableSize > 0 {
			fmt.Fprintf(b, "    TableSize: %d", n.HW.TableSize)
			if why := n.HW.Why["table_size"]; why != "" {
				fmt.Fprintf(b, "  # %s", oneLine(why))
			}
			b.WriteString("\n")
		}
		if n.Op == ir.OpSoftmax && n.HW.Implementation != "" {
			fmt.Fprintf(b, "    Implementation: %s\n", n.HW.Implementation)
		}
	}
}

// writeLayerTypes writes one LayerType entry per class with the union of
// its layers' types (only the inputs' types and TableSize when onlyTables:
// the Model holds the others).
func writeLayerTypes(b *strings.Builder, g *ir.Graph, onlyTables bool) {
	byClass := map[string][]*ir.Node{}
	var classes []string
	for _, n := range g.Nodes {
		def, err := ops.Lookup(n.Op)
		if err != nil {
			continue
		}
		cl := def.Class(n)
		if byClass[cl] == nil {
			classes = append(classes, cl)
		}
		byClass[cl] = append(byClass[cl], n)
	}
	var lines []string
	for _, cl := range classes {
		nodes := byClass[cl]
		var entry strings.Builder
		if !onlyTables || nodes[0].Op == ir.OpInput {
			u := unionByVar(nodes)
			if len(u) > 0 {
				entry.WriteString("    Precision:\n")
				for _, v := range sortedVars(u) {
					fmt.Fprintf(&entry, "      %s: %s  # union of %d layer(s)\n", v, u[v].HLS4ML(), len(nodes))
				}
			}
		}
		size := 0
		for _, n := range nodes {
			if n.Op == ir.OpSoftmax {
				size = max(size, n.HW.TableSize)
			}
		}
		if size > 0 {
			fmt.Fprintf(&entry, "    TableSize: %d\n", size)
		}
		if entry.Len() > 0 {
			lines = append(lines, "  "+yamlKey(cl)+":\n"+entry.String())
		}
	}
	if len(lines) > 0 {
		b.WriteString("LayerType:\n" + strings.Join(lines, ""))
	}
}

// unionByVar returns, per variable, the union of the nodes' types.
func unionByVar(nodes []*ir.Node) map[string]fixed.Type {
	u := map[string]fixed.Type{}
	for _, n := range nodes {
		for v, t := range n.HW.Types {
			if old, ok := u[v]; ok {
				u[v] = UnionType(old, t)
			} else {
				u[v] = t
			}
		}
	}
	return u
}

// UnionType returns a type holding every value of a and of b, at the finer
// grid: signed when either is, with the integer bits of the wider (one more
// for an unsigned type joined to a signed one). It rounds like a when both
// round alike, else AP_TRN, and saturates when either does.
func UnionType(a, b fixed.Type) fixed.Type {
	if !a.Valid() {
		return b
	}
	if !b.Valid() {
		return a
	}
	signed := a.Signed() || b.Signed()
	ia, ib := a.IntBits(), b.IntBits()
	if signed && !a.Signed() {
		ia++
	}
	if signed && !b.Signed() {
		ib++
	}
	i := max(ia, ib)
	f := max(a.FracBits(), b.FracBits())
	q := a.Rounding()
	if q != b.Rounding() {
		q = fixed.Trn
	}
	o := fixed.Wrap
	for _, t := range []fixed.Type{a, b} {
		if t.Overflow() != fixed.Wrap {
			o = fixed.Sat
		}
	}
	t, err := fixed.New(max(i+f, 1), i, signed, q, o, 0)
	if err != nil {
		return a
	}
	return t
}

// sortedVars returns the variables of m, result first, then by name.
func sortedVars(m map[string]fixed.Type) []string {
	vs := make([]string, 0, len(m))
	for v := range m {
		vs = append(vs, v)
	}
	sort.Slice(vs, func(i, j int) bool {
		if (vs[i] == ops.VarResult) != (vs[j] == ops.VarResult) {
			return vs[i] == ops.VarResult
		}
		return vs[i] < vs[j]
	})
	return vs
}

// yamlKey quotes a key that YAML would not read back as the same string.
func yamlKey(s string) string {
	if s == "" || strings.ContainsAny(s, ":#{}[],&*!|>'\"%@` ") {
		return fmt.Sprintf("%q", s)
	}
	return s
}

// oneLine keeps a comment on one line.
func oneLine(s string) string {
	if s == "" {
		return "(no reason recorded)"
	}
	return strings.NewReplacer("\n", " ", "\r", " ").Replace(s)
}
