// This file implements the pre-scan that refuses a file whose heap headers
// claim more bytes than the file holds, before the library, which reads the
// whole group tree when it opens a file and allocates what a heap header
// claims, can try to allocate terabytes (an unrecoverable crash in Go).

package h5

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
)

// scan checks every local heap (HEAP), global heap collection (GCOL) and
// fractal heap header (FRHP) signature in the file: the sizes they declare
// must fit in the file. Looking at every occurrence of each signature,
// wherever it is, covers every place the library could accept one.
func scan(path string, size int64) error {
	if size > MaxBytes {
		return fmt.Errorf("file of %d bytes is larger than the %d-byte cap", size, MaxBytes)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if len(raw) < 16 {
		return errors.New("truncated HDF5 file (no superblock)")
	}
	var offSize, lenSize int
	switch raw[8] {
	case 0, 1:
		offSize, lenSize = int(raw[13]), int(raw[14])
	case 2, 3:
		offSize, lenSize = int(raw[9]), int(raw[10])
	default:
		return fmt.Errorf("unsupported superblock version %d", raw[8])
	}
	if !validWidth(offSize) || !validWidth(lenSize) {
		return fmt.Errorf("superblock declares %d-byte offsets and %d-byte lengths", offSize, lenSize)
	}
	limit := uint64(len(raw))
	field := func(at, width int) (uint64, bool) {
		if at < 0 || at+width > len(raw) {
			return 0, false
		}
		b := raw[at : at+width]
		switch width {
		case 2:
			return uint64(binary.LittleEndian.Uint16(b)), true
		case 4:
			return uint64(binary.LittleEndian.Uint32(b)), true
		}
		return binary.LittleEndian.Uint64(b), true
	}
	gcolWidth := 4
	if offSize == 8 {
		gcolWidth = 8
	}
	checks := []struct {
		sig    string
		fields []int // byte offsets of size fields after the signature
		widths []int
		what   string
	}{
		// Local heap: signature, version, 3 reserved, data segment size.
		{"HEAP", []int{8}, []int{lenSize}, "local heap data segment"},
		// Global heap collection: signature, version, 3 reserved,
		// collection size (the library reads 8 bytes when offsets are 8).
		{"GCOL", []int{8}, []int{gcolWidth}, "global heap collection"},
		// Fractal heap header: starting and maximum direct block sizes
		// after 14 fixed bytes, 10 lengths, 2 offsets and the table width.
		{"FRHP", []int{14 + 10*lenSize + 2*offSize + 2, 14 + 11*lenSize + 2*offSize + 2}, []int{lenSize, lenSize}, "fractal heap block"},
	}
	for _, c := range checks {
		sig := []byte(c.sig)
		for at := 0; ; {
			i := bytes.Index(raw[at:], sig)
			if i < 0 {
				break
			}
			pos := at + i
			at = pos + 1
			for k, off := range c.fields {
				v, ok := field(pos+off, c.widths[k])
				if ok && v > limit {
					return fmt.Errorf("%s at offset %d claims %d bytes, more than the %d-byte file holds", c.what, pos, v, limit)
				}
			}
		}
	}
	return nil
}

// validWidth reports whether an HDF5 offset or length width is one the
// format allows.
func validWidth(n int) bool { return n == 2 || n == 4 || n == 8 }
