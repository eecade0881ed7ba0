package ir

import "fmt"

// A Tensor is a dense row-major array of float64 values: weights exactly as
// the model file stores them (float32 and float16 widen to float64 exactly).
type Tensor struct {
	Shape []int
	Data  []float64
}

// NewTensor returns a zero tensor of the given shape.
func NewTensor(shape ...int) *Tensor {
	return &Tensor{Shape: append([]int(nil), shape...), Data: make([]float64, NumElements(shape))}
}

// NumElements is the product of the dimensions (1 for a scalar shape).
func NumElements(shape []int) int {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return n
}

// Len returns the number of elements.
func (t *Tensor) Len() int { return len(t.Data) }

// Check reports an error when the shape and the data length disagree.
func (t *Tensor) Check() error {
	for _, d := range t.Shape {
		if d < 0 {
			return fmt.Errorf("negative dimension in shape %v", t.Shape)
		}
	}
	if n := NumElements(t.Shape); n != len(t.Data) {
		return fmt.Errorf("shape %v needs %d values, have %d", t.Shape, n, len(t.Data))
	}
	return nil
}
