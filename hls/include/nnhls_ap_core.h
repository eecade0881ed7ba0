// This file implements the bit-level core of nnhls's own ap_fixed / ap_int
// types: raw values held as little-endian arrays of 64-bit limbs, and the one
// conversion rule (exact source value, one rounding with the destination's
// quantization mode, then its overflow mode) in a 64-bit fast path and a
// multi-limb general path. It is written from the semantics documented in
// nnhls's conformance notes, not from any vendor header.
//
// Users include ap_fixed.h or ap_int.h; nothing here is meant to be called
// directly.

#ifndef NNHLS_AP_CORE_H
#define NNHLS_AP_CORE_H

#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>

// Quantization modes, in the enum order of the Xilinx library (values 0..6).
enum ap_q_mode { AP_RND, AP_RND_ZERO, AP_RND_MIN_INF, AP_RND_INF, AP_RND_CONV, AP_TRN, AP_TRN_ZERO };

// Overflow modes, in the enum order of the Xilinx library (values 0..4).
enum ap_o_mode { AP_SAT, AP_SAT_ZERO, AP_SAT_SYM, AP_WRAP, AP_WRAP_SM };

// NNHLS_AP_HOT marks the conversion entry points. When optimizing they are
// always inlined, so that with the destination's constant parameters a
// conversion folds down to a few instructions; at -O0 they stay ordinary
// functions, compiled once per translation unit instead of once per type.
#ifdef __OPTIMIZE__
#define NNHLS_AP_HOT inline __attribute__((always_inline))
#else
#define NNHLS_AP_HOT inline
#endif

namespace ap_detail {

typedef std::uint64_t limb;
typedef std::int64_t i64;
__extension__ typedef unsigned __int128 u128;

// shl shifts left by n >= 0, giving 0 for n >= 64 (which C++ leaves undefined).
inline limb shl(limb x, int n) { return n >= 64 ? 0 : x << n; }

// lomask returns a limb with the low n bits set, 0 <= n (n >= 64: all bits).
inline limb lomask(int n) { return n >= 64 ? ~limb(0) : (limb(1) << n) - 1; }

// at returns limb i of a value held in nl limbs, read as an infinite
// two's-complement integer: zero below limb 0 (used for left shifts) and ext
// (all ones or all zeros) above the top limb.
inline limb at(const limb* v, int nl, limb ext, int i) { return i < 0 ? 0 : (i >= nl ? ext : v[i]); }

// floordiv64 is p / 64 rounded toward minus infinity.
inline int floordiv64(int p) { return p >= 0 ? p / 64 : -((63 - p) / 64); }

// get64 returns bits [p, p+64) of the value (see at); p may be negative.
inline limb get64(const limb* v, int nl, limb ext, int p) {
  const int i = floordiv64(p);
  const int b = p - 64 * i;
  const limb lo = at(v, nl, ext, i);
  if (b == 0) return lo;
  return (lo >> b) | (at(v, nl, ext, i + 1) << (64 - b));
}

// getbit returns bit p of the value (see at).
inline unsigned getbit(const limb* v, int nl, limb ext, int p) {
  if (p < 0) return 0;
  if (p >= 64 * nl) return unsigned(ext & 1);
  return unsigned(v[p / 64] >> (p % 64)) & 1u;
}

// any_below reports whether any of the bits [0, p) is set. Bits above the
// limbs only matter for a negative value, whose limbs are nonzero anyway.
inline bool any_below(const limb* v, int nl, int p) {
  if (p <= 0) return false;
  int full = p / 64;
  if (full > nl) full = nl;
  for (int i = 0; i < full; i++)
    if (v[i] != 0) return true;
  if (full < nl) {
    const int b = p - 64 * full;
    if (b > 0 && (v[full] & lomask(b)) != 0) return true;
  }
  return false;
}

// bits_all reports whether bits [from, 64n) of a all equal val (from >= 0).
inline bool bits_all(const limb* a, int n, int from, bool val) {
  const limb want = val ? ~limb(0) : 0;
  for (int i = from / 64; i < n; i++) {
    const limb m = i == from / 64 ? ~lomask(from % 64) : ~limb(0);
    if ((a[i] & m) != (want & m)) return false;
  }
  return true;
}

inline void set_bit(limb* a, int p, bool b) {
  const limb m = limb(1) << (p % 64);
  if (b)
    a[p / 64] |= m;
  else
    a[p / 64] &= ~m;
}

// fill_bits sets bits [lo, hi) to b.
inline void fill_bits(limb* a, int lo, int hi, bool b) {
  for (int p = lo; p < hi; p++) set_bit(a, p, b);
}

// flip_low complements bits [0, w).
inline void flip_low(limb* a, int w) {
  for (int i = 0; 64 * i < w; i++) a[i] ^= lomask(w - 64 * i);
}

// normalize sign- or zero-extends a w-bit pattern held in nl limbs, so that
// the limbs read as the value itself. Every stored value is kept normalized.
inline void normalize(limb* v, int nl, int w, bool s) {
  const int b = w - 64 * (nl - 1);
  if (b >= 64) return;
  // Shifting the pattern to the top and back (arithmetically for a signed
  // type) extends it without a branch.
  const limb up = v[nl - 1] << (64 - b);
  v[nl - 1] = s ? limb(i64(up) >> (64 - b)) : up >> (64 - b);
}

// round_up reports whether quantization adds one LSB to the floor of a value
// whose dropped part is nonzero: neg says the value is negative, half that
// the dropped part is at least 1/2 LSB, lower that a bit below the half bit
// is set (so it is not an exact tie), odd that the floor is odd. The modes
// differ only on exact ties, except the two truncating ones.
inline bool round_up(ap_q_mode q, bool neg, bool half, bool lower, bool odd) {
  switch (q) {
    case AP_TRN_ZERO:
      return neg;
    case AP_RND:
      return half;
    case AP_RND_ZERO:
      return half && (lower || neg);
    case AP_RND_MIN_INF:
      return half && lower;
    case AP_RND_INF:
      return half && (lower || !neg);
    case AP_RND_CONV:
      return half && (lower || odd);
    default:
      return false;  // AP_TRN: floor
  }
}

// overflow_small applies the overflow mode to an out-of-range result in the
// 64-bit path (W <= 62). P holds the rounded value's low bits, qneg its sign,
// L bit W of the unrounded floor (AP_WRAP_SM with N = 0 reads that bit, a
// library quirk), lo and hi the raw range.
NNHLS_AP_HOT i64 overflow_small(limb P, bool qneg, unsigned L, i64 lo, i64 hi, int W, bool S, ap_o_mode O,
                                int N) {
  if (O == AP_SAT || O == AP_SAT_SYM) {
    if (!qneg) return hi;
    if (!S) return 0;
    // -max is the pattern 10..01; for W = 1 that is min itself.
    return (O == AP_SAT_SYM && W > 1) ? lo + 1 : lo;
  }
  if (O == AP_SAT_ZERO) return 0;
  const limb mask = lomask(W);
  const limb top = limb(1) << (W - 1);
  P &= mask;
  if (O == AP_WRAP) {
    if (N > 0) {
      const limb nb = mask & ~lomask(W - N);  // the top N bits
      if (!S) {
        P |= nb;  // library quirk: ones also after a negative overflow
      } else {
        P &= ~nb;
        P |= qneg ? top : (nb & ~top);
      }
    }
  } else {  // AP_WRAP_SM
    const unsigned tb = unsigned(P >> (W - 1)) & 1u;
    const unsigned sg = qneg ? 1u : 0u;
    if (N == 0) {
      if (L != tb) P ^= mask;
    } else if (N == 1) {
      if (tb != sg) P ^= mask;
      P = (P & ~top) | (qneg ? top : 0);
    } else {
      if ((unsigned(P >> (W - N)) & 1u) == sg) P ^= mask;
      const limb nb = mask & ~lomask(W - N) & ~top;
      P &= ~(nb | top);
      P |= qneg ? top : nb;
    }
  }
  return S ? i64(P << (64 - W)) >> (64 - W) : i64(P);
}

// cast_small converts the exact value r * 2^s into a W-bit destination with
// W <= 62, returning the normalized raw value.
NNHLS_AP_HOT i64 cast_small(i64 r, int s, int W, bool S, ap_q_mode Q, ap_o_mode O, int N) {
  const bool neg = r < 0;
  limb kw;  // low 64 bits of k = floor(r * 2^s)
  bool big = false, half = false, lower = false;
  if (s >= 0) {
    kw = shl(limb(r), s);
    big = s >= 64 ? r != 0 : (i64(kw) >> s) != r;
  } else {
    const int d = -s;
    if (d >= 64) {
      kw = neg ? ~limb(0) : 0;
      half = neg;
      lower = d > 64 ? r != 0 : (limb(r) & lomask(63)) != 0;
    } else {
      kw = limb(r >> d);
      const limb drop = limb(r) & lomask(d);
      half = ((drop >> (d - 1)) & 1) != 0;
      lower = (drop & lomask(d - 1)) != 0;
    }
  }
  const bool inc = (half || lower) && round_up(Q, neg, half, lower, (kw & 1) != 0);
  const i64 lo = S ? -(i64(1) << (W - 1)) : 0;
  const i64 hi = S ? (i64(1) << (W - 1)) - 1 : (i64(1) << W) - 1;
  limb P;
  bool qneg;
  if (!big) {
    const i64 q = i64(kw) + (inc ? 1 : 0);
    if (q >= lo && q <= hi) {
      // AP_SAT_SYM turns an exact minimum into -max (library rule).
      if (O == AP_SAT_SYM && S && W > 1 && q == lo) return lo + 1;
      return q;
    }
    P = limb(q);
    qneg = q < 0;
  } else {
    P = kw;  // no rounding happens on a left shift
    qneg = neg;
  }
  return overflow_small(P, qneg, unsigned(kw >> W) & 1u, lo, hi, W, S, O, N);
}

// cast_wide is cast_small for any width: it converts the exact value
// r * 2^s, with r held in nl limbs (sneg its sign), into the W-bit
// destination out (nld limbs). It works in k (nw >= (W+2+63)/64 limbs) on a
// window of the low bits of the floor k, plus a flag for k lying outside the
// window. It is not a template, so that each translation unit compiles it
// once whatever the number of types.
inline void cast_wide(limb* out, int nld, limb* k, int nw, const limb* v, int nl, bool sneg, int s, int W, bool S,
                      ap_q_mode Q, ap_o_mode O, int N) {
  const limb ext = sneg ? ~limb(0) : 0;
  for (int i = 0; i < nw; i++) k[i] = get64(v, nl, ext, 64 * i - s);
  // big: k has a bit at or above 64*nw-1 that differs from its sign.
  bool big = false;
  int p0 = 64 * nw - 1 - s;
  if (p0 < 0 && sneg) {
    big = true;  // the zeros shifted in below r's bit 0 differ from the sign
  } else {
    if (p0 < -63) p0 = -63;
    for (int p = p0; p < 64 * nl; p += 64) {
      if (get64(v, nl, ext, p) != ext) {
        big = true;
        break;
      }
    }
  }
  bool half = false, lower = false;
  if (s < 0) {
    half = getbit(v, nl, ext, -s - 1) != 0;
    lower = any_below(v, nl, -s - 1);
  }
  const unsigned L = getbit(k, nw, 0, W);  // taken before rounding
  const bool inc = (half || lower) && round_up(Q, sneg, half, lower, (k[0] & 1) != 0);
  bool qneg = sneg;
  if (inc) {
    bool minus1 = sneg && !big;
    for (int i = 0; i < nw; i++)
      if (k[i] != ~limb(0)) minus1 = false;
    if (minus1) qneg = false;  // -1 rounded up is 0
    for (int i = 0; i < nw; i++)
      if (++k[i] != 0) break;
  }
  const bool in = !big && (S ? bits_all(k, nw, W - 1, qneg) : (!qneg && bits_all(k, nw, W, false)));
  if (in) {
    if (O == AP_SAT_SYM && S && W > 1 && qneg && !any_below(k, nw, W - 1)) k[0] |= 1;
  } else if (O == AP_SAT || O == AP_SAT_SYM || O == AP_SAT_ZERO) {
    for (int i = 0; i < nw; i++) k[i] = 0;
    if (O != AP_SAT_ZERO) {
      if (!qneg) {
        fill_bits(k, 0, S ? W - 1 : W, true);
      } else if (S) {
        set_bit(k, W - 1, true);
        if (O == AP_SAT_SYM && W > 1) k[0] |= 1;
      }
    }
  } else if (O == AP_WRAP) {
    if (N > 0) {
      if (!S) {
        fill_bits(k, W - N, W, true);
      } else {
        fill_bits(k, W - N, W - 1, !qneg);
        set_bit(k, W - 1, qneg);
      }
    }
  } else {  // AP_WRAP_SM
    const unsigned tb = getbit(k, nw, 0, W - 1);
    const unsigned sg = qneg ? 1u : 0u;
    if (N == 0) {
      if (L != tb) flip_low(k, W);
    } else if (N == 1) {
      if (tb != sg) flip_low(k, W);
      set_bit(k, W - 1, qneg);
    } else {
      if (getbit(k, nw, 0, W - N) == sg) flip_low(k, W);
      fill_bits(k, W - N, W - 1, !qneg);
      set_bit(k, W - 1, qneg);
    }
  }
  for (int i = 0; i < nld; i++) out[i] = k[i];
  normalize(out, nld, W, S);
}

// convert stores into out ((W+63)/64 limbs) the W-bit destination value of
// the exact number r * 2^s, where r is a ws-bit value held normalized in nl
// limbs (ssigned: two's complement). Sources that fit an int64 and
// destinations of at most 62 bits take the 64-bit path; the others work in
// k, which needs (W+2+63)/64 limbs.
NNHLS_AP_HOT void convert(limb* out, limb* k, const limb* v, int nl, bool ssigned, int ws, int s, int W, bool S,
                          ap_q_mode Q, ap_o_mode O, int N) {
  if (W <= 62 && nl == 1 && (ssigned || ws < 64)) {
    out[0] = limb(cast_small(i64(v[0]), s, W, S, Q, O, N));
    return;
  }
  const bool sneg = ssigned && (v[nl - 1] >> 63) != 0;
  cast_wide(out, (W + 63) / 64, k, (W + 2 + 63) / 64, v, nl, sneg, s, W, S, Q, O, N);
}

// load writes into out (n limbs) the value held in v (nl limbs, sign given
// by ext) shifted left by sh >= 0 bits, truncated to 64*n bits.
inline void load(limb* out, int n, const limb* v, int nl, limb ext, int sh) {
  for (int i = 0; i < n; i++) out[i] = get64(v, nl, ext, 64 * i - sh);
}

// negate_limbs sets a to -a modulo 2^(64n).
inline void negate_limbs(limb* a, int n) {
  bool carry = true;
  for (int i = 0; i < n; i++) {
    a[i] = ~a[i];
    if (carry) carry = ++a[i] == 0;
  }
}

// divmod_small divides the non-negative a (n limbs) by d > 0 in place and
// returns the remainder.
inline limb divmod_small(limb* a, int n, limb d) {
  u128 rem = 0;
  for (int i = n - 1; i >= 0; i--) {
    const u128 cur = (rem << 64) | a[i];
    a[i] = limb(cur / d);
    rem = cur % d;
  }
  return limb(rem);
}

// pow2 returns 2^e exactly for -1022 <= e <= 1023 (and 0 otherwise, which
// callers never use).
inline double pow2(int e) {
  if (e < -1022 || e > 1023) return 0;
  const limb bits = limb(e + 1023) << 52;
  double d;
  std::memcpy(&d, &bits, sizeof d);
  return d;
}


// add_sub_limbs sets out (n limbs) to (x << sa) + (y << sb), or the
// difference, modulo 2^(64n); x and y are normalized values of nx and ny
// limbs whose signs ext_x and ext_y give.
inline void add_sub_limbs(limb* out, int n, const limb* x, int nx, limb extx, int sa, const limb* y, int ny,
                          limb exty, int sb, bool sub) {
  bool carry = sub;
  for (int i = 0; i < n; i++) {
    const limb xi = get64(x, nx, extx, 64 * i - sa);
    const limb yi = sub ? ~get64(y, ny, exty, 64 * i - sb) : get64(y, ny, exty, 64 * i - sb);
    const limb s1 = xi + yi;
    const bool c1 = s1 < xi;
    const limb s2 = s1 + (carry ? 1 : 0);
    carry = c1 || s2 < s1;
    out[i] = s2;
  }
}

// mul_values sets out (n limbs) to x*y modulo 2^(64n), for normalized values
// x (nx limbs) and y (ny limbs); two's complement makes this right for
// negative values too.
inline void mul_values(limb* out, int n, const limb* x, int nx, limb extx, const limb* y, int ny, limb exty) {
  for (int i = 0; i < n; i++) out[i] = 0;
  for (int i = 0; i < n; i++) {
    const limb xi = at(x, nx, extx, i);
    if (xi == 0) continue;
    limb carry = 0;
    for (int j = 0; i + j < n; j++) {
      const u128 t = u128(xi) * at(y, ny, exty, j) + out[i + j] + carry;
      out[i + j] = limb(t);
      carry = limb(t >> 64);
    }
  }
}

// top64 writes |v| (v normalized in n limbs, neg its sign) into m and
// returns its top 64 bits, from bit *e up, with every lower set bit folded
// into bit 0 so that a single rounding of the result to float or double is
// correct.
inline limb top64(limb* m, const limb* v, int n, bool neg, int* e) {
  for (int i = 0; i < n; i++) m[i] = v[i];
  if (neg) negate_limbs(m, n);
  int t = -1;
  for (int i = n - 1; i >= 0 && t < 0; i--) {
    for (int b = 63; b >= 0; b--) {
      if (((m[i] >> b) & 1) != 0) {
        t = 64 * i + b;
        break;
      }
    }
  }
  if (t < 64) {
    *e = 0;
    return m[0];
  }
  *e = t - 63;
  limb u = get64(m, n, 0, *e);
  if (any_below(m, n, *e)) u |= 1;
  return u;
}

// to_double_wide returns v * 2^-f (v normalized in n limbs) rounded to the
// nearest double, ties to even.
inline double to_double_wide(limb* scratch, const limb* v, int n, bool neg, int f) {
  int e = 0;
  const limb u = top64(scratch, v, n, neg, &e);
  const double d = std::ldexp(double(u), e - f);
  return neg ? -d : d;
}

// to_float_wide is to_double_wide for float.
inline float to_float_wide(limb* scratch, const limb* v, int n, bool neg, int f) {
  int e = 0;
  const limb u = top64(scratch, v, n, neg, &e);
  const float d = std::ldexp(float(u), e - f);
  return neg ? -d : d;
}

// raw_hex returns the w-bit pattern of v in lowercase hexadecimal without
// leading zeros ("0" for zero).
inline std::string raw_hex(const limb* v, int n, int w) {
  static const char digits[] = "0123456789abcdef";
  std::string s;
  for (int p = ((w + 3) / 4 - 1) * 4; p >= 0; p -= 4) {
    unsigned d = 0;
    for (int b = 3; b >= 0; b--) d = d * 2 + (p + b < w ? getbit(v, n, 0, p + b) : 0u);
    if (d == 0 && s.empty()) continue;
    s += digits[d];
  }
  return s.empty() ? std::string("0") : s;
}

// set_raw_hex sets v (n limbs) to the w-bit pattern given in hexadecimal
// (optional 0x prefix; bits beyond w are dropped), normalized.
inline void set_raw_hex(limb* v, int n, int w, bool s, const char* hex) {
  for (int i = 0; i < n; i++) v[i] = 0;
  if (hex[0] == '0' && (hex[1] == 'x' || hex[1] == 'X')) hex += 2;
  const int len = int(std::strlen(hex));
  for (int i = 0; i < len; i++) {
    const char c = hex[len - 1 - i];
    const unsigned d = c >= '0' && c <= '9' ? unsigned(c - '0') : unsigned((c | 0x20) - 'a' + 10) & 15u;
    for (int b = 0; b < 4; b++) {
      const int p = 4 * i + b;
      if (p < w && ((d >> b) & 1u) != 0) set_bit(v, p, true);
    }
  }
  normalize(v, n, w, s);
}

// dec_string returns the integer held normalized in v (n limbs) in decimal;
// m is scratch of n+1 limbs.
inline std::string dec_string(limb* m, const limb* v, int n, bool neg) {
  for (int i = 0; i < n; i++) m[i] = v[i];
  m[n] = neg ? ~limb(0) : 0;
  if (neg) negate_limbs(m, n + 1);
  std::string s;
  bool zero = false;
  while (!zero) {
    limb chunk = divmod_small(m, n + 1, 10000000000000000000ULL);
    zero = true;
    for (int i = 0; i <= n; i++)
      if (m[i] != 0) zero = false;
    for (int d = 0; d < 19 && (!zero || chunk != 0 || d == 0); d++) {
      s += char('0' + chunk % 10);
      chunk /= 10;
    }
  }
  if (neg) s += '-';
  return std::string(s.rbegin(), s.rend());
}

}  // namespace ap_detail

#endif  // NNHLS_AP_CORE_H
