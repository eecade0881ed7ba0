// This file benchmarks "nnhls convert" (load, type, emulate the testbench
// samples, generate and write the project) and the g++ build of the
// written project, for BENCHMARKS.md.

package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/nnhls/nnhls/hls"
)

var dense200 = filepath.Join("..", "..", "..", "shared", "models", "example-models", "keras", "KERAS_dense_16x200x200x200x200x200x5.json")

func benchConvert(b *testing.B, model string) {
	if _, err := os.Stat(model); err != nil {
		b.Skipf("%s: %v", model, err)
	}
	dir := b.TempDir()
	out := filepath.Join(dir, "prj")
	for b.Loop() {
		if err := convert(model, "", out, nil, ""); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkConvert3Layer(b *testing.B)   { benchConvert(b, jetModel) }
func BenchmarkConvertDense200(b *testing.B) { benchConvert(b, dense200) }

// benchBuild measures a full g++ build of the written project (the stamp
// is removed before each build so that nothing is reused).
func benchBuild(b *testing.B, model string) {
	if _, err := os.Stat(model); err != nil {
		b.Skipf("%s: %v", model, err)
	}
	out := filepath.Join(b.TempDir(), "prj")
	if err := convert(model, "", out, nil, ""); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if err := os.RemoveAll(filepath.Join(out, "build")); err != nil {
			b.Fatal(err)
		}
		if _, _, err := hls.Build(out, hls.BuildOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkBuild3Layer(b *testing.B)   { benchBuild(b, jetModel) }
func BenchmarkBuildDense200(b *testing.B) { benchBuild(b, dense200) }
