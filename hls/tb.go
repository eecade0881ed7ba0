// This file implements the testbench: tb/<project>_test.cpp, which runs
// the top function on tb_data/tb_input_features.dat and compares every
// output exactly with tb_data/tb_output_predictions.dat (the emulator's),
// or, with --predict IN OUT, writes the outputs for the samples of IN (what
// nnhls csim runs); and the tb_data files themselves.

package hls

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/nnhls/nnhls/ir"
)

func (ge *gen) writeTestbench() error {
	g := ge.g
	var run strings.Builder
	off := 0
	for k, in := range g.Inputs {
		n := ir.NumElements(g.Nodes[in].Shape)
		t := tensorType(in)
		if ge.stream {
			ch, p := packing(g.Nodes[in].Shape)
			fmt.Fprintf(&run, "  hls::stream<layer%d_pack_t> in%d(\"in%d\");\n", in, k, k)
			fmt.Fprintf(&run, "  for (unsigned p = 0; p < %d; p++) {\n    layer%d_pack_t v;\n", p, in)
			fmt.Fprintf(&run, "    for (unsigned c = 0; c < %d; c++) v[c] = %s(x[%d + p * %d + c]);\n    in%d.write(v);\n  }\n", ch, t, off, ch, k)
		} else {
			fmt.Fprintf(&run, "  %s in%d[%d];\n  for (unsigned i = 0; i < %d; i++) in%d[i] = %s(x[%d + i]);\n", t, k, n, n, k, t, off)
		}
		off += n
	}
	var args []string
	for k := range g.Inputs {
		args = append(args, fmt.Sprintf("in%d", k))
	}
	for k, o := range g.Outputs {
		n := ir.NumElements(g.Nodes[o].Shape)
		if ge.stream {
			fmt.Fprintf(&run, "  hls::stream<layer%d_pack_t> out%d(\"out%d\");\n", o, k, k)
		} else {
			fmt.Fprintf(&run, "  %s out%d[%d];\n", tensorType(o), k, n)
		}
		args = append(args, fmt.Sprintf("out%d", k))
	}
	fmt.Fprintf(&run, "  %s(%s);\n", ge.name, strings.Join(args, ", "))
	for k, o := range g.Outputs {
		if ge.stream {
			ch, p := packing(g.Nodes[o].Shape)
			fmt.Fprintf(&run, "  for (unsigned p = 0; p < %d; p++) {\n    const layer%d_pack_t v = out%d.read();\n", p, o, k)
			fmt.Fprintf(&run, "    for (unsigned c = 0; c < %d; c++) y.push_back(v[c].to_double());\n  }\n", ch)
		} else {
			fmt.Fprintf(&run, "  for (unsigned i = 0; i < %d; i++) y.push_back(out%d[i].to_double());\n", ir.NumElements(g.Nodes[o].Shape), k)
		}
	}
	nOut := 0
	for _, t := range ge.outputs {
		nOut += t.Size()
	}
	src := strings.NewReplacer(
		"@PROJECT@", ge.name,
		"@N_IN@", strconv.Itoa(off),
		"@N_OUT@", strconv.Itoa(nOut),
		"@RUN@", run.String(),
	).Replace(testbenchTemplate)
	ge.files["tb/"+ge.name+"_test.cpp"] = []byte(src)
	return nil
}

// testbenchTemplate is the testbench; @NAME@ markers are filled by
// writeTestbench. Values are read with strtod and printed with 17
// significant digits, so every double survives the text files exactly.
const testbenchTemplate = `// This file implements the testbench of @PROJECT@: it runs the top function
// on tb_data/tb_input_features.dat and compares every output, exactly, with
// tb_data/tb_output_predictions.dat (nnhls's emulator), exiting 1 on a
// mismatch. "@PROJECT@_test --predict IN OUT" instead writes the outputs for
// the samples of IN (one sample a line), which is what nnhls csim runs.

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "@PROJECT@.h"

static const unsigned n_in = @N_IN@;
static const unsigned n_out = @N_OUT@;

// read_sample reads the next non-empty line of f as doubles.
static bool read_sample(std::istream& f, std::vector<double>& v) {
  std::string line;
  while (std::getline(f, line)) {
    v.clear();
    const char* p = line.c_str();
    char* end = 0;
    for (;;) {
      const double d = std::strtod(p, &end);
      if (end == p) break;
      v.push_back(d);
      p = end;
    }
    if (!v.empty()) return true;
  }
  return false;
}

// run computes one sample.
static void run(const std::vector<double>& x, std::vector<double>& y) {
  y.clear();
@RUN@}

static void print_sample(std::FILE* f, const std::vector<double>& y) {
  for (unsigned i = 0; i < y.size(); i++) std::fprintf(f, i ? " %.17g" : "%.17g", y[i]);
  std::fprintf(f, "\n");
}

static int predict(const char* in_path, const char* out_path) {
  std::ifstream in(in_path);
  if (!in) {
    std::fprintf(stderr, "cannot open %s\n", in_path);
    return 2;
  }
  std::FILE* out = std::fopen(out_path, "w");
  if (!out) {
    std::fprintf(stderr, "cannot create %s\n", out_path);
    return 2;
  }
  std::vector<double> x, y;
  unsigned s = 0;
  while (read_sample(in, x)) {
    if (x.size() != n_in) {
      std::fprintf(stderr, "%s: sample %u has %u values, the model takes %u\n", in_path, s, (unsigned)x.size(), n_in);
      std::fclose(out);
      return 2;
    }
    run(x, y);
    print_sample(out, y);
    s++;
  }
  return std::fclose(out) == 0 ? 0 : 2;
}

int main(int argc, char** argv) {
  if (argc == 4 && std::strcmp(argv[1], "--predict") == 0) return predict(argv[2], argv[3]);
  std::ifstream fin("tb_data/tb_input_features.dat"), fpr("tb_data/tb_output_predictions.dat");
  if (!fin || !fpr) {
    std::fprintf(stderr, "run from the project directory: tb_data/ not found\n");
    return 2;
  }
  std::FILE* log = std::fopen("tb_data/csim_results.log", "w");
  std::vector<double> x, want, y;
  unsigned s = 0, bad = 0;
  while (read_sample(fin, x) && read_sample(fpr, want)) {
    if (x.size() != n_in || want.size() != n_out) {
      std::fprintf(stderr, "sample %u: %u inputs and %u outputs, the model has %u and %u\n", s,
                   (unsigned)x.size(), (unsigned)want.size(), n_in, n_out);
      return 2;
    }
    run(x, y);
    if (log) print_sample(log, y);
    for (unsigned i = 0; i < n_out; i++) {
      if (y[i] != want[i]) {
        if (bad < 10) std::fprintf(stderr, "sample %u output %u: got %.17g, want %.17g\n", s, i, y[i], want[i]);
        bad++;
      }
    }
    s++;
  }
  if (log) std::fclose(log);
  std::printf("%u samples, %u mismatching outputs\n", s, bad);
  return bad ? 1 : 0;
}
`

// formatSamples writes samples one a line, every value as the shortest
// decimal that reads back as the same double.
func formatSamples(samples [][]float64) []byte {
	var b []byte
	for _, s := range samples {
		for i, v := range s {
			if i > 0 {
				b = append(b, ' ')
			}
			b = strconv.AppendFloat(b, v, 'g', -1, 64)
		}
		b = append(b, '\n')
	}
	return b
}

func (ge *gen) writeTBData() error {
	ge.files["tb_data/tb_input_features.dat"] = formatSamples(ge.opt.TBInputs)
	ge.files["tb_data/tb_output_predictions.dat"] = formatSamples(ge.opt.TBOutputs)
	return nil
}
