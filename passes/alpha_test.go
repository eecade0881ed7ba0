// This file tests AlphaScales on the seed model of the scale trap.

package passes

import (
	"math"
	"testing"

	"github.com/nnhls/nnhls/ir"
	"github.com/nnhls/nnhls/ops"
)

// TestAlphaScalesSeed: qconv2dbn_alpha_none's kernels (quantized_bits(16,6)
// without alpha, so auto_po2) stay on the grid of 16-bit codes, step 2^-9
// (2^(6+1)/2^16), |code| ≤ 2^15 − 1, and a "<layer>_alpha" node with
// power-of-two scales and the layer's bias follows each conv.
func TestAlphaScalesSeed(t *testing.T) {
	g := loadUpTo(t, "qconv2dbn_alpha_none", "alpha-scales")
	for _, name := range []string{"fused_conv1", "fused_conv2"} {
		i := g.Lookup(name)
		a := g.Lookup(name + "_alpha")
		if i < 0 || a != i+1 {
			t.Fatalf("%s at %d, alpha at %d", name, i, a)
		}
		n, an := g.Nodes[i], g.Nodes[a]
		if an.Op != ir.OpScaleShift || an.Origin != name || len(an.Inputs) != 1 || an.Inputs[0] != i {
			t.Errorf("%s: alpha node %+v", name, an)
		}
		for j, c := range g.Consumers()[i] {
			if c != a {
				t.Errorf("%s: consumer %d is %s, want only the alpha node", name, j, g.Nodes[c].Name)
			}
		}
		for _, v := range n.Weight("kernel").Data {
			code := v * 512
			if code != math.Trunc(code) || math.Abs(code) > 32767 {
				t.Errorf("%s: weight %v is not a 16-bit code at 2^-9", name, v)
				break
			}
		}
		if wt := n.HW.Types[ops.VarWeight]; wt.Width() != 16 || wt.FracBits() != 9 {
			t.Errorf("%s: weight type %v, want 16 bits with 9 fractional", name, wt)
		}
		for _, s := range an.Weight("scale").Data {
			if f, _ := math.Frexp(s); f != 0.5 {
				t.Errorf("%s: scale %v is not a power of two", name, s)
			}
		}
		if n.Weight("bias") != nil || an.Weight("bias") == nil {
			t.Errorf("%s: bias not moved to the alpha node", name)
		}
	}
}
