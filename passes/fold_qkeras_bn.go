// This file implements FoldQKerasBatchNorm, the folding of QKeras's
// QConv2DBatchnorm, QDepthwiseConv2DBatchnorm and QDenseBatchnorm layers.

package passes

import (
	"fmt"
	"math"

	"github.com/nnhls/nnhls/config"
	"github.com/nnhls/nnhls/ir"
)

// bnRoles are the BatchNorm weights a folded QKeras layer carries.
var bnRoles = []string{"gamma", "beta", "moving_mean", "moving_variance"}

// FoldQKerasBatchNorm matches Dense, Conv and DepthwiseConv nodes that carry
// BatchNorm weights (moving_mean, moving_variance; the loader puts them on
// the layer for QKeras's *Batchnorm layers) and folds them as QKeras does
// at inference, from the raw statistics, in float64:
//
//	qkeras: inv = γ/√(σ² + ε); Wf = inv·W; bf = inv·(b − μ) + β
//
// (b = 0 without a bias). Afterwards the node has only "kernel" and "bias",
// its kernel and bias quantizers still to be applied (QuantizerTypes), to
// the folded values as QKeras applies them, and HW.Why["batchnorm"] says
// what was folded.
func FoldQKerasBatchNorm(g *ir.Graph, _ *config.Config) error {
	var errs ir.ErrorList
	for _, n := range g.Nodes {
		if n.Op != ir.OpDense && n.Op != ir.OpConv && n.Op != ir.OpDepthwiseConv {
			continue
		}
		if n.Weight("moving_mean") == nil || n.Weight("moving_variance") == nil {
			continue
		}
		if err := foldQKerasBN(n); err != nil {
			errs.Add(n.Pos, fmt.Errorf("layer %q (%s): folding its BatchNorm: %w", n.Name, n.Class, err))
		}
	}
	return errs.Err()
}

func foldQKerasBN(n *ir.Node) error {
	k := n.Weight("kernel")
	if k == nil || len(k.Shape) < 2 {
		return fmt.Errorf("no kernel")
	}
	nOut := n.Shape[len(n.Shape)-1]
	chanOf := outChannel(n, k.Shape)
	get := func(role string, def float64) ([]float64, error) {
		t := n.Weight(role)
		if t == nil {
			v := make([]float64, nOut)
			for i := range v {
				v[i] = def
			}
			return v, nil
		}
		if t.Len() != nOut {
			return nil, fmt.Errorf("%s has %d values for %d channels", role, t.Len(), nOut)
		}
		return t.Data, nil
	}
	gamma, err := get("gamma", 1)
	if err != nil {
		return err
	}
	beta, err := get("beta", 0)
	if err != nil {
		return err
	}
	mean, err := get("moving_mean", 0)
	if err != nil {
		return err
	}
	variance, err := get("moving_variance", 1)
	if err != nil {
		return err
	}
	bias, err := get("bias", 0)
	if err != nil {
		return err
	}
	inv := make([]float64, nOut)
	for c := range inv {
		inv[c] = gamma[c] / math.Sqrt(variance[c]+n.Attrs.Epsilon)
	}
	wf := make([]float64, k.Len())
	for i, w := range k.Data {
		wf[i] = inv[chanOf(i)] * w
	}
	bf := make([]float64, nOut)
	for c := range bf {
		bf[c] = inv[c]*(bias[c]-mean[c]) + beta[c]
	}
	n.Weights["kernel"] = &ir.Tensor{Shape: append([]int(nil), k.Shape...), Data: wf}
	n.Weights["bias"] = &ir.Tensor{Shape: []int{nOut}, Data: bf}
	for _, r := range bnRoles {
		delete(n.Weights, r)
	}
	note(n, "batchnorm", fmt.Sprintf("%s: BatchNorm folded as QKeras folds it (γ/√(σ²+ε) from the moving statistics, ε=%g, into kernel and bias), then the kernel and bias quantizers", n.Class, n.Attrs.Epsilon))
	return nil
}

// outChannel returns, for a kernel of the given shape, the output channel
// of each flat kernel index: the last axis for Dense and Conv ([..., in,
// out]); in·dm + m for a depthwise kernel [..., in, dm].
func outChannel(n *ir.Node, shape []int) func(i int) int {
	last := shape[len(shape)-1]
	if n.Op == ir.OpDepthwiseConv && len(shape) >= 2 {
		in := shape[len(shape)-2]
		return func(i int) int { return (i/last)%in*last + i%last }
	}
	return func(i int) int { return i % last }
}
