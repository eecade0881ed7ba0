// This file implements the names under which predict and trace store
// outputs: the model's own layer names.

package sim

import (
	"strconv"

	"github.com/nnhls/nnhls/ir"
)

// Keys returns, for every node of g, the name its output is stored under.
// A layer's name holds that layer's final output as the training framework
// defines it: when a loader or pass splits a layer into several nodes (a
// Dense with a built-in relu becomes "fc1" and "fc1_relu", with Origin
// "fc1"), the last node of the group gets the layer's name, the node that
// carried the layer's name gets it with "_linear" appended (the layer with
// activation="linear"), and other nodes keep their own names. Keys are
// unique; a clash appends "_2", "_3", ...
func Keys(g *ir.Graph) []string {
	last := map[string]int{}
	for i, n := range g.Nodes {
		last[layerOf(n)] = i
	}
	keys := make([]string, len(g.Nodes))
	used := map[string]bool{}
	for i, n := range g.Nodes {
		layer := layerOf(n)
		k := n.Name
		switch {
		case last[layer] == i:
			k = layer
		case n.Name == layer:
			k = layer + "_linear"
		}
		base := k
		for j := 2; used[k]; j++ {
			k = base + "_" + strconv.Itoa(j)
		}
		used[k] = true
		keys[i] = k
	}
	return keys
}

// layerOf is the model layer a node belongs to.
func layerOf(n *ir.Node) string {
	if n.Origin != "" {
		return n.Origin
	}
	return n.Name
}
