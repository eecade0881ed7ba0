// This file implements writing one float64 .npy array.

package npy

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"math"
)

// maxDims is numpy's limit on dimensions (NPY_MAXDIMS in numpy 2); readers
// and writers both enforce it.
const maxDims = 64

// Write writes a as a little-endian float64 ("<f8"), C-order .npy array in
// format version 1.0, whatever a.DType says: nnhls's values are float64, and
// writing them as such loses nothing.
func Write(w io.Writer, a *Array) error {
	if err := encode(w, a); err != nil {
		return fmt.Errorf("npy: %w", err)
	}
	return nil
}

// WriteFile writes a to path as in [Write], atomically: the file appears
// complete or not at all.
func WriteFile(path string, a *Array) error {
	return writeAtomic(path, func(w io.Writer) error { return encode(w, a) })
}

// encode does the work of Write; its errors carry no prefix, so that each
// caller can say which file or member they concern.
func encode(w io.Writer, a *Array) error {
	if err := a.Check(); err != nil {
		return err
	}
	if len(a.Shape) > maxDims {
		return fmt.Errorf("%d dimensions exceed numpy's limit of %d", len(a.Shape), maxDims)
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	bw.Write(formatHeader(a.Shape)) // a bufio.Writer keeps its first error for Flush
	var b [8]byte
	for _, v := range a.Data {
		binary.LittleEndian.PutUint64(b[:], math.Float64bits(v))
		bw.Write(b[:])
	}
	return bw.Flush()
}
