// This file implements the tests on real hls4ml configurations: every
// hls4ml_config.yml and resolved_config.yml that hls4ml 1.4 wrote for the
// reference models (copied from shared/models/hls4ml-ref).

package config

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/nnhls/nnhls/fixed"
)

const refDir = "../testdata/config/hls4ml-ref"

// refFiles lists the reference configurations.
func refFiles(t *testing.T) []string {
	t.Helper()
	var files []string
	for _, pat := range []string{"*/*/hls4ml_config.yml", "*/*/resolved_config.yml"} {
		m, err := filepath.Glob(filepath.Join(refDir, pat))
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	sort.Strings(files)
	if len(files) != 20 {
		t.Fatalf("found %d reference configs, want 20 (5 models x model/name x 2 files)", len(files))
	}
	return files
}

func mustLoad(t *testing.T, path string) *Config {
	t.Helper()
	c, err := Load(path)
	if err != nil {
		t.Fatalf("Load(%s): %v", path, err)
	}
	return c
}

// TestRefConfigsParse parses every reference file with no error and no
// warning: hls4ml wrote them, so every key in them is one config knows.
func TestRefConfigsParse(t *testing.T) {
	for _, f := range refFiles(t) {
		c := mustLoad(t, f)
		for _, w := range c.Warnings() {
			t.Errorf("%s: unexpected warning: %v", f, w)
		}
	}
}

// TestRefPrecisionsMatchFile decodes each file a second way, with plain
// yaml.Unmarshal into maps, and checks that every LayerName precision the
// file writes is what Precision returns for that layer and variable, at the
// LayerName level.
func TestRefPrecisionsMatchFile(t *testing.T) {
	for _, f := range refFiles(t) {
		c := mustLoad(t, f)
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var raw map[string]any
		if err := yaml.Unmarshal(data, &raw); err != nil {
			t.Fatal(err)
		}
		hls := raw
		if h, ok := raw["HLSConfig"].(map[string]any); ok {
			hls = h
		}
		n := 0
		// The Model default answers for a layer the file does not name.
		mp := hls["Model"].(map[string]any)["Precision"].(map[string]any)["default"].(string)
		if got := c.Precision("not_a_layer", "Dense", "result"); got.Type != fixed.MustParse(mp) || got.Source.Level != LevelModel {
			t.Errorf("%s: Model default = %v from %v, want %s", f, got.Type, got.Source, mp)
		}
		layers, _ := hls["LayerName"].(map[string]any)
		for layer, lc := range layers {
			prec, _ := lc.(map[string]any)["Precision"].(map[string]any)
			for v, s := range prec {
				got := c.Precision(layer, "Dense", v)
				if got.Source.Level != LevelName || got.Source.Var != v || got.Source.Key != layer {
					t.Errorf("%s: %s.%s: source %v, want LayerName %q Precision.%s", f, layer, v, got.Source, layer, v)
				}
				if s == "auto" {
					if !got.Auto {
						t.Errorf("%s: %s.%s: want auto, got %v", f, layer, v, got.Type)
					}
				} else if want := fixed.MustParse(s.(string)); got.Auto || got.Type != want {
					t.Errorf("%s: %s.%s = %v (auto %v), want %v", f, layer, v, got.Type, got.Auto, want)
				}
				n++
			}
		}
		if len(layers) > 0 && n == 0 {
			t.Errorf("%s: checked no precision", f)
		}
	}
}

// TestKeras3LayerName checks values read by eye from
// KERAS_3layer/name/resolved_config.yml and hls4ml_config.yml.
func TestKeras3LayerName(t *testing.T) {
	c := mustLoad(t, refDir+"/KERAS_3layer/name/resolved_config.yml")
	cases := []struct {
		layer, variable, want string
		level                 Level
	}{
		{"fc1_relu", "accum", "fixed<37,17>", LevelName},
		{"fc2_relu", "result", "fixed<39,19>", LevelName},
		{"fc3_relu", "accum", "fixed<38,18>", LevelName},
		{"output_softmax_softmax", "exp_table", "fixed<18,8,RND,SAT>", LevelName},
		{"output_softmax_softmax", "accum", "fixed<18,8,RND,SAT>", LevelName},
		{"output_softmax_softmax", "table", "fixed<18,8>", LevelName},
		// fc1_relu has no "scale": the Model default answers.
		{"fc1_relu", "scale", "fixed<16,6>", LevelModel},
		// A layer the file does not name, and names in another case.
		{"no_such_layer", "result", "fixed<16,6>", LevelModel},
		{"FC1_RELU", "accum", "fixed<37,17>", LevelName},
	}
	for _, tc := range cases {
		got := c.Precision(tc.layer, "Dense", tc.variable)
		if got.Auto || got.Type != fixed.MustParse(tc.want) || got.Source.Level != tc.level {
			t.Errorf("Precision(%s, %s) = %v from %v, want %s from %v", tc.layer, tc.variable, got.Type, got.Source, tc.want, tc.level)
		}
	}
	if got := c.Precision("fc1_relu", "Dense", "accum").Source.Pos; got.Line != 12 || got.Col != 14 {
		t.Errorf("fc1_relu accum written at %v, want line 12 column 14", got)
	}
	if got := c.TableSize("output_softmax_softmax", "Softmax"); got != 1024 {
		t.Errorf("TableSize = %d, want 1024", got)
	}
	if got := c.Implementation("output_softmax_softmax", "Softmax"); got != "stable" {
		t.Errorf("Implementation = %q, want stable", got)
	}
	if got := c.ReuseFactor("fc1_relu", "Dense"); got != 1 {
		t.Errorf("ReuseFactor = %d, want 1", got)
	}
	if got := c.Strategy("fc1_relu", "Dense"); got != StrategyLatency {
		t.Errorf("Strategy = %q, want Latency", got)
	}

	p := mustLoad(t, refDir+"/KERAS_3layer/name/hls4ml_config.yml")
	if got := p.Precision("fc1_relu", "Dense", "accum"); !got.Auto || got.Source.Level != LevelName {
		t.Errorf("hls4ml_config fc1_relu accum = %+v, want auto at LayerName", got)
	}
	if got := p.Precision("output_softmax_softmax", "Softmax", "inv_inp"); got.Type != fixed.MustParse("fixed<18,8,RND,SAT>") {
		t.Errorf("inv_inp = %v, want fixed<18,8,RND,SAT>", got.Type)
	}
	if got := p.OutputDir(); got != "KERAS_3layer" {
		t.Errorf("OutputDir = %q", got)
	}
	if p.Part() != "xcvu13p-flga2577-2-e" || p.ClockPeriod() != 5 || p.IOType() != IOParallel ||
		p.ProjectName() != "myproject" || p.Backend() != "Vivado" || p.ClockUncertainty() != "12.5%" {
		t.Errorf("project settings: part %q clock %v io %q name %q backend %q uncertainty %q",
			p.Part(), p.ClockPeriod(), p.IOType(), p.ProjectName(), p.Backend(), p.ClockUncertainty())
	}
	if p.BramFactor() != 1e9 {
		t.Errorf("BramFactor = %v, want 1e9", p.BramFactor())
	}
	// The file writes "Skip: false" and "Trace: false"; the defaults agree.
	if p.Skip("output_softmax_softmax", "Softmax") || p.Trace("fc1_relu", "Dense") || p.TraceOutput() {
		t.Errorf("Skip, Trace and TraceOutput should be false")
	}
	if v, _, ok := p.ProjectSetting("KerasJson"); !ok || v != "KERAS_3layer.json" {
		t.Errorf("KerasJson = %q, %v", v, ok)
	}
}

// TestModelGranularity checks the "model" files: every variable of every
// layer is the Model default fixed<16,6>, written as fixed<16,6> (no modes).
func TestModelGranularity(t *testing.T) {
	c := mustLoad(t, refDir+"/KERAS_3layer/model/hls4ml_config.yml")
	for _, v := range []string{"result", "accum", "weight", "bias", "exp_table"} {
		got := c.Precision("fc1_relu", "Dense", v)
		if got.Type != fixed.MustParse("fixed<16,6,TRN,WRAP,0>") || got.Source.Level != LevelModel || got.Source.Var != "default" {
			t.Errorf("%s = %v from %v, want fixed<16,6> from Model default", v, got.Type, got.Source)
		}
		if got.Explicit() {
			t.Errorf("%s: a Model default must not be explicit", v)
		}
	}
	if got := c.Precision("fc1_relu", "Dense", "accum").Source.Pos; got.Line != 12 {
		t.Errorf("Model default at line %d, want 12", got.Line)
	}
}

// TestQKerasAndConv checks values read by eye from the QKeras and Conv1D
// configurations.
func TestQKerasAndConv(t *testing.T) {
	q := mustLoad(t, refDir+"/qkeras_3layer/name/hls4ml_config.yml")
	if got := q.Precision("relu1", "Activation", "result"); got.Type != fixed.MustParse("ufixed<6,0,RND_CONV,SAT>") {
		t.Errorf("relu1 result = %v, want ufixed<6,0,RND_CONV,SAT>", got.Type)
	}
	if got := q.Precision("fc2", "QDense", "weight"); got.Type != fixed.MustParse("fixed<6,1>") || !got.Explicit() {
		t.Errorf("fc2 weight = %+v, want explicit fixed<6,1>", got)
	}
	if got := q.Precision("fc2", "QDense", "accum"); !got.Auto {
		t.Errorf("fc2 accum = %+v, want auto", got)
	}
	conv := mustLoad(t, refDir+"/KERAS_conv1d_small/name/hls4ml_config.yml")
	if got := conv.ConvImplementation("conv1_relu", "Conv1D"); got != "LineBuffer" {
		t.Errorf("ConvImplementation = %q", got)
	}
	if got := conv.ParallelizationFactor("conv1_relu", "Conv1D"); got != 1 {
		t.Errorf("ParallelizationFactor = %d", got)
	}
	r := mustLoad(t, refDir+"/KERAS_conv1d_small/name/resolved_config.yml")
	if got := r.Precision("conv3_relu", "Conv1D", "accum"); got.Type != fixed.MustParse("fixed<36,16>") {
		t.Errorf("conv3_relu accum = %v, want fixed<36,16>", got.Type)
	}
}

// TestDefault checks hls4ml's defaults.
func TestDefault(t *testing.T) {
	c := Default()
	p := c.Precision("any", "Dense", "accum")
	if p.Type != fixed.MustParse("fixed<16,6>") || p.Auto || p.Source.Level != LevelBuiltin {
		t.Errorf("default precision = %+v", p)
	}
	if c.ReuseFactor("a", "b") != 1 || c.Strategy("a", "b") != "Latency" || c.IOType() != "io_parallel" ||
		c.Part() != "xcvu13p-flga2577-2-e" || c.ClockPeriod() != 5 || c.ProjectName() != "myproject" ||
		c.TableSize("a", "b") != 1024 || c.Implementation("a", "Softmax") != "stable" || c.Backend() != "Vivado" {
		t.Errorf("defaults wrong")
	}
	if _, ok := c.MaxPrecision(); ok {
		t.Errorf("default has a maximum precision")
	}
	e, err := Parse("empty.yml", nil)
	if err != nil || e.Precision("a", "b", "result").Source.Level != LevelBuiltin {
		t.Errorf("empty file: %v", err)
	}
}

// TestLoadMissing checks that a missing file is an error naming it.
func TestLoadMissing(t *testing.T) {
	_, err := Load("../testdata/config/no-such-file.yml")
	if err == nil || !strings.Contains(err.Error(), "no-such-file.yml") {
		t.Errorf("Load of a missing file: %v", err)
	}
}

// TestX is kept empty for one-off debugging.
func TestX(t *testing.T) {}

// BenchmarkParse parses the largest reference configuration.
func BenchmarkParse(b *testing.B) {
	data, err := os.ReadFile(refDir + "/qkeras_3layer/name/hls4ml_config.yml")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse("c.yml", data); err != nil {
			b.Fatal(err)
		}
	}
}
