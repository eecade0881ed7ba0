// This file implements the op table: one Def per ir.Op, in one literal
// indexed by the op. Add a row when an op gets its kernels; Lookup reports
// ops that have none.

package ops

import (
	"fmt"

	"github.com/nnhls/nnhls/ir"
)

// table returns the definitions indexed by ir.Op. The constructors live in
// the files that define each op (dense.go, conv.go, activation.go, ...).
// A missing or nil entry means "not supported by the emulator yet".
func table() []*Def {
	return []*Def{
		ir.OpInput:         inputDef(),
		ir.OpDense:         denseDef(),
		ir.OpConv:          convDef(),
		ir.OpDepthwiseConv: depthwiseDef(),
		ir.OpPool:          poolDef(),
		ir.OpGlobalPool:    globalPoolDef(),
		ir.OpBatchNorm:     batchNormDef(),
		ir.OpScaleShift:    scaleShiftDef(),
		ir.OpActivation:    activationDef(),
		ir.OpSoftmax:       softmaxDef(),
		ir.OpQuant:         quantDef(),
		ir.OpMerge:         mergeDef(),
		ir.OpConcat:        concatDef(),
		ir.OpReshape:       reshapeDef(),
		ir.OpTranspose:     transposeDef(),
		ir.OpPad:           padDef(),
		ir.OpCrop:          cropDef(),
		ir.OpUpsample:      upsampleDef(),
		ir.OpDot:           dotDef(),
	}
}

// Lookup returns the definition of op, or an error naming the op when no
// kernel exists for it.
func Lookup(op ir.Op) (*Def, error) {
	t := table()
	if int(op) >= len(t) || t[op] == nil {
		return nil, fmt.Errorf("op %s is not supported by the emulator", op)
	}
	return t[op], nil
}
