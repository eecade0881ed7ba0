// This file implements ParseError, the error every parsing function of the
// package returns, so that a loader can add its own context (file, layer)
// around a message that already names the quantizer and the problem.

package quant

import (
	"errors"
	"fmt"
	"strings"
)

// ErrUnknownQuantizer is what a ParseError for a name that is not a
// quantizer unwraps to, so that a loader can tell an activation such as
// "relu" from a malformed quantizer: errors.Is(err, ErrUnknownQuantizer).
var ErrUnknownQuantizer = errors.New("unknown quantizer")

// A ParseError describes a quantizer that could not be parsed: the input as
// given (a string, or a dict rendered as Go would print it), the quantizer
// name when it was recognised, and what is wrong.
type ParseError struct {
	Input     string // the string form, or "" for a dict
	Offset    int    // byte offset in Input of a syntax error, or -1
	Quantizer string // e.g. "quantized_bits", "" when unknown
	Msg       string
	Unknown   bool // the name is not a quantizer this package knows
}

// Unwrap returns ErrUnknownQuantizer for an unknown name, else nil.
func (e *ParseError) Unwrap() error {
	if e.Unknown {
		return ErrUnknownQuantizer
	}
	return nil
}

// Error formats the error as `quant: quantized_bits(6,0,foo=1): quantized_bits:
// unknown keyword argument "foo"`.
func (e *ParseError) Error() string {
	var b strings.Builder
	b.WriteString("quant: ")
	if e.Input != "" {
		fmt.Fprintf(&b, "%q", e.Input)
		if e.Offset >= 0 {
			fmt.Fprintf(&b, " at offset %d", e.Offset)
		}
		b.WriteString(": ")
	}
	if e.Quantizer != "" {
		b.WriteString(e.Quantizer)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}
