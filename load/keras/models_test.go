// This file implements tests of node lists, shapes and parameter counts of the example models.

package keras

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/nnhls/nnhls/ir"
)

const testdata = "../../testdata/keras/"

// row is one expected node: name, op, output shape and parameter count,
// worked out by hand from the model's JSON config (not from the loader).
type row struct {
	name   string
	op     ir.Op
	shape  []int
	params int
}

// checkRows compares a graph's nodes with the expected table.
func checkRows(t *testing.T, g *ir.Graph, want []row) {
	t.Helper()
	if len(g.Nodes) != len(want) {
		var names []string
		for _, n := range g.Nodes {
			names = append(names, n.Name)
		}
		t.Fatalf("%d nodes %v, want %d", len(g.Nodes), names, len(want))
	}
	for i, w := range want {
		n := g.Nodes[i]
		if n.Name != w.name || n.Op != w.op || !reflect.DeepEqual(n.Shape, w.shape) || n.NumParams() != w.params {
			t.Errorf("node %d = %s %v %v %d params, want %s %v %v %d", i, n.Name, n.Op, n.Shape, n.NumParams(), w.name, w.op, w.shape, w.params)
		}
	}
}

func load(t *testing.T, path string) *ir.Graph {
	t.Helper()
	g, err := Load(path)
	if err != nil {
		t.Fatalf("Load(%s): %v", path, err)
	}
	return g
}

// TestModels checks node lists, shapes and parameter counts. Each table
// follows from the config by hand: Dense in·out+out; Conv k·k·cin·cout+cout
// with valid size floor((n-k)/s)+1 and same size ceil(n/s); BN 4 per channel;
// QConv2DBatchnorm kernel+bias+4 per filter.
func TestModels(t *testing.T) {
	D, C, A, S, R, P, Q, BN := ir.OpDense, ir.OpConv, ir.OpActivation, ir.OpSoftmax, ir.OpReshape, ir.OpPool, ir.OpQuant, ir.OpBatchNorm
	in := ir.OpInput
	tests := []struct {
		file string
		rows []row
	}{
		{"KERAS_3layer.json", []row{
			{"input_1", in, []int{16}, 0},
			{"fc1_relu", D, []int{64}, 16*64 + 64}, {"fc1_relu_relu", A, []int{64}, 0},
			{"fc2_relu", D, []int{32}, 64*32 + 32}, {"fc2_relu_relu", A, []int{32}, 0},
			{"fc3_relu", D, []int{32}, 32*32 + 32}, {"fc3_relu_relu", A, []int{32}, 0},
			{"output_softmax", D, []int{5}, 32*5 + 5}, {"output_softmax_softmax", S, []int{5}, 0},
		}},
		// Conv1D 'same', k=4: length stays 10.
		{"KERAS_conv1d_small.json", []row{
			{"input_1", in, []int{10, 4}, 0},
			{"conv1_relu", C, []int{10, 3}, 4*4*3 + 3}, {"conv1_relu_relu", A, []int{10, 3}, 0},
			{"conv2_relu", C, []int{10, 2}, 4*3*2 + 2}, {"conv2_relu_relu", A, []int{10, 2}, 0},
			{"conv3_relu", C, []int{10, 1}, 4*2*1 + 1}, {"conv3_relu_relu", A, []int{10, 1}, 0},
			{"flatten_1", R, []int{10}, 0},
			{"fc1_relu", D, []int{5}, 10*5 + 5}, {"fc1_relu_relu", A, []int{5}, 0},
			{"output_softmax", D, []int{5}, 5*5 + 5}, {"output_softmax_softmax", S, []int{5}, 0},
		}},
		// Sequential without an InputLayer; Dropout vanishes.
		{"KERAS_conv2d_model.json", []row{
			{"conv2d_1_input", in, []int{8, 8, 1}, 0},
			{"conv2d_1", C, []int{8, 8, 2}, 9*1*2 + 2}, {"conv2d_1_relu", A, []int{8, 8, 2}, 0},
			{"flatten_1", R, []int{128}, 0},
			{"dense_1", D, []int{10}, 128*10 + 10}, {"dense_1_softmax", S, []int{10}, 0},
		}},
		// 3x3 stride 3 'same' on 25: ceil(25/3) = 9; 5x5 stride 2 'same' on 9: 5.
		{"jetTagger_Conv2D_Small.json", []row{
			{"input_1", in, []int{25, 25, 1}, 0},
			{"batch_normalization_1", BN, []int{25, 25, 1}, 4},
			{"cnn2D_1_relu", C, []int{9, 9, 5}, 9*1*5 + 5}, {"cnn2D_1_relu_relu", A, []int{9, 9, 5}, 0},
			{"batch_normalization_2", BN, []int{9, 9, 5}, 4 * 5},
			{"cnn2D_2_relu", C, []int{5, 5, 2}, 25*5*2 + 2}, {"cnn2D_2_relu_relu", A, []int{5, 5, 2}, 0},
			{"flatten_1", R, []int{50}, 0},
			{"dense_1_relu", D, []int{10}, 50*10 + 10}, {"dense_1_relu_relu", A, []int{10}, 0},
			{"output_softmax", D, []int{5}, 10*5 + 5}, {"output_softmax_softmax", S, []int{5}, 0},
		}},
		// 3x3 valid on 28: 26; pool 2: 13; 3x3 valid: 11; pool: 5.
		{"qkeras_mnist_cnn.json", []row{
			{"input_1", in, []int{28, 28, 1}, 0},
			{"q_conv2d", C, []int{26, 26, 16}, 9*16 + 16}, {"q_conv2d_relu", A, []int{26, 26, 16}, 0},
			{"q_activation", Q, []int{26, 26, 16}, 0},
			{"max_pooling2d", P, []int{13, 13, 16}, 0},
			{"q_conv2d_1", C, []int{11, 11, 16}, 9*16*16 + 16}, {"q_conv2d_1_relu", A, []int{11, 11, 16}, 0},
			{"q_activation_1", Q, []int{11, 11, 16}, 0},
			{"max_pooling2d_1", P, []int{5, 5, 16}, 0},
			{"flatten", R, []int{400}, 0},
			{"q_dense", D, []int{10}, 400*10 + 10},
			{"softmax", S, []int{10}, 0},
		}},
		// HGQ proxy model: quantizer parameters are not weights.
		{"hgq_mnist_heterogeneous.h5", []row{
			{"input_7", in, []int{28, 28}, 0},
			{"h_quantize_quantizer", Q, []int{28, 28}, 0},
			{"p_reshape", R, []int{28, 28, 1}, 0},
			{"h_conv2d", C, []int{26, 26, 4}, 9*4 + 4}, {"h_conv2d_quantizer", Q, []int{26, 26, 4}, 0},
			{"h_conv2d_relu", A, []int{26, 26, 4}, 0}, {"h_conv2d_relu_quantizer", Q, []int{26, 26, 4}, 0},
			{"p_max_pooling2d", P, []int{13, 13, 4}, 0},
			{"h_conv2d_1", C, []int{11, 11, 4}, 9*4*4 + 4}, {"h_conv2d_1_quantizer", Q, []int{11, 11, 4}, 0},
			{"h_conv2d_1_relu", A, []int{11, 11, 4}, 0}, {"h_conv2d_1_relu_quantizer", Q, []int{11, 11, 4}, 0},
			{"p_max_pooling2d_1", P, []int{5, 5, 4}, 0},
			{"p_flatten", R, []int{100}, 0},
			{"h_dense", D, []int{32}, 100*32 + 32}, {"h_dense_quantizer", Q, []int{32}, 0},
			{"h_dense_relu", A, []int{32}, 0}, {"h_dense_relu_quantizer", Q, []int{32}, 0},
			{"h_dense_1", D, []int{10}, 32*10 + 10}, {"h_dense_1_quantizer", Q, []int{10}, 0},
		}},
		{"qkeras/qconv2dbn_alpha_none/model.h5", []row{
			{"input_1", in, []int{8, 8, 1}, 0},
			{"fused_conv1", C, []int{6, 6, 4}, 9*1*4 + 4 + 4*4}, {"act1", Q, []int{6, 6, 4}, 0},
			{"fused_conv2", C, []int{6, 6, 4}, 9*4*4 + 4 + 4*4}, {"act2", Q, []int{6, 6, 4}, 0},
			{"flatten", R, []int{144}, 0},
			{"out", D, []int{3}, 144*3 + 3},
		}},
		// 10x10 valid 3x3: 8; 3x3 stride 2 'same': 4.
		{"qkeras/qconv_bn_qact_saturation/model.h5", []row{
			{"input_1", in, []int{10, 10, 2}, 0},
			{"conv1", C, []int{8, 8, 8}, 9*2*8 + 8}, {"bn1", BN, []int{8, 8, 8}, 32}, {"act1", Q, []int{8, 8, 8}, 0},
			{"conv2", C, []int{4, 4, 4}, 9*8*4 + 4}, {"bn2", BN, []int{4, 4, 4}, 16}, {"act2", Q, []int{4, 4, 4}, 0},
			{"flatten", R, []int{64}, 0},
			{"out", D, []int{3}, 64*3 + 3},
		}},
		// k=5 'same' keeps 32; pool 2: 16; k=3 stride 2 valid: floor(13/2)+1 = 7.
		{"qkeras/qconv1d/model.h5", []row{
			{"input_1", in, []int{32, 3}, 0},
			{"qconv1d", C, []int{32, 8}, 5*3*8 + 8}, {"q_activation", Q, []int{32, 8}, 0},
			{"max_pooling1d", P, []int{16, 8}, 0},
			{"qconv1d_1", C, []int{7, 8}, 3*8*8 + 8}, {"q_activation_1", Q, []int{7, 8}, 0},
			{"flatten", R, []int{56}, 0},
			{"q_dense", D, []int{5}, 56*5 + 5}, {"softmax", S, []int{5}, 0},
		}},
		// Keras 3 archive.
		{"qkeras-v3_3layer.keras", []row{
			{"fc1_input", in, []int{16}, 0},
			{"fc1", D, []int{64}, 16*64 + 64}, {"relu1", Q, []int{64}, 0},
			{"fc2", D, []int{32}, 64*32 + 32}, {"relu2", Q, []int{32}, 0},
			{"fc3", D, []int{32}, 32*32 + 32}, {"relu3", Q, []int{32}, 0},
			{"output", D, []int{5}, 32*5 + 5}, {"softmax", S, []int{5}, 0},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			g := load(t, testdata+tt.file)
			checkRows(t, g, tt.rows)
			if len(g.Inputs) != 1 || g.Inputs[0] != 0 || len(g.Outputs) != 1 || g.Outputs[0] != len(g.Nodes)-1 {
				t.Errorf("inputs %v outputs %v", g.Inputs, g.Outputs)
			}
		})
	}
}

// TestLayerLists checks that every layer of the qkeras reference models
// appears, in order and with its class, as listed in each model's own
// model.json (written when the model was built); Dropout-free models lose
// no layer, and split-off nodes carry the layer name as Origin.
func TestLayerLists(t *testing.T) {
	dirs, _ := filepath.Glob(testdata + "qkeras/*")
	if len(dirs) == 0 {
		t.Fatal("no qkeras test models")
	}
	for _, d := range dirs {
		var meta struct {
			Layers []struct {
				Name  string `json:"name"`
				Class string `json:"class_name"`
			} `json:"layers"`
		}
		raw, err := os.ReadFile(filepath.Join(d, "model.json"))
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(raw, &meta); err != nil {
			t.Fatal(err)
		}
		g := load(t, filepath.Join(d, "model.h5"))
		var got []string
		for _, n := range g.Nodes {
			if n.Origin == "" {
				got = append(got, n.Name+"/"+n.Class)
			} else if g.Lookup(n.Origin) < 0 {
				t.Errorf("%s: node %s has origin %q, not a node", d, n.Name, n.Origin)
			}
		}
		var want []string
		for _, l := range meta.Layers {
			if l.Class != "Dropout" {
				want = append(want, l.Name+"/"+l.Class)
			}
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: layers\n%v\nwant\n%v", d, got, want)
		}
	}
}

// sharedModels is the shared model collection, present on development
// machines; tests over it are skipped elsewhere.
const sharedModels = "../../../shared/models/"

// TestAllSharedModels loads every Keras-family file of the shared
// collection. GarNet layers (hls4ml contrib) are an explicit error naming
// the layer and its class.
func TestAllSharedModels(t *testing.T) {
	var files []string
	for _, pat := range []string{"example-models/keras/*.json", "example-models/keras/*.h5", "example-models/keras/*.keras", "qkeras/*/model.h5"} {
		m, _ := filepath.Glob(sharedModels + pat)
		files = append(files, m...)
	}
	if len(files) == 0 {
		t.Skip("shared models not present")
	}
	n := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_weights.h5") {
			continue
		}
		n++
		g, err := Load(f)
		base := filepath.Base(f)
		switch {
		case strings.HasPrefix(base, "garnet_1"):
			if err == nil || !strings.Contains(err.Error(), `layer "gar_1" (GarNet): unsupported layer class`) {
				t.Errorf("%s: %v", base, err)
			}
		case strings.HasPrefix(base, "garnet_3"):
			if err == nil || !strings.Contains(err.Error(), `(GarNetStack): unsupported layer class`) {
				t.Errorf("%s: %v", base, err)
			}
		case err != nil:
			t.Errorf("%s: %v", f, err)
		case g.NumParams() == 0:
			t.Errorf("%s: no parameters", f)
		}
	}
	// Weights-only files with a .json beside them load too.
	if _, err := Load(sharedModels + "example-models/keras/KERAS_3layer_weights.h5"); err != nil {
		t.Error(err)
	}
	if n < 30 {
		t.Errorf("only %d model files found", n)
	}
}
