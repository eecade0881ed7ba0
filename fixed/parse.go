// This file implements reading and printing type spellings: the C++ forms
// ap_fixed<W,I,Q,O,N>, ap_ufixed<...>, ap_int<W>, ap_uint<W> and hls4ml's
// fixed<...>, ufixed<...>, int<W>, uint<W>.

package fixed

import (
	"fmt"
	"strconv"
	"strings"
)

// A ParseError reports a malformed type string: the input, the 1-based
// column where the problem was found and what is wrong there.
type ParseError struct {
	Input string
	Col   int
	Msg   string
}

// Error prints the input, the column and the problem.
func (e *ParseError) Error() string {
	return fmt.Sprintf("type %q: column %d: %s", e.Input, e.Col, e.Msg)
}

// typeNames lists the accepted type names: whether they are signed and
// whether they take W only (integer types).
var typeNames = map[string]struct{ signed, integer bool }{
	"ap_fixed": {true, false}, "ap_ufixed": {false, false},
	"ap_int": {true, true}, "ap_uint": {false, true},
	"fixed": {true, false}, "ufixed": {false, false},
	"int": {true, true}, "uint": {false, true},
}

// Parse reads a type in any of the spellings users write:
//
//	ap_fixed<16,6>   ap_fixed<16,6,AP_RND_CONV,AP_SAT>   ap_ufixed<8,0,AP_RND,AP_SAT,0>
//	ap_int<8>        ap_uint<4>
//	fixed<16,6,RND_CONV,SAT>   ufixed<8,3>   int<8>   uint<4>   (hls4ml)
//
// Modes may use either spelling in either family, in any case; spaces are
// allowed around every token. Omitted trailing parameters take the ap_fixed
// defaults AP_TRN, AP_WRAP, 0. Errors are *ParseError values that name the
// column and the problem, e.g. `type "ap_fixed<16>": column 12: missing
// integer bits`.
func Parse(s string) (Type, error) {
	p := parser{in: s}
	return p.parse()
}

// MustParse is Parse for spellings known to be valid; it panics on an error.
func MustParse(s string) Type {
	t, err := Parse(s)
	if err != nil {
		panic("fixed.MustParse: " + err.Error())
	}
	return t
}

// parser scans one type string. pos is a byte offset into in.
type parser struct {
	in  string
	pos int
}

func (p *parser) errAt(pos int, format string, args ...any) error {
	return &ParseError{Input: p.in, Col: pos + 1, Msg: fmt.Sprintf(format, args...)}
}

func (p *parser) skipSpace() {
	for p.pos < len(p.in) && (p.in[p.pos] == ' ' || p.in[p.pos] == '\t') {
		p.pos++
	}
}

// token returns the next run of characters up to a delimiter (',', '<', '>',
// space), and its start offset.
func (p *parser) token() (string, int) {
	p.skipSpace()
	start := p.pos
	for p.pos < len(p.in) && !strings.ContainsRune(",<> \t", rune(p.in[p.pos])) {
		p.pos++
	}
	return p.in[start:p.pos], start
}

// paramNames names the parameters by position, for messages.
var paramNames = [...]string{"width", "integer bits", "rounding mode", "overflow mode", "saturation bits"}

func (p *parser) parse() (Type, error) {
	name, at := p.token()
	if name == "" {
		if p.pos >= len(p.in) {
			return Type{}, p.errAt(at, "empty type")
		}
		return Type{}, p.errAt(at, "expected a type name, found %q", p.in[p.pos:p.pos+1])
	}
	kind, ok := typeNames[name]
	if !ok {
		return Type{}, p.errAt(at, "unknown type name %q (want ap_fixed, ap_ufixed, ap_int, ap_uint, fixed, ufixed, int or uint)", name)
	}
	p.skipSpace()
	if p.pos >= len(p.in) || p.in[p.pos] != '<' {
		return Type{}, p.errAt(p.pos, "expected '<' after %q", name)
	}
	p.pos++

	// Read the comma-separated parameters up to '>'.
	var params []string
	var starts []int
	for {
		tok, start := p.token()
		p.skipSpace()
		if tok == "" {
			if len(params) == 0 && p.pos < len(p.in) && p.in[p.pos] == '>' {
				return Type{}, p.errAt(p.pos, "missing width")
			}
			return Type{}, p.errAt(p.pos, "missing %s", paramName(len(params)))
		}
		params = append(params, tok)
		starts = append(starts, start)
		if p.pos >= len(p.in) {
			return Type{}, p.errAt(p.pos, "missing '>'")
		}
		c := p.in[p.pos]
		p.pos++
		if c == '>' {
			break
		}
		if c != ',' {
			return Type{}, p.errAt(p.pos-1, "unexpected %q in parameter list", string(c))
		}
	}
	end := p.pos
	p.skipSpace()
	if p.pos < len(p.in) {
		return Type{}, p.errAt(p.pos, "unexpected %q after the type", p.in[p.pos:])
	}

	if kind.integer {
		w, err := p.number(params[0], starts[0], "width")
		if err != nil {
			return Type{}, err
		}
		if len(params) > 1 {
			return Type{}, p.errAt(starts[1], "%s takes one parameter (the width)", name)
		}
		t, err := New(w, w, kind.signed, Trn, Wrap, 0)
		if err != nil {
			return Type{}, p.errAt(starts[0], "%v", err)
		}
		return t, nil
	}
	if len(params) > len(paramNames) {
		return Type{}, p.errAt(starts[len(paramNames)], "too many parameters: %s takes at most %d", name, len(paramNames))
	}
	w, err := p.number(params[0], starts[0], "width")
	if err != nil {
		return Type{}, err
	}
	if len(params) < 2 {
		return Type{}, p.errAt(end-1, "missing integer bits")
	}
	i, err := p.number(params[1], starts[1], "integer bits")
	if err != nil {
		return Type{}, err
	}
	q, o, n := Trn, Wrap, 0
	if len(params) > 2 {
		if q, err = ParseRounding(params[2]); err != nil {
			if _, e2 := ParseOverflow(params[2]); e2 == nil {
				return Type{}, p.errAt(starts[2], "%q is an overflow mode; the rounding mode comes first", params[2])
			}
			return Type{}, p.errAt(starts[2], "%v", err)
		}
	}
	if len(params) > 3 {
		if o, err = ParseOverflow(params[3]); err != nil {
			if _, e2 := ParseRounding(params[3]); e2 == nil {
				return Type{}, p.errAt(starts[3], "%q is a rounding mode, but the overflow mode belongs here", params[3])
			}
			return Type{}, p.errAt(starts[3], "%v", err)
		}
	}
	if len(params) > 4 {
		if n, err = p.number(params[4], starts[4], "saturation bits"); err != nil {
			return Type{}, err
		}
	}
	if at, err := validate(w, i, kind.signed, q, o, n); err != nil {
		return Type{}, p.errAt(starts[min(at, len(starts)-1)], "%v", err)
	}
	return Type{w: int32(w), i: int32(i), n: int32(n), signed: kind.signed, q: q, o: o}, nil
}

func paramName(i int) string {
	if i < len(paramNames) {
		return paramNames[i]
	}
	return "parameter"
}

// number reads a decimal integer parameter.
func (p *parser) number(tok string, at int, what string) (int, error) {
	v, err := strconv.Atoi(tok)
	if err != nil {
		if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
			return 0, p.errAt(at, "%s %s is out of range", what, tok)
		}
		return 0, p.errAt(at, "%s %q is not an integer", what, tok)
	}
	return v, nil
}

// String returns the canonical C++ spelling. Trailing parameters equal to
// the defaults (AP_TRN, AP_WRAP, 0) are omitted, and integer types print as
// ap_int / ap_uint: "ap_fixed<16,6>", "ap_fixed<16,6,AP_RND_CONV,AP_SAT>",
// "ap_ufixed<8,3,AP_TRN,AP_WRAP,2>", "ap_int<8>". The zero Type prints as
// "invalid".
func (t Type) String() string {
	return t.spell("ap_", "AP_")
}

// HLS4ML returns hls4ml's spelling of t: "fixed<16,6>",
// "fixed<16,6,RND_CONV,SAT>", "ufixed<8,0,RND,SAT>", "int<8>".
func (t Type) HLS4ML() string {
	return t.spell("", "")
}

// spell prints t with a prefix for the type name and one for the modes.
func (t Type) spell(namePrefix, modePrefix string) string {
	if !t.Valid() {
		return "invalid"
	}
	u := ""
	if !t.signed {
		u = "u"
	}
	if t.IsInt() {
		return fmt.Sprintf("%s%sint<%d>", namePrefix, u, t.w)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s%sfixed<%d,%d", namePrefix, u, t.w, t.i)
	nparams := 2
	switch {
	case t.n != 0:
		nparams = 5
	case t.o != Wrap:
		nparams = 4
	case t.q != Trn:
		nparams = 3
	}
	if nparams >= 3 {
		b.WriteString("," + modePrefix + t.q.HLS4ML())
	}
	if nparams >= 4 {
		b.WriteString("," + modePrefix + t.o.HLS4ML())
	}
	if nparams >= 5 {
		fmt.Fprintf(&b, ",%d", t.n)
	}
	b.WriteByte('>')
	return b.String()
}
