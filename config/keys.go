// This file implements the tables of keys config understands: where each may
// appear, what kind of value it takes, and the choices for enumerations.
// Adding a key means adding its row here (and an accessor if a later phase
// reads it); the parser itself has no per-key code.

package config

import "strings"

// A kind is the type of value a key takes.
type kind uint8

const (
	kindAny        kind = iota // kept as given, not validated (lists, mappings, paths)
	kindString                 // any scalar
	kindInt                    // an integer >= min
	kindFloat                  // a number >= 0
	kindBool                   // true or false
	kindBoolOrNull             // true, false or null
	kindChoice                 // one of choices, case-insensitively
	kindPrecision              // a type, or a mapping of variable to type
	kindSection                // a nested section parsed by its own code
)

// A where is a set of places a key may appear.
type where uint8

const (
	atProject where = 1 << iota // the top of a whole hls4ml project YAML
	atHLS                       // directly under HLSConfig
	atModel                     // under HLSConfig.Model
	atLayer                     // under one LayerType or LayerName entry
)

// A choice is an accepted spelling of an enumerated value and its canonical
// form, the one accessors return.
type choice struct{ in, canon string }

// A keyDef describes one key.
type keyDef struct {
	name    string // canonical spelling, as hls4ml writes it
	kind    kind
	where   where // where the key is read
	min     int   // smallest valid value for kindInt
	choices []choice
	// ignoredAt lists places where hls4ml accepts the key without reading it:
	// a warning there, not an error.
	ignoredAt where
}

// Canonical setting values returned by the accessors.
const (
	StrategyLatency               = "Latency"
	StrategyResource              = "Resource"
	StrategyResourceUnrolled      = "ResourceUnrolled"
	StrategyDistributedArithmetic = "DistributedArithmetic"

	IOParallel = "io_parallel"
	IOStream   = "io_stream"
)

// strategyChoices accepts hls4ml's spellings: it snake-cases the value, so
// "Latency", "latency" and "LATENCY" are all the same, and "da" is its alias
// for distributed arithmetic.
var strategyChoices = []choice{
	{"latency", StrategyLatency},
	{"resource", StrategyResource},
	{"resourceunrolled", StrategyResourceUnrolled},
	{"unrolled", StrategyResourceUnrolled},
	{"distributedarithmetic", StrategyDistributedArithmetic},
	{"da", StrategyDistributedArithmetic},
}

// keyTable lists every key config understands, in the order a user would
// look for them.
var keyTable = []keyDef{
	// Whole project YAML (hls4ml's convert_from_config / the writer's
	// hls4ml_config.yml).
	{name: "HLSConfig", kind: kindSection, where: atProject},
	{name: "OutputDir", kind: kindString, where: atProject},
	{name: "ProjectName", kind: kindString, where: atProject},
	{name: "ProjectDir", kind: kindString, where: atProject},
	{name: "Backend", kind: kindChoice, where: atProject, choices: []choice{
		{"vivado", "Vivado"}, {"vitis", "Vitis"}, {"vivadoaccelerator", "VivadoAccelerator"},
		{"quartus", "Quartus"}, {"oneapi", "oneAPI"}, {"catapult", "Catapult"},
		{"libero", "Libero"}, {"symbolicexpression", "SymbolicExpression"},
	}},
	{name: "Version", kind: kindString, where: atProject},
	{name: "Part", kind: kindString, where: atProject},
	{name: "ClockPeriod", kind: kindFloat, where: atProject},
	{name: "ClockUncertainty", kind: kindString, where: atProject},
	{name: "IOType", kind: kindChoice, where: atProject, choices: []choice{
		{"ioparallel", IOParallel}, {"iostream", IOStream},
	}},
	{name: "WriterConfig", kind: kindAny, where: atProject},
	{name: "KerasJson", kind: kindString, where: atProject},
	{name: "KerasH5", kind: kindString, where: atProject},
	{name: "KerasModel", kind: kindString, where: atProject},
	{name: "OnnxModel", kind: kindString, where: atProject},
	{name: "PytorchModel", kind: kindString, where: atProject},
	{name: "InputData", kind: kindAny, where: atProject},
	{name: "OutputPredictions", kind: kindAny, where: atProject},
	{name: "InputShape", kind: kindAny, where: atProject},
	{name: "Board", kind: kindString, where: atProject},
	{name: "Interface", kind: kindString, where: atProject},
	{name: "Driver", kind: kindString, where: atProject},
	{name: "InputType", kind: kindString, where: atProject},
	{name: "OutputType", kind: kindString, where: atProject},
	{name: "Platform", kind: kindString, where: atProject},

	// HLSConfig sections.
	{name: "Model", kind: kindSection, where: atHLS},
	{name: "LayerType", kind: kindSection, where: atHLS},
	{name: "LayerName", kind: kindSection, where: atHLS},
	{name: "Flows", kind: kindAny, where: atHLS},
	{name: "Optimizers", kind: kindAny, where: atHLS},
	{name: "SkipOptimizers", kind: kindAny, where: atHLS},

	// Model and per-layer settings (graph.py::HLSConfig, layers' attributes).
	{name: "Precision", kind: kindPrecision, where: atModel | atLayer},
	{name: "ReuseFactor", kind: kindInt, where: atModel | atLayer, min: 1},
	{name: "Strategy", kind: kindChoice, where: atModel | atLayer, choices: strategyChoices},
	{name: "TargetCycles", kind: kindInt, where: atModel | atLayer, min: 1},
	{name: "ConvImplementation", kind: kindChoice, where: atModel | atLayer, choices: []choice{
		{"linebuffer", "LineBuffer"}, {"encoded", "Encoded"},
	}},
	{name: "Compression", kind: kindBool, where: atModel | atLayer},
	{name: "BramFactor", kind: kindFloat, where: atModel, ignoredAt: atLayer},
	{name: "TraceOutput", kind: kindBool, where: atModel, ignoredAt: atLayer},
	{name: "BitExact", kind: kindBoolOrNull, where: atModel, ignoredAt: atLayer},
	{name: "PipelineStyle", kind: kindChoice, where: atModel, ignoredAt: atLayer, choices: []choice{
		{"auto", "auto"}, {"pipeline", "pipeline"}, {"dataflow", "dataflow"},
	}},
	{name: "PipelineInterval", kind: kindInt, where: atModel, ignoredAt: atLayer, min: 1},

	// Per-layer attributes (hls4ml snake-cases these into layer attributes,
	// so it reads them only from LayerType and LayerName).
	{name: "Trace", kind: kindBool, where: atLayer, ignoredAt: atModel},
	{name: "TableSize", kind: kindInt, where: atLayer, ignoredAt: atModel, min: 1},
	{name: "ExpTableSize", kind: kindInt, where: atLayer, ignoredAt: atModel, min: 1},
	{name: "InvTableSize", kind: kindInt, where: atLayer, ignoredAt: atModel, min: 1},
	{name: "TableRangePower2", kind: kindInt, where: atLayer, ignoredAt: atModel, min: 0},
	{name: "Implementation", kind: kindChoice, where: atLayer, ignoredAt: atModel, choices: []choice{
		{"stable", "stable"}, {"latency", "latency"}, {"legacy", "legacy"}, {"argmax", "argmax"},
	}},
	{name: "Skip", kind: kindBool, where: atLayer, ignoredAt: atModel},
	{name: "ParallelizationFactor", kind: kindInt, where: atLayer, ignoredAt: atModel, min: 1},
	{name: "RecurrentReuseFactor", kind: kindInt, where: atLayer, ignoredAt: atModel, min: 1},
	{name: "Static", kind: kindBool, where: atLayer, ignoredAt: atModel},
	{name: "TimeStepLoopParallelism", kind: kindChoice, where: atLayer, ignoredAt: atModel, choices: []choice{
		{"off", "Off"}, {"unroll", "Unroll"}, {"pipeline", "Pipeline"},
	}},
}

// knownVars lists the Precision variables hls4ml layers declare. A variable
// not in the list is kept (with a warning) because backends and custom layers
// add their own; one close to a listed name is an error.
var knownVars = []string{
	"default", "maximum",
	"result", "accum", "weight", "bias", "scale",
	"table", "exp_table", "inv_table", "inv_inp",
	"param", "slope", "shift", "threshold",
	"depthwise", "pointwise", "depthwise_accum", "depthwise_result",
	"pointwise_accum", "pointwise_result", "dw_output",
	"recurrent_weight", "recurrent_bias", "embeddings",
}

// normKey folds a key for comparison: hls4ml snake-cases layer keys, so
// "TableSize" and "table_size" are the same key, and nnhls also accepts any
// case ("tablesize").
func normKey(s string) string {
	return strings.ToLower(strings.ReplaceAll(s, "_", ""))
}

// keysAt returns the table rows that may be written at w (read or ignored).
func keysAt(w where) []*keyDef {
	var out []*keyDef
	for i := range keyTable {
		if (keyTable[i].where|keyTable[i].ignoredAt)&w != 0 {
			out = append(out, &keyTable[i])
		}
	}
	return out
}

// lookupKey finds the row for key among defs, by folded spelling.
func lookupKey(defs []*keyDef, key string) *keyDef {
	n := normKey(key)
	for _, d := range defs {
		if normKey(d.name) == n {
			return d
		}
	}
	return nil
}

// keyDefByName returns the row for a canonical name; it is for accessors,
// whose names are constants, so a miss is a programming error.
func keyDefByName(name string) *keyDef {
	for i := range keyTable {
		if keyTable[i].name == name {
			return &keyTable[i]
		}
	}
	panic("config: no key " + name)
}
