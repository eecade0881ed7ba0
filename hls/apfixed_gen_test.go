// This file implements the generator of the C++ conformance program for
// nnhls's ap_fixed / ap_int headers: each golden vector record becomes a C++
// block with its types spelled out and a check per expected raw value.

package hls

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/big"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/nnhls/nnhls/fixed"
)

// apVectorDir holds the golden vectors, relative to this package.
const apVectorDir = "../testdata/apfixed"

// apVectorFiles are the categories checked. On the inputs of asserts.jsonl the
// library aborts, so they have no golden result; there the headers are
// checked against the emulator (package fixed), which goes on with the
// value of the conversion rule, so that C simulation and emulation agree.
var apVectorFiles = []string{"conv_double", "conv_fixed", "arith", "dense", "int_misc", "asserts"}

var (
	apTypeRE = regexp.MustCompile(`^(ap_fixed|ap_ufixed)<-?\d+,-?\d+,AP_[A-Z_]+,AP_[A-Z_]+,\d+>$|^ap_u?int<\d+>$`)
	apHexRE  = regexp.MustCompile(`^[0-9a-f]+$`)
	apIDRE   = regexp.MustCompile(`^[PH]\d-\d+$`)
)

// apHarnessHeader is included by every generated translation unit: checks that
// count and report mismatches, and constructors from raw bits and doubles.
const apHarnessHeader = `#include <cstdio>
#include <cstring>
#include <string>
#include <type_traits>
#include "ap_fixed.h"
#include "ap_int.h"
extern long long g_checks;
void fail(const char* id, const char* what, const std::string& got, const std::string& want);
template <class T>
inline void K(const char* id, const char* what, const T& x, const char* want) {
  ++g_checks;
  const std::string got = x.to_raw_hex();
  if (got != want) fail(id, what, got, want);
}
inline void D(const char* id, const char* what, double got, unsigned long long want) {
  ++g_checks;
  unsigned long long g;
  std::memcpy(&g, &got, sizeof g);
  if (g != want && !(got == 0 && (want << 1) == 0)) {
    char a[40], b[40];
    std::snprintf(a, sizeof a, "%016llx", g);
    std::snprintf(b, sizeof b, "%016llx", want);
    fail(id, what, a, b);
  }
}
inline void TY(const char* id, const char* what, bool same) {
  ++g_checks;
  if (!same) fail(id, what, "other type", "the library's type");
}
template <class T>
inline T R(const char* hex) {
  T x;
  x.set_raw_hex(hex);
  return x;
}
inline double F64(unsigned long long bits) {
  double d;
  std::memcpy(&d, &bits, sizeof d);
  return d;
}
`

// apHarnessMain runs every chunk and prints the totals.
const apHarnessMain = `#include <cstdio>
#include <string>
long long g_checks = 0;
static long long g_fails = 0;
void fail(const char* id, const char* what, const std::string& got, const std::string& want) {
  ++g_fails;
  if (g_fails <= 200) std::printf("FAIL %s %s got %s want %s\n", id, what, got.c_str(), want.c_str());
}
DECLS
int main() {
CALLS
  std::printf("TOTAL %lld %lld\n", g_checks, g_fails);
  return 0;
}
`

// apGen turns records into C++ blocks, one per record, and counts the
// checks it emitted so that the run can be verified to have done them all.
type apGen struct {
	blocks  []string
	weights []int // estimated compile cost of each block
	checks  int
}

// apCompileWeight estimates the g++ cost of one record of a category (arith
// instantiates the most types and operators per record), so that the
// translation units get equal shares. Records of a category come grouped by
// type, so the units take contiguous runs and share instantiations.
var apCompileWeight = map[string]int{"conv_double": 2, "conv_fixed": 3, "arith": 25, "dense": 12, "int_misc": 5, "asserts": 3}

// apRec is one decoded JSON record with typed accessors that record the first
// malformed field.
type apRec struct {
	m   map[string]any
	err error
}

func (r *apRec) fail(key, why string) {
	if r.err == nil {
		r.err = fmt.Errorf("field %q: %s", key, why)
	}
}

func (r *apRec) str(key string, re *regexp.Regexp) string {
	s, ok := r.m[key].(string)
	if !ok || (re != nil && !re.MatchString(s)) {
		r.fail(key, fmt.Sprintf("unexpected value %v", r.m[key]))
		return "0"
	}
	return s
}

// isNull reports whether key is present with the value null.
func (r *apRec) isNull(key string) bool {
	v, ok := r.m[key]
	return ok && v == nil
}

func (r *apRec) num(key string) int {
	f, ok := r.m[key].(float64)
	if !ok || f != math.Trunc(f) {
		r.fail(key, "not an integer")
		return 0
	}
	return int(f)
}

// dbits returns the bits of a hex-float field as a C++ literal.
func (r *apRec) dbits(key string) string {
	s := r.str(key, nil)
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		r.fail(key, err.Error())
	}
	return fmt.Sprintf("0x%016xULL", math.Float64bits(f))
}

func (r *apRec) sub(key string) *apRec {
	m, ok := r.m[key].(map[string]any)
	if !ok {
		r.fail(key, "not an object")
		m = map[string]any{}
	}
	return &apRec{m: m}
}

// add turns one record of the given category into a C++ block.
func (g *apGen) add(category string, r *apRec) error {
	var b strings.Builder
	id := r.str("id", apIDRE)
	check := func(format string, args ...any) {
		g.checks++
		fmt.Fprintf(&b, format, args...)
		b.WriteByte('\n')
	}
	b.WriteString("{\n")
	switch category {
	case "conv_double":
		fmt.Fprintf(&b, "typedef %s T; T y = F64(0x%sULL);\n", r.str("type", apTypeRE), r.str("x_bits", apHexRE))
		check(`K("%s", "raw", y, "%s");`, id, r.str("raw", apHexRE))
		check(`D("%s", "val", y.to_double(), %s);`, id, r.dbits("val"))
	case "conv_fixed":
		fmt.Fprintf(&b, "typedef %s A; typedef %s B; A s = R<A>(\"%s\"); B d = s;\n",
			r.str("from", apTypeRE), r.str("to", apTypeRE), r.str("x_raw", apHexRE))
		check(`D("%s", "x_val", s.to_double(), %s);`, id, r.dbits("x_val"))
		check(`K("%s", "raw", d, "%s");`, id, r.str("raw", apHexRE))
		check(`D("%s", "val", d.to_double(), %s);`, id, r.dbits("val"))
	case "arith":
		fmt.Fprintf(&b, "typedef %s A; typedef %s B; A a = R<A>(\"%s\"); B b = R<B>(\"%s\");\n",
			r.str("a_type", apTypeRE), r.str("b_type", apTypeRE), r.str("a_raw", apHexRE), r.str("b_raw", apHexRE))
		check(`D("%s", "a_val", a.to_double(), %s);`, id, r.dbits("a_val"))
		check(`D("%s", "b_val", b.to_double(), %s);`, id, r.dbits("b_val"))
		for _, op := range []struct{ key, sym string }{{"mul", "*"}, {"add", "+"}, {"sub", "-"}} {
			o := r.sub(op.key)
			fmt.Fprintf(&b, "{ typedef %s Dst; auto res = a %s b;\n", o.str("dst_type", apTypeRE), op.sym)
			check(`TY("%s", "%s res_type", std::is_same<decltype(res), %s>::value);`, id, op.key, o.str("res_type", apTypeRE))
			check(`K("%s", "%s res_raw", res, "%s");`, id, op.key, o.str("res_raw", apHexRE))
			check(`D("%s", "%s res_val", res.to_double(), %s);`, id, op.key, o.dbits("res_val"))
			if !o.isNull("dst_raw") {
				b.WriteString("Dst d = res;\n")
				check(`K("%s", "%s dst_raw", d, "%s");`, id, op.key, o.str("dst_raw", apHexRE))
				check(`D("%s", "%s dst_val", d.to_double(), %s);`, id, op.key, o.dbits("dst_val"))
			}
			if !o.isNull("opeq_raw") {
				fmt.Fprintf(&b, "Dst c = a; c %s= b;\n", op.sym)
				check(`K("%s", "%s opeq_raw", c, "%s");`, id, op.key, o.str("opeq_raw", apHexRE))
			}
			if o.err != nil {
				return fmt.Errorf("%s %s: %w", id, op.key, o.err)
			}
			b.WriteString("}\n")
		}
	case "dense":
		fmt.Fprintf(&b, "typedef %s x_t; typedef %s w_t; typedef %s b_t; typedef %s acc_t; typedef %s res_t;\n",
			r.str("x_type", apTypeRE), r.str("w_type", apTypeRE), r.str("b_type", apTypeRE),
			r.str("acc_type", apTypeRE), r.str("res_type", apTypeRE))
		for _, arr := range []struct{ key, typ string }{{"x_raw", "x_t"}, {"w_raw", "w_t"}} {
			vals, ok := r.m[arr.key].([]any)
			if !ok || len(vals) != 16 {
				return fmt.Errorf("%s: %s is not an array of 16", id, arr.key)
			}
			fmt.Fprintf(&b, "%s %s[16] = {", arr.typ, arr.key[:1])
			for i, v := range vals {
				s, ok := v.(string)
				if !ok || !apHexRE.MatchString(s) {
					return fmt.Errorf("%s: %s[%d] is not a raw value", id, arr.key, i)
				}
				fmt.Fprintf(&b, "R<%s>(\"%s\"),", arr.typ, s)
			}
			b.WriteString("};\n")
		}
		fmt.Fprintf(&b, "b_t b = R<b_t>(\"%s\");\n", r.str("b_raw", apHexRE))
		b.WriteString("acc_t acc = b;\nfor (int i = 0; i < 16; i++) acc += w[i] * x[i];\nres_t res = acc;\n")
		b.WriteString("acc_t acc2 = (acc_t)b;\nfor (int i = 0; i < 16; i++) { acc_t m = x[i] * w[i]; acc2 += m; }\nres_t res2 = acc2;\n")
		check(`K("%s", "acc_raw", acc, "%s");`, id, r.str("acc_raw", apHexRE))
		check(`K("%s", "res_raw", res, "%s");`, id, r.str("res_raw", apHexRE))
		check(`D("%s", "res_val", res.to_double(), %s);`, id, r.dbits("res_val"))
		check(`K("%s", "acc2_raw", acc2, "%s");`, id, r.str("acc2_raw", apHexRE))
		check(`K("%s", "res2_raw", res2, "%s");`, id, r.str("res2_raw", apHexRE))
		check(`D("%s", "res2_val", res2.to_double(), %s);`, id, r.dbits("res2_val"))
	case "int_misc":
		if err := g.intMisc(&b, r, id, check); err != nil {
			return err
		}
	case "asserts":
		from, to, x := r.str("from", apTypeRE), r.str("to", apTypeRE), r.str("x_raw", apHexRE)
		want, err := apEmulatorConvert(from, to, x)
		if err != nil {
			return fmt.Errorf("%s: %w", id, err)
		}
		fmt.Fprintf(&b, "typedef %s A; typedef %s B; A s = R<A>(\"%s\"); B d = s;\n", from, to, x)
		check(`K("%s", "raw (as package fixed)", d, "%s");`, id, want)
	default:
		return fmt.Errorf("unknown category %q", category)
	}
	b.WriteString("}\n")
	if r.err != nil {
		return fmt.Errorf("%s: %w", id, r.err)
	}
	g.blocks = append(g.blocks, b.String())
	g.weights = append(g.weights, apCompileWeight[category])
	return nil
}

// apEmulatorConvert returns the raw bits package fixed gives for converting
// the raw value x of type from into type to. Only the library's abort is
// accepted as an error: the value is then the conversion rule's.
func apEmulatorConvert(from, to, x string) (string, error) {
	ft, err := fixed.Parse(from)
	if err != nil {
		return "", err
	}
	tt, err := fixed.Parse(to)
	if err != nil {
		return "", err
	}
	raw, ok := new(big.Int).SetString(x, 16)
	if !ok {
		return "", fmt.Errorf("bad raw value %q", x)
	}
	v, err := fixed.FromRaw(ft, raw)
	if err != nil {
		return "", err
	}
	out, _, err := v.Convert(tt)
	var abort *fixed.AbortError
	if err != nil && !errors.As(err, &abort) {
		return "", err
	}
	return out.RawBits(), nil
}

// intMisc writes the block of an int_misc record, by kind.
func (g *apGen) intMisc(b *strings.Builder, r *apRec, id string, check func(string, ...any)) error {
	switch kind := r.str("kind", nil); kind {
	case "fix2int", "int2fix", "int2int":
		fmt.Fprintf(b, "typedef %s A; typedef %s B; A s = R<A>(\"%s\"); B d = s;\n",
			r.str("from", apTypeRE), r.str("to", apTypeRE), r.str("x_raw", apHexRE))
		check(`K("%s", "raw", d, "%s");`, id, r.str("raw", apHexRE))
	case "shift":
		fmt.Fprintf(b, "typedef %s T; T s = R<T>(\"%s\"); int sh = %d; T l = s << sh; T r = s >> sh;\n",
			r.str("type", apTypeRE), r.str("x_raw", apHexRE), r.num("sh"))
		check(`K("%s", "shl_raw", l, "%s");`, id, r.str("shl_raw", apHexRE))
		check(`K("%s", "shr_raw", r, "%s");`, id, r.str("shr_raw", apHexRE))
	case "range":
		want := r.str("raw", apHexRE)
		fmt.Fprintf(b, "typedef %s T; T s = R<T>(\"%s\"); const T& cs = s;\n", r.str("type", apTypeRE), r.str("x_raw", apHexRE))
		fmt.Fprintf(b, "ap_uint<T::width> u = s.range(%d, %d); ap_uint<T::width> cu = cs.range(%d, %d);\n",
			r.num("hi"), r.num("lo"), r.num("hi"), r.num("lo"))
		check(`K("%s", "range", u, "%s");`, id, want)
		check(`K("%s", "const range", cu, "%s");`, id, want)
	case "intarith":
		fmt.Fprintf(b, "typedef %s A; typedef %s B; A a = R<A>(\"%s\"); B b = R<B>(\"%s\");\n",
			r.str("a_type", apTypeRE), r.str("b_type", apTypeRE), r.str("a_raw", apHexRE), r.str("b_raw", apHexRE))
		b.WriteString("auto m = a * b; auto p = a + b; auto s = a - b;\n")
		for _, op := range []struct{ v, key string }{{"m", "mul"}, {"p", "add"}, {"s", "sub"}} {
			check(`TY("%s", "%s_type", std::is_same<decltype(%s), %s>::value);`, id, op.key, op.v, r.str(op.key+"_type", apTypeRE))
			check(`K("%s", "%s_raw", %s, "%s");`, id, op.key, op.v, r.str(op.key+"_raw", apHexRE))
		}
	default:
		return fmt.Errorf("%s: unknown int_misc kind %q", id, kind)
	}
	return nil
}

// apLoadVectors reads every record of the checked categories into g.
func apLoadVectors(t *testing.T, g *apGen) int {
	t.Helper()
	n := 0
	for _, name := range apVectorFiles {
		path := filepath.Join(apVectorDir, name+".jsonl")
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("reading vectors: %v", err)
		}
		sc := bufio.NewScanner(bytes.NewReader(data))
		sc.Buffer(make([]byte, 1<<20), 1<<24)
		for line := 1; sc.Scan(); line++ {
			if len(bytes.TrimSpace(sc.Bytes())) == 0 {
				continue
			}
			r := &apRec{}
			if err := json.Unmarshal(sc.Bytes(), &r.m); err != nil {
				t.Fatalf("%s:%d: %v", path, line, err)
			}
			if err := g.add(name, r); err != nil {
				t.Fatalf("%s:%d: %v", path, line, err)
			}
			n++
		}
		if err := sc.Err(); err != nil {
			t.Fatalf("reading %s: %v", path, err)
		}
	}
	return n
}
