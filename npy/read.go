// This file implements reading one .npy array from a stream or a file.

package npy

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
)

// maxHeaderLen caps the header dict. numpy itself refuses headers over
// 10000 bytes by default, and the dict of a plain array with numpy's maximum
// of 64 dimensions stays under 2 KiB; 64 KiB keeps a hostile length field
// (up to 4 GiB in versions 2.0 and 3.0) from costing more than that.
const maxHeaderLen = 64 << 10

// Read reads one .npy array from r. It reads no further than the end of the
// array's data, so several arrays may follow one another in a stream.
// Because the size of a stream is unknown, Read grows its buffer only as data
// actually arrives: a header that claims more data than r holds fails with a
// truncation error after reading what there is, never after allocating what
// the header claims.
func Read(r io.Reader) (*Array, error) {
	a, err := decode(r, -1, false)
	if err != nil {
		return nil, fmt.Errorf("npy: %w", err)
	}
	return a, nil
}

// ReadFile reads the .npy file at path.
func ReadFile(path string) (*Array, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err // *PathError already names the file
	}
	defer f.Close()
	size := int64(-1)
	if st, err := f.Stat(); err == nil && st.Mode().IsRegular() {
		size = st.Size()
	}
	a, err := decode(f, size, true)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return a, nil
}

// decode reads one array from r. size is the number of bytes r holds, or -1
// when unknown; when known, every length in the header is checked against it
// before anything is allocated. trusted says that size is certain (a regular
// file's length) rather than a claim (an archive member's declared length),
// so that the payload may be allocated in one piece.
func decode(r io.Reader, size int64, trusted bool) (*Array, error) {
	var pre [len(magic) + 2]byte
	if _, err := io.ReadFull(r, pre[:]); err != nil {
		return nil, fmt.Errorf("not a .npy file: %w", truncated(err))
	}
	if string(pre[:len(magic)]) != magic {
		return nil, fmt.Errorf("not a .npy file: bad magic %q", pre[:len(magic)])
	}
	major, minor := pre[len(magic)], pre[len(magic)+1]
	lenSize := 0
	switch {
	case major == 1 && minor == 0:
		lenSize = 2
	case (major == 2 || major == 3) && minor == 0:
		lenSize = 4
	default:
		return nil, fmt.Errorf("unsupported .npy format version %d.%d", major, minor)
	}
	var lb [4]byte
	if _, err := io.ReadFull(r, lb[:lenSize]); err != nil {
		return nil, fmt.Errorf("header length: %w", truncated(err))
	}
	hlen := int64(binary.LittleEndian.Uint32(lb[:]))
	used := int64(len(pre) + lenSize)
	if size >= 0 && hlen > size-used {
		return nil, fmt.Errorf("header length %d exceeds the %d bytes left in the file", hlen, size-used)
	}
	if hlen > maxHeaderLen {
		return nil, fmt.Errorf("header length %d exceeds the limit of %d bytes", hlen, maxHeaderLen)
	}
	text, err := readPayload(r, hlen, size >= 0)
	if err != nil {
		return nil, fmt.Errorf("header: %w", err)
	}
	used += hlen
	h, err := parseHeader(string(text))
	if err != nil {
		return nil, err
	}
	n, err := shapeSize(h.shape, h.dtype.size)
	if err != nil {
		return nil, err
	}
	nbytes := int64(n) * int64(h.dtype.size) // cannot overflow: shapeSize bounds n
	if size >= 0 && nbytes > size-used {
		return nil, fmt.Errorf("shape %s of %s needs %d data bytes, but the file has %d after the header",
			shapeString(h.shape), h.dtype.descr, nbytes, size-used)
	}
	raw, err := readPayload(r, nbytes, trusted && size >= 0)
	if err != nil {
		return nil, fmt.Errorf("data for shape %s of %s: %w", shapeString(h.shape), h.dtype.descr, err)
	}
	data := make([]float64, n)
	if err := h.dtype.decode(raw, data); err != nil {
		return nil, err
	}
	if h.fortran && len(h.shape) > 1 {
		data = fortranToC(h.shape, data)
	}
	return &Array{Shape: h.shape, Data: data, DType: h.dtype.descr}, nil
}

// payloadChunk is the first buffer size when a payload's true length is
// unknown; the buffer then doubles as data arrives.
const payloadChunk = 64 << 10

// readPayload reads exactly n bytes. When trusted is false (a stream of
// unknown size, or an archive member whose declared size may lie), the buffer
// grows only as bytes arrive, so a short input costs memory in proportion to
// its real length, not to n.
func readPayload(r io.Reader, n int64, trusted bool) ([]byte, error) {
	if n > math.MaxInt {
		return nil, fmt.Errorf("%d bytes do not fit in memory on this platform", n)
	}
	if trusted {
		buf := make([]byte, n)
		if _, err := io.ReadFull(r, buf); err != nil {
			return nil, truncated(err)
		}
		return buf, nil
	}
	buf := make([]byte, 0, min(n, payloadChunk))
	for int64(len(buf)) < n {
		if len(buf) == cap(buf) {
			grown := make([]byte, len(buf), min(n, 2*int64(cap(buf))))
			copy(grown, buf)
			buf = grown
		}
		k, err := io.ReadFull(r, buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+k]
		if err != nil {
			return nil, fmt.Errorf("%w: got %d of %d bytes", truncated(err), len(buf), n)
		}
	}
	return buf, nil
}

// truncated turns the EOF of a short read into io.ErrUnexpectedEOF, which
// prints as "unexpected EOF": the input ended where more was required.
func truncated(err error) error {
	if errors.Is(err, io.EOF) {
		return io.ErrUnexpectedEOF
	}
	return err
}

// fortranToC reorders column-major values into row-major order. In Fortran
// order the first index varies fastest, so the element at index (i0, ..., ik)
// sits at i0 + d0*(i1 + d1*(i2 + ...)); we walk the C-order indices like an
// odometer and keep that offset up to date.
func fortranToC(shape []int, src []float64) []float64 {
	dst := make([]float64, len(src))
	if len(src) == 0 {
		return dst
	}
	k := len(shape)
	stride := make([]int, k) // Fortran stride of each axis
	s := 1
	for i := range k {
		stride[i] = s
		s *= shape[i]
	}
	idx := make([]int, k)
	off := 0
	for c := range dst {
		dst[c] = src[off]
		// Advance the last axis, carrying into earlier ones.
		for ax := k - 1; ax >= 0; ax-- {
			idx[ax]++
			off += stride[ax]
			if idx[ax] < shape[ax] {
				break
			}
			off -= stride[ax] * shape[ax]
			idx[ax] = 0
		}
	}
	return dst
}
