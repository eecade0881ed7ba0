// This file implements finding a layer's weights in the two HDF5 layouts:
// Keras 2 (group per layer, weight_names attribute, datasets named
// "<scope>/kernel:0") and Keras 3 (layers/<path>/vars/0, 1, ... joined to
// the config by the vars group's name attribute).

package keras

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"

	"github.com/nnhls/nnhls/ir"
	"github.com/nnhls/nnhls/load/h5"
)

// A stored weight: the tensor and where it was read from.
type stored struct {
	t    *ir.Tensor
	path string
}

// A weightSource finds the stored weights of layers.
type weightSource interface {
	// layer returns a layer's weights by role. roles lists the weights the
	// layer's config implies, in Keras creation order.
	layer(name string, roles []string) (map[string]*stored, error)
	// nested returns the source for a nested model's layers.
	nested(name string) weightSource
	// prepare tells the source the layers of a model, in config order.
	prepare(layers []*klayer)
	// file names the weights file in messages.
	file() string
}

// readDataset reads one dataset as a tensor.
func readDataset(g *h5.Group, rel string) (*stored, error) {
	ds, err := g.Dataset(rel)
	if err != nil {
		return nil, err
	}
	vals, shape, err := ds.Read()
	if err != nil {
		return nil, err
	}
	return &stored{t: &ir.Tensor{Shape: shape, Data: vals}, path: ds.Path()}, nil
}

// keras2Weights reads the Keras 2 layout under a model_weights group (or
// the root of a weights-only file).
type keras2Weights struct {
	g *h5.Group
	// inModel is set for a nested model: its layers' weights sit in the
	// model's group, and are told apart by the scope in their names.
	inModel bool
}

func (w *keras2Weights) file() string { return w.g.File().Path() }

func (w *keras2Weights) prepare([]*klayer) {}

func (w *keras2Weights) nested(name string) weightSource {
	sub, err := w.g.Group(name)
	if err != nil {
		return &missingWeights{w.file(), name}
	}
	return &keras2Weights{g: sub, inModel: true}
}

// weightNames lists a group's weights: the weight_names attribute in the
// order Keras wrote them, or every dataset when the attribute is absent.
func weightNames(g *h5.Group) ([]string, error) {
	if g.HasAttr("weight_names") {
		return g.AttrStrings("weight_names")
	}
	return g.Datasets(), nil
}

// roleOf turns a stored weight name ("fused/batch_normalization/gamma:0")
// into its role ("gamma").
func roleOf(name string) string {
	base := name[strings.LastIndexByte(name, '/')+1:]
	if i := strings.LastIndexByte(base, ':'); i > 0 {
		base = base[:i]
	}
	return base
}

func (w *keras2Weights) layer(name string, roles []string) (map[string]*stored, error) {
	g := w.g
	var names []string
	if w.inModel {
		all, err := weightNames(g)
		if err != nil {
			return nil, err
		}
		for _, n := range all {
			parts := strings.Split(n, "/")
			for _, p := range parts[:len(parts)-1] {
				if p == name {
					names = append(names, n)
					break
				}
			}
		}
	} else {
		if !g.Has(name) {
			if len(roles) == 0 {
				return map[string]*stored{}, nil
			}
			return nil, fmt.Errorf("%s has no weights group %q", w.file(), strings.TrimSuffix(g.Path(), "/")+"/"+name)
		}
		lg, err := g.Group(name)
		if err != nil {
			return nil, err
		}
		g = lg
		names, err = weightNames(g)
		if err != nil {
			return nil, err
		}
	}
	out := make(map[string]*stored, len(names))
	for _, n := range names {
		role := roleOf(n)
		if out[role] != nil {
			return nil, fmt.Errorf("%s: two weights with role %q (%s and %s)", w.file(), role, out[role].path, n)
		}
		s, err := readDataset(g, n)
		if err != nil {
			return nil, err
		}
		out[role] = s
	}
	return out, nil
}

// keras3Weights reads the Keras 3 layout: a "layers" group whose members
// hold "vars" groups of datasets named 0, 1, ...
type keras3Weights struct {
	g      *h5.Group // the "layers" group (nil when the model has none)
	path   string
	byName map[string]*h5.Group
}

func newKeras3Weights(g *h5.Group, path string) *keras3Weights {
	w := &keras3Weights{g: g, path: path, byName: map[string]*h5.Group{}}
	if g == nil {
		return w
	}
	for _, m := range g.Members() {
		sub, err := g.Group(m)
		if err != nil {
			continue
		}
		if sub.Has("vars") {
			if vars, err := sub.Group("vars"); err == nil && vars.HasAttr("name") {
				if n, err := vars.AttrString("name"); err == nil && n != "" {
					w.byName[n] = sub
				}
			}
		}
	}
	return w
}

func (w *keras3Weights) file() string { return w.path }

// prepare maps layers without a name attribute to the group Keras 3 names
// after them: the class in snake case, with _1, _2, ... for repeats, in
// layer order.
func (w *keras3Weights) prepare(layers []*klayer) {
	if w.g == nil {
		return
	}
	seen := map[string]int{}
	for _, l := range layers {
		base := snake(l.class)
		n := seen[base]
		seen[base] = n + 1
		if _, ok := w.byName[l.name]; ok {
			continue
		}
		key := base
		if n > 0 {
			key = base + "_" + strconv.Itoa(n)
		}
		if sub, err := w.g.Group(key); err == nil {
			w.byName[l.name] = sub
		}
	}
}

// snake converts a class name as Keras 3 does for attribute paths:
// "QDense" -> "q_dense", "Conv2D" -> "conv2d",
// "BatchNormalization" -> "batch_normalization".
func snake(s string) string {
	r := []rune(s)
	var b strings.Builder
	for i, c := range r {
		if i > 0 && unicode.IsUpper(c) {
			prevLower := unicode.IsLower(r[i-1])
			nextLower := i+1 < len(r) && unicode.IsLower(r[i+1])
			if prevLower || nextLower {
				b.WriteByte('_')
			}
		}
		b.WriteRune(unicode.ToLower(c))
	}
	return b.String()
}

func (w *keras3Weights) nested(name string) weightSource {
	sub := w.byName[name]
	if sub == nil {
		return &missingWeights{w.path, name}
	}
	lg, err := sub.Group("layers")
	if err != nil {
		return &missingWeights{w.path, name}
	}
	return newKeras3Weights(lg, w.path)
}

func (w *keras3Weights) layer(name string, roles []string) (map[string]*stored, error) {
	sub := w.byName[name]
	if sub == nil || !sub.Has("vars") {
		if len(roles) == 0 {
			return map[string]*stored{}, nil
		}
		return nil, fmt.Errorf("%s has no variables for the layer", w.path)
	}
	vars, err := sub.Group("vars")
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, m := range vars.Members() {
		if _, err := strconv.Atoi(m); err == nil {
			ids = append(ids, m)
		}
	}
	if len(ids) != len(roles) {
		return nil, fmt.Errorf("%s %s holds %d variables, the layer config implies %d (%s)", w.path, vars.Path(), len(ids), len(roles), strings.Join(roles, ", "))
	}
	out := make(map[string]*stored, len(roles))
	for i, r := range roles {
		s, err := readDataset(vars, strconv.Itoa(i))
		if err != nil {
			return nil, err
		}
		out[r] = s
	}
	return out, nil
}

// missingWeights stands for a nested model whose weights are not in the
// file: any layer needing weights is an error.
type missingWeights struct {
	path, model string
}

func (w *missingWeights) file() string               { return w.path }
func (w *missingWeights) prepare([]*klayer)          {}
func (w *missingWeights) nested(string) weightSource { return w }
func (w *missingWeights) layer(name string, roles []string) (map[string]*stored, error) {
	if len(roles) == 0 {
		return map[string]*stored{}, nil
	}
	return nil, fmt.Errorf("%s has no weights for nested model %q", w.path, w.model)
}
