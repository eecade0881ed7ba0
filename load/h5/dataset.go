// This file implements reading numeric datasets, after checking the size
// they claim against the file and MaxBytes.

package h5

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/scigolib/hdf5"
)

// A Dataset is an HDF5 dataset.
type Dataset struct {
	f    *File
	path string
	lib  *hdf5.Dataset
}

// Path returns the dataset's absolute path inside the file.
func (d *Dataset) Path() string { return d.path }

// info is what a dataset's header says about it, parsed from the library's
// Info summary (the only header view its public API offers):
// "Dataset: float (size=4 bytes), 2D array [16 x 64], contiguous (address=0x800, size=4096)".
type info struct {
	class    string // "float", "integer", "string", ...
	elemSize uint64
	shape    []int
	layout   string // "compact", "contiguous", "chunked", ...
	address  uint64 // contiguous only
	stored   uint64 // contiguous and compact: bytes stored
}

// parseInfo parses the library's dataset summary.
func parseInfo(s string) (*info, error) {
	bad := func() (*info, error) { return nil, fmt.Errorf("unreadable dataset header %q", s) }
	rest, ok := strings.CutPrefix(s, "Dataset: ")
	if !ok {
		return bad()
	}
	parts := strings.SplitN(rest, ", ", 3)
	if len(parts) != 3 {
		return bad()
	}
	in := &info{}
	// Datatype: "float (size=4 bytes)".
	cls, size, ok := strings.Cut(parts[0], " (size=")
	if !ok {
		return bad()
	}
	in.class = cls
	n, err := strconv.ParseUint(strings.TrimSuffix(size, " bytes)"), 10, 32)
	if err != nil {
		return bad()
	}
	in.elemSize = n
	// Dataspace: "scalar", "null", "1D array [5]", "2D array [3 x 4]", "3D array [1 2 3]".
	switch sp := parts[1]; {
	case sp == "scalar":
		in.shape = []int{}
	case sp == "null":
		in.shape = []int{0}
	default:
		_, dims, ok := strings.Cut(sp, "[")
		if !ok || !strings.HasSuffix(dims, "]") {
			return bad()
		}
		dims = strings.ReplaceAll(strings.TrimSuffix(dims, "]"), " x ", " ")
		total := uint64(1)
		for _, f := range strings.Fields(dims) {
			d, err := strconv.ParseUint(f, 10, 64)
			if err != nil {
				return bad()
			}
			if d != 0 && total > MaxBytes/d {
				return nil, fmt.Errorf("implausible dataset shape [%s]", dims)
			}
			total *= d
			in.shape = append(in.shape, int(d))
		}
		if len(in.shape) == 0 {
			return bad()
		}
	}
	// Layout: "compact (size=N)", "contiguous (address=0xA, size=N)", "chunked (chunks=[..])".
	lay := parts[2]
	name, args, _ := strings.Cut(lay, " (")
	in.layout = name
	args = strings.TrimSuffix(args, ")")
	for _, kv := range strings.Split(args, ", ") {
		k, val, _ := strings.Cut(kv, "=")
		switch k {
		case "address":
			a, err := strconv.ParseUint(strings.TrimPrefix(val, "0x"), 16, 64)
			if err != nil {
				return bad()
			}
			in.address = a
		case "size":
			if in.layout == "compact" || in.layout == "contiguous" {
				z, err := strconv.ParseUint(val, 10, 64)
				if err != nil {
					return bad()
				}
				in.stored = z
			}
		}
	}
	return in, nil
}

// elements returns the number of elements of a shape.
func elements(shape []int) uint64 {
	n := uint64(1)
	for _, d := range shape {
		n *= uint64(d)
	}
	return n
}

// header reads and checks the dataset's header.
func (d *Dataset) header() (in *info, err error) {
	defer guard(d.f.path, d.path, &err)
	s, err := d.lib.Info()
	if err != nil {
		return nil, &Error{File: d.f.path, Object: d.path, Err: err}
	}
	in, err = parseInfo(s)
	if err != nil {
		return nil, &Error{File: d.f.path, Object: d.path, Err: err}
	}
	return in, nil
}

// Shape returns the dataset's dimensions (empty for a scalar).
func (d *Dataset) Shape() ([]int, error) {
	in, err := d.header()
	if err != nil {
		return nil, err
	}
	return in.shape, nil
}

// deflateRatio bounds how much a chunked (possibly compressed) dataset may
// expand relative to the whole file: DEFLATE cannot exceed about 1032:1.
const deflateRatio = 1032

// Read reads a numeric dataset (float16/32/64 or any integer) as float64
// values in row-major order, with its shape. Float32 and float16 widen to
// float64 exactly.
func (d *Dataset) Read() (vals []float64, shape []int, err error) {
	in, err := d.header()
	if err != nil {
		return nil, nil, err
	}
	fail := func(e error) ([]float64, []int, error) {
		return nil, nil, &Error{File: d.f.path, Object: d.path, Err: e}
	}
	if in.class != "float" && in.class != "integer" {
		return fail(fmt.Errorf("%s dataset is not numeric", in.class))
	}
	if in.class == "float" && in.elemSize != 2 && in.elemSize != 4 && in.elemSize != 8 ||
		in.class == "integer" && in.elemSize != 1 && in.elemSize != 2 && in.elemSize != 4 && in.elemSize != 8 {
		return fail(fmt.Errorf("unsupported %s size %d bytes", in.class, in.elemSize))
	}
	n := elements(in.shape)
	need := n * in.elemSize
	size := uint64(d.f.size)
	switch {
	case need > MaxBytes:
		return fail(fmt.Errorf("dataset shape %v claims %d bytes, more than the %d-byte cap", in.shape, need, MaxBytes))
	case n == 0:
		return []float64{}, in.shape, nil
	case in.layout == "contiguous":
		if in.stored < need || in.address > size || need > size-in.address {
			return fail(fmt.Errorf("dataset shape %v needs %d bytes at offset %d, beyond the end of the %d-byte file (truncated?)", in.shape, need, in.address, size))
		}
	case in.layout == "compact":
		if in.stored < need {
			return fail(fmt.Errorf("compact dataset shape %v needs %d bytes, stores %d", in.shape, need, in.stored))
		}
	case in.layout == "chunked":
		if need/deflateRatio > size {
			return fail(fmt.Errorf("chunked dataset shape %v claims %d bytes from a %d-byte file", in.shape, need, size))
		}
	default:
		return fail(fmt.Errorf("unsupported dataset layout %q", in.layout))
	}
	if in.class == "float" && in.elemSize == 2 {
		vals, err = d.readHalf(in, n)
	} else {
		vals, err = d.readLib()
	}
	if err != nil {
		return nil, nil, err
	}
	if uint64(len(vals)) != n {
		return fail(fmt.Errorf("read %d values for shape %v", len(vals), in.shape))
	}
	return vals, in.shape, nil
}

// readLib reads through the library, under the guard.
func (d *Dataset) readLib() (vals []float64, err error) {
	defer guard(d.f.path, d.path, &err)
	vals, err = d.lib.Read()
	if err != nil {
		return nil, &Error{File: d.f.path, Object: d.path, Err: err}
	}
	return vals, nil
}

// readHalf reads a contiguous float16 dataset itself: the library's reader
// does not convert half floats. h5py writes little-endian data on every
// platform Keras runs on; the header summary does not expose byte order.
func (d *Dataset) readHalf(in *info, n uint64) ([]float64, error) {
	if in.layout != "contiguous" {
		return nil, &Error{File: d.f.path, Object: d.path, Err: errors.New("float16 datasets are only supported with contiguous layout")}
	}
	raw := make([]byte, 2*n)
	if _, err := d.f.lib.Reader().ReadAt(raw, int64(in.address)); err != nil {
		return nil, &Error{File: d.f.path, Object: d.path, Err: fmt.Errorf("reading float16 data: %w", err)}
	}
	return decodeNumbers(classFloat, 2, 0, raw, n)
}
