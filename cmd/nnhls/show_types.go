// This file implements the Types and Verdict columns of "nnhls show" and
// its --passes listing: the model typed by nnhls's pipeline, each layer's
// types and whether they are proven not to overflow.

package main

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/nnhls/nnhls/ir"
	"github.com/nnhls/nnhls/passes"
)

// addTypes types a second copy of the model (the passes fuse and rename
// nodes; the summary lists the model as read) and fills each layer's
// Types and Verdict by name. Layers the passes removed get "fused". When
// typing fails the columns stay empty and TypeNote says why: show
// describes models the emulator cannot run yet, too.
func addTypes(s *summary, path, cfgPath string, f typingFlags) {
	g, err := loadModel(path)
	if err == nil {
		c, cerr := loadConfig(cfgPath)
		if err = cerr; err == nil {
			_, err = typeGraph(g, c, f)
		}
	}
	if err != nil {
		s.TypeNote = "not inferred: " + err.Error()
		return
	}
	byName := make(map[string]*ir.Node, len(g.Nodes))
	for _, n := range g.Nodes {
		byName[n.Name] = n
	}
	unsafe := 0
	for i := range s.Layers {
		l := &s.Layers[i]
		n := byName[l.Name]
		if n == nil {
			l.Verdict = "fused"
			continue
		}
		l.Types = map[string]string{}
		for v, t := range n.HW.Types {
			l.Types[v] = t.HLS4ML()
		}
		l.Verdict = passes.Verdict(n)
		if len(n.HW.Unsafe) > 0 {
			unsafe++
		}
	}
	if unsafe > 0 {
		s.TypeNote = fmt.Sprintf("%d layer(s) may overflow; \"nnhls config\" prints why, type by type", unsafe)
	} else {
		s.TypeNote = "every layer proven safe"
	}
}

// typesText prints a layer's types, result first: "result=fixed<16,6>
// accum=fixed<34,11> ...".
func typesText(types map[string]string) string {
	if len(types) == 0 {
		return "-"
	}
	vars := make([]string, 0, len(types))
	for v := range types {
		vars = append(vars, v)
	}
	sort.Slice(vars, func(i, j int) bool {
		if (vars[i] == "result") != (vars[j] == "result") {
			return vars[i] == "result"
		}
		return vars[i] < vars[j]
	})
	parts := make([]string, len(vars))
	for i, v := range vars {
		parts[i] = v + "=" + types[v]
	}
	return strings.Join(parts, " ")
}

// verdictText is the verdict for the table: "safe", or "MAY OVERFLOW: "
// and the reasons.
func verdictText(v string) string {
	switch {
	case v == "":
		return "-"
	case v == "proven safe":
		return "safe"
	}
	return strings.Replace(v, "may overflow", "MAY OVERFLOW", 1)
}

// writePasses prints the passes nnhls runs on g, in order.
func writePasses(w io.Writer, g *ir.Graph, f typingFlags) error {
	for i, p := range passes.Pipeline(g, f.options()) {
		if _, err := fmt.Fprintf(w, "%2d  %s\n", i+1, p.Name); err != nil {
			return err
		}
	}
	return nil
}
