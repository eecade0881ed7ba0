// This file implements the entry points: Load, which recognises the file
// kind, and the readers for each kind (full-model .h5, .json + weights .h5,
// .keras archive).

package keras

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/nnhls/nnhls/ir"
	"github.com/nnhls/nnhls/load/h5"
)

// maxConfigBytes caps a model config: real ones are kilobytes to a few MB.
const maxConfigBytes = 64 << 20

// Load reads a Keras-family model into a graph. It accepts:
//   - a Keras 2 full-model .h5 (root attribute model_config, group
//     model_weights);
//   - an architecture .json, with its weights in "<name>_weights.h5" beside
//     it, or that weights file, with "<name>.json" beside it;
//   - a Keras 3 .keras archive (config.json + model.weights.h5).
//
// Every problem is reported, each naming the file, the layer and the
// reason; the error is an ir.ErrorList or a single *ir.Error.
func Load(path string) (*ir.Graph, error) {
	head, err := readHead(path)
	if err != nil {
		return nil, fileError(path, err)
	}
	switch {
	case bytes.HasPrefix(head, []byte("\x89HDF\r\n\x1a\n")):
		return loadH5(path)
	case bytes.HasPrefix(head, []byte("PK\x03\x04")):
		return LoadKeras3(path)
	case isJSON(head):
		w := jsonWeights(path)
		if _, err := os.Stat(w); err != nil {
			return nil, fileError(path, fmt.Errorf("missing weights file: %s does not exist (hls4ml's convention: <name>.json with <name>_weights.h5 beside it; use LoadJSON for another name)", w))
		}
		return LoadJSON(path, w)
	}
	switch strings.ToLower(filepath.Ext(path)) {
	case ".h5", ".hdf5":
		return nil, fileError(path, errors.New("not an HDF5 file (no HDF5 signature)"))
	case ".keras":
		return nil, fileError(path, errors.New("not a .keras archive (not a zip file)"))
	case ".json":
		return nil, fileError(path, errors.New("not a JSON model config"))
	}
	return nil, fileError(path, errors.New("not a Keras model file (.h5, .json + _weights.h5, or .keras)"))
}

// fileError makes an error about a whole file.
func fileError(path string, err error) error {
	var l ir.ErrorList
	l.Add(ir.Pos{File: path}, err)
	return l.Err()
}

// h5Error makes an error from an h5 error, which already names the file:
// the position carries the file and the HDF5 path, the message the rest.
func h5Error(err error) error {
	var he *h5.Error
	if errors.As(err, &he) {
		var l ir.ErrorList
		l.Add(ir.Pos{File: he.File, Path: he.Object}, fmt.Errorf("%s: %w", he.Object, he.Err))
		return l.Err()
	}
	return err
}

// readHead returns the first bytes of a file.
func readHead(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	buf := make([]byte, 16)
	n, err := io.ReadFull(f, buf)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return nil, err
	}
	return buf[:n], nil
}

// isJSON reports whether a file starts like a JSON object.
func isJSON(head []byte) bool {
	t := bytes.TrimLeft(head, " \t\r\n\xef\xbb\xbf")
	return len(t) > 0 && t[0] == '{'
}

// jsonWeights returns "<name>_weights.h5" for "<name>.json".
func jsonWeights(path string) string {
	return strings.TrimSuffix(path, filepath.Ext(path)) + "_weights.h5"
}

// loadH5 reads a full-model .h5, or a weights-only .h5 whose .json sits
// beside it.
func loadH5(path string) (*ir.Graph, error) {
	f, err := h5.Open(path)
	if err != nil {
		return nil, h5Error(err)
	}
	defer f.Close()
	root := f.Root()
	if !root.HasAttr("model_config") {
		base := strings.TrimSuffix(path, filepath.Ext(path))
		j := strings.TrimSuffix(base, "_weights") + ".json"
		if _, err := os.Stat(j); err == nil {
			return LoadJSON(j, path)
		}
		return nil, fileError(path, fmt.Errorf("no model_config attribute, so this is a weights-only file, and its architecture %s not found (hls4ml's convention: <name>.json beside <name>_weights.h5)", j))
	}
	cfgText, err := root.AttrString("model_config")
	if err != nil {
		return nil, h5Error(err)
	}
	var ws weightSource = &keras2Weights{g: root}
	if root.Has("model_weights") {
		mw, err := root.Group("model_weights")
		if err != nil {
			return nil, h5Error(err)
		}
		ws = &keras2Weights{g: mw}
	}
	return build(path, []byte(cfgText), ws)
}

// LoadJSON reads an architecture .json with its weights from a Keras 2
// weights-only .h5 (or a full-model .h5, whose model_weights are used).
func LoadJSON(jsonPath, weightsPath string) (*ir.Graph, error) {
	text, err := readLimited(jsonPath)
	if err != nil {
		return nil, fileError(jsonPath, err)
	}
	if _, err := os.Stat(weightsPath); err != nil {
		return nil, fileError(jsonPath, fmt.Errorf("missing weights file: %v", err))
	}
	f, err := h5.Open(weightsPath)
	if err != nil {
		return nil, h5Error(err)
	}
	defer f.Close()
	g := f.Root()
	if g.Has("model_weights") {
		if g, err = g.Group("model_weights"); err != nil {
			return nil, h5Error(err)
		}
	}
	return build(jsonPath, text, &keras2Weights{g: g})
}

// readLimited reads a whole file of at most maxConfigBytes.
func readLimited(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxConfigBytes+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxConfigBytes {
		return nil, fmt.Errorf("model config larger than %d bytes", maxConfigBytes)
	}
	return data, nil
}

// build decodes a model config and builds the graph. file names the config
// in messages; ws is nil to synthesize zero weights.
func build(file string, text []byte, ws weightSource) (*ir.Graph, error) {
	var top map[string]any
	if err := json.Unmarshal(text, &top); err != nil {
		return nil, fileError(file, fmt.Errorf("model config is not valid JSON: %w", err))
	}
	// Keras 3 config.json and Keras 2 model_config share this shape.
	if _, ok := top["class_name"].(string); !ok {
		return nil, fileError(file, errors.New(`model config has no "class_name"`))
	}
	b := &builder{file: file, g: &ir.Graph{Source: file}, names: map[string]bool{}}
	outs := b.buildModel(top, nil, ws)
	for _, o := range outs {
		if o >= 0 {
			b.g.Outputs = append(b.g.Outputs, o)
		}
	}
	if len(b.errs) > 0 {
		b.errs.Sort()
		return nil, b.errs.Err()
	}
	if err := b.g.Validate(); err != nil {
		return nil, err
	}
	return b.g, nil
}
