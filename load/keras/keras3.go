// This file implements reading Keras 3 .keras archives: a zip holding
// config.json and model.weights.h5.

package keras

import (
	"archive/zip"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/nnhls/nnhls/ir"
	"github.com/nnhls/nnhls/load/h5"
)

// maxWeightsBytes caps the weights file extracted from an archive, so a
// zip bomb is an error; it matches h5.MaxBytes, the cap on one dataset.
const maxWeightsBytes = h5.MaxBytes

// LoadKeras3 reads a Keras 3 .keras archive. Weights are joined to layers
// through each layer's vars group (its "name" attribute, or the path Keras 3
// derives from the class name).
func LoadKeras3(path string) (*ir.Graph, error) {
	zr, err := zip.OpenReader(path)
	if err != nil {
		return nil, fileError(path, fmt.Errorf("not a readable .keras archive: %w", err))
	}
	defer zr.Close()
	var cfgFile, wFile *zip.File
	for _, f := range zr.File {
		switch f.Name {
		case "config.json":
			cfgFile = f
		case "model.weights.h5":
			wFile = f
		}
	}
	if cfgFile == nil {
		return nil, fileError(path, errors.New(".keras archive without config.json"))
	}
	text, err := readZipped(cfgFile, maxConfigBytes)
	if err != nil {
		return nil, fileError(path, fmt.Errorf("config.json: %w", err))
	}
	file := path + ":config.json"
	if wFile == nil {
		// A model without weights is valid only if no layer needs any.
		return build(file, text, &missingWeights{path: path + ":model.weights.h5", model: "the model"})
	}
	tmp, err := os.CreateTemp("", "nnhls-*.weights.h5")
	if err != nil {
		return nil, fileError(path, err)
	}
	defer os.Remove(tmp.Name())
	err = copyZipped(tmp, wFile, maxWeightsBytes)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, fileError(path, fmt.Errorf("model.weights.h5: %w", err))
	}
	f, err := h5.Open(tmp.Name())
	if err != nil {
		var he *h5.Error
		if errors.As(err, &he) {
			err = he.Err
		}
		return nil, fileError(path, fmt.Errorf("model.weights.h5: %w", err))
	}
	defer f.Close()
	wname := path + ":model.weights.h5"
	var layers *h5.Group
	if f.Root().Has("layers") {
		if layers, err = f.Root().Group("layers"); err != nil {
			return nil, fileError(path, fmt.Errorf("model.weights.h5: %w", err))
		}
	}
	g, err := build(file, text, newKeras3Weights(layers, wname))
	if err != nil {
		return nil, err
	}
	g.Source = path
	return g, nil
}

// readZipped reads a zip member of at most limit bytes.
func readZipped(f *zip.File, limit int64) ([]byte, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	data, err := io.ReadAll(io.LimitReader(rc, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("larger than %d bytes", limit)
	}
	return data, nil
}

// copyZipped copies a zip member of at most limit bytes to w.
func copyZipped(w io.Writer, f *zip.File, limit int64) error {
	rc, err := f.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	n, err := io.Copy(w, io.LimitReader(rc, limit+1))
	if err != nil {
		return err
	}
	if n > limit {
		return fmt.Errorf("larger than %d bytes", limit)
	}
	return nil
}
