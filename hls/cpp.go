// This file implements the C++ files of the firmware: defines.h (the
// typedefs), parameters.h (the config structs), weights/ (one header per
// constant array) and the top function in io_parallel and io_stream form.

package hls

import (
	"fmt"
	"strings"

	"github.com/nnhls/nnhls/ir"
)

// header wraps body in an include guard, after a comment line.
func header(guard, comment, body string) []byte {
	return []byte(fmt.Sprintf("// %s\n\n#ifndef %s\n#define %s\n\n%s\n#endif  // %s\n", comment, guard, guard, body, guard))
}

func (ge *gen) writeDefines() error {
	var sb strings.Builder
	sb.WriteString("#include \"ap_fixed.h\"\n#include \"ap_int.h\"\n#include \"hls_stream.h\"\n#include \"nnhls/nnhls.h\"\n\n")
	for _, l := range ge.layers {
		n := ge.g.Nodes[l.Index]
		fmt.Fprintf(&sb, "// layer %d: %q (%s), output shape %v\n", l.Index, n.Name, n.Op, n.Shape)
		for _, t := range l.Typedefs {
			fmt.Fprintf(&sb, "typedef %s %s;\n", t.Type, t.Name)
		}
		if ge.stream {
			c, p := packing(n.Shape)
			fmt.Fprintf(&sb, "typedef nnhls::packet<%s, %d> layer%d_pack_t;  // %d packets\n", tensorType(l.Index), c, l.Index, p)
		}
		sb.WriteString("\n")
	}
	ge.files["firmware/defines.h"] = header("NNHLS_DEFINES_H", "This file implements the types of every tensor and variable of "+ge.name+".", sb.String())
	return nil
}

// packing returns the channels per io_stream packet (the last axis) and the
// number of packets of a tensor.
func packing(shape []int) (c, p int) {
	c = shape[len(shape)-1]
	return c, ir.NumElements(shape) / c
}

func (ge *gen) writeParameters() error {
	var sb strings.Builder
	sb.WriteString("#include \"defines.h\"\n\n")
	for _, l := range ge.layers {
		for _, a := range l.Arrays {
			fmt.Fprintf(&sb, "#include \"weights/%s.h\"\n", a.Name)
		}
	}
	sb.WriteString("\n")
	for _, l := range ge.layers {
		if l.Config == "" {
			continue
		}
		fmt.Fprintf(&sb, "// layer %d: %q (%s)\n%s\n", l.Index, l.Name, l.Op, l.Config)
	}
	ge.files["firmware/parameters.h"] = header("NNHLS_PARAMETERS_H", "This file implements the configuration of every layer of "+ge.name+".", sb.String())
	return nil
}

func (ge *gen) writeWeights() error {
	for _, l := range ge.layers {
		for _, a := range l.Arrays {
			n := len(a.Values)
			if a.Indices != nil {
				n = len(a.Indices)
			}
			b := make([]byte, 0, 64+8*n)
			b = fmt.Appendf(b, "static const %s %s[%d] = {", a.CType, a.Name, n)
			if a.Indices != nil {
				b = appendInts(b, a.Indices)
			} else {
				b = appendInts(b, a.Values)
			}
			b = append(b, "};\n"...)
			comment := fmt.Sprintf("This file implements the %s of layer %d (%q, %s): %d raw values.", a.What, l.Index, l.Name, l.Op, n)
			guard := "NNHLS_" + strings.ToUpper(a.Name) + "_H"
			ge.files["firmware/weights/"+a.Name+".h"] = header(guard, comment, string(b))
		}
	}
	return nil
}

// topSignature returns the top function's parameter list.
func (ge *gen) topSignature() string {
	var ps []string
	for k, in := range ge.g.Inputs {
		if ge.stream {
			ps = append(ps, fmt.Sprintf("hls::stream<layer%d_pack_t>& in%d", in, k))
		} else {
			ps = append(ps, fmt.Sprintf("const %s in%d[%d]", tensorType(in), k, ir.NumElements(ge.g.Nodes[in].Shape)))
		}
	}
	for k, o := range ge.g.Outputs {
		if ge.stream {
			ps = append(ps, fmt.Sprintf("hls::stream<layer%d_pack_t>& out%d", o, k))
		} else {
			ps = append(ps, fmt.Sprintf("%s out%d[%d]", tensorType(o), k, ir.NumElements(ge.g.Nodes[o].Shape)))
		}
	}
	return strings.Join(ps, ", ")
}

func (ge *gen) writeTop() error {
	g := ge.g
	guard := strings.ToUpper(ge.name) + "_H_"
	var h strings.Builder
	h.WriteString("#include \"defines.h\"\n\n")
	fmt.Fprintf(&h, "// %s computes model %q. Inputs:", ge.name, g.Name)
	for k, in := range g.Inputs {
		fmt.Fprintf(&h, " in%d = %q %v", k, g.Nodes[in].Name, g.Nodes[in].Shape)
	}
	h.WriteString(". Outputs:")
	for k, o := range g.Outputs {
		fmt.Fprintf(&h, " out%d = %q %v", k, g.Nodes[o].Name, g.Nodes[o].Shape)
	}
	fmt.Fprintf(&h, ".\nvoid %s(%s);\n", ge.name, ge.topSignature())
	ge.files["firmware/"+ge.name+".h"] = header(guard, "This file implements the interface of the top function "+ge.name+".", h.String())

	var c strings.Builder
	fmt.Fprintf(&c, "// This file implements the top function %s, one call per layer (%s).\n\n", ge.name, map[bool]string{false: "io_parallel", true: "io_stream"}[ge.stream])
	fmt.Fprintf(&c, "#include \"%s.h\"\n#include \"parameters.h\"\n\n", ge.name)
	if ge.stream {
		ge.topStream(&c)
	} else {
		ge.topParallel(&c)
	}
	ge.files["firmware/"+ge.name+".cpp"] = []byte(c.String())
	return nil
}

// arrayNames returns the name of every node's output array in io_parallel:
// graph inputs and outputs are the top's parameters.
func (ge *gen) arrayNames() []string {
	names := make([]string, len(ge.g.Nodes))
	for i := range names {
		names[i] = fmt.Sprintf("layer%d_out", i)
	}
	for k, in := range ge.g.Inputs {
		names[in] = fmt.Sprintf("in%d", k)
	}
	for k, o := range ge.g.Outputs {
		if ge.g.Nodes[o].Op != ir.OpInput {
			names[o] = fmt.Sprintf("out%d", k)
		}
	}
	return names
}

func (ge *gen) topParallel(c *strings.Builder) {
	g := ge.g
	names := ge.arrayNames()
	fmt.Fprintf(c, "void %s(%s) {\n", ge.name, ge.topSignature())
	for k := range g.Inputs {
		fmt.Fprintf(c, "  NNHLS_PRAGMA(HLS ARRAY_RESHAPE variable = in%d complete dim = 0)\n", k)
	}
	for k := range g.Outputs {
		fmt.Fprintf(c, "  NNHLS_PRAGMA(HLS ARRAY_PARTITION variable = out%d complete dim = 0)\n", k)
	}
	var ports []string
	for k := range g.Inputs {
		ports = append(ports, fmt.Sprintf("in%d", k))
	}
	for k := range g.Outputs {
		ports = append(ports, fmt.Sprintf("out%d", k))
	}
	fmt.Fprintf(c, "  NNHLS_PRAGMA(HLS INTERFACE ap_vld port = %s)\n", strings.Join(ports, ","))
	c.WriteString("  NNHLS_PRAGMA(HLS PIPELINE)\n")
	// Graph outputs that are graph inputs are copied.
	for k, o := range g.Outputs {
		if g.Nodes[o].Op == ir.OpInput {
			fmt.Fprintf(c, "  nnhls::copy<%s, %s, %d>(%s, out%d);\n", tensorType(o), tensorType(o), ir.NumElements(g.Nodes[o].Shape), names[o], k)
		}
	}
	isParam := map[string]bool{}
	for _, p := range ports {
		isParam[p] = true
	}
	for _, l := range ge.layers {
		n := g.Nodes[l.Index]
		if n.Op == ir.OpInput {
			continue
		}
		out := names[l.Index]
		fmt.Fprintf(c, "\n  // layer %d: %q (%s)\n", l.Index, n.Name, n.Op)
		if !isParam[out] {
			fmt.Fprintf(c, "  %s %s[%d];\n", tensorType(l.Index), out, ir.NumElements(n.Shape))
			fmt.Fprintf(c, "  NNHLS_PRAGMA(HLS ARRAY_PARTITION variable = %s complete dim = 0)\n", out)
		}
		var ins []string
		for _, in := range n.Inputs {
			ins = append(ins, names[in])
		}
		fmt.Fprintf(c, "  %s\n", l.call(ins, out))
	}
	c.WriteString("}\n")
}

// streamDest is one reader of a tensor in io_stream: a layer's input slot
// or a graph output.
type streamDest struct {
	node, slot int // node < 0: graph output slot
}

func (ge *gen) topStream(c *strings.Builder) {
	g := ge.g
	// dests[i] lists who reads node i's stream.
	dests := make([][]streamDest, len(g.Nodes))
	for j, n := range g.Nodes {
		for s, in := range n.Inputs {
			dests[in] = append(dests[in], streamDest{j, s})
		}
	}
	for k, o := range g.Outputs {
		dests[o] = append(dests[o], streamDest{-1, k})
	}
	// srcName[j][s] is the stream node j reads for input slot s; outName[i]
	// the stream node i writes.
	srcName := make([][]string, len(g.Nodes))
	for j, n := range g.Nodes {
		srcName[j] = make([]string, len(n.Inputs))
	}
	outName := make([]string, len(g.Nodes))
	var decls []string // local streams: name, node
	type clone struct {
		node int
		from string
		to   []string
	}
	var clones []clone
	declare := func(name string, node int) {
		_, p := packing(g.Nodes[node].Shape)
		decls = append(decls, fmt.Sprintf("  hls::stream<layer%d_pack_t> %s(\"%s\");\n  NNHLS_PRAGMA(HLS STREAM variable = %s depth = %d)\n", node, name, name, name, p))
	}
	for i := range g.Nodes {
		ds := dests[i]
		nameFor := func(d streamDest, k int) string {
			if d.node < 0 {
				return fmt.Sprintf("out%d", d.slot)
			}
			if len(ds) == 1 {
				return fmt.Sprintf("layer%d_out", i)
			}
			return fmt.Sprintf("layer%d_out_%d", i, k)
		}
		var src string
		switch {
		case g.Nodes[i].Op == ir.OpInput:
			for k, in := range g.Inputs {
				if in == i {
					src = fmt.Sprintf("in%d", k)
				}
			}
		case len(ds) == 1 && ds[0].node < 0:
			src = nameFor(ds[0], 0)
		default:
			src = fmt.Sprintf("layer%d_out", i)
			declare(src, i)
		}
		outName[i] = src
		if len(ds) == 1 && (g.Nodes[i].Op != ir.OpInput || ds[0].node >= 0) && !(ds[0].node < 0 && g.Nodes[i].Op == ir.OpInput) {
			if ds[0].node >= 0 {
				srcName[ds[0].node][ds[0].slot] = src
			}
			continue
		}
		if len(ds) == 0 {
			continue
		}
		cl := clone{node: i, from: src}
		for k, d := range ds {
			name := nameFor(d, k)
			if d.node >= 0 {
				declare(name, i)
				srcName[d.node][d.slot] = name
			}
			cl.to = append(cl.to, name)
		}
		clones = append(clones, cl)
	}
	// Per-layer functions.
	for _, l := range ge.layers {
		n := g.Nodes[l.Index]
		if n.Op == ir.OpInput {
			continue
		}
		var ps []string
		for s, in := range n.Inputs {
			ps = append(ps, fmt.Sprintf("hls::stream<layer%d_pack_t>& s%d", in, s))
		}
		ps = append(ps, fmt.Sprintf("hls::stream<layer%d_pack_t>& out", l.Index))
		fmt.Fprintf(c, "// layer %d: %q (%s)\nstatic void layer%d(%s) {\n", l.Index, n.Name, n.Op, l.Index, strings.Join(ps, ", "))
		c.WriteString("  NNHLS_PRAGMA(HLS INLINE off)\n")
		if l.streamCall != nil {
			var ss []string
			for s := range n.Inputs {
				ss = append(ss, fmt.Sprintf("s%d", s))
			}
			fmt.Fprintf(c, "  %s\n}\n\n", l.streamCall(ss, "out"))
			continue
		}
		var ins []string
		for s, in := range n.Inputs {
			ch, p := packing(g.Nodes[in].Shape)
			fmt.Fprintf(c, "  %s x%d[%d];\n", tensorType(in), s, ch*p)
			fmt.Fprintf(c, "  nnhls::read_stream<%s, %d, %d>(s%d, x%d);\n", tensorType(in), ch, p, s, s)
			ins = append(ins, fmt.Sprintf("x%d", s))
		}
		ch, p := packing(n.Shape)
		fmt.Fprintf(c, "  %s y[%d];\n", tensorType(l.Index), ch*p)
		fmt.Fprintf(c, "  %s\n", l.call(ins, "y"))
		fmt.Fprintf(c, "  nnhls::write_stream<%s, %d, %d>(y, out);\n}\n\n", tensorType(l.Index), ch, p)
	}
	for _, cl := range clones {
		_, p := packing(g.Nodes[cl.node].Shape)
		var ps []string
		ps = append(ps, fmt.Sprintf("hls::stream<layer%d_pack_t>& in", cl.node))
		for k := range cl.to {
			ps = append(ps, fmt.Sprintf("hls::stream<layer%d_pack_t>& o%d", cl.node, k))
		}
		fmt.Fprintf(c, "// clone%d copies the stream of layer %d to its %d readers.\nstatic void clone%d(%s) {\n", cl.node, cl.node, len(cl.to), cl.node, strings.Join(ps, ", "))
		fmt.Fprintf(c, "  for (unsigned i = 0; i < %d; i++) {\n    NNHLS_PRAGMA(HLS PIPELINE)\n    const layer%d_pack_t v = in.read();\n", p, cl.node)
		for k := range cl.to {
			fmt.Fprintf(c, "    o%d.write(v);\n", k)
		}
		c.WriteString("  }\n}\n\n")
	}
	fmt.Fprintf(c, "void %s(%s) {\n", ge.name, ge.topSignature())
	for k := range g.Inputs {
		fmt.Fprintf(c, "  NNHLS_PRAGMA(HLS INTERFACE axis port = in%d)\n", k)
	}
	for k := range g.Outputs {
		fmt.Fprintf(c, "  NNHLS_PRAGMA(HLS INTERFACE axis port = out%d)\n", k)
	}
	c.WriteString("  NNHLS_PRAGMA(HLS DATAFLOW)\n\n")
	for _, d := range decls {
		c.WriteString(d)
	}
	c.WriteString("\n")
	emitted := map[int]bool{}
	emitClones := func(i int) {
		for _, cl := range clones {
			if cl.node == i && !emitted[i] {
				emitted[i] = true
				fmt.Fprintf(c, "  clone%d(%s, %s);\n", i, cl.from, strings.Join(cl.to, ", "))
			}
		}
	}
	for i, n := range g.Nodes {
		if n.Op != ir.OpInput {
			args := append([]string(nil), srcName[i]...)
			args = append(args, outName[i])
			fmt.Fprintf(c, "  layer%d(%s);\n", i, strings.Join(args, ", "))
		}
		emitClones(i)
	}
	c.WriteString("}\n")
}
