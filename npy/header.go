// This file implements the .npy header: the magic string and version, and the
// Python dict literal that follows, e.g.
// {'descr': '<f4', 'fortran_order': False, 'shape': (1000, 16), }.

package npy

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// magic opens every .npy file.
const magic = "\x93NUMPY"

// header is the parsed dict of a .npy file.
type header struct {
	dtype   dtype
	fortran bool
	shape   []int
}

// parseHeader parses the header dict. Like numpy.lib.format, it requires
// exactly the keys "descr", "fortran_order" and "shape".
func parseHeader(text string) (header, error) {
	var h header
	p := &litParser{s: text}
	v, err := p.parse()
	if err != nil {
		return h, fmt.Errorf("header %q: %w", clip(text), err)
	}
	if v.kind != litDict {
		return h, fmt.Errorf("header %q: not a dict", clip(text))
	}
	seen := map[string]bool{}
	for i, key := range v.keys {
		if seen[key] {
			return h, fmt.Errorf("header: duplicate key %q", key)
		}
		seen[key] = true
		val := v.items[i]
		switch key {
		case "descr":
			if val.kind != litString {
				// A list of (name, type) pairs describes a record.
				return h, errors.New("unsupported dtype: structured (record) arrays cannot be read")
			}
			if h.dtype, err = parseDType(val.s); err != nil {
				return h, err
			}
		case "fortran_order":
			if val.kind != litBool {
				return h, errors.New("header: fortran_order is not True or False")
			}
			h.fortran = val.b
		case "shape":
			if val.kind != litTuple && val.kind != litList {
				return h, errors.New("header: shape is not a tuple")
			}
			if len(val.items) > maxDims {
				return h, fmt.Errorf("header: shape has %d dimensions, more than numpy's limit of %d", len(val.items), maxDims)
			}
			h.shape = make([]int, len(val.items))
			for j, d := range val.items {
				if d.kind != litInt {
					return h, fmt.Errorf("header: shape entry %d is not an integer", j)
				}
				if d.i < 0 {
					return h, fmt.Errorf("header: shape dimension %d is negative (%d)", j, d.i)
				}
				h.shape[j] = d.i
			}
		default:
			return h, fmt.Errorf("header: unexpected key %q", key)
		}
	}
	for _, key := range []string{"descr", "fortran_order", "shape"} {
		if !seen[key] {
			return h, fmt.Errorf("header: missing key %q", key)
		}
	}
	return h, nil
}

// clip shortens a header for an error message.
func clip(s string) string {
	s = strings.TrimRight(s, " \n")
	if len(s) > 120 {
		return s[:120] + "..."
	}
	return s
}

// formatHeader returns the complete preamble of a float64 C-order array of
// the given shape: magic, version, header length and the dict padded with
// spaces and a final newline so that the data starts at a multiple of 64
// bytes, as numpy.save does. It uses version 1.0 unless the dict is longer
// than the 16-bit length field allows.
func formatHeader(shape []int) []byte {
	dict := "{'descr': '<f8', 'fortran_order': False, 'shape': " + shapeString(shape) + ", }"
	for _, v := range []struct {
		major   byte
		lenSize int
		max     int
	}{{1, 2, 0xffff}, {2, 4, 0xffffffff}} {
		pre := len(magic) + 2 + v.lenSize
		total := pre + len(dict) + 1 // +1 for '\n'
		total = (total + 63) / 64 * 64
		hlen := total - pre
		if hlen > v.max {
			continue
		}
		b := make([]byte, 0, total)
		b = append(b, magic...)
		b = append(b, v.major, 0)
		for i := range v.lenSize {
			b = append(b, byte(hlen>>(8*i)))
		}
		b = append(b, dict...)
		for len(b) < total-1 {
			b = append(b, ' ')
		}
		return append(b, '\n')
	}
	// A dict over 4 GiB would need a shape with hundreds of millions of
	// dimensions; Write refuses such shapes before calling us.
	panic("npy: unreachable header size")
}

// litKind tells which Python literal a litValue holds.
type litKind int

const (
	litString litKind = iota
	litInt
	litBool
	litNone
	litTuple
	litList
	litDict
)

// A litValue is one parsed Python literal.
type litValue struct {
	kind  litKind
	s     string     // litString
	i     int        // litInt
	b     bool       // litBool
	items []litValue // litTuple, litList; dict values
	keys  []string   // litDict keys, in order, parallel to items
}

// maxLitDepth bounds nesting so a hostile header of a million '(' cannot
// exhaust the stack. numpy's own headers nest at most three deep.
const maxLitDepth = 16

// litParser parses the subset of Python literal syntax that numpy headers
// use: strings, integers (with Python 2's optional 'L'), True, False, None,
// tuples, lists and dicts with string keys.
type litParser struct {
	s     string
	pos   int
	depth int
}

// parse parses one literal that must fill the whole input (apart from
// surrounding whitespace).
func (p *litParser) parse() (litValue, error) {
	v, err := p.value()
	if err != nil {
		return v, err
	}
	p.skipSpace()
	if p.pos != len(p.s) {
		return v, fmt.Errorf("unexpected %q at offset %d", p.s[p.pos], p.pos)
	}
	return v, nil
}

func (p *litParser) skipSpace() {
	for p.pos < len(p.s) {
		switch p.s[p.pos] {
		case ' ', '\t', '\n', '\r':
			p.pos++
		default:
			return
		}
	}
}

func (p *litParser) value() (litValue, error) {
	p.skipSpace()
	if p.pos >= len(p.s) {
		return litValue{}, errors.New("unexpected end")
	}
	switch c := p.s[p.pos]; {
	case c == '\'' || c == '"':
		s, err := p.str()
		return litValue{kind: litString, s: s}, err
	case c == '(':
		return p.seq(')', litTuple)
	case c == '[':
		return p.seq(']', litList)
	case c == '{':
		return p.dict()
	case c == '-' || c == '+' || (c >= '0' && c <= '9'):
		return p.integer()
	}
	for _, w := range []struct {
		word string
		v    litValue
	}{
		{"True", litValue{kind: litBool, b: true}},
		{"False", litValue{kind: litBool}},
		{"None", litValue{kind: litNone}},
	} {
		if strings.HasPrefix(p.s[p.pos:], w.word) {
			p.pos += len(w.word)
			return w.v, nil
		}
	}
	return litValue{}, fmt.Errorf("unexpected %q at offset %d", p.s[p.pos], p.pos)
}

// str parses a quoted string. A backslash keeps the next byte literally;
// numpy headers contain no escapes, and only descr values are looked at.
func (p *litParser) str() (string, error) {
	q := p.s[p.pos]
	p.pos++
	var b strings.Builder
	for p.pos < len(p.s) {
		c := p.s[p.pos]
		p.pos++
		switch {
		case c == q:
			return b.String(), nil
		case c == '\\' && p.pos < len(p.s):
			b.WriteByte(p.s[p.pos])
			p.pos++
		default:
			b.WriteByte(c)
		}
	}
	return "", errors.New("unterminated string")
}

func (p *litParser) integer() (litValue, error) {
	start := p.pos
	if c := p.s[p.pos]; c == '-' || c == '+' {
		p.pos++
	}
	digits := p.pos
	for p.pos < len(p.s) && p.s[p.pos] >= '0' && p.s[p.pos] <= '9' {
		p.pos++
	}
	if p.pos == digits {
		return litValue{}, fmt.Errorf("malformed number at offset %d", start)
	}
	text := p.s[start:p.pos]
	if p.pos < len(p.s) && (p.s[p.pos] == 'L' || p.s[p.pos] == 'l') {
		p.pos++ // Python 2 long suffix, e.g. (1000L, 16L)
	}
	n, err := strconv.Atoi(text)
	if err != nil {
		return litValue{}, fmt.Errorf("integer %s out of range", text)
	}
	return litValue{kind: litInt, i: n}, nil
}

// seq parses a tuple or list; the opening bracket is at p.pos.
func (p *litParser) seq(end byte, kind litKind) (litValue, error) {
	v := litValue{kind: kind}
	if err := p.enter(); err != nil {
		return v, err
	}
	defer p.leave()
	commas := 0
	for {
		p.skipSpace()
		if p.pos < len(p.s) && p.s[p.pos] == end {
			p.pos++
			if kind == litTuple && len(v.items) == 1 && commas == 0 {
				// Python: "(5)" is the integer 5, not a tuple.
				return v.items[0], nil
			}
			return v, nil
		}
		item, err := p.value()
		if err != nil {
			return v, err
		}
		v.items = append(v.items, item)
		comma, err := p.sep(end)
		if err != nil {
			return v, err
		}
		if comma {
			commas++
		}
	}
}

// dict parses a dict with string keys; the '{' is at p.pos.
func (p *litParser) dict() (litValue, error) {
	v := litValue{kind: litDict}
	if err := p.enter(); err != nil {
		return v, err
	}
	defer p.leave()
	for {
		p.skipSpace()
		if p.pos < len(p.s) && p.s[p.pos] == '}' {
			p.pos++
			return v, nil
		}
		key, err := p.value()
		if err != nil {
			return v, err
		}
		if key.kind != litString {
			return v, errors.New("dict key is not a string")
		}
		p.skipSpace()
		if p.pos >= len(p.s) || p.s[p.pos] != ':' {
			return v, fmt.Errorf("missing ':' after key %q", key.s)
		}
		p.pos++
		val, err := p.value()
		if err != nil {
			return v, err
		}
		v.keys = append(v.keys, key.s)
		v.items = append(v.items, val)
		if _, err := p.sep('}'); err != nil {
			return v, err
		}
	}
}

// sep consumes the ',' between items and reports it, or leaves the closing
// bracket for the caller; anything else is an error.
func (p *litParser) sep(end byte) (comma bool, err error) {
	p.skipSpace()
	switch {
	case p.pos >= len(p.s):
		return false, errors.New("unexpected end")
	case p.s[p.pos] == ',':
		p.pos++
		return true, nil
	case p.s[p.pos] == end:
		return false, nil
	}
	return false, fmt.Errorf("unexpected %q at offset %d", p.s[p.pos], p.pos)
}

func (p *litParser) enter() error {
	p.pos++ // the opening bracket
	p.depth++
	if p.depth > maxLitDepth {
		return errors.New("nested too deeply")
	}
	return nil
}

func (p *litParser) leave() { p.depth-- }
