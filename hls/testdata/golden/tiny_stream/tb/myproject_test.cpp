// This file implements the testbench of myproject: it runs the top function
// on tb_data/tb_input_features.dat and compares every output, exactly, with
// tb_data/tb_output_predictions.dat (nnhls's emulator), exiting 1 on a
// mismatch. "myproject_test --predict IN OUT" instead writes the outputs for
// the samples of IN (one sample a line), which is what nnhls csim runs.

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "myproject.h"

static const unsigned n_in = 4;
static const unsigned n_out = 3;

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
  hls::stream<layer0_pack_t> in0("in0");
  for (unsigned p = 0; p < 1; p++) {
    layer0_pack_t v;
    for (unsigned c = 0; c < 4; c++) v[c] = layer0_t(x[0 + p * 4 + c]);
    in0.write(v);
  }
  hls::stream<layer3_pack_t> out0("out0");
  myproject(in0, out0);
  for (unsigned p = 0; p < 1; p++) {
    const layer3_pack_t v = out0.read();
    for (unsigned c = 0; c < 3; c++) y.push_back(v[c].to_double());
  }
}

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
