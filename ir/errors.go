package ir

import (
	"fmt"
	"sort"
	"strings"
)

// A Pos says where something came from: a file, and inside it an HDF5 object
// path, an ONNX node, a layer, or a YAML line and column. The zero value means
// "unknown".
type Pos struct {
	File  string
	Path  string // HDF5 object path or ONNX node ("node 12")
	Line  int    // YAML line, 1-based; 0 when not a text position
	Col   int
	Layer string
}

// String renders the position as "file:line:col" or "file" (layer and path
// are part of messages, not of the position).
func (p Pos) String() string {
	switch {
	case p.File == "":
		return ""
	case p.Line > 0 && p.Col > 0:
		return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col)
	case p.Line > 0:
		return fmt.Sprintf("%s:%d", p.File, p.Line)
	}
	return p.File
}

// An Error is a problem at a position.
type Error struct {
	Pos Pos
	Err error
}

func (e *Error) Error() string {
	if s := e.Pos.String(); s != "" {
		return s + ": " + e.Err.Error()
	}
	return e.Err.Error()
}

func (e *Error) Unwrap() error { return e.Err }

// An ErrorList collects every problem a loader or a config check finds, so a
// user sees them all at once.
type ErrorList []*Error

// maxShown caps how many errors an ErrorList prints.
const maxShown = 10

// Add appends an error at a position.
func (l *ErrorList) Add(pos Pos, err error) {
	*l = append(*l, &Error{Pos: pos, Err: err})
}

// Len returns the number of errors.
func (l ErrorList) Len() int { return len(l) }

// Sort orders the errors by file, line and column, keeping insertion order
// otherwise.
func (l ErrorList) Sort() {
	sort.SliceStable(l, func(i, j int) bool {
		a, b := l[i].Pos, l[j].Pos
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Col < b.Col
	})
}

// Err returns nil for an empty list, the single error for one, and the list
// itself otherwise.
func (l ErrorList) Err() error {
	switch len(l) {
	case 0:
		return nil
	case 1:
		return l[0]
	}
	return l
}

func (l ErrorList) Error() string {
	var b strings.Builder
	for i, e := range l {
		if i == maxShown {
			fmt.Fprintf(&b, "\n(and %d more errors)", len(l)-maxShown)
			break
		}
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(e.Error())
	}
	return b.String()
}

// Unwrap lets errors.Is and errors.As look at every error in the list.
func (l ErrorList) Unwrap() []error {
	out := make([]error, len(l))
	for i, e := range l {
		out[i] = e
	}
	return out
}
