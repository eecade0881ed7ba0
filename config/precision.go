// This file implements precision lookup: hls4ml's precedence from the most
// specific entry (a variable of one named layer) to the least (the Model
// default), and the record of where the answer came from.

package config

import (
	"fmt"

	"github.com/nnhls/nnhls/fixed"
	"github.com/nnhls/nnhls/ir"
)

// A Level is the part of a configuration a setting came from.
type Level uint8

// Levels, from least to most specific.
const (
	// LevelBuiltin: nothing in the configuration says; the value is
	// nnhls's built-in default (hls4ml's default for that setting).
	LevelBuiltin Level = iota
	LevelModel         // HLSConfig.Model
	LevelType          // HLSConfig.LayerType[class]
	LevelName          // HLSConfig.LayerName[layer]
)

var levelNames = [...]string{"built-in default", "Model", "LayerType", "LayerName"}

// String returns "Model", "LayerType", "LayerName" or "built-in default".
func (l Level) String() string {
	if int(l) < len(levelNames) {
		return levelNames[l]
	}
	return fmt.Sprintf("Level(%d)", int(l))
}

// A Source says where a setting came from: the level, the LayerType or
// LayerName key as written, the Precision variable that matched (the
// variable itself or "default"), and the position of the value in the file.
type Source struct {
	Level Level
	Key   string // LayerType or LayerName key; empty for Model and built-in
	Var   string // for precisions: the variable that matched, or "default"
	Pos   ir.Pos // zero for built-in defaults
}

// String describes the source for messages and reports, e.g.
// `LayerName "fc1" Precision.accum (c.yml:12:14)`.
func (s Source) String() string {
	var out string
	switch s.Level {
	case LevelBuiltin:
		return "built-in default"
	case LevelModel:
		out = "Model"
	default:
		out = fmt.Sprintf("%s %q", s.Level, s.Key)
	}
	if s.Var != "" {
		out += " Precision." + s.Var
	}
	if p := s.Pos.String(); p != "" {
		out += " (" + p + ")"
	}
	return out
}

// A Precision is the answer to a precision lookup.
//
// Exactly one of three things holds:
//   - Auto is true: the configuration says "auto", and Type is the zero
//     (invalid) fixed.Type. The caller infers the type.
//   - Source.Level is LevelBuiltin: nothing in the configuration covers
//     the variable, and Type is nnhls's built-in default (fixed<16,6>).
//   - Otherwise Type is what the user wrote, at Source.
//
// This is how the type policy stays outside config: config never decides
// what "auto" means. The precision-inference pass calls Precision for each
// variable and, when Auto is set (and, if it chooses, when the level is
// LevelBuiltin), computes the type itself: today the model default, later an
// interval analysis. Config needs no hook for that and knows nothing of it.
type Precision struct {
	Type   fixed.Type
	Auto   bool
	Source Source
}

// Explicit reports whether the precision was written for this very
// variable, not reached through a "default" entry or the built-in default.
// Ops with their own default for a variable use it unless the precision is
// explicit: hls4ml's softmax tables stay fixed<18,8,RND,SAT> under a Model
// default of fixed<16,6>.
func (p Precision) Explicit() bool {
	return p.Source.Level != LevelBuiltin && p.Source.Var != "default"
}

// precEntry is one Precision value as written.
type precEntry struct {
	typ  fixed.Type
	auto bool
	pos  ir.Pos
}

// A block holds the settings of one level: the Model section, one LayerType
// entry or one LayerName entry.
type block struct {
	level Level
	key   string // the LayerType or LayerName key as written
	pos   ir.Pos // position of the key
	prec  map[string]precEntry
	vals  map[string]value // by canonical key name
}

func newBlock(level Level, key string, pos ir.Pos) *block {
	return &block{level: level, key: key, pos: pos, prec: map[string]precEntry{}, vals: map[string]value{}}
}

// resolvePrecision is hls4ml's precedence (graph.py::HLSConfig.get_precision):
// for each block from the most specific (LayerName) to the least (Model),
// first the entry for the variable, then the block's "default" entry (which
// is also what a scalar Precision sets). nil blocks are skipped. It reports
// false when no block has an entry.
func resolvePrecision(chain []*block, variable string) (Precision, bool) {
	for _, b := range chain {
		if b == nil {
			continue
		}
		for _, v := range [2]string{variable, "default"} {
			if e, ok := b.prec[v]; ok {
				return Precision{Type: e.typ, Auto: e.auto, Source: Source{Level: b.level, Key: b.key, Var: v, Pos: e.pos}}, true
			}
		}
	}
	return Precision{}, false
}

// Precision looks up the type of variable ("result", "accum", "weight",
// "exp_table", ...) of the layer named layer, whose class is layerType, with
// hls4ml's precedence:
//
//	LayerName[layer].Precision[variable]
//	LayerName[layer].Precision.default   (or a scalar LayerName[layer].Precision)
//	LayerType[layerType].Precision[variable]
//	LayerType[layerType].Precision.default
//	Model.Precision[variable]
//	Model.Precision.default
//	built-in default fixed<16,6>
//
// Layer names and types match case-insensitively, as in hls4ml.
func (c *Config) Precision(layer, layerType, variable string) Precision {
	if p, ok := resolvePrecision(c.chain(layer, layerType), variable); ok {
		return p
	}
	return Precision{Type: c.builtinPrecision, Source: Source{Level: LevelBuiltin}}
}

// MaxPrecision returns Model.Precision.maximum, the cap hls4ml's inference
// puts on the width and the integer bits of types it infers, and whether the
// configuration sets one.
func (c *Config) MaxPrecision() (fixed.Type, bool) {
	e, ok := c.model.prec["maximum"]
	if !ok || e.auto {
		return fixed.Type{}, false
	}
	return e.typ, true
}
