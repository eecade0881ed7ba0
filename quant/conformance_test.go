// This file implements the QKeras conformance test: every record of
// testdata/qkeras/quantizers.jsonl (computed by an independent float64
// implementation of QKeras) must be reproduced bit for bit.

package quant

import (
	"bufio"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

type conformanceRecord struct {
	ID        string   `json:"id"`
	Quantizer any      `json:"quantizer"`
	Use       string   `json:"use"`
	Shape     []int    `json:"shape"`
	X         []string `json:"x"`
	Y         []string `json:"y"`
}

func readConformance(t *testing.T) []conformanceRecord {
	t.Helper()
	f, err := os.Open(filepath.Join("..", "testdata", "qkeras", "quantizers.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var recs []conformanceRecord
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<26)
	for sc.Scan() {
		var r conformanceRecord
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("line %d: %v", len(recs)+1, err)
		}
		recs = append(recs, r)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return recs
}

// parseHex reads Python's float.hex() output ("-0x1.8p-2", "0x0.0p+0").
func parseHex(t *testing.T, s string) float64 {
	t.Helper()
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatalf("bad hex float %q: %v", s, err)
	}
	return f
}

func TestQKerasConformance(t *testing.T) {
	recs := readConformance(t)
	if len(recs) == 0 {
		t.Fatal("no records")
	}
	failures := 0
	for _, r := range recs {
		spec, err := ParseConfig(r.Quantizer)
		if err != nil {
			t.Errorf("%s: %v", r.ID, err)
			failures++
			continue
		}
		switch r.Use {
		case "kernel":
			spec = spec.ForKernel()
		case "activation":
		default:
			t.Fatalf("%s: unknown use %q", r.ID, r.Use)
		}
		x := make([]float64, len(r.X))
		for i, s := range r.X {
			x[i] = parseHex(t, s)
		}
		y, _, err := spec.Apply(x, r.Shape)
		if err != nil {
			t.Errorf("%s %v: %v", r.ID, spec, err)
			failures++
			continue
		}
		bad := 0
		for i, s := range r.Y {
			want := parseHex(t, s)
			if math.Float64bits(y[i]) != math.Float64bits(want) {
				if bad < 3 {
					t.Errorf("%s %v (%s): x[%d]=%x: got %x, want %x", r.ID, spec, r.Use, i, x[i], y[i], want)
				}
				bad++
			}
		}
		if bad > 0 {
			failures++
		}
	}
	t.Logf("qkeras conformance: %d records, %d failures", len(recs), failures)
}
