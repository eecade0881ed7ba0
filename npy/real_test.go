// This file implements tests that read real numpy files produced by the
// hls4ml and QKeras reference runs (copied into testdata/npy; see SOURCES.md
// there).

package npy

import (
	"encoding/binary"
	"math"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// testdata is where the reference copies live, relative to this package.
var testdata = filepath.Join("..", "testdata", "npy")

func TestReadFileKerasInputs(t *testing.T) {
	path := filepath.Join(testdata, "keras_3layer_inputs.npy")
	a, err := ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(a.Shape, []int{1000, 16}) || a.DType != "<f4" || len(a.Data) != 16000 {
		t.Fatalf("got shape %v dtype %q len %d, want [1000 16] <f4 16000", a.Shape, a.DType, len(a.Data))
	}
	// Decode the same elements straight from the file bytes: the header of
	// this file is 128 bytes (10-byte preamble + 118, "v\x00"), and the data
	// are little-endian float32 in row-major order.
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := binary.LittleEndian.Uint16(raw[8:10]); got != 118 {
		t.Fatalf("header length field = %d, want 118", got)
	}
	for _, ij := range [][2]int{{0, 0}, {0, 1}, {0, 15}, {1, 0}, {500, 7}, {999, 15}} {
		k := ij[0]*16 + ij[1]
		want := float64(math.Float32frombits(binary.LittleEndian.Uint32(raw[128+4*k:])))
		if a.Data[k] != want {
			t.Errorf("inputs[%d][%d] = %v, want %v (from the bytes)", ij[0], ij[1], a.Data[k], want)
		}
	}
	// The same values as printed by Python's struct module (float32 widened
	// to a double, shortest repr), computed offline.
	for k, want := range map[int]float64{
		0:           0.304717093706131,
		1:           -1.039984107017517,
		15:          -0.8592924475669861,
		16:          0.36875078082084656,
		16*999 + 15: -1.9429773092269897,
	} {
		if a.Data[k] != want {
			t.Errorf("inputs flat[%d] = %v, want %v", k, a.Data[k], want)
		}
	}
}

// npzCase lists the members of a reference archive as Python's zipfile and
// the members' headers report them.
type npzCase struct {
	file   string
	names  []string
	shapes [][]int
	dtype  string
	// a few values, by member and flat index, printed offline by Python's
	// struct module from the decompressed member bytes
	values map[string]map[int]float64
}

func TestReadNPZReference(t *testing.T) {
	cases := []npzCase{{
		file: "keras_3layer_trace_first10.npz",
		names: []string{"fc1_relu", "fc1_relu_relu", "fc2_relu", "fc2_relu_relu",
			"fc3_relu", "fc3_relu_relu", "output_softmax", "output_softmax_softmax"},
		shapes: [][]int{{10, 64}, {10, 64}, {10, 32}, {10, 32}, {10, 32}, {10, 32}, {10, 5}, {10, 5}},
		dtype:  "<f4",
		values: map[string]map[int]float64{
			"fc1_relu": {0: -4.731930732727051, 1: 1.9368505477905273, 2: 4.291813850402832,
				3: 0.4188404083251953, 639: 0.02953338623046875},
			"output_softmax_softmax": {0: 0.2001953125, 4: 0.2001953125},
		},
	}, {
		file: "keras_conv1d_small_trace_first10.npz",
		names: []string{"conv1_relu", "conv1_relu_relu", "conv2_relu", "conv2_relu_relu",
			"conv3_relu", "conv3_relu_relu", "fc1_relu", "fc1_relu_relu", "output_softmax", "output_softmax_softmax"},
		shapes: [][]int{{10, 10, 3}, {10, 10, 3}, {10, 10, 2}, {10, 10, 2}, {10, 10, 1}, {10, 10, 1},
			{10, 5}, {10, 5}, {10, 5}, {10, 5}},
		dtype: "<f4",
		values: map[string]map[int]float64{
			// conv1_relu[9][9][2] is flat index 9*30 + 9*3 + 2.
			"conv1_relu": {0: -0.48142337799072266, 1: 0.46704578399658203, 2: 0.3433265686035156,
				9*30 + 9*3 + 2: -0.10533523559570312},
		},
	}, {
		// Deflate-compressed members (zip method 8), float64.
		file:   "po2_dense_layer_outputs.npz",
		names:  []string{"input_1", "p1", "a1", "p2", "a2", "out"},
		shapes: [][]int{{256, 16}, {256, 32}, {256, 32}, {256, 16}, {256, 16}, {256, 5}},
		dtype:  "<f8",
		values: map[string]map[int]float64{
			"out": {0: 1.1015625, 1: 2.484375, 2: -2.86328125, 3: -1.1168670654296875, 4: -1.4931640625},
			"a1":  {0: 1.0, 1: 0.00390625, 2: 2.0, 3: 1.0, 256*32 - 1: 0.00390625},
		},
	}}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			names, arrays, err := ReadNPZ(filepath.Join(testdata, c.file))
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(names, c.names) {
				t.Fatalf("names = %q, want %q", names, c.names)
			}
			if len(arrays) != len(names) {
				t.Fatalf("%d arrays for %d names", len(arrays), len(names))
			}
			for i, name := range names {
				a := arrays[name]
				if !slices.Equal(a.Shape, c.shapes[i]) || a.DType != c.dtype || a.Check() != nil {
					t.Errorf("%s: shape %v dtype %q (check %v), want %v %q", name, a.Shape, a.DType, a.Check(), c.shapes[i], c.dtype)
				}
			}
			for name, vals := range c.values {
				for k, want := range vals {
					if got := arrays[name].Data[k]; got != want {
						t.Errorf("%s flat[%d] = %v, want %v", name, k, got, want)
					}
				}
			}
		})
	}
}
