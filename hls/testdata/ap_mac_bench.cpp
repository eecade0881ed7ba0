// This file implements the C++ side of BenchmarkCppMAC: n steps of the
// dense-layer inner loop acc += w[i] * x[i] with the hls4ml default data type
// ap_fixed<16,6>, into a wrapping (AP_TRN, AP_WRAP) or a saturating
// (AP_RND_CONV, AP_SAT) accumulator, timed with a steady clock. It prints the
// nanoseconds per step and a checksum that keeps the loop from being
// optimized away.

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "ap_fixed.h"

typedef ap_fixed<16, 6> data_t;
typedef ap_fixed<16, 6, AP_RND_CONV, AP_SAT> sat_t;

template <class acc_t>
static double run(long long n, double* checksum) {
  data_t x[64], w[64];
  for (int i = 0; i < 64; i++) {
    x[i] = (i * 37 % 64 - 32) / 8.0;
    w[i] = (i * 11 % 64 - 32) / 64.0;
  }
  acc_t acc = 0;
  const auto t0 = std::chrono::steady_clock::now();
  for (long long k = 0; k < n; k++) acc += w[k & 63] * x[(k >> 6) & 63];
  const auto t1 = std::chrono::steady_clock::now();
  *checksum = acc.to_double();
  return std::chrono::duration<double, std::nano>(t1 - t0).count() / double(n);
}

int main(int argc, char** argv) {
  const long long n = argc > 1 ? std::atoll(argv[1]) : 100000000LL;
  const bool sat = argc > 2 && std::strcmp(argv[2], "sat") == 0;
  double sum = 0;
  const double ns = sat ? run<sat_t>(n, &sum) : run<data_t>(n, &sum);
  std::printf("%.4f %g\n", ns, sum);
  return 0;
}
