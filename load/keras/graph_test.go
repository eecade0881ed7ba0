// This file implements tests of Functional and Sequential graph construction over synthetic configs.

package keras

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/nnhls/nnhls/ir"
)

// kl builds a Keras 2 Functional layer entry.
func kl(class, name string, c map[string]any, inputs ...string) map[string]any {
	if c == nil {
		c = map[string]any{}
	}
	c["name"] = name
	var refs []any
	for _, in := range inputs {
		refs = append(refs, []any{in, 0, 0, map[string]any{}})
	}
	nodes := []any{}
	if len(refs) > 0 {
		nodes = []any{refs}
	}
	return map[string]any{"class_name": class, "name": name, "config": c, "inbound_nodes": nodes}
}

func ends(names ...string) []any {
	var out []any
	for _, n := range names {
		out = append(out, []any{n, 0, 0})
	}
	return out
}

// buildConfig builds a graph from a config with zero weights of the
// shapes the layers imply.
func buildConfig(t *testing.T, model map[string]any) *ir.Graph {
	t.Helper()
	text, err := json.Marshal(model)
	if err != nil {
		t.Fatal(err)
	}
	g, err := build("test.json", text, nil)
	if err != nil {
		t.Fatalf("build: %v", err)
	}
	return g
}

// TestFunctionalGraph covers two inputs, three outputs, branches, a skip
// connection from an input, a nested Sequential model and most layer
// classes. Shapes and parameter counts are worked out by hand in the
// comments.
func TestFunctionalGraph(t *testing.T) {
	inner := map[string]any{"class_name": "Sequential", "name": "inner", "config": map[string]any{"name": "inner", "layers": []any{
		map[string]any{"class_name": "Dense", "config": map[string]any{"name": "inner_dense", "units": 4, "activation": "tanh", "batch_input_shape": []any{nil, 16}}},
	}}, "inbound_nodes": []any{[]any{[]any{"d1", 0, 0, map[string]any{}}}}}
	layers := []any{
		kl("InputLayer", "in1", map[string]any{"batch_input_shape": []any{nil, 8, 8, 3}}),
		kl("InputLayer", "in2", map[string]any{"batch_input_shape": []any{nil, 16}}),
		// [8,8,4]: 3·3·3·4+4 = 112
		kl("Conv2D", "c1", map[string]any{"filters": 4, "kernel_size": []any{3, 3}, "padding": "same", "activation": "relu"}, "in1"),
		// depthwise 3x3 valid, dm 2: [6,6,8], 3·3·4·2 = 72; pointwise [6,6,6], 8·6+6 = 54
		kl("SeparableConv2D", "sep", map[string]any{"filters": 6, "kernel_size": 3, "depth_multiplier": 2}, "c1"),
		// [6,6,4]: 3·3·4·1+4 = 40
		kl("DepthwiseConv2D", "dw", map[string]any{"kernel_size": []any{3, 3}}, "c1"),
		kl("Dropout", "drop", map[string]any{"rate": 0.5}, "dw"),
		kl("Concatenate", "cat", map[string]any{"axis": -1}, "sep", "drop"),                         // [6,6,10]
		kl("ZeroPadding2D", "zp", map[string]any{"padding": 1}, "cat"),                              // [8,8,10]
		kl("Cropping2D", "crop", map[string]any{"cropping": []any{[]any{1, 1}, []any{2, 0}}}, "zp"), // [6,6,10]
		kl("UpSampling2D", "up", map[string]any{"size": []any{2, 2}}, "crop"),                       // [12,12,10]
		kl("MaxPooling2D", "mp", map[string]any{"pool_size": []any{2, 2}}, "up"),                    // [6,6,10]
		kl("AveragePooling2D", "ap", map[string]any{"pool_size": 3, "strides": 3}, "mp"),            // [2,2,10]
		kl("GlobalAveragePooling2D", "gp", nil, "ap"),                                               // [10]
		kl("Reshape", "rs", map[string]any{"target_shape": []any{2, -1}}, "gp"),                     // [2,5]
		kl("Permute", "pm", map[string]any{"dims": []any{2, 1}}, "rs"),                              // [5,2]
		kl("Flatten", "fl", nil, "pm"),                                                              // [10]
		kl("Dense", "d1", map[string]any{"units": 16}, "fl"),                                        // 10·16+16 = 176
		kl("Add", "add", nil, "d1", "in2"),                                                          // skip from an input
		kl("BatchNormalization", "bn", map[string]any{"axis": -1}, "add"),                           // 64
		kl("LeakyReLU", "lr", map[string]any{"alpha": 0.1}, "bn"),
		kl("PReLU", "pr", nil, "lr"), // alpha [16]
		kl("ELU", "elu", nil, "pr"),
		kl("ThresholdedReLU", "thr", map[string]any{"theta": 0.5}, "elu"),
		kl("ReLU", "relu", map[string]any{"max_value": 6.0}, "thr"),
		kl("Subtract", "sub", nil, "relu", "add"),
		kl("Multiply", "mul", nil, "sub", "add"),
		kl("Average", "avg", nil, "mul", "add", "sub"),
		kl("Maximum", "max", nil, "avg", "add"),
		kl("Minimum", "min", nil, "max", "add"),
		kl("Softmax", "sm", nil, "min"),
		kl("Dot", "dot", map[string]any{"axes": 1}, "min", "add"),
		inner, // [4]: 16·4+4 = 68
	}
	model := map[string]any{"class_name": "Functional", "config": map[string]any{
		"name": "net", "layers": layers, "input_layers": ends("in1", "in2"), "output_layers": ends("sm", "dot", "inner"),
	}}
	g := buildConfig(t, model)
	want := map[string]struct {
		op     ir.Op
		shape  []int
		params int
	}{
		"in1": {ir.OpInput, []int{8, 8, 3}, 0}, "in2": {ir.OpInput, []int{16}, 0},
		"c1": {ir.OpConv, []int{8, 8, 4}, 112}, "c1_relu": {ir.OpActivation, []int{8, 8, 4}, 0},
		"sep_depthwise": {ir.OpDepthwiseConv, []int{6, 6, 8}, 72}, "sep": {ir.OpConv, []int{6, 6, 6}, 54},
		"dw": {ir.OpDepthwiseConv, []int{6, 6, 4}, 40}, "cat": {ir.OpConcat, []int{6, 6, 10}, 0},
		"zp": {ir.OpPad, []int{8, 8, 10}, 0}, "crop": {ir.OpCrop, []int{6, 6, 10}, 0},
		"up": {ir.OpUpsample, []int{12, 12, 10}, 0}, "mp": {ir.OpPool, []int{6, 6, 10}, 0},
		"ap": {ir.OpPool, []int{2, 2, 10}, 0}, "gp": {ir.OpGlobalPool, []int{10}, 0},
		"rs": {ir.OpReshape, []int{2, 5}, 0}, "pm": {ir.OpTranspose, []int{5, 2}, 0}, "fl": {ir.OpReshape, []int{10}, 0},
		"d1": {ir.OpDense, []int{16}, 176}, "add": {ir.OpMerge, []int{16}, 0}, "bn": {ir.OpBatchNorm, []int{16}, 64},
		"lr": {ir.OpActivation, []int{16}, 0}, "pr": {ir.OpActivation, []int{16}, 16}, "elu": {ir.OpActivation, []int{16}, 0},
		"thr": {ir.OpActivation, []int{16}, 0}, "relu": {ir.OpActivation, []int{16}, 0},
		"sub": {ir.OpMerge, []int{16}, 0}, "mul": {ir.OpMerge, []int{16}, 0}, "avg": {ir.OpMerge, []int{16}, 0},
		"max": {ir.OpMerge, []int{16}, 0}, "min": {ir.OpMerge, []int{16}, 0}, "sm": {ir.OpSoftmax, []int{16}, 0},
		"dot": {ir.OpDot, []int{1}, 0}, "inner_dense": {ir.OpDense, []int{4}, 68}, "inner_dense_tanh": {ir.OpActivation, []int{4}, 0},
	}
	if len(g.Nodes) != len(want) {
		t.Errorf("%d nodes, want %d", len(g.Nodes), len(want))
	}
	total := 0
	for name, w := range want {
		i := g.Lookup(name)
		if i < 0 {
			t.Errorf("no node %s", name)
			continue
		}
		n := g.Nodes[i]
		if n.Op != w.op || !slices.Equal(n.Shape, w.shape) || n.NumParams() != w.params {
			t.Errorf("%s: %v %v %d, want %v %v %d", name, n.Op, n.Shape, n.NumParams(), w.op, w.shape, w.params)
		}
		total += w.params
	}
	if g.NumParams() != total {
		t.Errorf("NumParams %d, want %d", g.NumParams(), total)
	}
	// Edges: the skip connection, the split SeparableConv, Dropout removed.
	idx := g.Lookup
	check := func(name string, inputs ...string) {
		n := g.Nodes[idx(name)]
		if len(n.Inputs) != len(inputs) {
			t.Errorf("%s inputs %v, want %v", name, n.Inputs, inputs)
			return
		}
		for k, in := range inputs {
			if n.Inputs[k] != idx(in) {
				t.Errorf("%s input %d = %s, want %s", name, k, g.Nodes[n.Inputs[k]].Name, in)
			}
		}
	}
	check("add", "d1", "in2")
	check("sep_depthwise", "c1_relu")
	check("sep", "sep_depthwise")
	check("cat", "sep", "dw")
	check("avg", "mul", "add", "sub")
	check("inner_dense", "d1")
	if len(g.Inputs) != 2 || g.Inputs[0] != idx("in1") || g.Inputs[1] != idx("in2") {
		t.Errorf("inputs %v", g.Inputs)
	}
	if len(g.Outputs) != 3 || g.Outputs[0] != idx("sm") || g.Outputs[1] != idx("dot") || g.Outputs[2] != idx("inner_dense_tanh") {
		t.Errorf("outputs %v", g.Outputs)
	}
	a := g.Nodes[idx("sep_depthwise")].Attrs
	if a.DepthMultiplier != 2 || a.Padding != ir.PadValid || !slices.Equal(a.Kernel, []int{3, 3}) {
		t.Errorf("sep_depthwise attrs %+v", a)
	}
	if a := g.Nodes[idx("crop")].Attrs; a.Pads[0] != [2]int{1, 1} || a.Pads[1] != [2]int{2, 0} {
		t.Errorf("crop pads %v", a.Pads)
	}
	if a := g.Nodes[idx("pm")].Attrs; !slices.Equal(a.Perm, []int{1, 0}) {
		t.Errorf("perm %v", a.Perm)
	}
	if a := g.Nodes[idx("relu")].Attrs; a.MaxValue == nil || *a.MaxValue != 6 {
		t.Errorf("relu max %v", a.MaxValue)
	}
	if a := g.Nodes[idx("lr")].Attrs; a.Activation != "leaky_relu" || a.Alpha != 0.1 {
		t.Errorf("leaky %+v", a)
	}
	if a := g.Nodes[idx("ap")].Attrs; a.Pool != ir.PoolAvg || !slices.Equal(a.Strides, []int{3, 3}) {
		t.Errorf("ap %+v", a)
	}
	if err := g.Validate(); err != nil {
		t.Error(err)
	}
}

// TestSequential1D covers 1-D layers in a Keras ≤2.1 Sequential (config is
// the layer list) without an InputLayer.
func TestSequential1D(t *testing.T) {
	layer := func(class string, c map[string]any) map[string]any {
		return map[string]any{"class_name": class, "config": c}
	}
	model := map[string]any{"class_name": "Sequential", "config": []any{
		// causal k=3 dilation 2 keeps 10: 3·2·4+4 = 28
		layer("Conv1D", map[string]any{"name": "c", "filters": 4, "kernel_size": 3, "padding": "causal", "dilation_rate": 2, "batch_input_shape": []any{nil, 10, 2}}),
		layer("ZeroPadding1D", map[string]any{"name": "zp", "padding": []any{1, 2}}),               // 13
		layer("Cropping1D", map[string]any{"name": "cr", "cropping": 1}),                           // 11
		layer("UpSampling1D", map[string]any{"name": "up", "size": 2}),                             // 22
		layer("AveragePooling1D", map[string]any{"name": "ap", "pool_size": 4, "padding": "same"}), // ceil(22/4) = 6
		layer("SeparableConv1D", map[string]any{"name": "sc", "filters": 3, "kernel_size": 2}),     // 5; dw 2·4 = 8, pw 4·3+3 = 15
		layer("GlobalMaxPooling1D", map[string]any{"name": "gm"}),                                  // [3]
		layer("Activation", map[string]any{"name": "act", "activation": "sigmoid"}),
	}}
	g := buildConfig(t, model)
	checkRows(t, g, []row{
		{"c_input", ir.OpInput, []int{10, 2}, 0},
		{"c", ir.OpConv, []int{10, 4}, 28},
		{"zp", ir.OpPad, []int{13, 4}, 0},
		{"cr", ir.OpCrop, []int{11, 4}, 0},
		{"up", ir.OpUpsample, []int{22, 4}, 0},
		{"ap", ir.OpPool, []int{6, 4}, 0},
		{"sc_depthwise", ir.OpDepthwiseConv, []int{5, 4}, 8},
		{"sc", ir.OpConv, []int{5, 3}, 15},
		{"gm", ir.OpGlobalPool, []int{3}, 0},
		{"act", ir.OpActivation, []int{3}, 0},
	})
	if p := g.Nodes[1].Attrs.Padding; p != ir.PadCausal {
		t.Errorf("padding %v", p)
	}
}

// TestKeras3Functional reads the Keras 3 spelling: inbound_nodes with
// keras tensors in "args", and a flat output_layers reference.
func TestKeras3Functional(t *testing.T) {
	tensor := func(src string) map[string]any {
		return map[string]any{"class_name": "__keras_tensor__", "config": map[string]any{"shape": []any{nil, 4}, "keras_history": []any{src, 0, 0}}}
	}
	call := func(args ...any) []any { return []any{map[string]any{"args": args, "kwargs": map[string]any{}}} }
	layers := []any{
		map[string]any{"module": "keras.layers", "class_name": "InputLayer", "name": "x", "config": map[string]any{"name": "x", "batch_shape": []any{nil, 4}}, "inbound_nodes": []any{}},
		map[string]any{"module": "keras.layers", "class_name": "Dense", "name": "a", "config": map[string]any{"name": "a", "units": 4, "activation": "relu"}, "inbound_nodes": call(tensor("x"))},
		map[string]any{"module": "keras.layers", "class_name": "Add", "name": "s", "config": map[string]any{"name": "s"}, "inbound_nodes": call([]any{tensor("a"), tensor("x")})},
	}
	g := buildConfig(t, map[string]any{"module": "keras", "class_name": "Functional", "config": map[string]any{
		"name": "k3", "layers": layers, "input_layers": []any{"x", 0, 0}, "output_layers": []any{"s", 0, 0},
	}})
	checkRows(t, g, []row{
		{"x", ir.OpInput, []int{4}, 0},
		{"a", ir.OpDense, []int{4}, 20},
		{"a_relu", ir.OpActivation, []int{4}, 0},
		{"s", ir.OpMerge, []int{4}, 0},
	})
	if n := g.Nodes[3]; n.Inputs[0] != 2 || n.Inputs[1] != 0 {
		t.Errorf("add inputs %v", n.Inputs)
	}
}

func TestSnake(t *testing.T) {
	for in, want := range map[string]string{"QDense": "q_dense", "Conv2D": "conv2d", "BatchNormalization": "batch_normalization",
		"QConv2DBatchnorm": "q_conv2d_batchnorm", "InputLayer": "input_layer", "QActivation": "q_activation"} {
		if got := snake(in); got != want {
			t.Errorf("snake(%s) = %s, want %s", in, got, want)
		}
	}
}

// TestQKerasLayers covers the QKeras layers the example files lack, on a
// synthetic config: kernel quantizers with alpha=None get QKeras's
// auto_po2 rewrite on every kernel (depthwise and pointwise too), bias
// quantizers do not; *Batchnorm layers carry the BN weights.
func TestQKerasLayers(t *testing.T) {
	qb := "quantized_bits(8,2)"
	layers := []any{
		kl("InputLayer", "x", map[string]any{"batch_input_shape": []any{nil, 10, 10, 2}}),
		// depthwise 3x3 dm 1: [8,8,2] 18; pointwise 2→4 + bias: 12
		kl("QSeparableConv2D", "qs", map[string]any{"filters": 4, "kernel_size": 3, "depthwise_quantizer": qb, "pointwise_quantizer": qb, "bias_quantizer": qb, "activation": "quantized_relu(4,1)"}, "x"),
		// depthwise 3x3 dm 2 on 4 channels: [6,6,8], 72 + bias 8
		kl("QDepthwiseConv2D", "qd", map[string]any{"kernel_size": 3, "depth_multiplier": 2, "depthwise_quantizer": qb, "bias_quantizer": qb}, "qs"),
		// 3x3 depthwise dm 1, no bias, BN: [4,4,8], 72 + 4·8
		kl("QDepthwiseConv2DBatchnorm", "qdb", map[string]any{"kernel_size": 3, "use_bias": false, "depthwise_quantizer": qb}, "qd"),
		kl("QAveragePooling2D", "qap", map[string]any{"pool_size": 2, "average_quantizer": "quantized_bits(8,0,alpha=1)", "activation": "quantized_bits(6,2,alpha=1)"}, "qdb"), // [2,2,8]
		kl("QGlobalAveragePooling2D", "qgp", map[string]any{"average_quantizer": "quantized_bits(8,0,alpha=1)"}, "qap"),                                                        // [8]
		// 8→3: 24 + 3 + BN 12
		kl("QDenseBatchnorm", "qdn", map[string]any{"units": 3, "kernel_quantizer": qb, "bias_quantizer": qb}, "qgp"),
		kl("QActivation", "qa", map[string]any{"activation": "relu"}, "qdn"),
	}
	g := buildConfig(t, map[string]any{"class_name": "Functional", "config": map[string]any{
		"name": "q", "layers": layers, "input_layers": ends("x"), "output_layers": ends("qa")}})
	checkRows(t, g, []row{
		{"x", ir.OpInput, []int{10, 10, 2}, 0},
		{"qs_depthwise", ir.OpDepthwiseConv, []int{8, 8, 2}, 18},
		{"qs", ir.OpConv, []int{8, 8, 4}, 12},
		{"qs_quantized_relu", ir.OpQuant, []int{8, 8, 4}, 0},
		{"qd", ir.OpDepthwiseConv, []int{6, 6, 8}, 80},
		{"qdb", ir.OpDepthwiseConv, []int{4, 4, 8}, 72 + 32},
		{"qap", ir.OpPool, []int{2, 2, 8}, 0},
		{"qap_quantized_bits", ir.OpQuant, []int{2, 2, 8}, 0},
		{"qgp", ir.OpGlobalPool, []int{8}, 0},
		{"qdn", ir.OpDense, []int{3}, 24 + 3 + 12},
		{"qa", ir.OpActivation, []int{3}, 0},
	})
	for _, c := range []struct{ node, role string }{{"qs_depthwise", "kernel"}, {"qs", "kernel"}, {"qd", "kernel"}, {"qdb", "kernel"}, {"qdn", "kernel"}} {
		q := g.Nodes[g.Lookup(c.node)].Quantizer(c.role)
		if q == nil || !q.AlphaRewritten || !q.Symmetric {
			t.Errorf("%s %s = %+v, want the auto_po2 rewrite", c.node, c.role, q)
		}
	}
	for _, c := range []string{"qs", "qd", "qdn"} {
		if q := g.Nodes[g.Lookup(c)].Quantizer("bias"); q == nil || q.AlphaRewritten {
			t.Errorf("%s bias = %+v", c, q)
		}
	}
	if q := g.Nodes[g.Lookup("qs_depthwise")].Quantizer("bias"); q != nil {
		t.Errorf("depthwise half of a separable conv has a bias quantizer %v", q)
	}
	for _, n := range []string{"qap", "qgp"} {
		if q := g.Nodes[g.Lookup(n)].Quantizer("average"); q == nil || q.Bits != 8 {
			t.Errorf("%s average quantizer %+v", n, q)
		}
	}
	qdb := g.Nodes[g.Lookup("qdb")]
	if qdb.Weight("bias") != nil || qdb.Weight("gamma") == nil || qdb.Attrs.Epsilon != 0.001 || qdb.Class != "QDepthwiseConv2DBatchnorm" {
		t.Errorf("qdb = %+v", qdb)
	}
}

// TestUnresolvedInputs checks a reference to a missing layer is reported
// once, at the layer that makes it, not at every layer after it.
func TestUnresolvedInputs(t *testing.T) {
	layers := []any{
		kl("InputLayer", "x", map[string]any{"batch_input_shape": []any{nil, 3}}),
		kl("Dense", "d1", map[string]any{"units": 2}, "ghost"),
		kl("Dense", "d2", map[string]any{"units": 2}, "d1"),
	}
	text, _ := json.Marshal(map[string]any{"class_name": "Functional", "config": map[string]any{
		"name": "u", "layers": layers, "input_layers": ends("x"), "output_layers": ends("d2")}})
	_, err := build("u.json", text, nil)
	if err == nil || err.Error() != `u.json: layer "d1" (Dense): input layer "ghost" is not in the model` {
		t.Errorf("error = %v", err)
	}
}

// TestSharedLayer covers a layer called twice: two nodes with the same
// weights, the second named after its call.
func TestSharedLayer(t *testing.T) {
	shared := kl("Dense", "sh", map[string]any{"units": 2}, "a")
	shared["inbound_nodes"] = []any{
		[]any{[]any{"a", 0, 0, map[string]any{}}},
		[]any{[]any{"b", 0, 0, map[string]any{}}},
	}
	layers := []any{
		kl("InputLayer", "a", map[string]any{"batch_input_shape": []any{nil, 3}}),
		kl("InputLayer", "b", map[string]any{"batch_input_shape": []any{nil, 3}}),
		shared,
		map[string]any{"class_name": "Concatenate", "name": "cat", "config": map[string]any{"name": "cat"},
			"inbound_nodes": []any{[]any{[]any{"sh", 0, 0, map[string]any{}}, []any{"sh", 1, 0, map[string]any{}}}}},
	}
	g := buildConfig(t, map[string]any{"class_name": "Functional", "config": map[string]any{
		"name": "s", "layers": layers, "input_layers": ends("a", "b"), "output_layers": ends("cat")}})
	checkRows(t, g, []row{
		{"a", ir.OpInput, []int{3}, 0}, {"b", ir.OpInput, []int{3}, 0},
		{"sh", ir.OpDense, []int{2}, 8}, {"sh_call1", ir.OpDense, []int{2}, 8},
		{"cat", ir.OpConcat, []int{4}, 0},
	})
	if n := g.Nodes[3]; n.Inputs[0] != 1 {
		t.Errorf("second call reads %v", n.Inputs)
	}
}
