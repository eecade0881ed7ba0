// This file implements how numbers are printed into the project: raw
// integers in the smallest C integer type that holds them, and C++ double
// literals that are exact (the shortest decimal that reads back as the
// same double, which is the value itself).

package hls

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/nnhls/nnhls/fixed"
)

// rawCType returns the C integer type that holds every raw value of t.
func rawCType(t fixed.Type) string {
	w, s := t.Width(), t.Signed()
	switch {
	case w <= 8 && s:
		return "signed char"
	case w <= 8:
		return "unsigned char"
	case w <= 16 && s:
		return "short"
	case w <= 16:
		return "unsigned short"
	case w <= 31 && s:
		// Not 32: the literal -2147483648 has type long and would narrow.
		return "int"
	case w <= 32 && !s:
		return "unsigned int"
	}
	return "long long"
}

// exactLiteral prints raw·2^-F of t as a C++ double literal that denotes
// exactly that value. Types wider than 53 bits could hold values a double
// cannot, so they are refused.
func exactLiteral(raw int64, t fixed.Type) (string, error) {
	if t.Width() > 53 {
		return "", fmt.Errorf("type %v is wider than 53 bits: its constants have no exact double literal", t)
	}
	v := math.Ldexp(float64(raw), -t.FracBits())
	s := strconv.FormatFloat(v, 'g', -1, 64)
	if !strings.ContainsAny(s, ".e") {
		s += ".0"
	}
	return s, nil
}

// appendInts appends vals as a C initializer body, 16 values a line.
func appendInts[T int64 | int32 | int8](b []byte, vals []T) []byte {
	for i, v := range vals {
		if i%16 == 0 {
			b = append(b, "\n    "...)
		} else {
			b = append(b, ' ')
		}
		b = strconv.AppendInt(b, int64(v), 10)
		if i < len(vals)-1 {
			b = append(b, ',')
		}
	}
	return append(b, '\n')
}
