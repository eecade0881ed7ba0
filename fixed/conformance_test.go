// This file implements the conformance test against the golden vectors of
// the Xilinx ap_fixed library (testdata/apfixed, format in the shared
// conformance/apfixed/FORMAT.md). Every record is checked through the public
// API, through the math/big reference (quantize) and, where the types fit,
// through Cast64 and FloatCast64.

package fixed

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/big"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

func TestConformance(t *testing.T) {
	dirs := []string{filepath.Join("..", "testdata", "apfixed")}
	if d := os.Getenv("NNHLS_APFIXED_VECTORS"); d != "" {
		dirs = append(dirs, d)
	}
	for _, dir := range dirs {
		c := &checker{}
		files, err := filepath.Glob(filepath.Join(dir, "*.jsonl"))
		if err != nil || len(files) == 0 {
			t.Fatalf("no *.jsonl vectors in %s (err %v)", dir, err)
		}
		for _, f := range files {
			c.file(t, f)
		}
		t.Logf("apfixed conformance: %d vectors checked from %s, %d failures", c.n, dir, c.failures)
		if c.failures > 0 {
			t.Errorf("%s: %d of %d vectors failed", dir, c.failures, c.n)
		}
	}
}

// record is one decoded JSON line; fields are read on demand.
type record map[string]any

func (r record) str(k string) string {
	s, _ := r[k].(string)
	return s
}

func (r record) sub(k string) record {
	m, _ := r[k].(map[string]any)
	return record(m)
}

func (r record) num(k string) int {
	f, _ := r[k].(float64)
	return int(f)
}

// checker runs records and counts vectors and failures. A record's failures
// are collected in errs and reported once.
type checker struct {
	n, failures int
	errs        []string
}

func (c *checker) failf(format string, args ...any) {
	c.errs = append(c.errs, fmt.Sprintf(format, args...))
}

func (c *checker) file(t *testing.T, path string) {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for line := 1; sc.Scan(); line++ {
		var r record
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("%s:%d: %v", path, line, err)
		}
		c.errs = c.errs[:0]
		counted := c.record(r)
		if counted {
			c.n++
		}
		if len(c.errs) > 0 {
			c.failures++
			if c.failures <= 30 {
				t.Errorf("%s:%d %s: %s", filepath.Base(path), line, r.str("id"), strings.Join(c.errs, "; "))
			}
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
}

// record checks one record and reports whether it carries a result.
func (c *checker) record(r record) (counted bool) {
	defer func() {
		if p := recover(); p != nil {
			c.failf("panic: %v", p)
		}
	}()
	if r["abort"] != nil {
		c.abort(r)
		return false
	}
	id := r.str("id")
	switch {
	case len(id) > 2 && id[1] == '1':
		c.convDouble(r)
	case len(id) > 2 && id[1] == '2':
		c.convFixed(r, r.str("from"), r.str("to"), r.str("x_raw"), r.str("raw"))
		c.val(r.str("val"), r.str("raw"), r.str("to"))
	case len(id) > 2 && id[1] == '3':
		c.arith(r)
	case len(id) > 2 && id[1] == '4':
		c.dense(r)
	case len(id) > 2 && id[1] == '5':
		c.intMisc(r)
	default:
		c.failf("unknown record category")
		return false
	}
	return true
}

func (c *checker) typ(s string) Type {
	t, err := Parse(s)
	if err != nil {
		c.failf("parse %q: %v", s, err)
	}
	return t
}

func (c *checker) value(ts, raw string) Value {
	t := c.typ(ts)
	x, ok := new(big.Int).SetString(raw, 16)
	if !ok {
		c.failf("bad raw %q", raw)
		return Value{}
	}
	v, err := FromRaw(t, x)
	if err != nil {
		c.failf("FromRaw(%s, %s): %v", ts, raw, err)
	}
	return v
}

// same compares a raw pattern with the expected hex string.
func (c *checker) same(what string, got Value, want string) {
	if got.RawBits() != want {
		c.failf("%s: got raw %s, want %s", what, got.RawBits(), want)
	}
}

// val checks Float64 against a *_val field (to_double of the result).
func (c *checker) val(want, raw, ts string) {
	if want == "" {
		return
	}
	w, err := strconv.ParseFloat(want, 64)
	if err != nil {
		c.failf("bad val %q", want)
		return
	}
	v := c.value(ts, raw)
	if got := v.Float64(); got != w || math.Signbit(got) != math.Signbit(w) && w != 0 {
		c.failf("Float64 of %s %s: got %x, want %x", ts, raw, got, w)
	}
}

// rawHex prints a signed raw integer as the W-bit pattern of t.
func rawHex(t Type, raw *big.Int) string {
	return newValue(t, new(big.Int).Set(raw)).RawBits()
}

func (c *checker) convDouble(r record) {
	t := c.typ(r.str("type"))
	bits, err := strconv.ParseUint(r.str("x_bits"), 16, 64)
	if err != nil {
		c.failf("bad x_bits")
		return
	}
	x := math.Float64frombits(bits)
	want := r.str("raw")
	v, _ := FromFloat64(t, x)
	c.same("FromFloat64", v, want)
	m, e := floatParts(x)
	ref, _ := quantize(big.NewInt(m), e, t)
	if got := rawHex(t, ref); got != want {
		c.failf("quantize: got %s, want %s", got, want)
	}
	if fc, err := NewFloatCast64(t); err == nil {
		raw, _ := fc.Apply(x)
		c.same("FloatCast64", FromRaw64(t, raw), want)
	}
	c.val(r.str("val"), want, r.str("type"))
}

// convFixed checks `To d = s;` on all three paths; want "" means the
// library aborts, so Convert must return an *AbortError.
func (c *checker) convFixed(r record, from, to, xraw, want string) {
	s := c.value(from, xraw)
	dt := c.typ(to)
	d, _, err := s.Convert(dt)
	var ae *AbortError
	if want == "" {
		if !errors.As(err, &ae) {
			c.failf("Convert %s -> %s: want an abort error, got %v", from, to, err)
		}
		return
	}
	if err != nil {
		c.failf("Convert %s -> %s: %v", from, to, err)
		return
	}
	c.same("Convert", d, want)
	ref, _ := quantize(s.Raw(), -s.Type().FracBits(), dt)
	if got := rawHex(dt, ref); got != want {
		c.failf("quantize: got %s, want %s", got, want)
	}
	if raw, ok := s.Raw64(); ok {
		if cc, err := NewCast64(s.Type().FracBits(), dt); err == nil {
			got, _ := cc.Apply(raw)
			c.same("Cast64", FromRaw64(dt, got), want)
		}
	}
}

func (c *checker) abort(r record) {
	if r.str("from") == "" || r.str("to") == "" {
		c.failf("abort record without from/to")
		return
	}
	c.convFixed(r, r.str("from"), r.str("to"), r.str("x_raw"), "")
}

// ops lists the arithmetic operators of arith.jsonl and intarith.
var ops = []struct {
	name string
	f    func(a, b Value) Value
}{{"mul", Mul}, {"add", Add}, {"sub", Sub}}

func (c *checker) arith(r record) {
	a := c.value(r.str("a_type"), r.str("a_raw"))
	b := c.value(r.str("b_type"), r.str("b_raw"))
	for _, op := range ops {
		o := r.sub(op.name)
		res := op.f(a, b)
		if rt := c.typ(o.str("res_type")); res.Type() != rt {
			c.failf("%s type: got %v, want %v", op.name, res.Type(), rt)
		}
		c.same(op.name, res, o.str("res_raw"))
		c.val(o.str("res_val"), o.str("res_raw"), o.str("res_type"))
		dt := c.typ(o.str("dst_type"))
		d, _, err := res.Convert(dt)
		if want := o.str("dst_raw"); want == "" {
			if err == nil {
				c.failf("%s dst: want an abort error", op.name)
			}
		} else if err != nil {
			c.failf("%s dst: %v", op.name, err)
		} else {
			c.same(op.name+" dst", d, want)
			c.val(o.str("dst_val"), want, o.str("dst_type"))
			ref, _ := quantize(res.Raw(), -res.Type().FracBits(), dt)
			if got := rawHex(dt, ref); got != want {
				c.failf("%s dst quantize: got %s, want %s", op.name, got, want)
			}
		}
		// Dst c = a; c op= b;  is  c = Dst(Dst(a) op b).
		ca, _, err1 := a.Convert(dt)
		cc, _, err2 := op.f(ca, b).Convert(dt)
		if want := o.str("opeq_raw"); want == "" {
			if err1 == nil && err2 == nil {
				c.failf("%s opeq: want an abort error", op.name)
			}
		} else if err1 != nil || err2 != nil {
			c.failf("%s opeq: %v %v", op.name, err1, err2)
		} else {
			c.same(op.name+" opeq", cc, want)
		}
	}
}

func (c *checker) dense(r record) {
	xt, wt := c.typ(r.str("x_type")), c.typ(r.str("w_type"))
	acct, rest := c.typ(r.str("acc_type")), c.typ(r.str("res_type"))
	xs, _ := r["x_raw"].([]any)
	ws, _ := r["w_raw"].([]any)
	if len(xs) != len(ws) || len(xs) == 0 {
		c.failf("bad x_raw/w_raw")
		return
	}
	b := c.value(r.str("b_type"), r.str("b_raw"))
	conv := func(v Value, t Type) Value {
		d, _, err := v.Convert(t)
		if err != nil {
			c.failf("dense: %v", err)
		}
		return d
	}
	acc := conv(b, acct)
	acc2 := acc
	for i := range xs {
		x := c.value(xt.String(), xs[i].(string))
		w := c.value(wt.String(), ws[i].(string))
		acc = conv(Add(acc, Mul(w, x)), acct)               // variant 1: acc += w*x
		acc2 = conv(Add(acc2, conv(Mul(x, w), acct)), acct) // variant 2
	}
	c.same("acc", acc, r.str("acc_raw"))
	c.same("res", conv(acc, rest), r.str("res_raw"))
	c.same("acc2", acc2, r.str("acc2_raw"))
	c.same("res2", conv(acc2, rest), r.str("res2_raw"))
	c.val(r.str("res_val"), r.str("res_raw"), rest.String())
	c.val(r.str("res2_val"), r.str("res2_raw"), rest.String())
	c.denseInt64(r, xt, wt, acct, rest, b, xs, ws)
}

// denseInt64 runs both variants of a dense record on raw int64 values with
// Cast64, as the emulator does, when every intermediate type fits.
func (c *checker) denseInt64(r record, xt, wt, acct, rest Type, b Value, xs, ws []any) {
	pt := MulType(wt, xt)
	st := AddType(acct, pt) // acc + w*x
	st2 := AddType(acct, acct)
	braw, ok := b.Raw64()
	if !ok || !pt.fits64() || !st.fits64() || !st2.fits64() || !rest.fits64() {
		return
	}
	cast := func(srcFrac int, to Type) Cast64 {
		cc, err := NewCast64(srcFrac, to)
		if err != nil {
			c.failf("NewCast64: %v", err)
		}
		return cc
	}
	cb, cs, cm, cs2 := cast(b.Type().FracBits(), acct), cast(st.FracBits(), acct), cast(pt.FracBits(), acct), cast(st2.FracBits(), acct)
	cr := cast(acct.FracBits(), rest)
	acc, _ := cb.Apply(braw)
	acc2 := acc
	sa, sp := uint(st.FracBits()-acct.FracBits()), uint(st.FracBits()-pt.FracBits())
	for i := range xs {
		x, _ := c.value(xt.String(), xs[i].(string)).Raw64()
		w, _ := c.value(wt.String(), ws[i].(string)).Raw64()
		acc, _ = cs.Apply(acc<<sa + (w*x)<<sp)
		m, _ := cm.Apply(w * x)
		acc2, _ = cs2.Apply(acc2 + m)
	}
	res, _ := cr.Apply(acc)
	res2, _ := cr.Apply(acc2)
	c.same("int64 acc", FromRaw64(acct, acc), r.str("acc_raw"))
	c.same("int64 res", FromRaw64(rest, res), r.str("res_raw"))
	c.same("int64 acc2", FromRaw64(acct, acc2), r.str("acc2_raw"))
	c.same("int64 res2", FromRaw64(rest, res2), r.str("res2_raw"))
}

func (c *checker) intMisc(r record) {
	switch k := r.str("kind"); k {
	case "fix2int", "int2int":
		s := c.value(r.str("from"), r.str("x_raw"))
		d, err := s.ToInt(c.typ(r.str("to")))
		if err != nil {
			c.failf("ToInt: %v", err)
			return
		}
		c.same(k, d, r.str("raw"))
	case "int2fix":
		c.convFixed(r, r.str("from"), r.str("to"), r.str("x_raw"), r.str("raw"))
	case "shift":
		s := c.value(r.str("type"), r.str("x_raw"))
		c.same("shl", s.Shl(r.num("sh")), r.str("shl_raw"))
		c.same("shr", s.Shr(r.num("sh")), r.str("shr_raw"))
	case "range":
		s := c.value(r.str("type"), r.str("x_raw"))
		d, err := s.Range(r.num("hi"), r.num("lo"))
		if err != nil {
			c.failf("Range: %v", err)
			return
		}
		c.same("range", d, r.str("raw"))
	case "intarith":
		a := c.value(r.str("a_type"), r.str("a_raw"))
		b := c.value(r.str("b_type"), r.str("b_raw"))
		for _, op := range ops {
			res := op.f(a, b)
			if rt := c.typ(r.str(op.name + "_type")); res.Type() != rt {
				c.failf("%s type: got %v, want %v", op.name, res.Type(), rt)
			}
			c.same(op.name, res, r.str(op.name+"_raw"))
		}
	default:
		c.failf("unknown int_misc kind %q", k)
	}
}
