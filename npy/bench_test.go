// This file implements benchmarks of reading and writing the array sizes
// nnhls handles: a validation set of 100000 samples of 16 float32 features.

package npy

import (
	"bytes"
	"encoding/binary"
	"math"
	"testing"
)

// benchInput is a (100000, 16) "<f4" file in memory, 6.4 MB of data.
func benchInput() []byte {
	data := make([]byte, 0, 100000*16*4)
	for i := range 100000 * 16 {
		data = binary.LittleEndian.AppendUint32(data, math.Float32bits(float32(i)*0.25))
	}
	return npyBytes(1, dict("<f4", "False", "(100000, 16)"), data)
}

func BenchmarkReadF4(b *testing.B) {
	in := benchInput()
	b.SetBytes(int64(len(in)))
	for b.Loop() {
		if _, err := Read(bytes.NewReader(in)); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkReadF4Sized(b *testing.B) {
	in := benchInput()
	b.SetBytes(int64(len(in)))
	for b.Loop() {
		if _, err := decode(bytes.NewReader(in), int64(len(in)), true); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkWrite(b *testing.B) {
	a, err := Read(bytes.NewReader(benchInput()))
	if err != nil {
		b.Fatal(err)
	}
	var buf bytes.Buffer
	b.SetBytes(int64(len(a.Data) * 8))
	for b.Loop() {
		buf.Reset()
		if err := Write(&buf, a); err != nil {
			b.Fatal(err)
		}
	}
}
