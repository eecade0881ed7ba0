// This file implements a hand-checked test of the parts of nnhls's ap_fixed /
// ap_int / hls::stream headers that the golden vectors do not cover:
// division by an integer, comparisons, unary minus, increments, compound
// assignment with integers, to_int, implicit integer conversion, bit and
// range access, printing, float conversion and streams. Every expected value
// was worked out by hand (see the comments). It prints each failure and
// exits non-zero if any check fails.

#include <cmath>
#include <cstdio>
#include <sstream>
#include <string>
#include <type_traits>

#include "ap_fixed.h"
#include "ap_int.h"
#include "hls_stream.h"

static int failures = 0;
static int checks = 0;

// CHECK is variadic because template arguments contain commas.
#define CHECK(...)                                                \
  do {                                                            \
    ++checks;                                                     \
    if (!(__VA_ARGS__)) {                                         \
      ++failures;                                                 \
      std::printf("FAIL line %d: %s\n", __LINE__, #__VA_ARGS__); \
    }                                                             \
  } while (0)

template <class T>
static std::string str(const T& x) {
  std::ostringstream os;
  os << x;
  return os.str();
}

static void division() {
  ap_fixed<16, 6> x = -3.75;  // raw -3840 (F = 10)
  auto q = x / 3;             // raw -1280 = -1.25; a signed int divisor adds a bit
  CHECK((std::is_same<decltype(q), ap_fixed<17, 7> >::value));
  CHECK(q.to_double() == -1.25);
  CHECK((x / -2).to_double() == 1.875);
  ap_ufixed<8, 4> u = 7.5;  // raw 120 (F = 4)
  auto qu = u / 7u;         // 120 / 7 = 17 (truncated) = 1.0625; unsigned stays unsigned
  CHECK((std::is_same<decltype(qu), ap_ufixed<8, 4> >::value));
  CHECK(qu.to_double() == 1.0625);
  CHECK((u / 4).to_double() == 1.875);  // raw 30
  CHECK((u / 0).to_double() == 0);      // defined as 0
  ap_fixed<16, 6> pooled = 0;
  pooled += ap_fixed<16, 6>(2.5);
  pooled += ap_fixed<16, 6>(-0.5);
  pooled /= 4;  // 2 / 4 = 0.5
  CHECK(pooled.to_double() == 0.5);
}

static void comparisons() {
  ap_fixed<8, 3> a = 1.25;
  ap_ufixed<4, 4> b = 1;
  CHECK(a > b);
  CHECK(a >= 1);
  CHECK(2 > a);
  CHECK(a == 1.25);
  CHECK(a != 1.0);
  CHECK(a < 1.3);
  CHECK(!(a <= b));
  CHECK((ap_fixed<4, 2>(-2) < ap_ufixed<2, 2>(0)));
  ap_fixed<100, 50> tiny = std::ldexp(1.0, -49);  // the LSB is 2^-50
  CHECK(tiny > 0);
  CHECK(tiny < ap_fixed<100, 50>(std::ldexp(1.0, -48)));
  CHECK((ap_ufixed<70, 70>(0) - ap_ufixed<70, 70>(1)) < 0);  // a-b is signed
}

static void unary_and_increments() {
  ap_fixed<4, 2> m = -2;
  auto n = -m;  // exact: one more bit
  CHECK((std::is_same<decltype(n), ap_fixed<5, 3> >::value));
  CHECK(n.to_double() == 2.0);
  ap_int<4> i = 7;
  ++i;  // wraps to -8
  CHECK(i == -8);
  ap_fixed<4, 2, AP_TRN, AP_SAT> s = 1.5;
  s++;  // 2.5 saturates to 1.75
  CHECK(s.to_double() == 1.75);
  --s;
  CHECK(s.to_double() == 0.75);
  ap_fixed<8, 4> c = 1.5;
  c += 2;  // 3.5
  CHECK(c.to_double() == 3.5);
  c *= 3;  // 10.5 wraps in [-8, 8) to -5.5
  CHECK(c.to_double() == -5.5);
  c -= 1;
  CHECK(c.to_double() == -6.5);
  auto sum = ap_int<8>(5) + 3;  // int is ap_int<32>: 33 bits
  CHECK((std::is_same<decltype(sum), ap_int<33> >::value));
  CHECK(sum == 8);
}

static void integer_conversions() {
  CHECK(ap_fixed<8, 4>(-2.5).to_int() == -2);  // toward zero
  CHECK(ap_fixed<8, 4>(2.5).to_int() == 2);
  CHECK(ap_fixed<12, 0>(-0.5).to_int() == -1);  // library quirk for I = 0
  CHECK(ap_ufixed<8, 8>(200).to_int() == 200);
  CHECK(ap_fixed<100, 90>(-3.5).to_int64() == -3);
  ap_uint<4> k = 9;
  int table[16] = {0};
  table[k] = 5;  // ap_uint converts implicitly for indexing
  int n = k;
  CHECK(n == 9 && table[9] == 5);
  ap_int<8> t = -2.7;  // a double into an integer type truncates toward zero
  CHECK(t == -2);
  ap_uint<64> all = 0xffffffffffffffffULL;
  CHECK(all.to_uint64() == 0xffffffffffffffffULL);
  ap_fixed<8, 8> wrapped = 0xffffffffffffffffULL;  // 2^64-1 mod 256 = 255 = -1
  CHECK(wrapped == -1);
  ap_ufixed<8, 4, AP_RND_CONV> tie = 0.09375f;  // 1.5 LSB, a tie, to even: 2 LSB
  CHECK(tie.to_double() == 0.125);
  ap_fixed<8, 3> f = 1.25;
  CHECK((double)f == 1.25 && (float)f == 1.25f && static_cast<bool>(f));
}

static void bits_and_shifts() {
  ap_uint<8> v = 0;
  v[3] = 1;
  CHECK(v == 8);
  v[7] = true;
  CHECK(v == 136);
  const bool top = v[7];
  CHECK(top);
  ap_int<8> sv = 0;
  sv[7] = 1;  // the sign bit
  CHECK(sv == -128);
  ap_uint<16> p = 0;
  p.range(11, 4) = 0xab;
  CHECK(p == 0xab0);
  ap_uint<4> q = p.range(7, 4);
  CHECK(q == 0xb);  // bits 7..4 of 0xab0
  ap_fixed<8, 4> fr;
  fr.range(7, 0) = 0x18;  // raw 24 = 1.5
  CHECK(fr.to_double() == 1.5);
  CHECK(fr.range(7, 0) == 0x18u);
  ap_fixed<8, 4> h = 1.5;  // raw 0x18
  CHECK((h << 1).to_double() == 3.0);
  CHECK((h >> 2).to_double() == 0.375);
  CHECK((h << 4).to_double() == -8.0);  // raw 0x180 keeps 0x80
  CHECK((h << ap_uint<3>(1)).to_double() == 3.0);
  ap_uint<8> g = 0x81;
  CHECK((g >> 1) == 0x40);  // logical
  ap_int<8> g2 = -128;
  CHECK((g2 >> 1) == -64);  // arithmetic
  h <<= 1;
  CHECK(h.to_double() == 3.0);
  h >>= 2u;
  CHECK(h.to_double() == 0.75);
  CHECK((g >> 1u) == 0x40 && (g2 << std::size_t(1)) == 0);  // -128 << 1 keeps 0
  CHECK((g2 >> 100) == -1 && (g << -1) == 0x40);            // counts beyond W, negative counts
}

static void printing_and_floats() {
  CHECK(str(ap_fixed<16, 6>(1.5)) == "1.5");
  CHECK(str(ap_int<8>(-5)) == "-5");
  CHECK(str(ap_uint<64>(0xffffffffffffffffULL)) == "18446744073709551615");
  ap_uint<128> big = 1;
  big <<= 100;
  CHECK(str(big) == "1267650600228229401496703205376");  // 2^100
  ap_int<130> neg = ap_int<130>(0) - big;
  CHECK(str(neg) == "-1267650600228229401496703205376");
  // 1 + 2^-24 + 2^-27 is above the float tie at 1 + 2^-24: rounds up.
  ap_fixed<30, 2> fl = 1.0 + std::ldexp(1.0, -24) + std::ldexp(1.0, -27);
  CHECK((float)fl == 1.0f + std::ldexp(1.0f, -23));
  // 1 + 2^-53 is an exact double tie: to even, 1.0. Adding 2^-70 breaks it.
  ap_fixed<80, 2> above = 1;  // F = 78
  above += ap_fixed<80, 2>(std::ldexp(1.0, -53));
  CHECK(above.to_double() == 1.0);  // exact tie, even
  above += ap_fixed<80, 2>(std::ldexp(1.0, -70));
  CHECK(above.to_double() == 1.0 + std::ldexp(1.0, -52));
  // Wide types: 1024 bits, products of 2048 and 3072 bits.
  ap_fixed<1024, 512> wide = -1.5;
  auto sq = wide * wide;
  CHECK((std::is_same<decltype(sq), ap_fixed<2048, 1024> >::value));
  CHECK(sq.to_double() == 2.25);
  ap_fixed<8, 4, AP_RND, AP_SAT> back = sq * wide;  // -3.375 = -54/16, exact
  CHECK(back.to_double() == -3.375);
  ap_fixed<1024, 512> huge = 1e150;  // an integer below 2^511: exact
  CHECK(huge.to_double() == 1e150 && huge > wide);
  ap_fixed<8, 4, AP_RND, AP_SAT> clipped = huge;
  CHECK(clipped.to_double() == 7.9375);
  CHECK(ap_fixed<8, 3>(1.25).to_raw_hex() == "28");
  CHECK(ap_fixed<8, 3>(-1.25).to_raw_hex() == "d8");
}

static void streams() {
  hls::stream<ap_fixed<16, 6> > s("s");
  CHECK(s.empty());
  s.write(1.5);
  s << ap_fixed<16, 6>(-2);
  s.write(0.25);
  CHECK(s.size() == 3 && !s.full());
  CHECK(s.read().to_double() == 1.5);
  ap_fixed<16, 6> x;
  s >> x;
  CHECK(x.to_double() == -2);
  s.read(x);
  CHECK(x.to_double() == 0.25);
  CHECK(!s.read_nb(x) && s.empty());
  hls::stream<int, 4> deep;
  deep.write(3);
  CHECK(deep.read() == 3);
}

int main() {
  division();
  comparisons();
  unary_and_increments();
  integer_conversions();
  bits_and_shifts();
  printing_and_floats();
  streams();
  std::printf("SMOKE %d %d\n", checks, failures);
  return failures == 0 ? 0 : 1;
}
