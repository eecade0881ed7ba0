// This file implements choosing an array format from a file's extension, for
// commands that accept either numpy or testbench text files.

package npy

import (
	"fmt"
	"path/filepath"
	"strings"
)

// ReadAny reads an array from path, choosing the format by extension
// (case-insensitive): .npy for numpy, .dat or .txt for hls4ml testbench text.
func ReadAny(path string) (*Array, error) {
	switch ext := strings.ToLower(filepath.Ext(path)); ext {
	case ".npy":
		return ReadFile(path)
	case ".dat", ".txt":
		return ReadText(path)
	case ".npz":
		return nil, fmt.Errorf("%s: an .npz archive holds several arrays; give one array as .npy, .dat or .txt", path)
	default:
		return nil, fmt.Errorf("%s: unknown array file extension %q: want .npy, .dat or .txt", path, ext)
	}
}

// WriteAny writes a to path in the format its extension names, as ReadAny
// reads it: .npy with [WriteFile], .dat or .txt with [WriteText].
func WriteAny(path string, a *Array) error {
	switch ext := strings.ToLower(filepath.Ext(path)); ext {
	case ".npy":
		return WriteFile(path, a)
	case ".dat", ".txt":
		return WriteText(path, a)
	default:
		return fmt.Errorf("%s: unknown array file extension %q: want .npy, .dat or .txt", path, ext)
	}
}
