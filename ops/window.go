// This file implements the sliding-window geometry shared by convolutions
// and pooling: output size, Keras padding, and for every output position
// the input pixels its window reads.

package ops

import (
	"fmt"

	"github.com/nnhls/nnhls/ir"
)

// windowPlan lists, for output position p, the taps taps[start[p]:start[p+1]]:
// the input pixel each tap reads and the tap's index in the kernel window
// (row-major over the kernel's spatial axes, hls4ml's im2col order kh, kw).
// Taps that fall on padding are left out: they read zeros.
type windowPlan struct {
	nPos, nTaps int // output positions; taps in a full window
	start       []int32
	pix, tap    []int32
	// counts[p] is the number of taps of p that are inside the input.
	counts []int32
}

// planWindow computes the plan for a node with spatial input shape inSp
// (channels excluded), output spatial shape outSp, window kernel and the
// node's strides, dilation and padding. Without strides the stride is 1,
// or the window itself when poolStride (Keras pooling's default).
func planWindow(a *ir.Attrs, inSp, outSp []int, kernel []int, poolStride bool) (*windowPlan, error) {
	r := len(inSp)
	if len(kernel) != r || len(outSp) != r || r == 0 || r > 2 {
		return nil, fmt.Errorf("window %v does not fit spatial input %v and output %v", kernel, inSp, outSp)
	}
	stride := a.Strides
	if len(stride) == 0 {
		if poolStride {
			stride = kernel
		} else {
			stride = ones(r)
		}
	}
	dil := a.Dilation
	if len(dil) == 0 {
		dil = ones(r)
	}
	if len(stride) != r || len(dil) != r {
		return nil, fmt.Errorf("strides %v or dilation %v do not fit a %d-D window", stride, dil, r)
	}
	before := make([]int, r)
	for i := range r {
		k, s, d := kernel[i], stride[i], dil[i]
		if k <= 0 || s <= 0 || d <= 0 {
			return nil, fmt.Errorf("invalid window %v, strides %v, dilation %v", kernel, stride, dil)
		}
		span := (k-1)*d + 1
		var want int
		switch a.Padding {
		case ir.PadValid:
			want = (inSp[i]-span)/s + 1
		case ir.PadSame:
			want = (inSp[i] + s - 1) / s
			before[i] = max((want-1)*s+span-inSp[i], 0) / 2
		case ir.PadCausal:
			want = (inSp[i] + s - 1) / s
			before[i] = span - 1
			if r != 1 {
				return nil, fmt.Errorf("causal padding needs a 1-D window")
			}
		}
		if want != outSp[i] {
			return nil, fmt.Errorf("axis %d: input %d, window %d, stride %d, %s padding give %d outputs, the node has %d",
				i, inSp[i], k, s, a.Padding, want, outSp[i])
		}
	}
	p := &windowPlan{nPos: ir.NumElements(outSp), nTaps: ir.NumElements(kernel)}
	p.start = make([]int32, 0, p.nPos+1)
	p.counts = make([]int32, 0, p.nPos)
	inSt := strides(inSp)
	forEachIndex(outSp, func(_ int, o []int) {
		p.start = append(p.start, int32(len(p.pix)))
		n := int32(0)
		forEachIndex(kernel, func(t int, k []int) {
			pix := 0
			for i := range r {
				x := o[i]*stride[i] - before[i] + k[i]*dil[i]
				if x < 0 || x >= inSp[i] {
					return
				}
				pix += x * inSt[i]
			}
			p.pix = append(p.pix, int32(pix))
			p.tap = append(p.tap, int32(t))
			n++
		})
		p.counts = append(p.counts, n)
	})
	p.start = append(p.start, int32(len(p.pix)))
	return p, nil
}

func ones(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = 1
	}
	return s
}

// splitChannels returns the spatial part and the channel count of a
// channels-last shape.
func splitChannels(shape []int) ([]int, int) {
	if len(shape) < 2 {
		return nil, 0
	}
	return shape[:len(shape)-1], shape[len(shape)-1]
}
