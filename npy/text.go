// This file implements hls4ml's testbench text format (tb_input_features.dat,
// tb_output_predictions.dat): one sample per line, the sample's values
// flattened row-major and separated by whitespace.

package npy

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
)

// ReadText reads a testbench text file into an array of shape
// [samples, valuesPerSample]. Blank lines are skipped; every other line must
// hold the same number of values. Errors give the file and line.
func ReadText(path string) (*Array, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err // *PathError already names the file
	}
	return parseText(path, data)
}

// ParseText reads testbench text from r, as [ReadText] does from a file.
func ParseText(r io.Reader) (*Array, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("text: %w", err)
	}
	return parseText("text", data)
}

// parseText parses the whole text; name prefixes every error.
func parseText(name string, data []byte) (*Array, error) {
	// Editors on Windows may start a file with a UTF-8 byte order mark.
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	var vals []float64
	rows, width, firstLine := 0, 0, 0
	for lineNo := 1; len(data) > 0; lineNo++ {
		line := data
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			line, data = data[:i], data[i+1:]
		} else {
			data = nil
		}
		fields := bytes.Fields(line) // also drops a trailing '\r'
		if len(fields) == 0 {
			continue
		}
		if rows == 0 {
			width, firstLine = len(fields), lineNo
		} else if len(fields) != width {
			return nil, fmt.Errorf("%s:%d: %d values, but line %d has %d; every sample must have the same length",
				name, lineNo, len(fields), firstLine, width)
		}
		for j, f := range fields {
			v, err := strconv.ParseFloat(string(f), 64)
			if err != nil && !errors.Is(err, strconv.ErrRange) {
				return nil, fmt.Errorf("%s:%d: value %d: %q is not a number", name, lineNo, j+1, clip(string(f)))
			}
			// Out-of-range text such as "1e400" parses to ±Inf, as in
			// numpy.loadtxt.
			vals = append(vals, v)
		}
		rows++
	}
	if rows == 0 {
		return nil, fmt.Errorf("%s: no samples: the file has no non-blank lines", name)
	}
	return &Array{Shape: []int{rows, width}, Data: vals, DType: "<f8"}, nil
}

// WriteText writes a as testbench text: one line per entry of the first axis
// holding that entry's values flattened row-major, separated by single
// spaces. A 0-d array is one line of one value. Values are printed in the
// shortest form that parses back to the same float64, so text written here
// reads back exactly. The write is atomic as in [WriteFile].
func WriteText(path string, a *Array) error {
	if err := a.Check(); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	rows := 1
	if len(a.Shape) > 0 {
		rows = a.Shape[0]
	}
	if rows > 0 && len(a.Data) == 0 {
		return fmt.Errorf("%s: shape %s: cannot write samples of zero values", path, shapeString(a.Shape))
	}
	return writeAtomic(path, func(w io.Writer) error {
		bw := bufio.NewWriterSize(w, 64<<10)
		var buf []byte
		width := 0
		if rows > 0 {
			width = len(a.Data) / rows
		}
		for r := range rows {
			buf = buf[:0]
			for j, v := range a.Data[r*width : (r+1)*width] {
				if j > 0 {
					buf = append(buf, ' ')
				}
				buf = strconv.AppendFloat(buf, v, 'g', -1, 64)
			}
			buf = append(buf, '\n')
			bw.Write(buf) // a bufio.Writer keeps its first error for Flush
		}
		return bw.Flush()
	})
}
