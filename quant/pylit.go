// This file implements the small subset of Python expression syntax that
// Keras configs use to spell a quantizer as a string: a call such as
// "quantized_bits(6,0,alpha='auto_po2')" or a bare name such as "binary",
// whose arguments are literals (ints, floats, True/False/None, quoted
// strings, lists and tuples of those) given by position or by keyword.

package quant

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// valueKind is the Python type of a literal.
type valueKind uint8

const (
	valNone valueKind = iota
	valBool
	valInt
	valFloat
	valString
	valList
)

var valueKindNames = [...]string{
	valNone:   "None",
	valBool:   "bool",
	valInt:    "int",
	valFloat:  "float",
	valString: "str",
	valList:   "list",
}

// value is a literal argument, from a Python string or from decoded JSON.
type value struct {
	kind valueKind
	b    bool
	num  float64 // valInt and valFloat
	str  string
	list []value
}

// String renders the value in Python spelling, for error messages.
func (v value) String() string {
	switch v.kind {
	case valNone:
		return "None"
	case valBool:
		if v.b {
			return "True"
		}
		return "False"
	case valInt, valFloat:
		return formatFloat(v.num)
	case valString:
		return strconv.Quote(v.str)
	case valList:
		parts := make([]string, len(v.list))
		for i, e := range v.list {
			parts[i] = e.String()
		}
		return "[" + strings.Join(parts, ",") + "]"
	}
	return "?"
}

// callExpr is a parsed "name(args)" or bare "name".
type callExpr struct {
	name   string
	args   []value // positional, in order
	kwargs []keywordArg
}

type keywordArg struct {
	name string
	val  value
}

// maxListDepth bounds nesting so hostile input cannot exhaust the stack.
const maxListDepth = 8

// pyParser is a recursive-descent parser over one input string.
type pyParser struct {
	src string
	pos int
}

// syntaxError reports a malformed string at a byte offset.
func (p *pyParser) errorf(format string, args ...any) error {
	return &ParseError{Input: p.src, Offset: p.pos, Msg: fmt.Sprintf(format, args...)}
}

// parseCall parses the whole input as one call expression.
func parseCall(src string) (*callExpr, error) {
	p := &pyParser{src: src}
	p.skipSpace()
	name := p.ident()
	if name == "" {
		return nil, p.errorf("expected a quantizer name")
	}
	call := &callExpr{name: name}
	p.skipSpace()
	if p.pos < len(p.src) && p.src[p.pos] == '(' {
		p.pos++
		if err := p.arguments(call); err != nil {
			return nil, err
		}
	}
	p.skipSpace()
	if p.pos != len(p.src) {
		return nil, p.errorf("unexpected %q after the quantizer", p.rest())
	}
	return call, nil
}

// arguments parses "a, b, k=v)" after the opening parenthesis.
func (p *pyParser) arguments(call *callExpr) error {
	for {
		p.skipSpace()
		if p.eof() {
			return p.errorf("missing ')'")
		}
		if p.src[p.pos] == ')' {
			p.pos++
			return nil
		}
		// A keyword argument is an identifier followed by '=' (not '==').
		start := p.pos
		if name := p.ident(); name != "" && !isLiteralName(name) {
			p.skipSpace()
			if p.pos < len(p.src) && p.src[p.pos] == '=' {
				p.pos++
				v, err := p.literal(0)
				if err != nil {
					return err
				}
				for _, kw := range call.kwargs {
					if kw.name == name {
						p.pos = start
						return p.errorf("keyword argument %q repeated", name)
					}
				}
				call.kwargs = append(call.kwargs, keywordArg{name, v})
				if err := p.separator(); err != nil {
					return err
				}
				continue
			}
			p.pos = start
			return p.errorf("unexpected name %q (arguments must be literals)", name)
		}
		p.pos = start
		if len(call.kwargs) > 0 {
			return p.errorf("positional argument follows keyword argument")
		}
		v, err := p.literal(0)
		if err != nil {
			return err
		}
		call.args = append(call.args, v)
		if err := p.separator(); err != nil {
			return err
		}
	}
}

// separator consumes a ',' or peeks a ')' after an argument.
func (p *pyParser) separator() error {
	p.skipSpace()
	if p.eof() {
		return p.errorf("missing ')'")
	}
	switch p.src[p.pos] {
	case ',':
		p.pos++
		return nil
	case ')':
		return nil
	}
	return p.errorf("expected ',' or ')', found %q", p.rest())
}

// literal parses one Python literal.
func (p *pyParser) literal(depth int) (value, error) {
	p.skipSpace()
	if p.eof() {
		return value{}, p.errorf("expected a value")
	}
	c := p.src[p.pos]
	switch {
	case c == '\'' || c == '"':
		return p.stringLit()
	case c == '[' || c == '(':
		return p.listLit(depth)
	case c == '-' || c == '+' || c == '.' || isDigit(c):
		return p.number()
	case isIdentStart(c):
		start := p.pos
		switch name := p.ident(); name {
		case "None":
			return value{kind: valNone}, nil
		case "True":
			return value{kind: valBool, b: true}, nil
		case "False":
			return value{kind: valBool, b: false}, nil
		default:
			p.pos = start
			return value{}, p.errorf("unexpected name %q (arguments must be literals)", name)
		}
	}
	return value{}, p.errorf("unexpected %q", p.rest())
}

// listLit parses "[a, b]" or "(a, b)".
func (p *pyParser) listLit(depth int) (value, error) {
	if depth >= maxListDepth {
		return value{}, p.errorf("lists nested too deeply")
	}
	closer := byte(']')
	if p.src[p.pos] == '(' {
		closer = ')'
	}
	p.pos++
	v := value{kind: valList, list: []value{}}
	for {
		p.skipSpace()
		if p.eof() {
			return value{}, p.errorf("missing %q", closer)
		}
		if p.src[p.pos] == closer {
			p.pos++
			return v, nil
		}
		e, err := p.literal(depth + 1)
		if err != nil {
			return value{}, err
		}
		v.list = append(v.list, e)
		p.skipSpace()
		if p.eof() {
			return value{}, p.errorf("missing %q", closer)
		}
		switch p.src[p.pos] {
		case ',':
			p.pos++
		case closer:
		default:
			return value{}, p.errorf("expected ',' or %q, found %q", closer, p.rest())
		}
	}
}

// stringLit parses a quoted string with the common backslash escapes.
func (p *pyParser) stringLit() (value, error) {
	quote := p.src[p.pos]
	start := p.pos
	p.pos++
	var b strings.Builder
	for !p.eof() {
		c := p.src[p.pos]
		switch {
		case c == quote:
			p.pos++
			return value{kind: valString, str: b.String()}, nil
		case c == '\\' && p.pos+1 < len(p.src):
			p.pos++
			switch e := p.src[p.pos]; e {
			case 'n':
				b.WriteByte('\n')
			case 't':
				b.WriteByte('\t')
			default:
				b.WriteByte(e)
			}
			p.pos++
		case c == '\n':
			p.pos = start
			return value{}, p.errorf("unterminated string")
		default:
			b.WriteByte(c)
			p.pos++
		}
	}
	p.pos = start
	return value{}, p.errorf("unterminated string")
}

// number parses a signed Python int or float literal ("6", "-1", ".5",
// "1e-3", "0.25", "1_000").
func (p *pyParser) number() (value, error) {
	start := p.pos
	if c := p.src[p.pos]; c == '-' || c == '+' {
		p.pos++
	}
	isFloat := false
	for !p.eof() {
		c := p.src[p.pos]
		switch {
		case isDigit(c) || c == '_':
		case c == '.':
			isFloat = true
		case c == 'e' || c == 'E':
			isFloat = true
			if p.pos+1 < len(p.src) && (p.src[p.pos+1] == '-' || p.src[p.pos+1] == '+') {
				p.pos++
			}
		default:
			goto done
		}
		p.pos++
	}
done:
	text := p.src[start:p.pos]
	clean := strings.ReplaceAll(text, "_", "")
	if strings.Contains(text, "__") || strings.HasSuffix(text, "_") {
		clean = "" // Python rejects these; so does ParseFloat below.
	}
	f, err := strconv.ParseFloat(clean, 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		p.pos = start
		return value{}, p.errorf("bad number %q", text)
	}
	if !isFloat {
		if f != math.Trunc(f) || math.Abs(f) > 1<<53 {
			p.pos = start
			return value{}, p.errorf("integer %q out of range", text)
		}
		return value{kind: valInt, num: f}, nil
	}
	return value{kind: valFloat, num: f}, nil
}

func (p *pyParser) ident() string {
	start := p.pos
	if p.eof() || !isIdentStart(p.src[p.pos]) {
		return ""
	}
	for !p.eof() && (isIdentStart(p.src[p.pos]) || isDigit(p.src[p.pos])) {
		p.pos++
	}
	return p.src[start:p.pos]
}

func (p *pyParser) skipSpace() {
	for !p.eof() {
		switch p.src[p.pos] {
		case ' ', '\t', '\n', '\r':
			p.pos++
		default:
			return
		}
	}
}

func (p *pyParser) eof() bool { return p.pos >= len(p.src) }

// rest is the unparsed remainder, shortened for messages.
func (p *pyParser) rest() string {
	r := p.src[p.pos:]
	if len(r) > 20 {
		r = r[:20] + "..."
	}
	return r
}

func isLiteralName(s string) bool { return s == "None" || s == "True" || s == "False" }

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func isIdentStart(c byte) bool {
	return c == '_' || ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z')
}

// formatFloat prints a float as Python would read it back: integral values
// without an exponent as "6", others in shortest round-trip form.
func formatFloat(f float64) string {
	if f == math.Trunc(f) && math.Abs(f) < 1e15 {
		return strconv.FormatFloat(f, 'f', -1, 64)
	}
	return strconv.FormatFloat(f, 'g', -1, 64)
}
