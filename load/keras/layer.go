// This file implements the context a layer handler works in: its inputs,
// its weights (checked against the shapes its config implies) and adding
// nodes.

package keras

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/nnhls/nnhls/ir"
)

// maxSynth caps the zero weights synthesized when building a graph from a
// config alone (benchmarks and tests), so a hostile config cannot make the
// loader allocate without bound.
const maxSynth = 1 << 22

// A handler lowers one layer call onto ir nodes and returns the index of
// the node holding the layer's output.
type handler func(c *lctx) (int, error)

// An lctx is one layer call being lowered.
type lctx struct {
	b     *builder
	l     *klayer
	in    []int
	ws    weightSource // nil: synthesize zero weights (benchmarks, config-only tests)
	wname string       // the name the layer's weights are stored under

	stored map[string]*stored // loaded by need
	used   map[string]bool
}

// cfg returns the layer's config.
func (c *lctx) cfg() cfg { return c.l.cfg }

// inShape returns a copy of input i's shape.
func (c *lctx) inShape(i int) []int {
	return append([]int(nil), c.b.g.Nodes[c.in[i]].Shape...)
}

// one checks the layer has exactly one input and returns its shape.
func (c *lctx) one() ([]int, error) {
	if len(c.in) != 1 {
		return nil, fmt.Errorf("takes one input, has %d", len(c.in))
	}
	return c.inShape(0), nil
}

// node adds a node named after the layer plus suffix ("" for the layer's
// own node), reading inputs.
func (c *lctx) node(suffix string, n *ir.Node, inputs ...int) int {
	n.Name = c.l.name + suffix
	n.Inputs = inputs
	return c.b.add(c.l, n)
}

// load reads the layer's stored weights once. roles lists the weights the
// config implies, in Keras's creation order (a Keras 3 file stores them by
// position only).
func (c *lctx) load(roles ...string) error {
	if c.ws == nil || c.stored != nil {
		return nil
	}
	st, err := c.ws.layer(c.wname, roles)
	if err != nil {
		return err
	}
	c.stored = st
	c.used = map[string]bool{}
	return nil
}

// weight returns the stored weight of a role after checking its shape
// against the one the config implies.
func (c *lctx) weight(role string, want ...int) (*ir.Tensor, error) {
	if c.ws == nil {
		n := 1
		for _, d := range want {
			if d <= 0 || n > maxSynth/d {
				return nil, fmt.Errorf("weight %q: shape %v is empty or too large to synthesize", role, want)
			}
			n *= d
		}
		return ir.NewTensor(want...), nil
	}
	s := c.stored[role]
	if s == nil {
		return nil, fmt.Errorf("weight %q missing from %s (the layer stores %s)", role, c.ws.file(), c.storedRoles())
	}
	c.used[role] = true
	if !slices.Equal(s.t.Shape, want) {
		return nil, fmt.Errorf("weight %q: %s %s has shape %v, the layer config implies %v", role, c.ws.file(), s.path, s.t.Shape, want)
	}
	return s.t, nil
}

// weightAny returns a stored weight without a shape check (callers check
// shapes that depend on the data, like HGQ's broadcast parameters).
func (c *lctx) weightAny(role string) (*stored, error) {
	if c.ws == nil {
		return nil, nil
	}
	s := c.stored[role]
	if s == nil {
		return nil, fmt.Errorf("weight %q missing from %s (the layer stores %s)", role, c.ws.file(), c.storedRoles())
	}
	c.used[role] = true
	return s, nil
}

// unused reports stored weights no handler consumed, except bookkeeping
// variables Keras layers keep (QKeras's batchnorm-folding iteration
// counter), so a layer the loader does not fully understand is an error.
func (c *lctx) unused() error {
	var extra []string
	for r, s := range c.stored {
		if !c.used[r] && r != "iteration" {
			extra = append(extra, s.path)
		}
	}
	if len(extra) == 0 {
		return nil
	}
	sort.Strings(extra)
	return fmt.Errorf("%s stores weights the layer does not use: %s", c.ws.file(), strings.Join(extra, ", "))
}

// storedRoles lists the stored roles for messages.
func (c *lctx) storedRoles() string {
	if len(c.stored) == 0 {
		return "no weights"
	}
	rs := make([]string, 0, len(c.stored))
	for r := range c.stored {
		rs = append(rs, r)
	}
	sort.Strings(rs)
	return strings.Join(rs, ", ")
}

// checkUnused loads a layer's weights if its handler did not (a layer
// without weights), and reports any stored weight left unused.
func (c *lctx) checkUnused() error {
	if c.ws == nil {
		return nil
	}
	if c.stored == nil {
		if err := c.load(); err != nil {
			return err
		}
	}
	return c.unused()
}
