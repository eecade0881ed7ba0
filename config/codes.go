// This file implements the codes of the problems config reports, so that a
// caller (or a test) can tell them apart without matching message text.

package config

import "errors"

// A Code names one kind of problem in a configuration. Every error and
// warning config reports carries one; CodeOf reads it back.
type Code uint8

// Problem codes. Each comment shows a minimal input that triggers it.
const (
	// CodeNone is the zero Code: not a config problem.
	CodeNone Code = iota

	// CodeSyntax: the file is not valid YAML.
	//
	//	Model: [1, 2
	CodeSyntax

	// CodeShape: a value has the wrong YAML shape (a list where a mapping
	// belongs, a mapping where a scalar belongs).
	//
	//	LayerName: [fc1, fc2]
	CodeShape

	// CodeMisspeltKey: a key is not known but is close to one that is.
	//
	//	Model:
	//	  Precison: fixed<16,6>
	CodeMisspeltKey

	// CodeDuplicateKey: the same key, or the same layer name up to case,
	// appears twice in one mapping.
	//
	//	LayerName:
	//	  fc1: {ReuseFactor: 2}
	//	  FC1: {ReuseFactor: 4}
	CodeDuplicateKey

	// CodeBadPrecision: a precision that fixed.Parse rejects.
	//
	//	Model:
	//	  Precision: fixed<16>
	CodeBadPrecision

	// CodeModelAuto: "auto" at the Model level, where hls4ml does not allow
	// it (there is nothing left to fall back to).
	//
	//	Model:
	//	  Precision: auto
	CodeModelAuto

	// CodeBadValue: a number, boolean or choice that is not valid for its key.
	//
	//	Model:
	//	  ReuseFactor: 0
	CodeBadValue

	// CodeMisplacedKey: a key that belongs elsewhere, e.g. an HLSConfig
	// section at the top of a whole project YAML.
	//
	//	HLSConfig: {}
	//	LayerName: {}
	CodeMisplacedKey

	// CodeUnknownLayer: a LayerName entry (or a LayerType entry close to a
	// real type) that matches nothing in the model (reported by CheckNames).
	//
	//	LayerName:
	//	  fc4: {ReuseFactor: 2}
	CodeUnknownLayer

	// CodeUnknownKey is a warning: a key config does not know and that is
	// not close to one it knows. hls4ml passes such keys on to layers as
	// attributes; nnhls ignores them.
	//
	//	Model:
	//	  MyOwnSetting: 3
	CodeUnknownKey

	// CodeIgnoredKey is a warning: a known key at a level where hls4ml does
	// not read it.
	//
	//	Model:
	//	  TableSize: 4096
	CodeIgnoredKey

	numCodes
)

var codeNames = [numCodes]string{
	"none", "syntax", "shape", "misspelt-key", "duplicate-key", "bad-precision",
	"model-auto", "bad-value", "misplaced-key", "unknown-layer", "unknown-key", "ignored-key",
}

// String returns the code's stable name, e.g. "misspelt-key".
func (c Code) String() string {
	if c < numCodes {
		return codeNames[c]
	}
	return "invalid"
}

// Warning reports whether problems with this code are warnings rather than
// errors.
func (c Code) Warning() bool { return c == CodeUnknownKey || c == CodeIgnoredKey }

// problem is the error inside every ir.Error that config reports.
type problem struct {
	code Code
	msg  string
}

func (p *problem) Error() string { return p.msg }

// CodeOf returns the Code of a problem reported by config, looking through
// ir.Error and other wrappers, or CodeNone for any other error.
func CodeOf(err error) Code {
	var p *problem
	if errors.As(err, &p) {
		return p.code
	}
	return CodeNone
}
