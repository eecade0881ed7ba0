// This file implements the hand-checked C++ test of the headers
// (testdata/ap_smoke.cpp) under several language standards, and benchmarks
// of the compiled headers: a dense-layer MAC loop and the compile time of a
// translation unit that includes them.

package hls

import (
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// apBuildCpp compiles one source file of testdata with the headers and returns
// the binary; any diagnostic (flags include -Werror) fails the build.
func apBuildCpp(tb testing.TB, gxx, src string, flags ...string) string {
	tb.Helper()
	bin := filepath.Join(tb.TempDir(), strings.TrimSuffix(filepath.Base(src), ".cpp"))
	args := append(append([]string{}, flags...), "-I", apIncludeDir(tb), filepath.Join("testdata", src), "-o", bin)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if out, err := exec.CommandContext(ctx, gxx, args...).CombinedOutput(); err != nil || len(out) > 0 {
		tb.Fatalf("g++ %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return bin
}

func TestAPSmokeCpp(t *testing.T) {
	gxx := apFindGxx(t)
	// Each standard with another optimization level: the inlined 64-bit
	// paths only show at -O1 and above, some warnings only at -O2.
	for _, c := range []struct{ std, opt string }{{"c++11", "-O0"}, {"c++14", "-O2"}, {"c++17", "-O1"}} {
		std := c.std
		t.Run(std, func(t *testing.T) {
			bin := apBuildCpp(t, gxx, "ap_smoke.cpp", "-std="+std, c.opt, "-Wall", "-Wextra", "-Werror", "-pedantic")
			out, err := exec.Command(bin).CombinedOutput()
			if err != nil {
				t.Fatalf("ap_smoke: %v\n%s", err, out)
			}
			var checks, failures int
			if _, err := fmt.Sscanf(apLastLine(string(out)), "SMOKE %d %d", &checks, &failures); err != nil {
				t.Fatalf("bad output %q: %v", out, err)
			}
			if failures != 0 || checks < 70 {
				t.Fatalf("%d of %d hand-checked cases failed:\n%s", failures, checks, out)
			}
			t.Logf("%s: %d hand-checked cases pass", std, checks)
		})
	}
}

// apLastLine returns the last non-empty line of s.
func apLastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}

// BenchmarkCppMAC runs b.N steps of acc += w[i]*x[i] with ap_fixed<16,6>
// operands, compiled with g++ -O2, once with the default AP_TRN/AP_WRAP
// accumulator and once with AP_RND_CONV/AP_SAT. ns/MAC is measured inside
// the program (ns/op also counts process start-up).
func BenchmarkCppMAC(b *testing.B) {
	gxx := apFindGxx(b)
	bin := apBuildCpp(b, gxx, "ap_mac_bench.cpp", "-std=c++14", "-O2", "-Wall", "-Wextra", "-Werror")
	for _, mode := range []string{"wrap", "sat"} {
		b.Run(mode, func(b *testing.B) {
			out, err := exec.Command(bin, fmt.Sprint(b.N), mode).CombinedOutput()
			if err != nil {
				b.Fatalf("ap_mac_bench: %v\n%s", err, out)
			}
			var ns, sum float64
			if _, err := fmt.Sscanf(apLastLine(string(out)), "%g %g", &ns, &sum); err != nil {
				b.Fatalf("bad output %q: %v", out, err)
			}
			b.ReportMetric(ns, "ns/MAC")
		})
	}
}

// BenchmarkCppCompile measures one g++ -O2 compile of a translation unit
// that includes ap_fixed.h and instantiates the MAC loop for two types.
func BenchmarkCppCompile(b *testing.B) {
	gxx := apFindGxx(b)
	for i := 0; i < b.N; i++ {
		apBuildCpp(b, gxx, "ap_mac_bench.cpp", "-std=c++14", "-O2", "-Wall", "-Wextra", "-Werror")
	}
}
