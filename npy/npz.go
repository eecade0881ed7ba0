// This file implements .npz archives: zip files of .npy members, one per
// named array, as written by numpy.savez and numpy.savez_compressed.

package npy

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"os"
	"strings"
)

// ReadNPZ reads every array in the .npz archive at path. names lists the
// arrays in archive order, each member name without its ".npy" suffix (a
// Keras layer name for nnhls's trace files). Members may be stored or
// deflate-compressed.
func ReadNPZ(path string) (names []string, arrays map[string]*Array, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err // *PathError already names the file
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, nil, err
	}
	names, arrays, err = readNPZ(f, st.Size())
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	return names, arrays, nil
}

// ReadNPZFrom reads an .npz archive of the given size from r, as [ReadNPZ]
// does from a file.
func ReadNPZFrom(r io.ReaderAt, size int64) (names []string, arrays map[string]*Array, err error) {
	names, arrays, err = readNPZ(r, size)
	if err != nil {
		return nil, nil, fmt.Errorf("npz: %w", err)
	}
	return names, arrays, nil
}

func readNPZ(r io.ReaderAt, size int64) ([]string, map[string]*Array, error) {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return nil, nil, fmt.Errorf("not a valid .npz (zip) archive: %w", err)
	}
	var names []string
	arrays := map[string]*Array{}
	for _, f := range zr.File {
		if strings.HasSuffix(f.Name, "/") {
			continue // a directory entry holds no array
		}
		name := strings.TrimSuffix(f.Name, ".npy")
		if _, dup := arrays[name]; dup {
			return nil, nil, fmt.Errorf("member %q: array %q appears twice", f.Name, name)
		}
		a, err := readMember(f)
		if err != nil {
			return nil, nil, fmt.Errorf("member %q: %w", f.Name, err)
		}
		names = append(names, name)
		arrays[name] = a
	}
	return names, arrays, nil
}

// readMember decodes one archive member. The member's declared size bounds
// what its header may claim, but it is only a claim, so the payload buffer
// grows as bytes are actually decompressed.
func readMember(f *zip.File) (*Array, error) {
	rc, err := f.Open()
	if errors.Is(err, zip.ErrAlgorithm) {
		return nil, fmt.Errorf("unsupported compression method %d (want stored or deflate)", f.Method)
	}
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	size := int64(-1)
	if f.UncompressedSize64 <= math.MaxInt64 {
		size = int64(f.UncompressedSize64)
	}
	return decode(rc, size, false)
}

// npzDate is 1980-01-01 in MS-DOS date format (year-1980 << 9 | month << 5 |
// day), the earliest date a zip file can hold. Every member gets it, with a
// time of 00:00:00, so that the same arrays always give the same bytes.
const npzDate = 1<<5 | 1

// WriteNPZ writes the arrays to an .npz archive at path, one stored
// (uncompressed) member "<name>.npy" per name, in the order of names, as
// numpy.savez does. Every name must be non-empty, unique and present in
// arrays, and arrays must hold no other names. The output is deterministic,
// and the write is atomic as in [WriteFile].
func WriteNPZ(path string, names []string, arrays map[string]*Array) error {
	seen := map[string]bool{}
	for _, name := range names {
		switch {
		case name == "":
			return fmt.Errorf("%s: empty array name", path)
		case seen[name]:
			return fmt.Errorf("%s: array name %q given twice", path, name)
		case arrays[name] == nil:
			return fmt.Errorf("%s: no array named %q", path, name)
		}
		seen[name] = true
	}
	if len(arrays) != len(seen) {
		for name := range arrays {
			if !seen[name] {
				return fmt.Errorf("%s: array %q is missing from the list of names", path, name)
			}
		}
	}
	return writeAtomic(path, func(w io.Writer) error { return encodeNPZ(w, names, arrays) })
}

// encodeNPZ writes the archive. Each member is encoded in memory first so
// its CRC and size go into the local header (no data descriptors), which
// keeps the layout simple for every zip reader.
func encodeNPZ(w io.Writer, names []string, arrays map[string]*Array) error {
	zw := zip.NewWriter(w)
	var buf bytes.Buffer
	for _, name := range names {
		buf.Reset()
		if err := encode(&buf, arrays[name]); err != nil {
			return fmt.Errorf("array %q: %w", name, err)
		}
		n := uint64(buf.Len())
		fw, err := zw.CreateRaw(&zip.FileHeader{
			Name:               name + ".npy",
			Method:             zip.Store,
			CreatorVersion:     20, // zip 2.0, MS-DOS attributes
			ReaderVersion:      20,
			ModifiedDate:       npzDate,
			CRC32:              crc32.ChecksumIEEE(buf.Bytes()),
			CompressedSize64:   n,
			UncompressedSize64: n,
		})
		if err != nil {
			return fmt.Errorf("array %q: %w", name, err)
		}
		if _, err := fw.Write(buf.Bytes()); err != nil {
			return fmt.Errorf("array %q: %w", name, err)
		}
	}
	return zw.Close()
}
