// This file implements tests of the QKeras and HGQ quantizers the loader records, against reference parameters.

package keras

import (
	"archive/zip"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/nnhls/nnhls/load/h5"
	"github.com/nnhls/nnhls/quant"
)

// readNPZ reads the little-endian float64 C-order arrays of an .npz file
// (all the reference files hold), keyed without ".npy".
func readNPZ(t *testing.T, path string) map[string][]float64 {
	t.Helper()
	z, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer z.Close()
	out := map[string][]float64{}
	for _, f := range z.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		// Magic (6), version (2), header length (2, v1), header.
		if len(data) < 10 || string(data[1:6]) != "NUMPY" || data[6] != 1 {
			t.Fatalf("%s: %s is not an npy v1 array", path, f.Name)
		}
		hl := int(binary.LittleEndian.Uint16(data[8:10]))
		header := string(data[10 : 10+hl])
		if !strings.Contains(header, "'<f8'") || !strings.Contains(header, "'fortran_order': False") {
			t.Fatalf("%s: %s: unexpected header %s", path, f.Name, header)
		}
		body := data[10+hl:]
		vals := make([]float64, len(body)/8)
		for i := range vals {
			vals[i] = math.Float64frombits(binary.LittleEndian.Uint64(body[8*i:]))
		}
		out[strings.TrimSuffix(f.Name, ".npy")] = vals
	}
	return out
}

// TestEffectiveParams applies each loaded quantizer (through quant) to the
// loaded weight and compares with the reference's effective parameters,
// the values QKeras itself uses: this checks the weights, the quantizer
// parameters and the alpha=None rewrite together. Models whose kernels
// QKeras folds with BatchNorm first (qconv2dbn_*) are left to the folding
// pass.
func TestEffectiveParams(t *testing.T) {
	roles := map[string]string{"kernel": "kernel", "bias": "bias", "gamma": "gamma", "beta": "beta", "mean": "moving_mean", "variance": "moving_variance"}
	for _, m := range []string{"binary_dense", "jet_mlp_q6", "po2_dense", "qbn_po2_mixed", "qconv1d", "qconv_bn_qact_saturation"} {
		dir := filepath.Join(testdata, "qkeras", m)
		g := load(t, filepath.Join(dir, "model.h5"))
		ref := readNPZ(t, filepath.Join(dir, "effective_params.npz"))
		if len(ref) == 0 {
			t.Fatalf("%s: empty reference", m)
		}
		for key, want := range ref {
			layer, qrole, _ := strings.Cut(key, "/")
			i := g.Lookup(layer)
			if i < 0 {
				t.Errorf("%s: no layer %s", m, layer)
				continue
			}
			n := g.Nodes[i]
			w, q := n.Weight(roles[qrole]), n.Quantizer(qrole)
			if w == nil || q == nil {
				t.Errorf("%s %s: weight %v quantizer %v", m, key, w, q)
				continue
			}
			got, _, err := q.Apply(w.Data, w.Shape)
			if err != nil {
				t.Errorf("%s %s: %v", m, key, err)
				continue
			}
			for j := range want {
				if got[j] != want[j] {
					t.Errorf("%s %s [%d]: %s gives %v, QKeras uses %v", m, key, j, q, got[j], want[j])
					break
				}
			}
		}
	}
}

// TestAlphaNoneRewrite checks the QKeras trap: a kernel quantized_bits or
// binary with alpha=None is recorded as QKeras runs it (auto_po2,
// symmetric), while bias quantizers keep alpha=None.
func TestAlphaNoneRewrite(t *testing.T) {
	g := load(t, testdata+"qkeras/qconv2dbn_alpha_none/model.h5")
	for _, name := range []string{"fused_conv1", "fused_conv2"} {
		n := g.Nodes[g.Lookup(name)]
		k, b := n.Quantizer("kernel"), n.Quantizer("bias")
		if k == nil || k.Kind != quant.QuantizedBits || k.Alpha != quant.AlphaAutoPo2 || !k.Symmetric || !k.AlphaRewritten || k.Bits != 16 || k.Integer != 6 {
			t.Errorf("%s kernel = %+v", name, k)
		}
		if b == nil || b.Alpha != quant.AlphaNone || b.AlphaRewritten {
			t.Errorf("%s bias = %+v", name, b)
		}
		// The folded BatchNorm travels with the conv node.
		for _, r := range []string{"gamma", "beta", "moving_mean", "moving_variance"} {
			if w := n.Weight(r); w == nil || len(w.Data) != 4 {
				t.Errorf("%s %s = %v", name, r, w)
			}
		}
		if n.Attrs.Epsilon != 0.001 || n.Class != "QConv2DBatchnorm" {
			t.Errorf("%s epsilon %v class %s", name, n.Attrs.Epsilon, n.Class)
		}
	}
	g = load(t, testdata+"qkeras/qconv2dbn_alpha1/model.h5")
	if k := g.Nodes[g.Lookup("fused_conv1")].Quantizer("kernel"); k.Alpha != quant.AlphaNumber || k.AlphaValue != 1 || k.AlphaRewritten {
		t.Errorf("alpha1 kernel = %+v", k)
	}
	g = load(t, testdata+"qkeras/binary_dense/model.h5")
	if k := g.Nodes[g.Lookup("b2")].Quantizer("kernel"); k.Kind != quant.Binary || k.Alpha != quant.AlphaAutoPo2 || !k.AlphaRewritten {
		t.Errorf("b2 kernel = %+v", k)
	}
	if q := g.Nodes[g.Lookup("act1")].Quantizer("activation"); q == nil || q.Kind != quant.BinaryTanh {
		t.Errorf("act1 = %+v", q)
	}
	// QBatchNormalization keeps its four quantizers.
	g = load(t, testdata+"qkeras/qbn_po2_mixed/model.h5")
	n := g.Nodes[g.Lookup("qbn1")]
	if got := fmt.Sprint(n.QuantizerRoles()); got != "[beta gamma mean variance]" {
		t.Errorf("qbn1 quantizers %s", got)
	}
	if v := n.Quantizer("variance"); v.Kind != quant.QuantizedReluPo2 || !v.QuadraticApproximation || v.Bits != 6 {
		t.Errorf("qbn1 variance = %+v", v)
	}
}

// TestHGQQuantizers cross-checks each FixedPointQuantizer against the
// hls4ml type HGQ wrote into the same layer's config ("overrides",
// result_t = fixed<W,I> or ufixed<W,I>): the widest element must have
// I = max(k+i) integer bits and W-I = max(f) fractional bits, and the type
// is signed exactly when some element keeps negatives.
func TestHGQQuantizers(t *testing.T) {
	re := regexp.MustCompile(`^(u?)fixed<(-?\d+),(-?\d+)`)
	for _, file := range []string{"hgq_jet_classifier.h5", "hgq_mnist_heterogeneous.h5"} {
		g := load(t, testdata+file)
		cfgs := hgqOverrides(t, testdata+file)
		n := 0
		for _, node := range g.Nodes {
			if node.Class != "FixedPointQuantizer" {
				continue
			}
			n++
			q := node.Quantizer("activation")
			m := re.FindStringSubmatch(cfgs[node.Name])
			if q == nil || q.Kind != quant.FixedPoint || m == nil {
				t.Errorf("%s %s: %+v, result_t %q", file, node.Name, q, cfgs[node.Name])
				continue
			}
			w, _ := strconv.Atoi(m[2])
			iAP, _ := strconv.Atoi(m[3])
			maxKI, maxF, maxK := math.Inf(-1), math.Inf(-1), 0.0
			for j := range q.K {
				maxKI = math.Max(maxKI, q.K[j]+q.I[j])
				maxF = math.Max(maxF, q.F[j])
				maxK = math.Max(maxK, q.K[j])
			}
			if int(maxKI) != iAP || int(maxF) != w-iAP || (maxK == 1) != (m[1] == "") {
				t.Errorf("%s %s: max k+i %v, max f %v, k %v; result_t %s", file, node.Name, maxKI, maxF, maxK, cfgs[node.Name])
			}
			if q.Rounding == "" || q.Overflow == "" {
				t.Errorf("%s %s: modes %q %q", file, node.Name, q.Rounding, q.Overflow)
			}
		}
		if n < 5 {
			t.Errorf("%s: %d quantizers", file, n)
		}
	}
	// Elements broadcast from [1, 1, 28] over a [28, 28] input.
	g := load(t, testdata+"hgq_mnist_heterogeneous.h5")
	q := g.Nodes[g.Lookup("h_quantize_quantizer")].Quantizer("activation")
	if len(q.K) != 28*28 || q.K[5] != q.K[28+5] || q.F[5] != q.F[27*28+5] {
		t.Errorf("broadcast input quantizer: %d elements", len(q.K))
	}
}

// hgqOverrides reads each FixedPointQuantizer's own result_t from the
// model_config, with a plain JSON decode (no loader code).
func hgqOverrides(t *testing.T, path string) map[string]string {
	t.Helper()
	f, err := h5.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	text, err := f.Root().AttrString("model_config")
	if err != nil {
		t.Fatal(err)
	}
	var top struct {
		Config struct {
			Layers []struct {
				Class  string `json:"class_name"`
				Config struct {
					Name      string `json:"name"`
					Overrides struct {
						Layers map[string]map[string]any `json:"layers"`
					} `json:"overrides"`
				} `json:"config"`
			} `json:"layers"`
		} `json:"config"`
	}
	if err := json.Unmarshal([]byte(text), &top); err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, l := range top.Config.Layers {
		if l.Class == "FixedPointQuantizer" {
			s, _ := l.Config.Overrides.Layers[l.Config.Name]["result_t"].(string)
			out[l.Config.Name] = s
		}
	}
	return out
}
