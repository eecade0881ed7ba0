// This file implements FuseBatchNormTanh, hls4ml's merge of a
// BatchNormalization with the binary or ternary tanh that follows it.

package passes

import (
	"github.com/nnhls/nnhls/config"
	"github.com/nnhls/nnhls/ir"
)

// FuseBatchNormTanh matches an OpBatchNorm whose only consumer is an
// OpActivation "binary_tanh" or "ternary_tanh" and folds the activation
// into it: the BatchNorm node keeps its name and position, gets the
// activation in Attrs.Activation, and takes the activation's place as the
// input of its consumers and as a graph output. hls4ml does the same
// (backends/vivado/passes/bn_quant.py, layer BatchNormalizationQuantizedTanh):
// the normalization then only decides on which side of a threshold each
// value lies, so its scale and bias are never rounded (ops/batchnorm.go).
// Afterwards no such pair remains.
func FuseBatchNormTanh(g *ir.Graph, _ *config.Config) error {
	for {
		consumers := g.Consumers()
		fused := false
		for i, n := range g.Nodes {
			if n.Op != ir.OpActivation || (n.Attrs.Activation != "binary_tanh" && n.Attrs.Activation != "ternary_tanh") || len(n.Inputs) != 1 {
				continue
			}
			bn := g.Nodes[n.Inputs[0]]
			if bn.Op != ir.OpBatchNorm || bn.Attrs.Activation != "" || len(consumers[n.Inputs[0]]) != 1 || isOutput(g, n.Inputs[0]) {
				continue
			}
			bn.Attrs.Activation = n.Attrs.Activation
			removeNode(g, i, n.Inputs[0])
			fused = true
			break
		}
		if !fused {
			return nil
		}
	}
}

func isOutput(g *ir.Graph, i int) bool {
	for _, o := range g.Outputs {
		if o == i {
			return true
		}
	}
	return false
}

// removeNode deletes node i, whose uses (as an input or a graph output)
// become uses of node by, and renumbers the nodes after i.
func removeNode(g *ir.Graph, i, by int) {
	renum := func(j int) int {
		switch {
		case j == i:
			return by
		case j > i:
			return j - 1
		}
		return j
	}
	g.Nodes = append(g.Nodes[:i], g.Nodes[i+1:]...)
	for _, n := range g.Nodes {
		for k, in := range n.Inputs {
			n.Inputs[k] = renum(in)
		}
	}
	for k, o := range g.Outputs {
		g.Outputs[k] = renum(o)
	}
	for k, in := range g.Inputs {
		g.Inputs[k] = renum(in)
	}
}
