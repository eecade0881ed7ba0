// This file implements the project's build scripts and README: the g++
// Makefile, the Vivado HLS and Vitis HLS Tcl scripts, from the templates
// in templates/.

package hls

import (
	"bytes"
	"embed"
	"fmt"
	"strconv"
	"text/template"
)

// library holds nnhls's C++ layer library (lib/nnhls/*.h), copied into
// every project's firmware/nnhls.
//
//go:embed lib/nnhls/*.h
var library embed.FS

//go:embed templates/*.tmpl
var templateFS embed.FS

// scriptData is what the script templates see.
type scriptData struct {
	Project, Model, Part, IOType, APTypes string
	Clock                                 string
}

func (ge *gen) writeScripts() error {
	tmpl, err := template.New("").Option("missingkey=error").ParseFS(templateFS, "templates/*.tmpl")
	if err != nil {
		return fmt.Errorf("templates: %w", err)
	}
	d := scriptData{Project: ge.name, Model: ge.g.Name, Part: ge.part, IOType: "io_parallel",
		APTypes: "firmware/ap_types", Clock: strconv.FormatFloat(ge.clock, 'g', -1, 64)}
	if ge.stream {
		d.IOType = "io_stream"
	}
	if ge.opt.APTypes != "" {
		d.APTypes = ge.opt.APTypes
	}
	for _, f := range []struct{ tmpl, out string }{
		{"Makefile.tmpl", "Makefile"},
		{"build_prj.tcl.tmpl", "build_prj.tcl"},
		{"build_vitis.tcl.tmpl", "build_vitis.tcl"},
		{"README.md.tmpl", "README.md"},
	} {
		var b bytes.Buffer
		if err := tmpl.ExecuteTemplate(&b, f.tmpl, d); err != nil {
			return fmt.Errorf("%s: %w", f.tmpl, err)
		}
		ge.files[f.out] = b.Bytes()
	}
	return nil
}
