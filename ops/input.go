// This file implements OpInput, the graph's inputs. The emulator converts
// the user's float64 values into the input's result type (hls4ml's input_t,
// nnet_helpers.h convert_data) itself, so the op has no kernel.

package ops

import (
	"errors"

	"github.com/nnhls/nnhls/ir"
)

func inputDef() *Def {
	return &Def{
		Op:    ir.OpInput,
		Class: func(*ir.Node) string { return "Input" },
		Vars:  func(*ir.Node) []string { return nil },
		Kernel: func(*Build) (Kernel, error) {
			return nil, errors.New("an input has no kernel: the emulator converts inputs itself")
		},
		Float: func(*ir.Node, [][]int) (FloatKernel, error) {
			return nil, errors.New("an input has no kernel")
		},
	}
}
