// This file checks the table contents against the C library of this
// machine: a small C program evaluates the exact float/double pipelines of
// nnet_activation.h with glibc's expf, tanhf and log, and every table entry
// must convert to the raw value ops computed. It is skipped when no C
// compiler is installed.

package ops

import (
	"bufio"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/nnhls/nnhls/fixed"
)

// libmProbe reads lines "f bits" (f: the pipeline, bits: the float32 input)
// and prints the float64 bits of the pipeline's result, as the C++ computes
// it before converting to the table type.
const libmProbe = `#include <math.h>
#include <stdio.h>
#include <string.h>
#include <stdint.h>
int main(void) {
	int f; unsigned int b;
	while (scanf("%d %x", &f, &b) == 2) {
		float x; memcpy(&x, &b, 4);
		double r = 0;
		switch (f) {
		case 0: { float e = expf(-x); float d = 1 + e; r = (float)(1.0 / d); break; }
		case 1: r = tanhf(x); break;
		case 2: r = (float)log((double)expf(x) + 1.); break;
		case 3: r = (float)((double)expf(x) - 1.); break;
		case 4: r = (float)(1.0507009873554804934193349852946 * (1.6732632423543772848170429916717 * ((double)expf(x) - 1.))); break;
		case 5: r = expf(x); break;
		}
		uint64_t o; memcpy(&o, &r, 8);
		printf("%llx\n", (unsigned long long)o);
	}
	return 0;
}
`

// glibcProbe compiles libmProbe, or skips the test.
func glibcProbe(t *testing.T) string {
	t.Helper()
	cc, err := exec.LookPath("gcc")
	if err != nil {
		t.Skip("no C compiler")
	}
	dir := t.TempDir()
	src := filepath.Join(dir, "probe.c")
	if err := os.WriteFile(src, []byte(libmProbe), 0o644); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "probe")
	if out, err := exec.Command(cc, "-O2", "-o", bin, src, "-lm").CombinedOutput(); err != nil {
		t.Fatalf("compiling the probe: %v\n%s", err, out)
	}
	return bin
}

// runProbe evaluates pipeline f at every input.
func runProbe(t *testing.T, bin string, f int, xs []float32) []float64 {
	t.Helper()
	var in strings.Builder
	for _, x := range xs {
		fmt.Fprintf(&in, "%d %x\n", f, math.Float32bits(x))
	}
	cmd := exec.Command(bin)
	cmd.Stdin = strings.NewReader(in.String())
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	var res []float64
	sc := bufio.NewScanner(strings.NewReader(string(out)))
	for sc.Scan() {
		b, err := strconv.ParseUint(sc.Text(), 16, 64)
		if err != nil {
			t.Fatal(err)
		}
		res = append(res, math.Float64frombits(b))
	}
	if len(res) != len(xs) {
		t.Fatalf("probe answered %d of %d", len(res), len(xs))
	}
	return res
}

// checkAgainstC converts the C results into tab's type and compares.
func checkAgainstC(t *testing.T, name string, tab *Table, c []float64) {
	t.Helper()
	conv, err := fixed.NewFloatCast64(tab.Type)
	if err != nil {
		t.Fatal(err)
	}
	bad := 0
	for i, v := range c {
		if r, _ := conv.Apply(v); r != tab.Raw[i] {
			if bad < 5 {
				t.Errorf("%s entry %d: C gives %g → raw %d, ops has %d", name, i, v, r, tab.Raw[i])
			}
			bad++
		}
	}
	if bad > 0 {
		t.Errorf("%s: %d of %d entries differ from glibc", name, bad, len(c))
	}
}

func TestTablesMatchGlibc(t *testing.T) {
	bin := glibcProbe(t)
	for _, n := range []int{256, 1024, 4096} {
		for _, c := range []struct {
			f     TableFunc
			probe int
			input func(i int) float32
		}{
			{TableSigmoid, 0, func(i int) float32 { return centredInput(i, n, 16) }},
			{TableTanh, 1, func(i int) float32 { return centredInput(i, n, 8) }},
			{TableSoftplus, 2, func(i int) float32 { return centredInput(i, n, 16) }},
			{TableElu, 3, negativeInput0(n)},
			{TableSelu, 4, negativeInput0(n)},
		} {
			for _, typ := range []fixed.Type{tFixed18_8, tFixed16_6RCS} {
				tab, err := FuncTable(c.f, n, typ)
				if err != nil {
					t.Fatal(err)
				}
				xs := make([]float32, n)
				for i := range xs {
					xs[i] = c.input(i)
				}
				checkAgainstC(t, fmt.Sprintf("table %d, N=%d, %v", c.f, n, typ), tab, runProbe(t, bin, c.probe, xs))
			}
		}
	}
	// The softmax exp tables of the reference models and of 'model'
	// granularity, and a latency table over a signed input.
	for _, c := range []struct {
		addr   fixed.Type
		negate bool
	}{
		{tUfixed37_17, true}, {tUfixed15_5, true}, {fixed.MustParse("ufixed<17,6>"), true},
		{fixed.MustParse("ufixed<35,15>"), true}, {tFixed16_6, false}, {tFixed8_3, false},
	} {
		n := min(1024, 1<<c.addr.Width())
		tab, err := SoftmaxExpTable(c.addr, n, 1, c.negate, tFixed18_8RS)
		if err != nil {
			t.Fatal(err)
		}
		b := ceilLog2(n)
		xs := make([]float32, n)
		for i := range xs {
			xs[i] = sliceValue(i, c.addr, b)
			if c.negate {
				xs[i] = -xs[i]
			}
		}
		checkAgainstC(t, fmt.Sprintf("exp table over %v", c.addr), tab, runProbe(t, bin, 5, xs))
	}
}

// TestLibmBoundsHold checks the error bounds table.go assumes: glibc's expf
// and tanhf results must be among the candidates ops considers, on a spread
// of inputs (every table input of a 4096-entry table, and a dense sweep).
func TestLibmBoundsHold(t *testing.T) {
	bin := glibcProbe(t)
	var xs []float32
	for i := range 4096 {
		xs = append(xs, centredInput(i, 4096, 16), negativeInput(i, 4096))
	}
	for x := float32(-20); x < 20; x += 0.000977 {
		xs = append(xs, x)
	}
	for _, c := range []struct {
		probe int
		cands func(float32) []float32
	}{{5, expfCandidates}, {1, tanhfCandidates}} {
		got := runProbe(t, bin, c.probe, xs)
		notNearest := 0
		for i, x := range xs {
			cs := c.cands(x)
			found := false
			for _, v := range cs {
				found = found || float64(v) == got[i]
			}
			if !found {
				t.Errorf("probe %d at %g: glibc gives %g, not among %v", c.probe, x, got[i], cs)
			}
			if float64(cs[0]) != got[i] {
				notNearest++
			}
		}
		t.Logf("probe %d: %d of %d results are not the correctly rounded float", c.probe, notNearest, len(xs))
	}
}

func negativeInput0(n int) func(int) float32 {
	return func(i int) float32 { return negativeInput(i, n) }
}
