// This file implements ap_base, the one class template behind nnhls's
// ap_fixed, ap_ufixed, ap_int and ap_uint, with its conversions, exact
// arithmetic (full-precision result types), comparisons, shifts and bit
// access. The aliases at the top give the usual names, so code written for
// the Xilinx headers compiles unchanged for the subset nnhls generates.
//
// Raw values are W-bit two's-complement (or unsigned) integers r, meaning
// r * 2^(I-W), stored normalized in (W+63)/64 limbs. Widths are not limited;
// types of up to 62 bits take a 64-bit path in every conversion.

#ifndef NNHLS_AP_TYPES_H
#define NNHLS_AP_TYPES_H

#include <cmath>
#include <cstdint>
#include <cstring>
#include <ostream>
#include <string>
#include <type_traits>

#include "nnhls_ap_core.h"

template <int W, int I, bool S, ap_q_mode Q, ap_o_mode O, int N, bool IsInt>
class ap_base;

// ap_fixed<W,I,Q,O,N> is a signed fixed-point number of W bits, I of them
// integer bits (including the sign).
template <int W, int I, ap_q_mode Q = AP_TRN, ap_o_mode O = AP_WRAP, int N = 0>
using ap_fixed = ap_base<W, I, true, Q, O, N, false>;

// ap_ufixed<W,I,Q,O,N> is the unsigned form of ap_fixed.
template <int W, int I, ap_q_mode Q = AP_TRN, ap_o_mode O = AP_WRAP, int N = 0>
using ap_ufixed = ap_base<W, I, false, Q, O, N, false>;

// ap_int<W> is a W-bit signed integer; converting a fixed-point value into it
// truncates toward zero, like C.
template <int W>
using ap_int = ap_base<W, W, true, AP_TRN, AP_WRAP, 0, true>;

// ap_uint<W> is a W-bit unsigned integer.
template <int W>
using ap_uint = ap_base<W, W, false, AP_TRN, AP_WRAP, 0, true>;

#define AP_TP(n) int W##n, int I##n, bool S##n, ap_q_mode Q##n, ap_o_mode O##n, int N##n, bool T##n
#define AP_T(n) ap_base<W##n, I##n, S##n, Q##n, O##n, N##n, T##n>

namespace ap_detail {

// int_type gives the ap_int / ap_uint holding a C++ integer type exactly;
// it is empty for other types, so that overloads taking "any integer"
// drop out for them.
template <class T, bool = std::is_integral<T>::value>
struct int_type {};
template <class T>
struct int_type<T, true> {
  typedef ap_base<int(8 * sizeof(T)), int(8 * sizeof(T)), std::is_signed<T>::value, AP_TRN, AP_WRAP, 0, true> type;
};
template <>
struct int_type<bool, true> {
  typedef ap_base<1, 1, false, AP_TRN, AP_WRAP, 0, true> type;
};

// arith gives the exact result types of a*b, a+b, a-b and (for an integer
// b) a/b. They always carry AP_TRN / AP_WRAP / N = 0. An unsigned operand
// next to a signed one gets an extra integer bit for its sign; a-b is always
// signed.
template <class A, class B>
struct arith {};
template <AP_TP(1), AP_TP(2)>
struct arith<AP_T(1), AP_T(2)> {
  static const int F1 = W1 - I1;
  static const int F2 = W2 - I2;
  static const int FM = F1 > F2 ? F1 : F2;
  static const int IA1 = I1 + ((S2 && !S1) ? 1 : 0);
  static const int IA2 = I2 + ((S1 && !S2) ? 1 : 0);
  static const int IA = (IA1 > IA2 ? IA1 : IA2) + 1;
  static const int DX = S2 ? 1 : 0;  // a signed divisor can flip the sign
  typedef ap_base<W1 + W2, I1 + I2, S1 || S2, AP_TRN, AP_WRAP, 0, T1 && T2> mul;
  typedef ap_base<IA + FM, IA, S1 || S2, AP_TRN, AP_WRAP, 0, T1 && T2> plus;
  typedef ap_base<IA + FM, IA, true, AP_TRN, AP_WRAP, 0, T1 && T2> minus;
  typedef ap_base<W1 + DX, I1 + DX, S1 || S2, AP_TRN, AP_WRAP, 0, T1> div;
};

// no_conversion is the target of ap_base's integer conversion operator on
// fixed-point types, where that operator must not exist.
struct no_conversion {
 private:
  no_conversion() {}
};

}  // namespace ap_detail

// ap_bit_ref is what x[i] returns on a non-const x: it reads as a bool and
// writes one bit.
template <class T>
class ap_bit_ref {
 public:
  ap_bit_ref(T* p, int i) : p_(p), i_(i) {}
  operator bool() const { return p_->get_bit(i_); }
  ap_bit_ref& operator=(bool b) {
    p_->set_bit(i_, b);
    return *this;
  }
  ap_bit_ref& operator=(const ap_bit_ref& o) { return *this = bool(o); }

 private:
  T* p_;
  int i_;
};

// ap_range_ref is what x.range(hi, lo) returns on a non-const x: it converts
// to an ap_uint (or any ap type) holding bits hi..lo, and assigning to it
// replaces those bits.
template <class T>
class ap_range_ref {
 public:
  ap_range_ref(T* p, int hi, int lo) : p_(p), hi_(hi), lo_(lo) {}
  typedef ap_base<T::width, T::width, false, AP_TRN, AP_WRAP, 0, true> value_type;
  value_type get() const { return static_cast<const T*>(p_)->range(hi_, lo_); }
  operator unsigned long long() const { return get().to_uint64(); }
  unsigned long long to_uint64() const { return get().to_uint64(); }
  template <AP_TP(2)>
  ap_range_ref& operator=(const AP_T(2)& x) {
    p_->set_range(hi_, lo_, x);
    return *this;
  }
  template <class U, typename std::enable_if<std::is_integral<U>::value, int>::type = 0>
  ap_range_ref& operator=(U x) {
    p_->set_range(hi_, lo_, typename ap_detail::int_type<U>::type(x));
    return *this;
  }
  ap_range_ref& operator=(const ap_range_ref& o) { return *this = o.get(); }

 private:
  T* p_;
  int hi_, lo_;
};

template <int W, int I, bool S, ap_q_mode Q, ap_o_mode O, int N, bool IsInt>
class ap_base {
  static_assert(W >= 1, "ap types need at least one bit");
  static_assert(S || O != AP_WRAP_SM, "AP_WRAP_SM needs a signed type");
  static_assert(N >= 0 && N <= W, "saturation bits N must lie in 0..W");

 public:
  static const int width = W;
  static const int iwidth = I;
  static const bool sign_flag = S;
  static const ap_q_mode qmode = Q;
  static const ap_o_mode omode = O;
  static const int F = W - I;           // fractional bits; the LSB is 2^-F
  static const int NL = (W + 63) / 64;  // limbs

  // bits_ holds the raw value, normalized: sign- (or zero-) extended to all
  // limbs. It is public only so that the operators on other instantiations
  // can read it; treat it as private.
  ap_detail::limb bits_[NL];

  // Default construction gives 0 (the vendor types leave the value
  // undefined; a defined value keeps runs reproducible).
  ap_base() { std::memset(bits_, 0, sizeof bits_); }

  // Conversion from any other ap type: the one rule (exact value, one
  // rounding with this type's Q, then this type's O and N). Into an integer
  // type the fraction is truncated toward zero instead, as the vendor's
  // to_ap_int_base does, including its quirk that a negative source with
  // I = 0 gives -1 (a source with I < 0 gives 0).
  //
  // The vendor library aborts on an assertion when this type rounds and
  // every source bit lies below its rounding bit; here the conversion goes
  // on with the rule's value instead, which is also what nnhls's emulator
  // computes, so C simulation and emulation stay equal.
  template <AP_TP(2)>
  ap_base(const AP_T(2)& x) {
    if (IsInt && !T2 && I2 == 0 && x.is_neg()) {
      std::memset(bits_, 0xff, sizeof bits_);
      ap_detail::normalize(bits_, NL, W, S);
      return;
    }
    ap_detail::limb k[NL + 1];
    ap_detail::convert(bits_, k, x.bits_, AP_T(2)::NL, S2, W2, F - (W2 - I2), W, S, IsInt ? AP_TRN_ZERO : Q, O, N);
  }

  // Conversion from a C++ integer, exact before this type's rounding and
  // overflow.
  template <class T, typename std::enable_if<std::is_integral<T>::value, int>::type = 0>
  ap_base(T x) {
    if (std::is_signed<T>::value || (static_cast<unsigned long long>(x) >> 63) == 0) {
      const ap_detail::limb r = ap_detail::limb(static_cast<long long>(x));
      ap_detail::limb k[NL + 1];
      ap_detail::convert(bits_, k, &r, 1, true, 64, F, W, S, Q, O, N);
    } else {
      const ap_detail::limb r = static_cast<unsigned long long>(x);
      ap_detail::limb k[NL + 1];
      ap_detail::convert(bits_, k, &r, 1, false, 64, F, W, S, Q, O, N);
    }
  }

  // Conversion from float or double, from the exact binary value of x (all
  // significand bits, one rounding). Infinities count as +-2^1024; NaN gives
  // 0 (the vendor library gives an undefined value). An integer type
  // truncates toward zero.
  template <class T, typename std::enable_if<std::is_floating_point<T>::value, int>::type = 0>
  ap_base(T x) {
    from_double(static_cast<double>(x));
  }

  // Construction from a bit range of another value (x.range(hi, lo)).
  template <class T>
  ap_base(const ap_range_ref<T>& r) {
    *this = ap_base(r.get());
  }

  // to_double returns the value rounded to the nearest double (ties to even).
  double to_double() const {
    if (NL == 1 && (S || W < 64)) {
      const double d = double(ap_detail::i64(bits_[0]));
      return (-F >= -1022 && -F <= 1023) ? d * ap_detail::pow2(-F) : std::ldexp(d, -F);
    }
    ap_detail::limb m[NL];
    return ap_detail::to_double_wide(m, bits_, NL, is_neg(), F);
  }

  // to_float returns the value rounded to the nearest float (ties to even).
  float to_float() const {
    if (NL == 1 && (S || W < 64)) {
      return std::ldexp(float(ap_detail::i64(bits_[0])), -F);
    }
    ap_detail::limb m[NL];
    return ap_detail::to_float_wide(m, bits_, NL, is_neg(), F);
  }

  // to_int and friends truncate toward zero and keep the low bits, like
  // conversion into ap_int of that width.
  int to_int() const { return int(ap_detail::i64(ap_base<32, 32, true, AP_TRN, AP_WRAP, 0, true>(*this).bits_[0])); }
  unsigned to_uint() const { return unsigned(ap_base<32, 32, false, AP_TRN, AP_WRAP, 0, true>(*this).bits_[0]); }
  long to_long() const { return long(to_int64()); }
  unsigned long to_ulong() const { return (unsigned long)(to_uint64()); }
  long long to_int64() const { return (long long)(ap_base<64, 64, true, AP_TRN, AP_WRAP, 0, true>(*this).bits_[0]); }
  unsigned long long to_uint64() const { return ap_base<64, 64, false, AP_TRN, AP_WRAP, 0, true>(*this).bits_[0]; }

  explicit operator double() const { return to_double(); }
  explicit operator float() const { return to_float(); }
  explicit operator bool() const { return !is_zero(); }

  // An ap_int / ap_uint converts implicitly to long long (for indexing and
  // plain integer code); fixed-point types convert only explicitly.
  operator typename std::conditional<IsInt, long long, ap_detail::no_conversion>::type() const {
    return conv_int(std::integral_constant<bool, IsInt>());
  }

  bool is_neg() const { return S && (bits_[NL - 1] >> 63) != 0; }
  bool is_zero() const {
    for (int i = 0; i < NL; i++)
      if (bits_[i] != 0) return false;
    return true;
  }

  // Compound assignment: c op= b is c = C(c op b), the right side exact.
  template <AP_TP(2)>
  ap_base& operator+=(const AP_T(2)& b) {
    return *this = ap_base(*this + b);
  }
  template <AP_TP(2)>
  ap_base& operator-=(const AP_T(2)& b) {
    return *this = ap_base(*this - b);
  }
  template <AP_TP(2)>
  ap_base& operator*=(const AP_T(2)& b) {
    return *this = ap_base(*this * b);
  }
  template <class T, typename std::enable_if<std::is_integral<T>::value, int>::type = 0>
  ap_base& operator+=(T b) {
    return *this += typename ap_detail::int_type<T>::type(b);
  }
  template <class T, typename std::enable_if<std::is_integral<T>::value, int>::type = 0>
  ap_base& operator-=(T b) {
    return *this -= typename ap_detail::int_type<T>::type(b);
  }
  template <class T, typename std::enable_if<std::is_integral<T>::value, int>::type = 0>
  ap_base& operator*=(T b) {
    return *this *= typename ap_detail::int_type<T>::type(b);
  }
  template <class T, typename std::enable_if<std::is_integral<T>::value, int>::type = 0>
  ap_base& operator/=(T b) {
    return *this = ap_base(*this / b);
  }

  ap_base& operator++() { return *this += 1; }
  ap_base& operator--() { return *this -= 1; }
  ap_base operator++(int) {
    const ap_base old = *this;
    *this += 1;
    return old;
  }
  ap_base operator--(int) {
    const ap_base old = *this;
    *this -= 1;
    return old;
  }

  // Shifts move the raw bits within this type: no rounding, no saturation.
  // >> is arithmetic for a signed type; a negative count shifts the other
  // way. The count may be any integer type (a template, so that with the
  // integer conversion of ap_int no built-in shift competes) or an ap type.
  template <class T, typename std::enable_if<std::is_integral<T>::value, int>::type = 0>
  ap_base operator<<(T n) const {
    return shift_left(static_cast<long long>(n));
  }
  template <class T, typename std::enable_if<std::is_integral<T>::value, int>::type = 0>
  ap_base operator>>(T n) const {
    return shift_left(-static_cast<long long>(n));
  }
  template <AP_TP(2)>
  ap_base operator<<(const AP_T(2)& n) const {
    return shift_left(n.to_int64());
  }
  template <AP_TP(2)>
  ap_base operator>>(const AP_T(2)& n) const {
    return shift_left(-n.to_int64());
  }
  template <class T>
  ap_base& operator<<=(const T& n) {
    return *this = *this << n;
  }
  template <class T>
  ap_base& operator>>=(const T& n) {
    return *this = *this >> n;
  }

  // shift_left shifts the raw bits left by n (right for a negative n).
  ap_base shift_left(long long n) const {
    ap_base r;
    if (n >= 0) {
      if (n >= W) return r;
      ap_detail::load(r.bits_, NL, bits_, NL, ext(), int(n));
    } else {
      const int m = n < -W ? W : int(-n);
      for (int i = 0; i < NL; i++) r.bits_[i] = ap_detail::get64(bits_, NL, ext(), 64 * i + m);
    }
    ap_detail::normalize(r.bits_, NL, W, S);
    return r;
  }

  // Bit access on the raw pattern; bit W-1 is the sign bit of a signed type.
  bool get_bit(int i) const { return ap_detail::getbit(bits_, NL, ext(), i) != 0; }
  void set_bit(int i, bool b) {
    if (i < 0 || i >= W) return;
    ap_detail::set_bit(bits_, i, b);
    ap_detail::normalize(bits_, NL, W, S);
  }
  bool operator[](int i) const { return get_bit(i); }
  ap_bit_ref<ap_base> operator[](int i) { return ap_bit_ref<ap_base>(this, i); }

  // range(hi, lo) returns raw bits hi..lo (0 <= lo <= hi < W) as an
  // unsigned integer; invalid bounds give 0.
  ap_base<W, W, false, AP_TRN, AP_WRAP, 0, true> range(int hi, int lo) const {
    ap_base<W, W, false, AP_TRN, AP_WRAP, 0, true> r;
    if (lo < 0 || hi < lo || hi >= W) return r;
    const int len = hi - lo + 1;
    for (int i = 0; i < NL; i++) {
      const int keep = len - 64 * i;
      r.bits_[i] = keep <= 0 ? 0 : ap_detail::get64(bits_, NL, ext(), 64 * i + lo) & ap_detail::lomask(keep);
    }
    return r;
  }
  ap_base<W, W, false, AP_TRN, AP_WRAP, 0, true> range() const { return range(W - 1, 0); }
  ap_range_ref<ap_base> range(int hi, int lo) { return ap_range_ref<ap_base>(this, hi, lo); }
  ap_range_ref<ap_base> range() { return ap_range_ref<ap_base>(this, W - 1, 0); }

  // set_range replaces raw bits hi..lo with the low raw bits of x.
  template <AP_TP(2)>
  void set_range(int hi, int lo, const AP_T(2)& x) {
    if (lo < 0 || hi < lo || hi >= W) return;
    for (int p = lo; p <= hi; p++) ap_detail::set_bit(bits_, p, x.get_bit(p - lo));
    ap_detail::normalize(bits_, NL, W, S);
  }

  // to_raw_hex returns the W-bit raw pattern in lowercase hexadecimal
  // without leading zeros ("0" for zero). nnhls extension.
  std::string to_raw_hex() const { return ap_detail::raw_hex(bits_, NL, W); }

  // set_raw_hex sets the raw pattern from hexadecimal digits (an optional
  // 0x prefix; bits beyond W are dropped). nnhls extension.
  ap_base& set_raw_hex(const char* hex) {
    ap_detail::set_raw_hex(bits_, NL, W, S, hex);
    return *this;
  }

  // to_dec_string returns the exact value of an integer type in decimal (for
  // a fixed-point type, the integer raw value).
  std::string to_dec_string() const {
    ap_detail::limb m[NL + 1];
    return ap_detail::dec_string(m, bits_, NL, is_neg());
  }

  ap_detail::limb ext() const { return is_neg() ? ~ap_detail::limb(0) : 0; }

 private:
  long long conv_int(std::true_type) const { return (long long)(bits_[0]); }
  ap_detail::no_conversion conv_int(std::false_type) const;

  void from_double(double x) {
    ap_detail::limb bits;
    std::memcpy(&bits, &x, sizeof bits);
    const int exp = int(bits >> 52) & 0x7ff;
    ap_detail::i64 m = ap_detail::i64(bits & ((ap_detail::limb(1) << 52) - 1));
    int e;
    if (exp == 0x7ff) {
      if (m != 0) {  // NaN
        std::memset(bits_, 0, sizeof bits_);
        return;
      }
      m = 1;
      e = 1024;
    } else if (exp == 0) {
      e = -1074;
    } else {
      m |= ap_detail::i64(1) << 52;
      e = exp - 1075;
    }
    if ((bits >> 63) != 0) m = -m;
    const ap_detail::limb r = ap_detail::limb(m);
    ap_detail::limb k[NL + 1];
    ap_detail::convert(bits_, k, &r, 1, true, 64, e + F, W, S, IsInt ? AP_TRN_ZERO : Q, O, N);
  }
};

namespace ap_detail {

// add_sub returns a+b or a-b exactly in R, after aligning both to R's LSB.
template <class R, class A, class B>
inline R add_sub(const A& a, const B& b, bool sub) {
  R r;
  const int sa = R::F - A::F;
  const int sb = R::F - B::F;
  if (R::NL == 1) {
    const limb x = shl(a.bits_[0], sa);
    const limb y = shl(b.bits_[0], sb);
    r.bits_[0] = sub ? x - y : x + y;
  } else {
    add_sub_limbs(r.bits_, R::NL, a.bits_, A::NL, a.ext(), sa, b.bits_, B::NL, b.ext(), sb, sub);
  }
  normalize(r.bits_, R::NL, R::width, R::sign_flag);
  return r;
}

// mul returns a*b exactly in R.
template <class R, class A, class B>
inline R mul(const A& a, const B& b) {
  R r;
  if (R::NL == 1) {
    r.bits_[0] = a.bits_[0] * b.bits_[0];
  } else {
    mul_values(r.bits_, R::NL, a.bits_, A::NL, a.ext(), b.bits_, B::NL, b.ext());
  }
  normalize(r.bits_, R::NL, R::width, R::sign_flag);
  return r;
}

// div returns the raw value of a divided by the integer b, truncated toward
// zero, in R (a's fractional bits). Division by zero gives 0.
template <class R, class A>
inline R div(const A& a, limb bmag, bool bneg) {
  R r;
  if (bmag == 0) return r;
  limb m[R::NL + 1];
  load(m, R::NL + 1, a.bits_, A::NL, a.ext(), 0);
  const bool aneg = a.is_neg();
  if (aneg) negate_limbs(m, R::NL + 1);
  divmod_small(m, R::NL + 1, bmag);
  if (aneg != bneg) negate_limbs(m, R::NL + 1);
  for (int i = 0; i < R::NL; i++) r.bits_[i] = m[i];
  normalize(r.bits_, R::NL, R::width, R::sign_flag);
  return r;
}

// cmp returns the sign of a-b, computed exactly.
template <class A, class B>
inline int cmp(const A& a, const B& b) {
  const typename arith<A, B>::minus d = a - b;
  return d.is_neg() ? -1 : (d.is_zero() ? 0 : 1);
}

}  // namespace ap_detail

template <AP_TP(1), AP_TP(2)>
inline typename ap_detail::arith<AP_T(1), AP_T(2)>::mul operator*(const AP_T(1)& a, const AP_T(2)& b) {
  return ap_detail::mul<typename ap_detail::arith<AP_T(1), AP_T(2)>::mul>(a, b);
}
template <AP_TP(1), AP_TP(2)>
inline typename ap_detail::arith<AP_T(1), AP_T(2)>::plus operator+(const AP_T(1)& a, const AP_T(2)& b) {
  return ap_detail::add_sub<typename ap_detail::arith<AP_T(1), AP_T(2)>::plus>(a, b, false);
}
template <AP_TP(1), AP_TP(2)>
inline typename ap_detail::arith<AP_T(1), AP_T(2)>::minus operator-(const AP_T(1)& a, const AP_T(2)& b) {
  return ap_detail::add_sub<typename ap_detail::arith<AP_T(1), AP_T(2)>::minus>(a, b, true);
}

// Arithmetic with a C++ integer treats it as the ap_int / ap_uint of its size.
#define AP_INT_ARITH(OP, KIND)                                                                       \
  template <AP_TP(1), class T>                                                                       \
  inline typename ap_detail::arith<AP_T(1), typename ap_detail::int_type<T>::type>::KIND operator OP( \
      const AP_T(1) & a, T b) {                                                                      \
    return a OP typename ap_detail::int_type<T>::type(b);                                            \
  }                                                                                                  \
  template <AP_TP(1), class T>                                                                       \
  inline typename ap_detail::arith<typename ap_detail::int_type<T>::type, AP_T(1)>::KIND operator OP( \
      T b, const AP_T(1) & a) {                                                                      \
    return typename ap_detail::int_type<T>::type(b) OP a;                                            \
  }
AP_INT_ARITH(*, mul)
AP_INT_ARITH(+, plus)
AP_INT_ARITH(-, minus)
#undef AP_INT_ARITH

// a / b for an integer b: the raw value divided, truncated toward zero, with
// a's fractional bits (one more integer bit when b is signed).
template <AP_TP(1), class T>
inline typename ap_detail::arith<AP_T(1), typename ap_detail::int_type<T>::type>::div operator/(const AP_T(1)& a,
                                                                                             T b) {
  typedef typename ap_detail::arith<AP_T(1), typename ap_detail::int_type<T>::type>::div R;
  const bool bneg = std::is_signed<T>::value && b < 0;
  const ap_detail::limb bmag =
      bneg ? ap_detail::limb(0) - ap_detail::limb((long long)(b)) : ap_detail::limb((unsigned long long)(b));
  return ap_detail::div<R>(a, bmag, bneg);
}

// Unary minus is exact: one more bit, always signed.
template <AP_TP(1)>
inline ap_base<W1 + 1, I1 + 1, true, AP_TRN, AP_WRAP, 0, T1> operator-(const AP_T(1)& a) {
  return ap_base<1, 1, false, AP_TRN, AP_WRAP, 0, true>(0) - a;
}
template <AP_TP(1)>
inline AP_T(1) operator+(const AP_T(1)& a) {
  return a;
}
template <AP_TP(1)>
inline bool operator!(const AP_T(1)& a) {
  return a.is_zero();
}

// Comparisons are exact between ap types and with integers; with a float or
// double they compare to_double().
#define AP_CMP(OP)                                                                                            \
  template <AP_TP(1), AP_TP(2)>                                                                               \
  inline bool operator OP(const AP_T(1) & a, const AP_T(2) & b) {                                             \
    return ap_detail::cmp(a, b) OP 0;                                                                         \
  }                                                                                                           \
  template <AP_TP(1), class T>                                                                                \
  inline typename std::enable_if<std::is_integral<T>::value, bool>::type operator OP(const AP_T(1) & a, T b) { \
    return ap_detail::cmp(a, typename ap_detail::int_type<T>::type(b)) OP 0;                                  \
  }                                                                                                           \
  template <AP_TP(1), class T>                                                                                \
  inline typename std::enable_if<std::is_integral<T>::value, bool>::type operator OP(T b, const AP_T(1) & a) { \
    return ap_detail::cmp(typename ap_detail::int_type<T>::type(b), a) OP 0;                                  \
  }                                                                                                           \
  template <AP_TP(1), class T>                                                                                \
  inline typename std::enable_if<std::is_floating_point<T>::value, bool>::type operator OP(const AP_T(1) & a,  \
                                                                                          T b) {              \
    return a.to_double() OP double(b);                                                                        \
  }                                                                                                           \
  template <AP_TP(1), class T>                                                                                \
  inline typename std::enable_if<std::is_floating_point<T>::value, bool>::type operator OP(T b,                \
                                                                                          const AP_T(1) & a) { \
    return double(b) OP a.to_double();                                                                        \
  }
AP_CMP(==)
AP_CMP(!=)
AP_CMP(<)
AP_CMP(<=)
AP_CMP(>)
AP_CMP(>=)
#undef AP_CMP

// operator<< prints an integer type exactly in decimal and a fixed-point
// type as to_double() (so the stream's precision applies).
template <AP_TP(1)>
inline std::ostream& operator<<(std::ostream& os, const AP_T(1)& x) {
  if (T1) {
    if (AP_T(1)::NL == 1 && (S1 || W1 < 64)) return os << (long long)(x.bits_[0]);
    if (AP_T(1)::NL == 1) return os << (unsigned long long)(x.bits_[0]);
    return os << x.to_dec_string();
  }
  return os << x.to_double();
}

#undef AP_TP
#undef AP_T

#endif  // NNHLS_AP_TYPES_H
