// This file implements Array, the in-memory form of every file this package
// reads or writes, and the shape arithmetic shared by readers and writers.

package npy

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// An Array is an n-dimensional array of numbers in row-major (C) order.
// A 0-dimensional array (an empty Shape) holds one value.
type Array struct {
	Shape []int     // numpy shape, row-major (C order)
	Data  []float64 // values widened to float64 exactly
	DType string    // the dtype descr as read, e.g. "<f4"; "<f8" for arrays we create
}

// New returns a float64 array with the given shape and values, after checking
// that the values fill the shape exactly. It does not copy shape or data.
func New(shape []int, data []float64) (*Array, error) {
	a := &Array{Shape: shape, Data: data, DType: "<f8"}
	if err := a.Check(); err != nil {
		return nil, err
	}
	return a, nil
}

// Check reports whether the array is well formed: no negative dimension, and
// exactly as many values as the shape's product.
func (a *Array) Check() error {
	if a == nil {
		return errors.New("nil array")
	}
	n, err := shapeSize(a.Shape, 1)
	if err != nil {
		return err
	}
	if n != len(a.Data) {
		return fmt.Errorf("shape %s holds %d values, but the array has %d", shapeString(a.Shape), n, len(a.Data))
	}
	return nil
}

// Size returns the number of values the shape holds (1 for a 0-d array).
func (a *Array) Size() int {
	n := 1
	for _, d := range a.Shape {
		n *= d
	}
	return n
}

// shapeSize returns the product of shape, refusing negative dimensions and
// a product whose size in bytes (at itemSize bytes per value, and at 8 bytes
// per float64 once widened) would overflow an int. The check happens before
// any allocation, so a hostile header cannot make us ask for 2^70 bytes.
func shapeSize(shape []int, itemSize int) (int, error) {
	limit := math.MaxInt / max(itemSize, 8)
	n := 1
	for i, d := range shape {
		if d < 0 {
			return 0, fmt.Errorf("shape %s: dimension %d is negative", shapeString(shape), i)
		}
		if d != 0 && n > limit/d {
			// A later zero dimension would make the product 0, but a
			// header this large is hostile or corrupt either way.
			return 0, fmt.Errorf("shape %s: size overflows", shapeString(shape))
		}
		n *= d
	}
	return n, nil
}

// shapeString renders a shape as a Python tuple, the way numpy's headers
// spell it: "()", "(5,)", "(1000, 16)".
func shapeString(shape []int) string {
	var b strings.Builder
	b.WriteByte('(')
	for i, d := range shape {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(strconv.Itoa(d))
	}
	if len(shape) == 1 {
		b.WriteByte(',')
	}
	b.WriteByte(')')
	return b.String()
}
