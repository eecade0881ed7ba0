// This file implements the table-driven test of the precision precedence.

package config

import (
	"testing"

	"github.com/nnhls/nnhls/fixed"
	"github.com/nnhls/nnhls/ir"
)

// TestResolvePrecision walks hls4ml's precedence one rung at a time: each
// row removes the most specific entry of the previous one.
func TestResolvePrecision(t *testing.T) {
	ty := func(w, i int) precEntry { return precEntry{typ: fixed.MustNew(w, i, true, fixed.Trn, fixed.Wrap, 0)} }
	mk := func(level Level, entries map[string]precEntry) *block {
		b := newBlock(level, level.String()+"key", ir.Pos{})
		for k, e := range entries {
			b.prec[k] = e
		}
		return b
	}
	all := func() (name, typ, model *block) {
		return mk(LevelName, map[string]precEntry{"accum": ty(1, 1), "default": ty(2, 2)}),
			mk(LevelType, map[string]precEntry{"accum": ty(3, 3), "default": ty(4, 4)}),
			mk(LevelModel, map[string]precEntry{"accum": ty(5, 5), "default": ty(6, 6)})
	}
	cases := []struct {
		name   string
		edit   func(n, ty, m *block) []*block
		width  int
		level  Level
		varHit string
		found  bool
	}{
		{"LayerName var", func(n, ty, m *block) []*block { return []*block{n, ty, m} }, 1, LevelName, "accum", true},
		{"LayerName default", func(n, ty, m *block) []*block { delete(n.prec, "accum"); return []*block{n, ty, m} }, 2, LevelName, "default", true},
		{"LayerType var", func(n, ty, m *block) []*block { return []*block{nil, ty, m} }, 3, LevelType, "accum", true},
		{"LayerType default", func(n, ty, m *block) []*block { delete(ty.prec, "accum"); return []*block{nil, ty, m} }, 4, LevelType, "default", true},
		{"LayerType block without precision", func(n, ty, m *block) []*block {
			return []*block{newBlock(LevelName, "n", ir.Pos{}), newBlock(LevelType, "t", ir.Pos{}), m}
		}, 5, LevelModel, "accum", true},
		{"Model var", func(n, ty, m *block) []*block { return []*block{nil, nil, m} }, 5, LevelModel, "accum", true},
		{"Model default", func(n, ty, m *block) []*block { delete(m.prec, "accum"); return []*block{nil, nil, m} }, 6, LevelModel, "default", true},
		{"nothing", func(n, ty, m *block) []*block { return []*block{nil, nil, newBlock(LevelModel, "", ir.Pos{})} }, 0, LevelBuiltin, "", false},
		// A LayerName default beats a LayerType entry for the very variable:
		// hls4ml finishes one level before looking at the next.
		{"name default beats type var", func(n, ty, m *block) []*block {
			delete(n.prec, "accum")
			return []*block{n, ty, m}
		}, 2, LevelName, "default", true},
	}
	for _, tc := range cases {
		n, ty, m := all()
		got, ok := resolvePrecision(tc.edit(n, ty, m), "accum")
		if ok != tc.found {
			t.Errorf("%s: found = %v, want %v", tc.name, ok, tc.found)
			continue
		}
		if !ok {
			continue
		}
		if got.Type.Width() != tc.width || got.Source.Level != tc.level || got.Source.Var != tc.varHit {
			t.Errorf("%s: got width %d from %v %q, want %d from %v %q",
				tc.name, got.Type.Width(), got.Source.Level, got.Source.Var, tc.width, tc.level, tc.varHit)
		}
	}
}

// TestPrecisionThroughYAML runs the same precedence through Parse, with
// every level written in one file and layer names in other cases.
func TestPrecisionThroughYAML(t *testing.T) {
	const src = `
Model:
  Precision:
    default: fixed<16,6>
    weight: fixed<8,3>
    maximum: fixed<24,12>
LayerType:
  Dense:
    Precision: fixed<20,8>
  Activation:
    Precision:
      table: fixed<10,4>
LayerName:
  FC1:
    Precision:
      result: auto
      bias: fixed<12,4,RND_CONV,SAT>
  fc2:
    Precision: ap_fixed<14,5>
`
	c, err := Parse("p.yml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		layer, typ, v string
		want          string // "" for auto
		level         Level
		line          int
	}{
		{"fc1", "Dense", "result", "", LevelName, 16},
		{"fc1", "Dense", "bias", "fixed<12,4,RND_CONV,SAT>", LevelName, 17},
		{"fc1", "Dense", "weight", "fixed<20,8>", LevelType, 9},
		{"fc2", "Dense", "weight", "fixed<14,5>", LevelName, 19},
		{"relu", "Activation", "table", "fixed<10,4>", LevelType, 12},
		{"relu", "activation", "result", "fixed<16,6>", LevelModel, 4},
		{"relu", "Activation", "weight", "fixed<8,3>", LevelModel, 5},
	}
	for _, tc := range cases {
		got := c.Precision(tc.layer, tc.typ, tc.v)
		if tc.want == "" {
			if !got.Auto || got.Type.Valid() {
				t.Errorf("%s.%s: want auto, got %+v", tc.layer, tc.v, got)
			}
		} else if got.Auto || got.Type != fixed.MustParse(tc.want) {
			t.Errorf("%s.%s = %v, want %s", tc.layer, tc.v, got.Type, tc.want)
		}
		if got.Source.Level != tc.level || got.Source.Pos.Line != tc.line {
			t.Errorf("%s.%s from %v, want %v at line %d", tc.layer, tc.v, got.Source, tc.level, tc.line)
		}
	}
	if m, ok := c.MaxPrecision(); !ok || m != fixed.MustParse("fixed<24,12>") {
		t.Errorf("MaxPrecision = %v, %v", m, ok)
	}
	if s := c.Precision("fc1", "Dense", "bias").Source.String(); s != `LayerName "FC1" Precision.bias (p.yml:17:13)` {
		t.Errorf("Source.String() = %s", s)
	}
}

// TestLayerSettings checks the LayerName > LayerType > Model order of the
// other settings, and that hls4ml's spellings of their values are accepted.
func TestLayerSettings(t *testing.T) {
	const src = `
IOType: io_stream
Model:
  ReuseFactor: 4
  Strategy: resource
LayerType:
  Softmax:
    Implementation: Latency
    table_size: 2048
  Dense:
    Strategy: LATENCY
LayerName:
  out:
    TableSize: 512
    ExpTableSize: 256
    ReuseFactor: 16
    Strategy: resource_unrolled
`
	c, err := Parse("s.yml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	check := func(what string, got, want any) {
		t.Helper()
		if got != want {
			t.Errorf("%s = %v, want %v", what, got, want)
		}
	}
	check("IOType", c.IOType(), IOStream)
	check("RF out", c.ReuseFactor("out", "Softmax"), 16)
	check("RF other", c.ReuseFactor("x", "Softmax"), 4)
	check("Strategy out", c.Strategy("out", "Softmax"), StrategyResourceUnrolled)
	check("Strategy dense", c.Strategy("fc", "Dense"), StrategyLatency)
	check("Strategy model", c.Strategy("fc", "Conv2D"), StrategyResource)
	check("TableSize out", c.TableSize("out", "Softmax"), 512)
	check("TableSize type", c.TableSize("sm", "Softmax"), 2048)
	check("TableSize default", c.TableSize("x", "Activation"), 1024)
	check("ExpTableSize", c.ExpTableSize("out", "Softmax"), 256)
	check("InvTableSize", c.InvTableSize("out", "Softmax"), 512)
	check("Implementation", c.Implementation("out", "Softmax"), "latency")
	s, src2, ok := c.Setting("out", "Softmax", "reuse_factor")
	check("Setting", s, "16")
	check("Setting ok", ok, true)
	check("Setting level", src2.Level, LevelName)
}
