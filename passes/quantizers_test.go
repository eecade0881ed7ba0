// This file tests QuantizerTypes and AlphaScales on the QKeras reference
// models against the quantized weights QKeras uses (effective_params.npz),
// and QuantizerTypes's refusal of quantizers without an exact form.

package passes

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/nnhls/nnhls/config"
	"github.com/nnhls/nnhls/fixed"
	"github.com/nnhls/nnhls/ir"
	"github.com/nnhls/nnhls/load/keras"
	"github.com/nnhls/nnhls/npy"
	"github.com/nnhls/nnhls/ops"
	"github.com/nnhls/nnhls/quant"
)

const qkerasTestdata = "../testdata/keras/qkeras"

// loadUpTo loads a reference model and runs the exact flow up to and
// including the pass named last.
func loadUpTo(t *testing.T, model, last string) *ir.Graph {
	t.Helper()
	g, err := keras.Load(filepath.Join(qkerasTestdata, model, "model.h5"))
	if err != nil {
		t.Fatal(err)
	}
	var flow []Pass
	for _, p := range ExactFlow(ExactOptions{}) {
		flow = append(flow, p)
		if p.Name == last {
			break
		}
	}
	if err := RunFlow(g, nil, flow); err != nil {
		t.Fatal(err)
	}
	if err := g.Validate(); err != nil {
		t.Fatal(err)
	}
	return g
}

// TestQuantizedWeightsEffective: after the alpha pass, each quantized
// layer's grid weights times its per-channel scale, and its bias (on the
// layer or moved to its alpha node), are exactly the values QKeras uses,
// and the weight and bias types hold every stored value exactly.
func TestQuantizedWeightsEffective(t *testing.T) {
	models := []string{"binary_dense", "jet_mlp_q6", "po2_dense", "qbn_po2_mixed", "qconv1d",
		"qconv2dbn_alpha1", "qconv2dbn_alpha_none", "qconv_bn_qact_saturation"}
	for _, model := range models {
		g := loadUpTo(t, model, "alpha-scales")
		_, eff, err := npy.ReadNPZ(filepath.Join(qkerasTestdata, model, "effective_params.npz"))
		if err != nil {
			t.Fatal(err)
		}
		checked := 0
		for i, n := range g.Nodes {
			h := n.HW.Quant["kernel"]
			if h == nil {
				continue
			}
			want := eff[n.Name+"/kernel"]
			if want == nil {
				t.Errorf("%s %s: no effective kernel", model, n.Name)
				continue
			}
			k := n.Weight("kernel")
			scale := 1.0
			var alpha *ir.Node
			if i+1 < len(g.Nodes) && g.Nodes[i+1].Name == n.Name+"_alpha" {
				alpha = g.Nodes[i+1]
			}
			wt := n.HW.Types[ops.VarWeight]
			last := k.Shape[len(k.Shape)-1]
			for j, v := range k.Data {
				if alpha != nil {
					scale = alpha.Weight("scale").Data[j%last]
				}
				if v*scale != want.Data[j] {
					t.Errorf("%s %s kernel[%d] = %v × %v, QKeras %v", model, n.Name, j, v, scale, want.Data[j])
					break
				}
				if _, fl := fixed.FromFloat64(wt, v); fl != 0 {
					t.Errorf("%s %s kernel[%d] = %v is not exact in %v", model, n.Name, j, v, wt)
					break
				}
			}
			bn := n
			if alpha != nil {
				bn = alpha
			}
			if wb := eff[n.Name+"/bias"]; wb != nil {
				b := bn.Weight("bias")
				bt := bn.HW.Types[ops.VarBias]
				for j, v := range b.Data {
					if v != wb.Data[j] {
						t.Errorf("%s %s bias[%d] = %v, QKeras %v", model, n.Name, j, v, wb.Data[j])
						break
					}
					if _, fl := fixed.FromFloat64(bt, v); fl != 0 {
						t.Errorf("%s %s bias[%d] = %v is not exact in %v", model, n.Name, j, v, bt)
						break
					}
				}
			}
			if n.Quantizer("kernel") != nil || n.Quantizer("bias") != nil {
				t.Errorf("%s %s: quantizers still on the node after being applied", model, n.Name)
			}
			checked++
		}
		if checked == 0 {
			t.Errorf("%s: no quantized layer", model)
		}
	}
}

// qnode is input → q (OpQuant with quantizer src).
func qnode(t *testing.T, src string) *ir.Graph {
	t.Helper()
	q, err := quant.ParseConfig(src)
	if err != nil {
		t.Fatal(err)
	}
	g := &ir.Graph{Name: "m"}
	x := g.Add(&ir.Node{Name: "x", Op: ir.OpInput, Shape: []int{4}})
	a := g.Add(&ir.Node{Name: "act", Class: "QActivation", Op: ir.OpQuant, Inputs: []int{x}, Shape: []int{4},
		Quantizers: map[string]*quant.Spec{"activation": q}})
	g.Inputs, g.Outputs = []int{x}, []int{a}
	return g
}

// TestQuantizerTypesInexact: qnoise_factor 0.5 mixes the unquantized input
// into the output, which no fixed-point form reproduces: an error naming
// the layer and the quantizer, unless approximations are allowed.
func TestQuantizerTypesInexact(t *testing.T) {
	g := qnode(t, "quantized_bits(4,0,alpha=1,qnoise_factor=0.5)")
	if err := AssignTypes(g, nil); err != nil {
		t.Fatal(err)
	}
	err := QuantizerTypes(false)(g, config.Default())
	if err == nil || !strings.Contains(err.Error(), `"act"`) || !strings.Contains(err.Error(), "quantized_bits") || !strings.Contains(err.Error(), "--approximate") {
		t.Fatalf("error %v", err)
	}
	if err := QuantizerTypes(true)(g, config.Default()); err != nil {
		t.Fatal(err)
	}
	n := g.Nodes[1]
	if n.HW.Quant["activation"] == nil || !strings.Contains(n.HW.Why[ops.VarResult], "approximate") {
		t.Errorf("why %q", n.HW.Why[ops.VarResult])
	}
}

// TestQuantizerTypesActivation: the result types of activation
// quantizers, derived by hand from qkeras-reference.md: quantized_relu(6)
// has 6 fractional bits and maximum 63/64; quantized_relu(6,2,
// negative_slope=0.25) has 5 magnitude bits at step 2^-3 up to 3.875 and a
// negative side down to −0.25·4 = −1, so 3 signed integer bits;
// relu_po2(4,4) outputs 2^-8 ... 2^7; alpha=4 multiplies fixed<8,4>'s
// range by 4.
func TestQuantizerTypesActivation(t *testing.T) {
	for src, want := range map[string]string{
		"quantized_relu(6)":                       "ufixed<6,0>",
		"quantized_relu(3,1)":                     "ufixed<3,1>",
		"quantized_bits(4,1,alpha=1)":             "fixed<4,2>",
		"quantized_bits(4,1,keep_negative=0)":     "ufixed<4,1>",
		"quantized_bits(8,3,alpha=4)":             "fixed<8,6>",
		"binary_tanh":                             "fixed<2,2>",
		"quantized_relu_po2(4,4)":                 "ufixed<16,8>",
		"quantized_relu(6,2,negative_slope=0.25)": "fixed<6,3>",
	} {
		g := qnode(t, src)
		if err := AssignTypes(g, nil); err != nil {
			t.Fatal(err)
		}
		if err := QuantizerTypes(false)(g, config.Default()); err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		if got := g.Nodes[1].HW.Types[ops.VarResult]; got != fixed.MustParse(want) {
			t.Errorf("%s: result %v, want %s", src, got, want)
		}
	}
}

// TestQuantizerTypesAutoKernel: alpha='auto' gives a scale of
// 2·max|w|/(2·(2^3−1)) = 0.7/7, not a power of two, whose products with
// the codes QKeras rounds in float64: no exact form. With approximations
// allowed, the scale runs after the accumulation, rounded (ExactTypes),
// and the model compiles.
func TestQuantizerTypesAutoKernel(t *testing.T) {
	q, err := quant.ParseConfig(map[string]any{"class_name": "quantized_bits", "config": map[string]any{"bits": 4.0, "integer": 0.0, "alpha": "auto"}})
	if err != nil {
		t.Fatal(err)
	}
	build := func() *ir.Graph {
		g := &ir.Graph{}
		x := g.Add(&ir.Node{Name: "x", Op: ir.OpInput, Shape: []int{3}})
		d := g.Add(&ir.Node{Name: "d", Class: "QDense", Op: ir.OpDense, Inputs: []int{x}, Shape: []int{1}, Attrs: ir.Attrs{Units: 1},
			Weights:    map[string]*ir.Tensor{"kernel": tensor([]int{3, 1}, 0.7, -0.3, 0.2)},
			Quantizers: map[string]*quant.Spec{"kernel": q}})
		g.Inputs, g.Outputs = []int{x}, []int{d}
		return g
	}
	err = RunFlow(build(), nil, ExactFlow(ExactOptions{}))
	if err == nil || !strings.Contains(err.Error(), `"d"`) || !strings.Contains(err.Error(), "kernel quantizer") {
		t.Fatalf("error %v", err)
	}
	g := build()
	if err := RunFlow(g, nil, ExactFlow(ExactOptions{Approximate: true})); err != nil {
		t.Fatal(err)
	}
	a := g.Nodes[g.Lookup("d_alpha")]
	if st := a.HW.Types[ops.VarScale]; st.Rounding() != fixed.Rnd || !strings.Contains(a.HW.Why[ops.VarScale], "rounded") {
		t.Errorf("scale type %v (%s)", st, a.HW.Why[ops.VarScale])
	}
	if !strings.Contains(g.Nodes[g.Lookup("d")].HW.Why[ops.VarWeight], "approximate") {
		t.Errorf("weight why %q", g.Nodes[g.Lookup("d")].HW.Why[ops.VarWeight])
	}
}
