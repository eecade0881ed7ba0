// This file implements a repeatable test over randomly mutated HDF5 files: errors, never panics or hangs.

package h5

import (
	"math/rand"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestMutatedFiles opens and reads randomly mutated copies of real files
// (a fixed seed, so the test is repeatable): each must give a result or an
// error within a few seconds, never a panic, a crash or a hang.
func TestMutatedFiles(t *testing.T) {
	dir := t.TempDir()
	real, err := os.ReadFile(testdata + "KERAS_3layer_weights.h5")
	if err != nil {
		t.Fatal(err)
	}
	seeds := [][]byte{tinyFile(t, filepath.Join(dir, "seed.h5")), real}
	r := rand.New(rand.NewSource(1))
	n := 300
	if testing.Short() {
		n = 30
	}
	for i := 0; i < n; i++ {
		seed := seeds[i%len(seeds)]
		data := append([]byte(nil), seed...)
		for k := 0; k < 1+r.Intn(4); k++ {
			data[r.Intn(len(data))] = byte(r.Intn(256))
		}
		p := filepath.Join(dir, "f.h5")
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		done := make(chan struct{})
		go func() {
			defer close(done)
			f, err := Open(p)
			if err != nil {
				return
			}
			defer f.Close()
			_ = walkAll(f.Root())
			_ = f.Root().Datasets()
		}()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			os.WriteFile(filepath.Join(os.TempDir(), "nnhls-hang.h5"), data, 0o644)
			t.Fatalf("mutation %d hangs (input saved to %s)", i, filepath.Join(os.TempDir(), "nnhls-hang.h5"))
		}
	}
}
