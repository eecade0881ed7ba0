// This file tests BatchNorms: QBatchNormalization against the quantized
// parameters QKeras uses (effective_params.npz), and the fusion of float
// BatchNorms on hand-built layers.

package passes

import (
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nnhls/nnhls/config"
	"github.com/nnhls/nnhls/fixed"
	"github.com/nnhls/nnhls/ir"
	"github.com/nnhls/nnhls/npy"
	"github.com/nnhls/nnhls/ops"
	"github.com/nnhls/nnhls/quant"
)

// TestBatchNormsQBN: qbn_po2_mixed's qbn1 and qbn2 become ScaleShift nodes
// with scale = γ'/√(v' + 1e-3) and bias = β' − μ'·scale, from QKeras's
// quantized γ', β', μ', v' (effective_params.npz; ε = 1e-3 is added after
// the variance quantizer, model.json).
func TestBatchNormsQBN(t *testing.T) {
	g := loadUpTo(t, "qbn_po2_mixed", "batchnorm")
	_, eff, err := npy.ReadNPZ(filepath.Join(qkerasTestdata, "qbn_po2_mixed", "effective_params.npz"))
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"qbn1", "qbn2"} {
		n := g.Nodes[g.Lookup(name)]
		if n.Op != ir.OpScaleShift || n.Quantizers != nil {
			t.Fatalf("%s: op %s, quantizers %v", name, n.Op, n.Quantizers)
		}
		gm, bt, mu, v := eff[name+"/gamma"].Data, eff[name+"/beta"].Data, eff[name+"/mean"].Data, eff[name+"/variance"].Data
		s, b := n.Weight("scale").Data, n.Weight("bias").Data
		for c := range s {
			ws := gm[c] / math.Sqrt(v[c]+1e-3)
			if s[c] != ws || b[c] != bt[c]-mu[c]*ws {
				t.Errorf("%s channel %d: scale %v bias %v, want %v %v", name, c, s[c], b[c], ws, bt[c]-mu[c]*ws)
				break
			}
		}
		if !strings.Contains(n.HW.Why["batchnorm"], "QBatchNormalization") {
			t.Errorf("%s: why %q", name, n.HW.Why["batchnorm"])
		}
	}
}

// bnAfterDense is x → d (Dense, kernel [[1, −0.5]] under
// quantized_bits(4,0,alpha=1), bias [0.25, 0]) → bn (γ, var given, β = 0.25,
// μ = 1, ε = 0) → output.
func bnAfterDense(t *testing.T, gamma, variance float64) *ir.Graph {
	t.Helper()
	q, err := quant.ParseConfig("quantized_bits(4,0,alpha=1)")
	if err != nil {
		t.Fatal(err)
	}
	g := &ir.Graph{}
	x := g.Add(&ir.Node{Name: "x", Op: ir.OpInput, Shape: []int{1}})
	d := g.Add(&ir.Node{Name: "d", Class: "QDense", Op: ir.OpDense, Inputs: []int{x}, Shape: []int{2}, Attrs: ir.Attrs{Units: 2},
		Weights:    map[string]*ir.Tensor{"kernel": tensor([]int{1, 2}, 0.875, -0.5), "bias": tensor([]int{2}, 0.25, 0)},
		Quantizers: map[string]*quant.Spec{"kernel": q, "bias": q}})
	bn := g.Add(&ir.Node{Name: "bn", Class: "BatchNormalization", Op: ir.OpBatchNorm, Inputs: []int{d}, Shape: []int{2},
		Weights: map[string]*ir.Tensor{"gamma": tensor([]int{2}, gamma, gamma), "beta": tensor([]int{2}, 0.25, 0.25),
			"moving_mean": tensor([]int{2}, 1, 1), "moving_variance": tensor([]int{2}, variance, variance)}})
	g.Inputs, g.Outputs = []int{x}, []int{bn}
	for _, p := range []func(*ir.Graph, *config.Config) error{AssignTypes, QuantizerTypes(false), AlphaScales, BatchNorms} {
		if err := p(g, config.Default()); err != nil {
			t.Fatal(err)
		}
	}
	if err := g.Validate(); err != nil {
		t.Fatal(err)
	}
	return g
}

// TestBatchNormsFuse: with γ = 2 and σ² = 16 the scale is 0.5, so the
// fused kernel [[0.4375, −0.25]] and bias [0.25·0.5 + 0.25 − 0.5,
// 0 + 0.25 − 0.5] = [−0.125, −0.25] are exact: the BatchNorm disappears
// and the Dense is the output.
func TestBatchNormsFuse(t *testing.T) {
	g := bnAfterDense(t, 2, 16)
	if len(g.Nodes) != 2 || g.Outputs[0] != 1 {
		t.Fatalf("%d nodes, outputs %v", len(g.Nodes), g.Outputs)
	}
	d := g.Nodes[1]
	k, b := d.Weight("kernel").Data, d.Weight("bias").Data
	if k[0] != 0.4375 || k[1] != -0.25 || b[0] != -0.125 || b[1] != -0.25 {
		t.Errorf("kernel %v bias %v", k, b)
	}
	if !strings.Contains(d.HW.Why["batchnorm"], `"bn" fused`) {
		t.Errorf("why %q", d.HW.Why["batchnorm"])
	}
}

// TestBatchNormsKeep: with σ² = 3 the scale 1/√3 has no finite binary
// expansion, so fusing it would round the weights: the BatchNorm stays,
// and says why; ExactTypes then holds its scale 1/√3 rounded to 2^-35 or
// finer.
func TestBatchNormsKeep(t *testing.T) {
	g := bnAfterDense(t, 1, 3)
	bn := g.Nodes[g.Lookup("bn")]
	if bn.Op != ir.OpBatchNorm || !strings.Contains(bn.HW.Why["batchnorm"], "kept") || !strings.Contains(bn.HW.Why["batchnorm"], "not a float64") {
		t.Errorf("op %s why %q", bn.Op, bn.HW.Why["batchnorm"])
	}
	if err := ExactTypes(g, config.Default()); err != nil {
		t.Fatal(err)
	}
	st := bn.HW.Types["scale"]
	if st.FracBits() < 35 || st.Rounding() != fixed.Rnd {
		t.Errorf("scale type %v", st)
	}
	if r, _, err := ops.WeightRaw(1/math.Sqrt(3), st); err != nil || math.Abs(math.Ldexp(float64(r), -st.FracBits())-1/math.Sqrt(3)) > math.Ldexp(1, -st.FracBits()-1) {
		t.Errorf("scale held as %v (%v)", r, err)
	}
	if d := BatchNormDecisions(g); len(d) != 1 || !strings.HasPrefix(d[0], "bn: kept") {
		t.Errorf("decisions %q", d)
	}
}
