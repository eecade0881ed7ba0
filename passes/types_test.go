// This file tests AssignTypes: hls4ml's precedence, the built-in default and the swappable auto policy.

package passes

import (
	"strings"
	"testing"

	"github.com/nnhls/nnhls/config"
	"github.com/nnhls/nnhls/fixed"
	"github.com/nnhls/nnhls/ir"
	"github.com/nnhls/nnhls/ops"
)

// twoDense is input → fc1 (Dense) → fc2 (Dense).
func twoDense() *ir.Graph {
	g := &ir.Graph{Name: "m"}
	in := g.Add(&ir.Node{Name: "x", Op: ir.OpInput, Shape: []int{4}})
	k := func() map[string]*ir.Tensor { return map[string]*ir.Tensor{"kernel": ir.NewTensor(4, 4)} }
	a := g.Add(&ir.Node{Name: "fc1", Op: ir.OpDense, Inputs: []int{in}, Shape: []int{4}, Weights: k()})
	b := g.Add(&ir.Node{Name: "fc2", Op: ir.OpDense, Inputs: []int{a}, Shape: []int{4}, Weights: k()})
	g.Inputs, g.Outputs = []int{in}, []int{b}
	return g
}

// TestAssignTypesPrecedence checks hls4ml's precedence on a configuration
// that sets each level: LayerName variable, LayerName default, LayerType
// variable, Model variable and Model default, and "auto".
func TestAssignTypesPrecedence(t *testing.T) {
	c, err := config.Parse("c.yml", []byte(`
Model:
  Precision:
    default: fixed<20,8>
    weight: fixed<8,2>
  ReuseFactor: 4
LayerType:
  Dense:
    Precision:
      accum: fixed<24,10>
LayerName:
  fc1:
    Precision:
      result: fixed<12,4,RND,SAT>
      bias: auto
  fc2:
    Precision: fixed<10,3>
    ReuseFactor: 2
`))
	if err != nil {
		t.Fatal(err)
	}
	g := twoDense()
	if err := AssignTypes(g, c); err != nil {
		t.Fatal(err)
	}
	want := map[string]map[string]string{
		"x":   {"result": "fixed<20,8>"},
		"fc1": {"result": "fixed<12,4,RND,SAT>", "accum": "fixed<24,10>", "weight": "fixed<8,2>", "bias": "fixed<20,8>"},
		"fc2": {"result": "fixed<10,3>", "accum": "fixed<10,3>", "weight": "fixed<10,3>", "bias": "fixed<10,3>"},
	}
	for _, n := range g.Nodes {
		if len(n.HW.Types) != len(want[n.Name]) {
			t.Errorf("%s: types %v, want %v", n.Name, n.HW.Types, want[n.Name])
		}
		for v, s := range want[n.Name] {
			if got := n.HW.Types[v]; got != fixed.MustParse(s) {
				t.Errorf("%s %s = %v, want %s (why: %s)", n.Name, v, got, s, n.HW.Why[v])
			}
		}
	}
	fc1, fc2 := g.Nodes[1], g.Nodes[2]
	if !strings.Contains(fc1.HW.Why["result"], `LayerName "fc1"`) || !strings.Contains(fc1.HW.Why["result"], "c.yml:") {
		t.Errorf("fc1 result why = %q", fc1.HW.Why["result"])
	}
	if !strings.HasPrefix(fc1.HW.Why["bias"], "auto") {
		t.Errorf("fc1 bias why = %q", fc1.HW.Why["bias"])
	}
	if fc1.HW.ReuseFactor != 4 || fc2.HW.ReuseFactor != 2 {
		t.Errorf("reuse factors %d, %d; want 4, 2", fc1.HW.ReuseFactor, fc2.HW.ReuseFactor)
	}
}

// TestAssignTypesDefault: without a configuration every type is
// fixed<16,6>, recorded as the built-in default.
func TestAssignTypesDefault(t *testing.T) {
	g := twoDense()
	if err := AssignTypes(g, nil); err != nil {
		t.Fatal(err)
	}
	for _, n := range g.Nodes {
		for v, ty := range n.HW.Types {
			if ty != fixed.MustParse("fixed<16,6>") || n.HW.Why[v] != "built-in default" {
				t.Errorf("%s %s = %v (%s)", n.Name, v, ty, n.HW.Why[v])
			}
		}
	}
}

// TestAssignTypesAutoPolicy: the policy for "auto" is swappable.
func TestAssignTypesAutoPolicy(t *testing.T) {
	c, err := config.Parse("c.yml", []byte("LayerName:\n  fc2:\n    Precision:\n      accum: auto\n"))
	if err != nil {
		t.Fatal(err)
	}
	wide := fixed.MustParse("fixed<40,20>")
	var asked []string
	policy := func(g *ir.Graph, node int, v string, c *config.Config) (fixed.Type, string, error) {
		asked = append(asked, g.Nodes[node].Name+"."+v)
		return wide, "test policy", nil
	}
	g := twoDense()
	if err := AssignTypesWith(g, c, policy); err != nil {
		t.Fatal(err)
	}
	if len(asked) != 1 || asked[0] != "fc2.accum" || g.Nodes[2].HW.Types[ops.VarAccum] != wide {
		t.Errorf("policy asked %v, fc2 accum %v", asked, g.Nodes[2].HW.Types[ops.VarAccum])
	}
}

// TestAssignTypesUnsupported reports every node whose op has no kernel.
func TestAssignTypesUnsupported(t *testing.T) {
	g := twoDense()
	g.Nodes[1].Op, g.Nodes[2].Op = ir.OpInvalid, ir.OpInvalid
	err := AssignTypes(g, nil)
	if err == nil || !strings.Contains(err.Error(), `"fc1"`) || !strings.Contains(err.Error(), `"fc2"`) {
		t.Errorf("error %v does not name both layers", err)
	}
}

// TestAssignTypesOpDefaults: with hls4ml's defaults, a softmax keeps
// hls4ml's own table types under a Model precision (exp_table, inv_table,
// inv_inp fixed<18,8,RND,SAT>) unless a variable is named; plain
// AssignTypes gives the model default.
func TestAssignTypesOpDefaults(t *testing.T) {
	g := &ir.Graph{}
	x := g.Add(&ir.Node{Name: "x", Op: ir.OpInput, Shape: []int{4}})
	s := g.Add(&ir.Node{Name: "sm", Op: ir.OpSoftmax, Inputs: []int{x}, Shape: []int{4}})
	g.Inputs, g.Outputs = []int{x}, []int{s}
	c, err := config.Parse("c.yml", []byte("Model:\n  Precision: fixed<16,6>\nLayerName:\n  sm:\n    Precision:\n      inv_table: fixed<12,4>\n"))
	if err != nil {
		t.Fatal(err)
	}
	if err := AssignTypesHLS4ML(g, c); err != nil {
		t.Fatal(err)
	}
	hw := g.Nodes[s].HW
	for v, want := range map[string]string{"exp_table": "fixed<18,8,RND,SAT>", "inv_inp": "fixed<18,8,RND,SAT>",
		"inv_table": "fixed<12,4>", "accum": "fixed<16,6>", "result": "fixed<16,6>"} {
		if got := hw.Types[v]; got != fixed.MustParse(want) {
			t.Errorf("hls4ml defaults: %s = %v (%s), want %s", v, got, hw.Why[v], want)
		}
	}
	if err := AssignTypes(g, c); err != nil {
		t.Fatal(err)
	}
	if got := g.Nodes[s].HW.Types["exp_table"]; got != fixed.MustParse("fixed<16,6>") {
		t.Errorf("AssignTypes: exp_table = %v, want fixed<16,6>", got)
	}
}
