// This file implements tests of reading attributes and datasets from real Keras files, and of broken files.

package h5

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"github.com/nnhls/nnhls/internal/float16"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

const testdata = "../../testdata/keras/"

// float32Bytes encodes values as little-endian float32, the way h5py wrote
// them, to find them in the raw file independently of any HDF5 parsing.
func float32Bytes(t *testing.T, vals []float64) []byte {
	t.Helper()
	var buf bytes.Buffer
	for _, v := range vals {
		if float64(float32(v)) != v {
			t.Fatalf("value %v is not a float32", v)
		}
		binary.Write(&buf, binary.LittleEndian, math.Float32bits(float32(v)))
	}
	return buf.Bytes()
}

// TestFixedLengthStrings reads a TF-2.4-era weights file, whose string
// attributes are fixed-length NUL-padded |S arrays.
func TestFixedLengthStrings(t *testing.T) {
	path := testdata + "KERAS_3layer_weights.h5"
	f, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	root := f.Root()
	// The layer names, in order, as KERAS_3layer.json lists them.
	names, err := root.AttrStrings("layer_names")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"input_1", "fc1_relu", "fc2_relu", "fc3_relu", "output_softmax"}
	if !reflect.DeepEqual(names, want) {
		t.Errorf("layer_names = %q, want %q", names, want)
	}
	if v, err := root.AttrString("keras_version"); err != nil || v != "2.0.0" {
		t.Errorf("keras_version = %q, %v; want 2.0.0 (as in KERAS_3layer.json)", v, err)
	}
	g, err := root.Group("fc1_relu")
	if err != nil {
		t.Fatal(err)
	}
	wn, err := g.AttrStrings("weight_names")
	if err != nil || !reflect.DeepEqual(wn, []string{"fc1_relu/kernel:0", "fc1_relu/bias:0"}) {
		t.Errorf("weight_names = %q, %v", wn, err)
	}
	// A layer without weights has an empty weight_names.
	in, err := root.Group("input_1")
	if err != nil {
		t.Fatal(err)
	}
	if wn, err := in.AttrStrings("weight_names"); err != nil || len(wn) != 0 {
		t.Errorf("input_1 weight_names = %q, %v; want empty", wn, err)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for rel, shape := range map[string][]int{"fc1_relu/kernel:0": {16, 64}, "fc1_relu/bias:0": {64}} {
		ds, err := g.Dataset(rel)
		if err != nil {
			t.Fatal(err)
		}
		vals, sh, err := ds.Read()
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(sh, shape) || len(vals) != 16*64 && len(vals) != 64 {
			t.Errorf("%s: shape %v, %d values; want %v", rel, sh, len(vals), shape)
		}
		// The values, re-encoded as float32, are one run of bytes in the
		// file: the reader returned exactly what h5py stored, in order.
		if !bytes.Contains(raw, float32Bytes(t, vals)) {
			t.Errorf("%s: values read are not the file's float32 data", rel)
		}
	}
}

// TestVariableLengthStrings reads a Keras 2.13 full-model file, whose
// string attributes are variable-length.
func TestVariableLengthStrings(t *testing.T) {
	f, err := Open(testdata + "hgq_jet_classifier.h5")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	root := f.Root()
	if v, err := root.AttrString("keras_version"); err != nil || v != "2.13.1" {
		t.Errorf("keras_version = %q, %v; want 2.13.1", v, err)
	}
	cfg, err := root.AttrString("model_config")
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(cfg), &m); err != nil || m["class_name"] != "Functional" {
		t.Errorf("model_config is not the Functional model's JSON: %v, %v", m["class_name"], err)
	}
	mw, err := root.Group("model_weights")
	if err != nil {
		t.Fatal(err)
	}
	names, err := mw.AttrStrings("layer_names")
	if err != nil || len(names) == 0 || names[0] != "input_1" {
		t.Errorf("layer_names = %q, %v", names, err)
	}
	// HGQ's per-element bit widths: bits:0 of inp_q_quantizer is [1, 16].
	ds, err := mw.Dataset("inp_q_quantizer/bits:0")
	if err != nil {
		t.Fatal(err)
	}
	if sh, err := ds.Shape(); err != nil || !reflect.DeepEqual(sh, []int{1, 16}) {
		t.Errorf("bits:0 shape = %v, %v; want [1 16]", sh, err)
	}
	if !root.HasAttr("model_config") || root.HasAttr("nope") || !root.Has("model_weights/dense_1/dense_1/kernel:0") {
		t.Error("HasAttr/Has disagree with the file")
	}
}

// TestBadFiles checks that broken input is an error naming the file.
func TestBadFiles(t *testing.T) {
	dir := t.TempDir()
	text := filepath.Join(dir, "model.h5")
	os.WriteFile(text, []byte("this is not HDF5\n"), 0o644)
	if _, err := Open(text); err == nil || !strings.Contains(err.Error(), "not an HDF5 file") || !strings.Contains(err.Error(), text) {
		t.Errorf("text file: %v", err)
	}
	if _, err := Open(filepath.Join(dir, "missing.h5")); err == nil {
		t.Error("missing file: no error")
	}
	raw, err := os.ReadFile(testdata + "KERAS_3layer_weights.h5")
	if err != nil {
		t.Fatal(err)
	}
	// Truncated copies: every failure is an error, never a panic, and
	// reading everything that opens must fail somewhere.
	for _, n := range []int{8, 100, 2000, len(raw) / 2, len(raw) - 4000} {
		p := filepath.Join(dir, "trunc.h5")
		os.WriteFile(p, raw[:n], 0o644)
		f, err := Open(p)
		if err != nil {
			var he *Error
			if !errors.As(err, &he) || he.File != p {
				t.Errorf("truncated at %d: error %v does not name the file", n, err)
			}
			continue
		}
		if err := walkAll(f.Root()); err == nil {
			t.Errorf("truncated at %d of %d bytes: no error reading every dataset", n, len(raw))
		}
		f.Close()
	}
}

// walkAll reads every attribute and dataset, returning the first error.
func walkAll(g *Group) error {
	var first error
	keep := func(err error) {
		if first == nil && err != nil {
			first = err
		}
	}
	names, err := g.AttrNames()
	keep(err)
	for _, n := range names {
		_, err := g.Attr(n)
		keep(err)
	}
	for _, m := range g.Members() {
		if sub, err := g.Group(m); err == nil {
			keep(walkAll(sub))
			continue
		}
		ds, err := g.Dataset(m)
		if err != nil {
			keep(err)
			continue
		}
		_, _, err = ds.Read()
		keep(err)
	}
	return first
}

func TestHalfToFloat(t *testing.T) {
	for h, want := range map[uint16]float64{
		0x3c00: 1, 0xc000: -2, 0x0001: math.Ldexp(1, -24), 0x7bff: 65504,
		0x3555: 0.333251953125, 0x0000: 0, 0x0400: math.Ldexp(1, -14),
	} {
		if got := float16.ToFloat64(h); got != want {
			t.Errorf("float16.ToFloat64(%#04x) = %v, want %v", h, got, want)
		}
	}
	if !math.IsInf(float16.ToFloat64(0xfc00), -1) || !math.IsNaN(float16.ToFloat64(0x7e00)) {
		t.Error("infinities and NaN")
	}
}

func TestParseInfo(t *testing.T) {
	in, err := parseInfo("Dataset: float (size=4 bytes), 4D array [3 3 1 16], contiguous (address=0x1A0, size=576)")
	if err != nil {
		t.Fatal(err)
	}
	if in.class != "float" || in.elemSize != 4 || !reflect.DeepEqual(in.shape, []int{3, 3, 1, 16}) ||
		in.layout != "contiguous" || in.address != 0x1a0 || in.stored != 576 {
		t.Errorf("parseInfo = %+v", in)
	}
	in, err = parseInfo("Dataset: integer (size=8 bytes), scalar, compact (size=8)")
	if err != nil || len(in.shape) != 0 || in.layout != "compact" || in.stored != 8 {
		t.Errorf("scalar: %+v, %v", in, err)
	}
	in, err = parseInfo("Dataset: float (size=4 bytes), 2D array [16 x 64], chunked (chunks=[16 64 4])")
	if err != nil || !reflect.DeepEqual(in.shape, []int{16, 64}) || in.layout != "chunked" {
		t.Errorf("chunked: %+v, %v", in, err)
	}
	for _, bad := range []string{
		"", "Dataset: float", "Dataset: float (size=x bytes), 1D array [5], compact (size=20)",
		"Dataset: float (size=4 bytes), 2D array [4294967296 x 4294967296], contiguous (address=0x0, size=0)",
		"Dataset: float (size=4 bytes), 1D array [-1], compact (size=4)",
	} {
		if _, err := parseInfo(bad); err == nil {
			t.Errorf("parseInfo(%q): no error", bad)
		}
	}
}
