// This file tests the written project of a tiny model against golden
// files in testdata/golden/<case>/ (rewritten by go test ./hls -update),
// that two generations are byte-identical, and that the project compiles
// with g++ -fsyntax-only under -Wall -Wextra -Werror.

package hls

import (
	"bytes"
	"flag"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nnhls/nnhls/config"
	"github.com/nnhls/nnhls/ir"
	"github.com/nnhls/nnhls/passes"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// tinyGraph is Input[4] → Dense(4→3) → relu → softmax, with weights on
// the fixed<16,6> grid chosen by hand.
func tinyGraph() *ir.Graph {
	g := &ir.Graph{Name: "tiny", Source: "tiny"}
	in := g.Add(&ir.Node{Name: "x", Op: ir.OpInput, Shape: []int{4}})
	k := ir.NewTensor(4, 3)
	copy(k.Data, []float64{0.5, -0.25, 1, 0.125, 2, -1.5, -0.75, 0.0625, 0.25, 1.5, -2, 0.5})
	b := ir.NewTensor(3)
	copy(b.Data, []float64{0.25, -0.5, 0})
	d := g.Add(&ir.Node{Name: "fc", Op: ir.OpDense, Shape: []int{3}, Inputs: []int{in},
		Weights: map[string]*ir.Tensor{"kernel": k, "bias": b}})
	r := g.Add(&ir.Node{Name: "fc_relu", Op: ir.OpActivation, Shape: []int{3}, Inputs: []int{d},
		Attrs: ir.Attrs{Activation: "relu"}})
	s := g.Add(&ir.Node{Name: "sm", Op: ir.OpSoftmax, Shape: []int{3}, Inputs: []int{r}})
	g.Inputs, g.Outputs = []int{in}, []int{s}
	return g
}

// goldenCases are the projects under test: the configuration's IOType.
var goldenCases = []struct{ name, cfg string }{
	{"tiny_parallel", "IOType: io_parallel\n"},
	{"tiny_stream", "IOType: io_stream\nHLSConfig:\n  Model:\n    Strategy: Resource\n    ReuseFactor: 4\n"},
}

// generateCase types the tiny graph under the case's configuration and
// generates its project, with two testbench samples whose outputs are
// placeholders (the golden test compares text, not arithmetic).
func generateCase(t *testing.T, cfgText string) *Project {
	t.Helper()
	c, err := config.Parse("case.yml", []byte(cfgText))
	if err != nil {
		t.Fatal(err)
	}
	g := tinyGraph()
	if err := passes.AssignTypesHLS4ML(g, c); err != nil {
		t.Fatal(err)
	}
	p, err := Generate(g, c, Options{
		TBInputs:  [][]float64{{1, 2, 3, 4}, {-1, 0.5, 0, 0.25}},
		TBOutputs: [][]float64{{0, 0, 1}, {0.5, 0.25, 0.25}},
	})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// golden reports whether a project file is compared with the golden
// copy: the library and ap headers are copied verbatim and left out.
func golden(path string) bool {
	return !strings.HasPrefix(path, "firmware/ap_types/") && !strings.HasPrefix(path, "firmware/nnhls/")
}

func TestGolden(t *testing.T) {
	for _, tc := range goldenCases {
		t.Run(tc.name, func(t *testing.T) {
			p := generateCase(t, tc.cfg)
			dir := filepath.Join("testdata", "golden", tc.name)
			produced := map[string]bool{}
			for _, path := range p.Paths() {
				if !golden(path) {
					continue
				}
				produced[path] = true
				file := filepath.Join(dir, filepath.FromSlash(path))
				if *update {
					if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
						t.Fatal(err)
					}
					if err := os.WriteFile(file, p.Files[path], 0o644); err != nil {
						t.Fatal(err)
					}
					continue
				}
				want, err := os.ReadFile(file)
				if err != nil {
					t.Errorf("%s: %v (run go test ./hls -update)", path, err)
					continue
				}
				if !bytes.Equal(p.Files[path], want) {
					t.Errorf("%s differs from %s", path, file)
				}
			}
			// A golden file no generation produces is stale.
			_ = filepath.WalkDir(dir, func(f string, d fs.DirEntry, err error) error {
				if err != nil || d.IsDir() {
					return err
				}
				rel, _ := filepath.Rel(dir, f)
				if !produced[filepath.ToSlash(rel)] {
					t.Errorf("golden file %s is produced by no test", f)
				}
				return nil
			})
			// Generating again gives the same bytes.
			q := generateCase(t, tc.cfg)
			for _, path := range p.Paths() {
				if !bytes.Equal(p.Files[path], q.Files[path]) {
					t.Errorf("%s differs between two generations", path)
				}
			}
			syntaxCheck(t, p)
		})
	}
}

// syntaxCheck writes p and compiles it with g++ -fsyntax-only -Werror.
func syntaxCheck(t *testing.T, p *Project) {
	t.Helper()
	if _, err := exec.LookPath("g++"); err != nil {
		t.Log("g++ is not installed: the syntax check is skipped")
		return
	}
	dir := filepath.Join(t.TempDir(), "prj")
	if err := Write(p, dir); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("g++", "-std=c++14", "-fsyntax-only", "-Wall", "-Wextra", "-Werror",
		"-Ifirmware", "-Ifirmware/ap_types", "firmware/"+p.Name+".cpp", "tb/"+p.Name+"_test.cpp")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("g++: %v\n%s", err, out)
	}
}

// TestWriteReplacesProject writes over an earlier project and checks that
// stale files of the old one are gone.
func TestWriteReplacesProject(t *testing.T) {
	p := generateCase(t, goldenCases[0].cfg)
	dir := filepath.Join(t.TempDir(), "prj")
	if err := Write(p, dir); err != nil {
		t.Fatal(err)
	}
	stale := filepath.Join(dir, "firmware", "stale.h")
	if err := os.WriteFile(stale, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := Write(p, dir); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("stale file survived a rewrite: %v", err)
	}
	entries, _ := os.ReadDir(filepath.Dir(dir))
	if len(entries) != 1 {
		t.Errorf("%d entries next to the project, want no temporary leftovers", len(entries))
	}
}
