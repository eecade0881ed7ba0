// This file implements what every nnhls layer needs: the pragma macro, raw
// access to fixed-point values, the compile-time tree sum, and the packet
// type and stream adapters of io_stream projects.

#ifndef NNHLS_COMMON_H
#define NNHLS_COMMON_H

#include "ap_fixed.h"
#include "ap_int.h"
#include "hls_stream.h"

// NNHLS_PRAGMA places an HLS pragma. g++ warns about every "#pragma HLS"
// under -Wall, so the pragmas only exist when the HLS tool synthesizes
// (__SYNTHESIS__) or runs its own C simulation (NNHLS_HLS_PRAGMAS).
#if defined(__SYNTHESIS__) || defined(NNHLS_HLS_PRAGMAS)
#define NNHLS_PRAGMA(...) _Pragma(#__VA_ARGS__)
#else
#define NNHLS_PRAGMA(...)
#endif

namespace nnhls {

// Strategies of Dense and Conv layers.
enum strategy { latency = 0, resource = 1 };

// raw_of returns the two's-complement raw value of x, a W-bit type whose
// signedness is S: value = raw * 2^-F. Comparisons and table indices work
// on raw values, as the Go emulator does.
template <int W, bool S, class T>
inline long long raw_of(const T& x) {
  unsigned long long u = x.range(W - 1, 0).to_uint64();
  if (S && W < 64 && ((u >> (W - 1)) & 1ULL)) u |= ~0ULL << W;
  return (long long)u;
}

// set_raw stores raw value r into the W-bit x (the low W bits of r).
template <int W, class T>
inline void set_raw(T& x, long long r) {
  x.range(W - 1, 0) = ap_uint<W>((unsigned long long)r);
}

// from_raw returns the value of the W-bit type T whose raw value is r.
// Weights and tables are stored as raw integers (constant data, exactly the
// Go emulator's raw values) and become T where they are used.
template <class T, int W, class R>
inline T from_raw(R r) {
  T x;
  set_raw<W>(x, (long long)r);
  return x;
}

// shl returns v * 2^s (a left shift without the undefined behaviour of
// shifting a negative value).
inline long long shl(long long v, int s) { return v * (1LL << s); }

// cast_raw converts the raw value r with F fractional bits into T (T's
// rounding and overflow) and returns T's raw value.
template <class T, int TW, bool TS, int F>
inline long long cast_raw(long long r) {
  ap_fixed<64, 64 - F> v;
  set_raw<64>(v, r);
  const T t = v;
  return raw_of<TW, TS>(t);
}

// from_raw_at returns the value raw * 2^-F converted to T.
template <class T, int F>
inline T from_raw_at(long long r) {
  ap_fixed<64, 64 - F> v;
  set_raw<64>(v, r);
  return T(v);
}

// top_bits returns the top N bits of the W-bit pattern of x as an index.
template <int W, int N, class T>
inline unsigned top_bits(const T& x) {
  return (unsigned)(x.range(W - 1, W - N).to_uint64());
}

// floor_log2<N> is 0 for N < 2, else 1 + floor_log2<N / 2>.
template <int N>
struct floor_log2 {
  static const int value = 1 + floor_log2<N / 2>::value;
};
template <>
struct floor_log2<1> {
  static const int value = 0;
};
template <>
struct floor_log2<0> {
  static const int value = 0;
};

// tree_sum adds N values of T as a balanced tree whose left part holds
// 2^floor(log2(N-1)) values, converting every partial sum to T.
template <class T, int N>
struct tree_sum {
  static T run(const T* v) {
    const int L = 1 << floor_log2<N - 1>::value;
    return T(tree_sum<T, L>::run(v) + tree_sum<T, N - L>::run(v + L));
  }
};
template <class T>
struct tree_sum<T, 1> {
  static T run(const T* v) { return v[0]; }
};

// packet is one io_stream transfer: the N channels of one position.
template <class T, unsigned N>
struct packet {
  typedef T value_type;
  static const unsigned size = N;
  T data[N];
  T& operator[](unsigned i) { return data[i]; }
  const T& operator[](unsigned i) const { return data[i]; }
};

// read_stream fills x (P positions of C channels) from P packets of in.
template <class T, unsigned C, unsigned P>
void read_stream(hls::stream<packet<T, C> >& in, T x[P * C]) {
  for (unsigned p = 0; p < P; p++) {
    NNHLS_PRAGMA(HLS PIPELINE)
    packet<T, C> v = in.read();
    for (unsigned c = 0; c < C; c++) {
      NNHLS_PRAGMA(HLS UNROLL)
      x[p * C + c] = v[c];
    }
  }
}

// write_stream writes x (P positions of C channels) as P packets to out.
template <class T, unsigned C, unsigned P>
void write_stream(const T x[P * C], hls::stream<packet<T, C> >& out) {
  for (unsigned p = 0; p < P; p++) {
    NNHLS_PRAGMA(HLS PIPELINE)
    packet<T, C> v;
    for (unsigned c = 0; c < C; c++) {
      NNHLS_PRAGMA(HLS UNROLL)
      v[c] = x[p * C + c];
    }
    out.write(v);
  }
}

// clone_stream copies every packet of in to out1 and out2, for a tensor
// that two layers read.
template <class P, unsigned N>
void clone_stream(hls::stream<P>& in, hls::stream<P>& out1, hls::stream<P>& out2) {
  for (unsigned i = 0; i < N; i++) {
    NNHLS_PRAGMA(HLS PIPELINE)
    P v = in.read();
    out1.write(v);
    out2.write(v);
  }
}

}  // namespace nnhls

#endif  // NNHLS_COMMON_H
