// This file tests FoldQKerasBatchNorm on hand-built layers whose folded
// values are worked out by hand.

package passes

import (
	"slices"
	"strings"
	"testing"

	"github.com/nnhls/nnhls/ir"
)

func tensor(shape []int, data ...float64) *ir.Tensor {
	return &ir.Tensor{Shape: shape, Data: data}
}

// TestFoldQKerasBatchNormDense: kernel [[1, 2]], bias [0.5, −1], γ = [2, 1],
// β = [0.25, 0], μ = [0.5, 1], σ² = [15, 3], ε = 1: inv = [2/4, 1/2] =
// [0.5, 0.5], kernel [[0.5, 1]], bias [0.5·(0.5−0.5)+0.25, 0.5·(−1−1)+0] =
// [0.25, −1].
func TestFoldQKerasBatchNormDense(t *testing.T) {
	g := &ir.Graph{}
	x := g.Add(&ir.Node{Name: "x", Op: ir.OpInput, Shape: []int{1}})
	d := g.Add(&ir.Node{Name: "d", Class: "QDenseBatchnorm", Op: ir.OpDense, Inputs: []int{x}, Shape: []int{2},
		Attrs: ir.Attrs{Units: 2, Epsilon: 1},
		Weights: map[string]*ir.Tensor{
			"kernel": tensor([]int{1, 2}, 1, 2), "bias": tensor([]int{2}, 0.5, -1),
			"gamma": tensor([]int{2}, 2, 1), "beta": tensor([]int{2}, 0.25, 0),
			"moving_mean": tensor([]int{2}, 0.5, 1), "moving_variance": tensor([]int{2}, 15, 3),
		}})
	g.Inputs, g.Outputs = []int{x}, []int{d}
	if err := FoldQKerasBatchNorm(g, nil); err != nil {
		t.Fatal(err)
	}
	n := g.Nodes[d]
	if got := n.Weight("kernel").Data; !slices.Equal(got, []float64{0.5, 1}) {
		t.Errorf("kernel %v", got)
	}
	if got := n.Weight("bias").Data; !slices.Equal(got, []float64{0.25, -1}) {
		t.Errorf("bias %v", got)
	}
	if roles := n.WeightRoles(); !slices.Equal(roles, []string{"bias", "kernel"}) {
		t.Errorf("roles %v", roles)
	}
	if !strings.Contains(n.HW.Why["batchnorm"], "QDenseBatchnorm") {
		t.Errorf("why %q", n.HW.Why["batchnorm"])
	}
}

// TestFoldQKerasBatchNormDepthwise: a 1×1 depthwise kernel over 2 input
// channels with depth multiplier 2 has output channel i·2 + m for input i
// and multiplier m, which is its flat index: γ = [1, 2, 4, 8] with σ² = 1,
// ε = 0 scales the all-ones kernel to [1, 2, 4, 8]; without a bias, the
// folded bias is −inv·μ + β = −[1, 2, 4, 8].
func TestFoldQKerasBatchNormDepthwise(t *testing.T) {
	g := &ir.Graph{}
	x := g.Add(&ir.Node{Name: "x", Op: ir.OpInput, Shape: []int{3, 3, 2}})
	d := g.Add(&ir.Node{Name: "dw", Class: "QDepthwiseConv2DBatchnorm", Op: ir.OpDepthwiseConv, Inputs: []int{x}, Shape: []int{3, 3, 4},
		Attrs: ir.Attrs{Kernel: []int{1, 1}, Strides: []int{1, 1}, DepthMultiplier: 2},
		Weights: map[string]*ir.Tensor{
			"kernel": tensor([]int{1, 1, 2, 2}, 1, 1, 1, 1),
			"gamma":  tensor([]int{4}, 1, 2, 4, 8), "moving_mean": tensor([]int{4}, 1, 1, 1, 1),
			"moving_variance": tensor([]int{4}, 1, 1, 1, 1),
		}})
	g.Inputs, g.Outputs = []int{x}, []int{d}
	if err := FoldQKerasBatchNorm(g, nil); err != nil {
		t.Fatal(err)
	}
	n := g.Nodes[d]
	if got := n.Weight("kernel").Data; !slices.Equal(got, []float64{1, 2, 4, 8}) {
		t.Errorf("kernel %v", got)
	}
	if got := n.Weight("bias").Data; !slices.Equal(got, []float64{-1, -2, -4, -8}) {
		t.Errorf("bias %v", got)
	}
}
