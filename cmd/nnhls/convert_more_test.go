// This file tests convert's rules besides bit equality: byte-identical
// projects, ReuseFactor validation, nothing written on failure, a build
// reused by csim, and Resource with a ReuseFactor above 1.

package main

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nnhls/nnhls/hls"
	"github.com/nnhls/nnhls/npy"
)

// readTree returns every file under dir by relative path.
func readTree(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		files[rel] = data
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// TestConvertDeterministic converts one model twice, into different
// directories, and requires byte-identical trees.
func TestConvertDeterministic(t *testing.T) {
	dir := t.TempDir()
	for _, d := range []string{"a", "b"} {
		if msg, err := runCmd(t, "convert", jetModel, "-o", filepath.Join(dir, d)); err != nil {
			t.Fatalf("%v\n%s", err, msg)
		}
	}
	a, b := readTree(t, filepath.Join(dir, "a")), readTree(t, filepath.Join(dir, "b"))
	if len(a) != len(b) || len(a) < 20 {
		t.Fatalf("%d and %d files", len(a), len(b))
	}
	for p, data := range a {
		if !bytes.Equal(data, b[p]) {
			t.Errorf("%s differs between two conversions", p)
		}
	}
}

// TestConvertBadReuse asks for a ReuseFactor that divides no layer of the
// jet tagger (16·64, 64·32, 32·32, 32·5 multiplications): the error names
// the layer and lists the valid values, and no project is left behind.
func TestConvertBadReuse(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "c.yml")
	if err := os.WriteFile(cfg, []byte("HLSConfig:\n  Model:\n    Precision: fixed<16,6>\n    ReuseFactor: 3\n    Strategy: Resource\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "prj")
	msg, err := runCmd(t, "convert", jetModel, "-o", out, "-c", cfg)
	if err == nil {
		t.Fatalf("no error; output:\n%s", msg)
	}
	// 32·5 = 160 multiplications: divisors 1 2 4 5 8 10 16 20 32 40 80 160.
	want := `layer "output_softmax" (Dense): ReuseFactor 3 does not divide the layer's 160 multiplications; valid values: 1, 2, 4, 5, 8, 10, 16, 20, 32, 40, 80, 160`
	if !strings.Contains(err.Error(), want) {
		t.Errorf("error %q does not contain %q", err, want)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("a failed conversion left %s behind", out)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("directory holds %d entries after a failed conversion, want only the config", len(entries))
	}
}

// TestConvertRefusesForeignDir refuses to replace a directory that is not
// an nnhls project, and leaves it alone.
func TestConvertRefusesForeignDir(t *testing.T) {
	dir := t.TempDir()
	keep := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(keep, []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := runCmd(t, "convert", jetModel, "-o", dir); err == nil || !strings.Contains(err.Error(), "not an nnhls project") {
		t.Fatalf("error %v, want a refusal", err)
	}
	if data, err := os.ReadFile(keep); err != nil || string(data) != "mine" {
		t.Fatalf("user file changed: %q %v", data, err)
	}
}

// TestCsimResourceReuse converts the jet tagger with Resource and
// ReuseFactor 16 in io_parallel, checks csim against predict, and that a
// second csim reuses the build.
func TestCsimResourceReuse(t *testing.T) {
	needGXX(t)
	dir := t.TempDir()
	cfg := filepath.Join(dir, "c.yml")
	if err := os.WriteFile(cfg, []byte("HLSConfig:\n  Model:\n    Precision: fixed<16,6>\n    ReuseFactor: 16\n    Strategy: Resource\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	prj := filepath.Join(dir, "prj")
	x := filepath.Join(jetRef, "inputs.npy")
	if msg, err := runCmd(t, "convert", jetModel, "-o", prj, "-c", cfg); err != nil {
		t.Fatalf("%v\n%s", err, msg)
	}
	params, err := os.ReadFile(filepath.Join(prj, "firmware", "parameters.h"))
	if err != nil || !bytes.Contains(params, []byte("reuse_factor = 16;")) || !bytes.Contains(params, []byte("strategy = nnhls::resource;")) {
		t.Fatalf("parameters.h lacks the reuse factor or strategy (%v)", err)
	}
	if _, built, err := hls.Build(prj, hls.BuildOptions{}); err != nil || !built {
		t.Fatalf("first build: built %v, %v", built, err)
	}
	if _, built, err := hls.Build(prj, hls.BuildOptions{}); err != nil || built {
		t.Fatalf("second build: built %v (want reused), %v", built, err)
	}
	y, p := filepath.Join(dir, "y.npy"), filepath.Join(dir, "p.npy")
	if msg, err := runCmd(t, "csim", prj, "-i", x, "-o", y); err != nil {
		t.Fatalf("%v\n%s", err, msg)
	}
	if msg, err := runCmd(t, "predict", jetModel, "-i", x, "-o", p, "-c", cfg); err != nil {
		t.Fatalf("%v\n%s", err, msg)
	}
	got, _ := npy.ReadFile(y)
	want, _ := npy.ReadFile(p)
	if got == nil || want == nil || len(got.Data) != 5000 || len(want.Data) != 5000 {
		t.Fatal("missing outputs")
	}
	for i := range want.Data {
		if got.Data[i] != want.Data[i] {
			t.Fatalf("value %d: C++ %v, emulator %v", i, got.Data[i], want.Data[i])
		}
	}
}

// TestConvertAPTypes builds against headers given with --ap-types (here a
// copy of nnhls's own, standing in for $XILINX_HLS/include): the Makefile
// and the manifest point at them and csim builds with them.
func TestConvertAPTypes(t *testing.T) {
	needGXX(t)
	dir := t.TempDir()
	ap := filepath.Join(dir, "vendor")
	if err := os.MkdirAll(ap, 0o755); err != nil {
		t.Fatal(err)
	}
	entries, err := fs.ReadDir(hls.Headers, "include")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		data, err := fs.ReadFile(hls.Headers, "include/"+e.Name())
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(ap, e.Name()), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	prj := filepath.Join(dir, "prj")
	if msg, err := runCmd(t, "convert", jetModel, "-o", prj, "--ap-types", ap); err != nil {
		t.Fatalf("%v\n%s", err, msg)
	}
	mk, err := os.ReadFile(filepath.Join(prj, "Makefile"))
	if err != nil || !bytes.Contains(mk, []byte("AP_TYPES ?= "+ap+"\n")) {
		t.Fatalf("Makefile does not default AP_TYPES to %s (%v)", ap, err)
	}
	m, err := hls.ReadManifest(prj)
	if err != nil || m.APTypes != ap {
		t.Fatalf("manifest ap_types %v, want %s (%v)", m, ap, err)
	}
	y := filepath.Join(dir, "y.npy")
	if msg, err := runCmd(t, "csim", prj, "-i", filepath.Join(jetRef, "inputs.npy"), "-o", y); err != nil {
		t.Fatalf("%v\n%s", err, msg)
	}
}
