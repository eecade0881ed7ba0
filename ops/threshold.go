// This file implements a BatchNormalization fused with the binary or
// ternary tanh after it (passes.FuseBatchNormTanh): hls4ml's
// BatchNormalizationQuantizedTanh, which compares each value with
// per-channel thresholds instead of scaling it.

package ops

import (
	"fmt"
	"math"

	"github.com/nnhls/nnhls/fixed"
)

// hls4ml (backends/fpga/fpga_layers.py set_thresholds, nnet_batchnorm.h
// normalize_binary_tanh / normalize_ternary_tanh) derives from the float
// scale s and bias b of the normalization the value where the output's
// sign flips, t = -b/s, floors it onto the input type's grid (F fractional
// bits: floor(t·2^F)/2^F) and stores it in the input type like a weight
// (weights.go: so a threshold outside the type's range wraps). Binary:
// +1 if x ≥ t, else -1. Ternary, with thresholds hi = floor_F(0.5/s + t)
// and lo = floor_F(-0.5/s + t): +1 if x > hi, -1 if x ≤ lo, else 0. It
// assumes s > 0, and so does this kernel (a negative scale flips the
// comparison in the trained model, not in hls4ml).

// thresholdKernel compares raw inputs with per-channel raw thresholds.
type thresholdKernel struct {
	c, n              int
	ternary           bool
	hi, lo            []int64 // binary: hi only (x ≥ hi)
	plus, minus, zero int64   // the result's raw +1, -1 and 0
	flPlus, flMinus   fixed.Flags
}

func buildThreshold(b *Build, scale, bias []float64, total int) (Kernel, error) {
	kind, err := ParseActKind(b.Node.Attrs.Activation)
	if err != nil || (kind != ActBinaryTanh && kind != ActTernaryTanh) {
		return nil, fmt.Errorf("a batch normalization cannot fuse activation %q", b.Node.Attrs.Activation)
	}
	in := b.InTypes[0]
	f := math.Ldexp(1, in.FracBits())
	floorF := func(v float64) float64 { return math.Floor(v*f) / f }
	k := &thresholdKernel{c: len(scale), n: total, ternary: kind == ActTernaryTanh}
	for ch := range scale {
		t := -bias[ch] / scale[ch]
		vals := []float64{floorF(t)}
		if k.ternary {
			vals = []float64{floorF(0.5/scale[ch] + t), floorF(-0.5/scale[ch] + t)}
		}
		for j, v := range vals {
			raw, _, err := WeightRaw(v, in)
			if err != nil {
				return nil, err
			}
			if j == 0 {
				k.hi = append(k.hi, raw)
			} else {
				k.lo = append(k.lo, raw)
			}
		}
	}
	res, err := fixed.NewFloatCast64(b.Result())
	if err != nil {
		return nil, err
	}
	k.plus, k.flPlus = res.Apply(1)
	k.minus, k.flMinus = res.Apply(-1)
	k.zero, _ = res.Apply(0)
	return k, nil
}

func (k *thresholdKernel) Scratch() int { return 0 }

func (k *thresholdKernel) Run(in [][]int64, out []int64, _ []int64, t *Tally) {
	x := in[0][:k.n]
	out = out[:k.n]
	ch := 0
	for i, v := range x {
		var fl fixed.Flags
		switch {
		case !k.ternary && v >= k.hi[ch], k.ternary && v > k.hi[ch]:
			out[i], fl = k.plus, k.flPlus
		case !k.ternary, v <= k.lo[ch]:
			out[i], fl = k.minus, k.flMinus
		default:
			out[i] = k.zero
		}
		if t != nil && fl != 0 {
			countFlags(&t[SlotResult], fl)
		}
		if ch++; ch == k.c {
			ch = 0
		}
	}
	if t != nil {
		t[SlotResult].Casts += int64(k.n)
	}
}
