// This file implements tests of hls4ml testbench text files and ReadAny.

package npy

import (
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func writeTemp(t *testing.T, name, body string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestReadText(t *testing.T) {
	// A tb_input_features.dat as hls4ml writes it: values separated by
	// spaces (here with a trailing space), one sample per line; plus a UTF-8
	// byte order mark, CRLF line ends, tabs, a blank line and no final
	// newline.
	body := "\ufeff0.304717 -1.03998 -0.5 \n1e-3 2 +3\r\n\n-0 inf\t-4.5E2"
	a, err := ReadText(writeTemp(t, "tb_input_features.dat", body))
	if err != nil {
		t.Fatal(err)
	}
	want := []float64{0.304717, -1.03998, -0.5, 0.001, 2, 3, math.Copysign(0, -1), math.Inf(1), -450}
	if !slices.Equal(a.Shape, []int{3, 3}) || !sameFloats(a.Data, want) || a.DType != "<f8" {
		t.Errorf("got %v %v %q, want [3 3] %v", a.Shape, a.Data, a.DType, want)
	}
}

func TestReadTextBad(t *testing.T) {
	for _, c := range []struct{ body, want string }{
		{"1 2 3\n4 5\n", ":2: 2 values, but line 1 has 3; every sample must have the same length"},
		{"\n\n1 2\n3 4 5 6\n", ":4: 4 values, but line 3 has 2"},
		{"1 2\n3 x\n", `:2: value 2: "x" is not a number`},
		{"1,2\n", `:1: value 1: "1,2" is not a number`},
		{"", ": no samples: the file has no non-blank lines"},
		{" \n\t\n", ": no samples"},
	} {
		path := writeTemp(t, "bad.dat", c.body)
		_, err := ReadText(path)
		if err == nil || !strings.HasPrefix(err.Error(), path+c.want) {
			t.Errorf("%q: got %v, want %s%s", c.body, err, path, c.want)
		}
	}
	if _, err := ParseText(strings.NewReader("1 a")); err == nil || !strings.HasPrefix(err.Error(), "text:1: value 2") {
		t.Errorf("ParseText: got %v", err)
	}
}

func TestWriteText(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "tb_output_predictions.dat")
	// Shape (2, 2, 2): two samples of four values, flattened row-major.
	a := &Array{Shape: []int{2, 2, 2}, Data: []float64{0.1, -2, 1e21, 3.0000000000000004, 5e-324, 0, -0.5, 1.0 / 3}}
	if err := WriteText(path, a); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(path)
	want := "0.1 -2 1e+21 3.0000000000000004\n5e-324 0 -0.5 0.3333333333333333\n"
	if string(got) != want {
		t.Errorf("wrote %q, want %q", got, want)
	}
	b, err := ReadText(path)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(b.Shape, []int{2, 4}) || !sameFloats(b.Data, a.Data) {
		t.Errorf("read back %v %v", b.Shape, b.Data)
	}

	// 1-d: one value per line; 0-d: one line of one value.
	for _, c := range []struct {
		a    *Array
		want string
	}{
		{&Array{Shape: []int{3}, Data: []float64{1, 2, 3}}, "1\n2\n3\n"},
		{&Array{Shape: []int{}, Data: []float64{-7.25}}, "-7.25\n"},
		{&Array{Shape: []int{0, 4}, Data: []float64{}}, ""},
	} {
		if err := WriteText(path, c.a); err != nil {
			t.Fatal(err)
		}
		if got, _ := os.ReadFile(path); string(got) != c.want {
			t.Errorf("shape %v: wrote %q, want %q", c.a.Shape, got, c.want)
		}
	}

	for _, c := range []struct {
		a    *Array
		want string
	}{
		{&Array{Shape: []int{2, 0}, Data: []float64{}}, "shape (2, 0): cannot write samples of zero values"},
		{&Array{Shape: []int{2, 2}, Data: []float64{1}}, "shape (2, 2) holds 4 values, but the array has 1"},
	} {
		if err := WriteText(path, c.a); err == nil || err.Error() != path+": "+c.want {
			t.Errorf("got %v, want %s: %s", err, path, c.want)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("directory holds %d entries, want 1", len(entries))
	}
}

func TestWriteAny(t *testing.T) {
	dir := t.TempDir()
	a := &Array{Shape: []int{2, 2}, Data: []float64{0.5, -1, 3, 1e-7}}
	for _, name := range []string{"p.npy", "p.dat", "p.TXT"} {
		path := filepath.Join(dir, name)
		if err := WriteAny(path, a); err != nil {
			t.Fatal(err)
		}
		b, err := ReadAny(path)
		if err != nil || !slices.Equal(b.Shape, a.Shape) || !slices.Equal(b.Data, a.Data) {
			t.Errorf("%s: read back %v, %v", name, b, err)
		}
	}
	head, _ := os.ReadFile(filepath.Join(dir, "p.npy"))
	text, _ := os.ReadFile(filepath.Join(dir, "p.dat"))
	if !strings.HasPrefix(string(head), "\x93NUMPY") || string(text) != "0.5 -1\n3 1e-07\n" {
		t.Errorf("npy starts %q, dat is %q", head[:8], text)
	}
	path := filepath.Join(dir, "p.npz")
	if err := WriteAny(path, a); err == nil || !strings.HasPrefix(err.Error(), path+`: unknown array file extension ".npz"`) {
		t.Errorf("got %v", err)
	}
}

func TestReadAny(t *testing.T) {
	a, err := ReadAny(filepath.Join(testdata, "keras_3layer_inputs.npy"))
	if err != nil || !slices.Equal(a.Shape, []int{1000, 16}) {
		t.Errorf(".npy: %v", err)
	}
	for _, name := range []string{"x.dat", "x.txt", "X.DAT"} {
		a, err := ReadAny(writeTemp(t, name, "1 2\n3 4\n"))
		if err != nil || !slices.Equal(a.Data, []float64{1, 2, 3, 4}) {
			t.Errorf("%s: %v %v", name, a, err)
		}
	}
	for name, want := range map[string]string{
		"x.npz": "an .npz archive holds several arrays",
		"x.csv": `unknown array file extension ".csv": want .npy, .dat or .txt`,
		"x":     `unknown array file extension ""`,
	} {
		if _, err := ReadAny(name); err == nil || !strings.HasPrefix(err.Error(), name+": "+want) {
			t.Errorf("%s: got %v, want %s", name, err, want)
		}
	}
}
