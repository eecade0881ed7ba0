// This file implements the conformance test of nnhls's own C++ ap_fixed /
// ap_int headers: every golden vector of testdata/apfixed (results of the
// Xilinx library) becomes C++ source (apfixed_gen_test.go), compiled with g++
// in a few translation units, run, and compared raw bit for raw bit.

package hls

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// apFindGxx returns the g++ path or skips the test.
func apFindGxx(tb testing.TB) string {
	tb.Helper()
	gxx, err := exec.LookPath("g++")
	if err != nil {
		tb.Skip("g++ not found on PATH; the C++ ap_fixed headers are not checked")
	}
	return gxx
}

// apIncludeDir returns the absolute path of the headers.
func apIncludeDir(tb testing.TB) string {
	tb.Helper()
	dir, err := filepath.Abs("include")
	if err != nil {
		tb.Fatalf("include dir: %v", err)
	}
	return dir
}

// apCompileAll compiles each source into an object in parallel (one job per
// CPU) and returns the objects, everything g++ printed and the CPU time the
// compilers used (a figure that, unlike wall time, does not depend on what
// else the machine runs).
func apCompileAll(ctx context.Context, gxx string, flags []string, srcs []string) ([]string, string, time.Duration, error) {
	objs := make([]string, len(srcs))
	outs := make([]string, len(srcs))
	errs := make([]error, len(srcs))
	cpu := make([]time.Duration, len(srcs))
	sem := make(chan struct{}, runtime.NumCPU())
	var wg sync.WaitGroup
	for i, src := range srcs {
		objs[i] = strings.TrimSuffix(src, ".cpp") + ".o"
		wg.Add(1)
		go func(i int, src string) {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			args := append(append([]string{}, flags...), "-c", src, "-o", objs[i])
			cmd := exec.CommandContext(ctx, gxx, args...)
			out, err := cmd.CombinedOutput()
			if cmd.ProcessState != nil {
				cpu[i] = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
			}
			outs[i] = string(out)
			if err != nil {
				errs[i] = fmt.Errorf("compiling %s: %w\n%s", filepath.Base(src), err, out)
			}
		}(i, src)
	}
	wg.Wait()
	var total time.Duration
	for i, err := range errs {
		if err != nil {
			return nil, strings.Join(outs, ""), 0, err
		}
		total += cpu[i]
	}
	return objs, strings.Join(outs, ""), total, nil
}

func TestAPFixedConformanceCpp(t *testing.T) {
	gxx := apFindGxx(t)
	inc := apIncludeDir(t)
	g := &apGen{}
	records := apLoadVectors(t, g)
	if records < 11000 {
		t.Fatalf("read only %d records; expected the 11,670 public vectors", records)
	}

	// Split the blocks into translation units of about equal compile cost
	// (compiled in parallel) and, within each, into functions of moderate
	// size for the compiler.
	const units, perFunc = 8, 25
	dir := t.TempDir()
	if keep := os.Getenv("NNHLS_KEEP_CPP"); keep != "" {
		// Keep the generated program for debugging.
		dir = keep
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "harness.h"), []byte(apHarnessHeader), 0o644); err != nil {
		t.Fatal(err)
	}
	var srcs []string
	var decls, calls strings.Builder
	total := 0
	for _, w := range g.weights {
		total += w
	}
	next, acc := 0, 0
	for u := 0; u < units; u++ {
		first := next
		for next < len(g.blocks) && (u == units-1 || acc+g.weights[next] <= total*(u+1)/units) {
			acc += g.weights[next]
			next++
		}
		mine := g.blocks[first:next]
		var src strings.Builder
		src.WriteString("#include \"harness.h\"\n")
		var fns []string
		for f := 0; f < len(mine); f += perFunc {
			name := fmt.Sprintf("block_%d_%d", u, f)
			fns = append(fns, name)
			fmt.Fprintf(&src, "static void %s() {\n", name)
			for _, blk := range mine[f:min(f+perFunc, len(mine))] {
				src.WriteString(blk)
			}
			src.WriteString("}\n")
		}
		fmt.Fprintf(&src, "void unit_%d() {\n", u)
		for _, fn := range fns {
			fmt.Fprintf(&src, "  %s();\n", fn)
		}
		src.WriteString("}\n")
		path := filepath.Join(dir, fmt.Sprintf("unit_%d.cpp", u))
		if err := os.WriteFile(path, []byte(src.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		srcs = append(srcs, path)
		fmt.Fprintf(&decls, "void unit_%d();\n", u)
		fmt.Fprintf(&calls, "  unit_%d();\n", u)
	}
	mainSrc := filepath.Join(dir, "main.cpp")
	if err := os.WriteFile(mainSrc, []byte(strings.NewReplacer("DECLS", decls.String(), "CALLS", calls.String()).Replace(apHarnessMain)), 0o644); err != nil {
		t.Fatal(err)
	}
	srcs = append(srcs, mainSrc)

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	start := time.Now()
	// No exceptions or unwind tables: about 15% less compile time, and the
	// headers must not need them anyway (HLS code has none).
	flags := []string{"-std=c++14", "-O0", "-fno-exceptions", "-fno-asynchronous-unwind-tables",
		"-Wall", "-Wextra", "-I", inc, "-I", dir}
	objs, diag, cpu, err := apCompileAll(ctx, gxx, flags, srcs)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(diag, "warning") {
		t.Errorf("g++ -Wall -Wextra warned on the conformance program:\n%s", diag)
	}
	bin := filepath.Join(dir, "conformance")
	if out, err := exec.CommandContext(ctx, gxx, append(objs, "-o", bin)...).CombinedOutput(); err != nil {
		t.Fatalf("linking: %v\n%s", err, out)
	}
	t.Logf("compiled %d translation units in %v (g++ CPU time %v)", len(srcs),
		time.Since(start).Round(time.Millisecond), cpu.Round(time.Millisecond))

	out, err := exec.CommandContext(ctx, bin).Output()
	if err != nil {
		t.Fatalf("running the conformance program: %v\n%s", err, out)
	}
	var checked, failed int
	for _, line := range strings.Split(string(out), "\n") {
		switch {
		case strings.HasPrefix(line, "FAIL "):
			t.Error(line)
		case strings.HasPrefix(line, "TOTAL "):
			if _, err := fmt.Sscanf(line, "TOTAL %d %d", &checked, &failed); err != nil {
				t.Fatalf("bad summary %q: %v", line, err)
			}
		}
	}
	t.Logf("apfixed C++ conformance: %d vectors checked, %d failures (%d records)", checked, failed, records)
	if checked != g.checks {
		t.Errorf("the program ran %d checks; %d were generated", checked, g.checks)
	}
	if failed != 0 {
		t.Errorf("%d of %d checks failed", failed, checked)
	}
}
