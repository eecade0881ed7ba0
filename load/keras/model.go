// This file implements walking a model config — Sequential or Functional,
// Keras 2 or Keras 3 spelling, with nested models inlined — and calling one
// handler per layer call to add ir nodes.

package keras

import (
	"errors"
	"fmt"

	"github.com/nnhls/nnhls/ir"
)

// A tensorRef names one output of one call of a layer, as Keras configs do:
// ["fc1", 0, 0] is the first output of the first call of layer fc1.
type tensorRef struct {
	layer        string
	node, tensor int
}

// A klayer is one layer of a model config.
type klayer struct {
	class   string
	name    string
	cfg     cfg
	raw     map[string]any // the whole layer object (nested models read it)
	inbound [][]tensorRef  // one list of inputs per call (Functional only)
}

// A builder turns configs into one graph, collecting every error.
type builder struct {
	file  string // the file named in messages (the config's file)
	g     *ir.Graph
	errs  ir.ErrorList
	names map[string]bool
	depth int
}

// maxNesting caps nested models; real models nest one or two levels.
const maxNesting = 16

// pos returns the position of a layer.
func (b *builder) pos(l *klayer) ir.Pos {
	return ir.Pos{File: b.file, Layer: l.name}
}

// errorf records an error about a layer, naming it and its class.
func (b *builder) errorf(l *klayer, format string, args ...any) {
	b.errs.Add(b.pos(l), fmt.Errorf("layer %q (%s): %s", l.name, l.class, fmt.Sprintf(format, args...)))
}

// fileErrorf records an error about the model as a whole.
func (b *builder) fileErrorf(format string, args ...any) {
	b.errs.Add(ir.Pos{File: b.file}, fmt.Errorf(format, args...))
}

// unique returns name, or name with a suffix when a node already has it
// (a nested model may reuse an outer layer's name).
func (b *builder) unique(name string) string {
	n := name
	for i := 1; b.names[n]; i++ {
		n = fmt.Sprintf("%s_%d", name, i)
	}
	b.names[n] = true
	return n
}

// add appends a node named after the layer (plus suffix) and returns its
// index.
func (b *builder) add(l *klayer, n *ir.Node) int {
	n.Name = b.unique(n.Name)
	if n.Class == "" {
		n.Class = l.class
	}
	if n.Origin == "" && n.Name != l.name {
		n.Origin = l.name
	}
	n.Pos = b.pos(l)
	return b.g.Add(n)
}

// parseLayers decodes a model config's "layers" list.
func parseLayers(v any) ([]*klayer, error) {
	list, ok := v.([]any)
	if !ok {
		return nil, errors.New(`model config: "layers" is not a list`)
	}
	out := make([]*klayer, 0, len(list))
	for i, item := range list {
		m, ok := item.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("model config: layer %d is not an object", i)
		}
		l := &klayer{raw: m}
		l.class, _ = m["class_name"].(string)
		c, _ := m["config"].(map[string]any)
		l.cfg = c
		if l.cfg == nil {
			l.cfg = cfg{}
		}
		l.name, _ = m["name"].(string)
		if l.name == "" {
			l.name, _ = l.cfg["name"].(string)
		}
		if l.class == "" || l.name == "" {
			return nil, fmt.Errorf("model config: layer %d has no class_name or name", i)
		}
		if in, ok := m["inbound_nodes"]; ok {
			refs, err := parseInbound(in)
			if err != nil {
				return nil, fmt.Errorf("layer %q (%s): inbound_nodes: %w", l.name, l.class, err)
			}
			l.inbound = refs
		}
		out = append(out, l)
	}
	return out, nil
}

// parseInbound reads inbound_nodes in the Keras 2 form
// [[["src", 0, 0, {}], ...], ...] or the Keras 3 form
// [{"args": [...keras tensors...], "kwargs": {...}}, ...].
func parseInbound(v any) ([][]tensorRef, error) {
	list, ok := v.([]any)
	if !ok {
		return nil, errors.New("not a list")
	}
	out := make([][]tensorRef, 0, len(list))
	for _, call := range list {
		var refs []tensorRef
		switch c := call.(type) {
		case []any: // Keras 2
			for _, r := range c {
				ref, err := parseRef(r)
				if err != nil {
					return nil, err
				}
				refs = append(refs, ref)
			}
		case map[string]any: // Keras 3
			if err := collectHistory(c["args"], &refs, 0); err != nil {
				return nil, err
			}
		default:
			return nil, fmt.Errorf("unexpected call %v", call)
		}
		out = append(out, refs)
	}
	return out, nil
}

// parseRef reads ["src", node, tensor(, kwargs)].
func parseRef(v any) (tensorRef, error) {
	l, ok := v.([]any)
	if !ok || len(l) < 3 {
		return tensorRef{}, fmt.Errorf("bad tensor reference %v", v)
	}
	name, ok1 := l[0].(string)
	node, ok2 := asInt(l[1])
	tensor, ok3 := asInt(l[2])
	if !ok1 || !ok2 || !ok3 || node < 0 || tensor < 0 {
		return tensorRef{}, fmt.Errorf("bad tensor reference %v", v)
	}
	return tensorRef{name, node, tensor}, nil
}

// collectHistory finds every Keras 3 tensor ({"class_name": "__keras_tensor__",
// "config": {"keras_history": [...]}}) in call arguments, in order.
func collectHistory(v any, refs *[]tensorRef, depth int) error {
	if depth > 32 {
		return errors.New("arguments nested too deeply")
	}
	switch x := v.(type) {
	case []any:
		for _, e := range x {
			if err := collectHistory(e, refs, depth+1); err != nil {
				return err
			}
		}
	case map[string]any:
		if x["class_name"] == "__keras_tensor__" {
			c, _ := x["config"].(map[string]any)
			ref, err := parseRef(c["keras_history"])
			if err != nil {
				return err
			}
			*refs = append(*refs, ref)
			return nil
		}
	}
	return nil
}

// parseEnds reads input_layers/output_layers: a list of references, or a
// single flat reference (Keras 3 for one tensor).
func parseEnds(v any) ([]tensorRef, error) {
	l, ok := v.([]any)
	if !ok {
		return nil, errors.New("not a list")
	}
	if len(l) > 0 {
		if _, flat := l[0].(string); flat {
			r, err := parseRef(l)
			return []tensorRef{r}, err
		}
	}
	out := make([]tensorRef, 0, len(l))
	for _, e := range l {
		r, err := parseRef(e)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// isModel reports whether a class is a whole model (nested when it appears
// as a layer).
func isModel(class string) bool {
	return class == "Sequential" || class == "Functional" || class == "Model"
}

// buildModel adds the nodes of a model config (a map with class_name and
// config) to the graph. inputs are the outer tensors feeding a nested model
// (nil at top level). It returns the model's output node indices; -1 marks
// an output that failed (already reported).
func (b *builder) buildModel(m map[string]any, inputs []int, ws weightSource) []int {
	b.depth++
	defer func() { b.depth-- }()
	class, _ := m["class_name"].(string)
	var c map[string]any
	var layersV any
	switch v := m["config"].(type) {
	case map[string]any:
		c = v
		layersV = v["layers"]
	case []any: // Keras ≤2.1 Sequential: config is the layer list itself
		layersV = v
		c = map[string]any{}
	default:
		b.fileErrorf("model config: no config object")
		return nil
	}
	if b.depth > maxNesting {
		b.fileErrorf("model config: models nested more than %d deep", maxNesting)
		return nil
	}
	layers, err := parseLayers(layersV)
	if err != nil {
		b.fileErrorf("%v", err)
		return nil
	}
	if b.g.Name == "" {
		b.g.Name, _ = c["name"].(string)
	}
	if ws != nil {
		ws.prepare(layers)
	}
	switch class {
	case "Sequential":
		return b.buildSequential(layers, inputs, ws)
	case "Functional", "Model":
		return b.buildFunctional(c, layers, inputs, ws)
	}
	b.fileErrorf("model config: unsupported model class %q", class)
	return nil
}

// buildSequential chains layers, each consuming the previous output.
func (b *builder) buildSequential(layers []*klayer, inputs []int, ws weightSource) []int {
	if len(layers) == 0 {
		b.fileErrorf("model config: Sequential model without layers")
		return nil
	}
	if len(inputs) > 1 {
		b.fileErrorf("model config: Sequential model called with %d inputs", len(inputs))
		return nil
	}
	cur := -1
	first := 0
	switch {
	case len(inputs) == 1:
		cur = inputs[0]
		if layers[0].class == "InputLayer" {
			first = 1
		}
	case layers[0].class == "InputLayer":
		cur = b.call(layers[0], nil, ws)
		first = 1
	default:
		// Keras 2 Sequential without an InputLayer: the first layer carries
		// batch_input_shape, and Keras names the implicit input "<first>_input".
		l := layers[0]
		shp, ok := l.cfg["batch_input_shape"]
		if !ok {
			shp = l.cfg["batch_shape"]
		}
		shape, err := shapeFrom(shp)
		if err != nil {
			b.errorf(l, "input shape: %v", err)
			return []int{-1}
		}
		in := &klayer{class: "InputLayer", name: l.name + "_input", cfg: cfg{}}
		cur = b.add(in, &ir.Node{Name: in.name, Op: ir.OpInput, Shape: shape})
		b.g.Inputs = append(b.g.Inputs, cur)
	}
	for _, l := range layers[first:] {
		cur = b.call(l, []int{cur}, ws)
	}
	return []int{cur}
}

// A pendingCall is one call of a layer (the index into its inbound_nodes).
type pendingCall struct {
	l    *klayer
	node int
}

// buildFunctional resolves layer calls in dependency order.
func (b *builder) buildFunctional(c map[string]any, layers []*klayer, inputs []int, ws weightSource) []int {
	ins, err := parseEnds(c["input_layers"])
	if err != nil {
		b.fileErrorf("model config: input_layers: %v", err)
		return nil
	}
	outs, err := parseEnds(c["output_layers"])
	if err != nil {
		b.fileErrorf("model config: output_layers: %v", err)
		return nil
	}
	if inputs != nil && len(inputs) != len(ins) {
		b.fileErrorf("model config: nested model %q has %d inputs, called with %d", c["name"], len(ins), len(inputs))
		return nil
	}
	tensors := map[tensorRef]int{}
	for i, r := range ins {
		if inputs != nil {
			tensors[r] = inputs[i]
		}
	}
	byName := map[string]*klayer{}
	for _, l := range layers {
		if byName[l.name] != nil {
			b.errorf(l, "duplicate layer name")
			return nil
		}
		byName[l.name] = l
	}
	for _, r := range append(append([]tensorRef{}, ins...), outs...) {
		if byName[r.layer] == nil {
			b.fileErrorf("model config: input/output layer %q is not in the model", r.layer)
			return nil
		}
	}
	// Resolve calls whose inputs exist, until none is left. Keras lists
	// layers in a valid order, but nothing requires it.
	var pending []pendingCall
	for _, l := range layers {
		if l.class == "InputLayer" {
			pending = append(pending, pendingCall{l, 0})
			continue
		}
		for k := range l.inbound {
			pending = append(pending, pendingCall{l, k})
		}
	}
	for len(pending) > 0 {
		progress := false
		rest := pending[:0]
		for _, pc := range pending {
			l := pc.l
			if l.class == "InputLayer" {
				r := tensorRef{l.name, 0, 0}
				if _, done := tensors[r]; !done {
					tensors[r] = b.call(l, nil, ws)
				}
				progress = true
				continue
			}
			refs := l.inbound[pc.node]
			in := make([]int, 0, len(refs))
			ready := true
			for _, r := range refs {
				idx, ok := tensors[r]
				if !ok {
					ready = false
					break
				}
				in = append(in, idx)
			}
			if !ready {
				rest = append(rest, pc)
				continue
			}
			progress = true
			if isModel(l.class) {
				var sub weightSource
				if ws != nil {
					sub = ws.nested(l.name)
				}
				for i, o := range b.buildModel(l.raw, in, sub) {
					tensors[tensorRef{l.name, pc.node, i}] = o
				}
				continue
			}
			if pc.node > 0 {
				// A shared layer called again: a second node with the
				// same weights, named after the call.
				l = &klayer{class: l.class, name: fmt.Sprintf("%s_call%d", l.name, pc.node), cfg: l.cfg, raw: l.raw}
			}
			tensors[tensorRef{pc.l.name, pc.node, 0}] = b.callShared(l, pc.l.name, in, ws)
		}
		pending = rest
		if !progress {
			b.reportUnresolved(pending, tensors, byName)
			break
		}
	}
	res := make([]int, len(outs))
	for i, r := range outs {
		idx, ok := tensors[r]
		if !ok {
			// A failed or unresolved call has been reported already.
			if l := byName[r.layer]; l != nil && len(b.errs) == 0 {
				if r.tensor > 0 {
					b.errorf(l, "output tensor %d requested; nnhls layers have one output", r.tensor)
				} else {
					b.errorf(l, "is a model output but call %d of it is not in the config", r.node)
				}
			}
			idx = -1
		}
		res[i] = idx
	}
	return res
}

// reportUnresolved reports the calls whose inputs never became available:
// once per root cause (an input that is not in the model, or a call that
// does not exist), or once for a cycle, but not for every layer downstream.
func (b *builder) reportUnresolved(pending []pendingCall, tensors map[tensorRef]int, byName map[string]*klayer) {
	waiting := map[string]bool{}
	for _, pc := range pending {
		waiting[pc.l.name] = true
	}
	reported := false
	for _, pc := range pending {
		for _, r := range pc.l.inbound[pc.node] {
			if _, ok := tensors[r]; ok || waiting[r.layer] {
				continue
			}
			if byName[r.layer] == nil {
				b.errorf(pc.l, "input layer %q is not in the model", r.layer)
			} else {
				b.errorf(pc.l, "input %q call %d output %d is not in the model", r.layer, r.node, r.tensor)
			}
			reported = true
			break
		}
	}
	if !reported && len(pending) > 0 {
		b.errorf(pending[0].l, "its inputs form a cycle")
	}
}

// call runs the handler of one layer call. A failed input (-1) makes the
// call fail silently: its cause has been reported already.
func (b *builder) call(l *klayer, in []int, ws weightSource) int {
	return b.callShared(l, l.name, in, ws)
}

// callShared is call with the name under which the layer's weights are
// stored (a shared layer's later calls reuse the first call's weights).
func (b *builder) callShared(l *klayer, weightsName string, in []int, ws weightSource) int {
	for _, i := range in {
		if i < 0 {
			return -1
		}
	}
	if isModel(l.class) {
		var sub weightSource
		if ws != nil {
			sub = ws.nested(l.name)
		}
		outs := b.buildModel(l.raw, in, sub)
		if len(outs) != 1 {
			if len(outs) > 1 {
				b.errorf(l, "a nested model with %d outputs cannot be one step of a Sequential model", len(outs))
			}
			return -1
		}
		return outs[0]
	}
	h, ok := handlers[l.class]
	if !ok {
		b.errorf(l, "unsupported layer class %q", l.class)
		return -1
	}
	ctx := &lctx{b: b, l: l, in: in, ws: ws, wname: weightsName}
	out, err := h(ctx)
	if err == nil {
		err = ctx.checkUnused()
	}
	if err != nil {
		b.errorf(l, "%v", err)
		return -1
	}
	return out
}
