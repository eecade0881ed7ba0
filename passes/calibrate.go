// This file implements calibration: result types of a float model sized
// from the ranges its float forward pass reaches on user data, for
// post-training quantization.

package passes

import (
	"fmt"
	"math"

	"github.com/nnhls/nnhls/fixed"
)

// DefaultMargin is the number of integer bits calibration adds above the
// observed range when the user gives none: one bit, so values up to twice
// the largest one seen still fit.
const DefaultMargin = 1

// calibrated returns the calibrated type of the node's result when
// calibration observed the node and the calibrated type has fewer integer
// bits than proven, the interval type: the integer bits of the observed
// range scaled by 2^margin, the calibration width (the Model default's
// when unset) and AP_RND, AP_SAT, since values beyond the observed range
// are possible (the reason InferTypes reports). ok is false otherwise.
func (x *nodeCtx) calibrated(v span, proven fixed.Type) (fixed.Type, string, bool) {
	r, ok := x.f.opt.Observed[x.n.Name]
	if !ok || math.IsNaN(r.Min) || math.IsNaN(r.Max) {
		return fixed.Type{}, "", false
	}
	w := x.f.opt.Width
	if w <= 0 {
		w = x.f.ref.Width()
	}
	scale := math.Ldexp(1, x.f.opt.Margin)
	obs := span{math.Min(r.Min, 0) * scale, math.Max(r.Max, 0) * scale}
	signed := obs.lo < 0 && v.lo < 0
	i := intBitsFor(obs, w-1, signed)
	if proven.Valid() && proven.IntBits() <= i && proven.Signed() == signed {
		return fixed.Type{}, "", false
	}
	t, err := fixed.New(w, i, signed, fixed.Rnd, fixed.Sat, 0)
	if err != nil {
		return fixed.Type{}, "", false
	}
	src := x.f.opt.Source
	if src == "" {
		src = "calibration data"
	}
	return t, fmt.Sprintf("calibrated on %s: observed [%.4g, %.4g], %d bit margin", src, r.Min, r.Max, x.f.opt.Margin), true
}
