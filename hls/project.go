// This file implements Generate, which turns a typed graph into the files
// of an HLS project held in memory, and the project's manifest.

package hls

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strings"

	"github.com/nnhls/nnhls/config"
	"github.com/nnhls/nnhls/ir"
)

// Options says how to write a project besides what the graph and the
// configuration say.
type Options struct {
	// APTypes is a directory holding the vendor's ap_fixed.h, ap_int.h and
	// hls_stream.h (e.g. $XILINX_HLS/include). The Makefile then builds
	// against it; when empty it builds against nnhls's own headers, which
	// every project carries in firmware/ap_types.
	APTypes string
	// TBInputs[s] holds testbench sample s: every graph input's values,
	// flattened and concatenated in graph input order. TBOutputs[s] holds
	// the emulator's outputs for it, in graph output order.
	TBInputs, TBOutputs [][]float64
	// OutputKeys, when set, names the graph outputs in the manifest (the
	// keys nnhls predict stores them under); default: the node names.
	OutputKeys []string
}

// A Project is a generated project: file contents by slash-separated path
// relative to the project directory.
type Project struct {
	Name  string
	Files map[string][]byte
}

// Paths returns the project's file paths in sorted order.
func (p *Project) Paths() []string {
	out := make([]string, 0, len(p.Files))
	for f := range p.Files {
		out = append(out, f)
	}
	sort.Strings(out)
	return out
}

// Manifest describes a written project for nnhls csim: the top function,
// the interface, the tensors at the boundary and the ap types used.
type Manifest struct {
	Project string   `json:"project"`
	IOType  string   `json:"io_type"`
	Inputs  []Tensor `json:"inputs"`
	Outputs []Tensor `json:"outputs"`
	// APTypes is the include directory of the ap types: relative to the
	// project directory for nnhls's own headers, absolute for vendor ones.
	APTypes string `json:"ap_types"`
}

// A Tensor is one input or output of the top function.
type Tensor struct {
	Name  string `json:"name"`
	Shape []int  `json:"shape"`
}

// Size is the number of values of the tensor.
func (t Tensor) Size() int { return ir.NumElements(t.Shape) }

// ManifestFile is the manifest's path in a project.
const ManifestFile = "nnhls_project.json"

var identRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// gen holds the state of one Generate call.
type gen struct {
	g       *ir.Graph
	name    string
	stream  bool
	part    string
	clock   float64
	layers  []*layer
	opt     Options
	files   map[string][]byte
	inputs  []Tensor
	outputs []Tensor
}

// Generate builds the project of the typed graph g under configuration c
// (ProjectName, IOType, Part, ClockPeriod; per-layer settings are already
// in each node's HW). Problems in several layers are reported together.
func Generate(g *ir.Graph, c *config.Config, opt Options) (*Project, error) {
	if c == nil {
		c = config.Default()
	}
	if err := g.Validate(); err != nil {
		return nil, err
	}
	ge := &gen{g: g, name: c.ProjectName(), part: c.Part(), clock: c.ClockPeriod(), opt: opt, files: map[string][]byte{}}
	if !identRE.MatchString(ge.name) {
		return nil, fmt.Errorf("ProjectName %q is not a C++ identifier", ge.name)
	}
	switch io := c.IOType(); strings.ToLower(io) {
	case config.IOParallel:
	case config.IOStream:
		ge.stream = true
	default:
		return nil, fmt.Errorf("IOType %q: want io_parallel or io_stream", io)
	}
	var errs ir.ErrorList
	for i, n := range g.Nodes {
		l, err := buildLayer(g, i)
		if err != nil {
			errs.Add(n.Pos, fmt.Errorf("layer %q (%s): %w", n.Name, n.Op, err))
			continue
		}
		ge.layers = append(ge.layers, l)
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	for _, in := range g.Inputs {
		ge.inputs = append(ge.inputs, Tensor{Name: g.Nodes[in].Name, Shape: g.Nodes[in].Shape})
	}
	for k, o := range g.Outputs {
		name := g.Nodes[o].Name
		if k < len(opt.OutputKeys) {
			name = opt.OutputKeys[k]
		}
		ge.outputs = append(ge.outputs, Tensor{Name: name, Shape: g.Nodes[o].Shape})
	}
	if err := ge.checkTB(); err != nil {
		return nil, err
	}
	steps := []func() error{ge.writeLibrary, ge.writeDefines, ge.writeParameters, ge.writeWeights,
		ge.writeTop, ge.writeTestbench, ge.writeTBData, ge.writeScripts, ge.writeManifest}
	for _, f := range steps {
		if err := f(); err != nil {
			return nil, err
		}
	}
	return &Project{Name: ge.name, Files: ge.files}, nil
}

// checkTB checks the testbench samples against the interface.
func (ge *gen) checkTB() error {
	nIn, nOut := 0, 0
	for _, t := range ge.inputs {
		nIn += t.Size()
	}
	for _, t := range ge.outputs {
		nOut += t.Size()
	}
	if len(ge.opt.TBInputs) != len(ge.opt.TBOutputs) {
		return fmt.Errorf("testbench: %d input samples but %d output samples", len(ge.opt.TBInputs), len(ge.opt.TBOutputs))
	}
	for s := range ge.opt.TBInputs {
		if len(ge.opt.TBInputs[s]) != nIn || len(ge.opt.TBOutputs[s]) != nOut {
			return fmt.Errorf("testbench sample %d: %d inputs and %d outputs, the model has %d and %d",
				s, len(ge.opt.TBInputs[s]), len(ge.opt.TBOutputs[s]), nIn, nOut)
		}
	}
	return nil
}

// writeLibrary copies the layer library and nnhls's own ap headers.
func (ge *gen) writeLibrary() error {
	copyDir := func(fsys fs.FS, root, dst string) error {
		return fs.WalkDir(fsys, root, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			data, err := fs.ReadFile(fsys, p)
			if err != nil {
				return err
			}
			ge.files[path.Join(dst, path.Base(p))] = data
			return nil
		})
	}
	if err := copyDir(library, "lib/nnhls", "firmware/nnhls"); err != nil {
		return fmt.Errorf("layer library: %w", err)
	}
	if err := copyDir(Headers, "include", "firmware/ap_types"); err != nil {
		return fmt.Errorf("ap headers: %w", err)
	}
	return nil
}

func (ge *gen) writeManifest() error {
	m := Manifest{Project: ge.name, IOType: config.IOParallel, Inputs: ge.inputs, Outputs: ge.outputs, APTypes: "firmware/ap_types"}
	if ge.stream {
		m.IOType = config.IOStream
	}
	if ge.opt.APTypes != "" {
		m.APTypes = ge.opt.APTypes
	}
	data, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	ge.files[ManifestFile] = append(data, '\n')
	return nil
}
