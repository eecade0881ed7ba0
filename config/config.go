// This file implements the Config type, its built-in defaults and the
// project-level accessors (IOType, Part, ClockPeriod, ...).

package config

import (
	"strings"

	"github.com/nnhls/nnhls/fixed"
	"github.com/nnhls/nnhls/ir"
)

// A Config is a parsed hls4ml-style configuration: project settings (from a
// whole project YAML), the Model section, and the LayerType and LayerName
// entries. It is read-only after Parse, so passes may share it.
//
// The zero Config is not useful; use Default, Parse or Load.
type Config struct {
	file    string
	project map[string]value // project-level settings, by canonical key
	model   *block
	types   map[string]*block // by lower-cased LayerType key
	names   map[string]*block // by lower-cased LayerName key
	// nameOrder and typeOrder keep the keys in file order, for CheckNames
	// and for deterministic reports.
	nameOrder, typeOrder []*block

	builtinPrecision fixed.Type
	warnings         ir.ErrorList
}

// defaultPrecision is hls4ml's model default precision, fixed<16,6> (TRN,
// WRAP), used for every variable nothing else covers.
var defaultPrecision = fixed.MustNew(16, 6, true, fixed.Trn, fixed.Wrap, 0)

// DefaultPrecision returns hls4ml's model default precision, fixed<16,6>.
func DefaultPrecision() fixed.Type { return defaultPrecision }

// Built-in defaults of the project-level settings, as hls4ml's Vivado
// backend has them (create_initial_config).
const (
	DefaultProjectName = "myproject"
	DefaultOutputDir   = "my-hls-test"
	DefaultBackend     = "Vivado"
	DefaultPart        = "xcvu13p-flga2577-2-e"
	DefaultClockPeriod = 5.0
	DefaultIOType      = IOParallel
	DefaultReuseFactor = 1
	DefaultStrategy    = StrategyLatency
	DefaultTableSize   = 1024
	// DefaultImplementation is softmax's default implementation.
	DefaultImplementation = "stable"
)

// Default returns the configuration hls4ml uses when given none: every type
// fixed<16,6>, ReuseFactor 1, Strategy Latency, io_parallel, part
// xcvu13p-flga2577-2-e, a 5 ns clock, project "myproject", tables of 1024
// entries. Every value it answers has Source.Level == LevelBuiltin.
func Default() *Config {
	return &Config{
		project:          map[string]value{},
		model:            newBlock(LevelModel, "", ir.Pos{}),
		types:            map[string]*block{},
		names:            map[string]*block{},
		builtinPrecision: defaultPrecision,
	}
}

// File returns the name the configuration was parsed under ("" for Default).
func (c *Config) File() string { return c.file }

// Warnings returns the problems that do not stop nnhls: keys config does
// not know (hls4ml would pass them on as layer attributes) and keys at a
// level where hls4ml does not read them. Each carries a Code (CodeOf).
func (c *Config) Warnings() ir.ErrorList { return c.warnings }

// chain returns the blocks that apply to a layer, most specific first.
func (c *Config) chain(layer, layerType string) []*block {
	return []*block{c.names[strings.ToLower(layer)], c.types[strings.ToLower(layerType)], c.model}
}

// projectString returns a project-level string setting or def.
func (c *Config) projectString(key, def string) string {
	if v, ok := c.project[key]; ok && v.s != "" {
		return v.s
	}
	return def
}

// ProjectName returns ProjectName, "myproject" by default: the name of the
// top function and of the project's files.
func (c *Config) ProjectName() string { return c.projectString("ProjectName", DefaultProjectName) }

// OutputDir returns OutputDir, "my-hls-test" by default.
func (c *Config) OutputDir() string { return c.projectString("OutputDir", DefaultOutputDir) }

// Backend returns the backend's canonical name ("Vivado", "Vitis", ...),
// "Vivado" by default.
func (c *Config) Backend() string { return c.projectString("Backend", DefaultBackend) }

// Part returns the FPGA part, "xcvu13p-flga2577-2-e" by default.
func (c *Config) Part() string { return c.projectString("Part", DefaultPart) }

// IOType returns "io_parallel" (the default) or "io_stream".
func (c *Config) IOType() string { return c.projectString("IOType", DefaultIOType) }

// ClockPeriod returns the clock period in ns, 5 by default.
func (c *Config) ClockPeriod() float64 {
	if v, ok := c.project["ClockPeriod"]; ok {
		return v.f
	}
	return DefaultClockPeriod
}

// ClockUncertainty returns ClockUncertainty as written ("12.5%"), or the
// backend's default: 27% for Vitis, 12.5% otherwise.
func (c *Config) ClockUncertainty() string {
	if c.Backend() == "Vitis" {
		return c.projectString("ClockUncertainty", "27%")
	}
	return c.projectString("ClockUncertainty", "12.5%")
}

// ProjectSetting returns a project-level setting as written (for keys that
// have no accessor, such as KerasJson or OnnxModel), its position, and
// whether it is set.
func (c *Config) ProjectSetting(key string) (string, ir.Pos, bool) {
	d := lookupKey(keysAt(atProject), key)
	if d == nil {
		return "", ir.Pos{}, false
	}
	v, ok := c.project[d.name]
	return v.s, v.pos, ok
}
