// This file implements AssignTypes, the pass that gives every variable of
// every node a fixed-point type from an hls4ml-style configuration.

package passes

import (
	"fmt"

	"github.com/nnhls/nnhls/config"
	"github.com/nnhls/nnhls/fixed"
	"github.com/nnhls/nnhls/ir"
	"github.com/nnhls/nnhls/ops"
)

// An AutoPolicy decides the type of a variable the configuration sets to
// "auto". It is given the graph, the index of the node (whose inputs are
// already typed: nodes are visited in order) and the variable, and returns
// the type and a short reason for n.HW.Why.
type AutoPolicy func(g *ir.Graph, node int, variable string, c *config.Config) (fixed.Type, string, error)

// ModelDefaultAuto is the simplest policy: "auto" means the Model default
// precision (hls4ml's Model.Precision.default, fixed<16,6> when none is
// written). Precision inference replaces it.
func ModelDefaultAuto(g *ir.Graph, node int, variable string, c *config.Config) (fixed.Type, string, error) {
	p := c.Precision("", "", "default")
	if p.Auto || !p.Type.Valid() {
		return config.DefaultPrecision(), "auto: built-in default", nil
	}
	return p.Type, "auto: Model default", nil
}

// AssignTypes types every node of g from c with ModelDefaultAuto for
// "auto". See AssignTypesWith.
func AssignTypes(g *ir.Graph, c *config.Config) error {
	return AssignTypesWith(g, c, ModelDefaultAuto)
}

// AssignTypesWith types every node of g: for the result and each variable
// the node's op declares (ops.Def.Vars), the type is the configuration's
// answer for the node's name and hls4ml class (ops.Def.Class) with hls4ml's
// precedence (config.Config.Precision); "auto" goes to auto. It also copies
// ReuseFactor, Strategy, TableSize and Implementation into n.HW and records
// in n.HW.Why where each type came from. Afterwards every node has a result
// type. Problems are collected for all nodes and returned together.
//
// Variables the configuration does not name get the Model default, also
// softmax's tables: choosing better ones is precision inference's job.
func AssignTypesWith(g *ir.Graph, c *config.Config, auto AutoPolicy) error {
	return assignTypes(g, c, auto, false)
}

// AssignTypesHLS4ML is AssignTypes with hls4ml's own defaults: an op's
// default for a variable (ops.Def.Default: softmax's exp_table, inv_table
// and inv_inp fixed<18,8,RND,SAT>, activation tables fixed<18,8>) wins
// unless the configuration names that very variable (a Model-wide
// Precision does not replace them in hls4ml either). With it, an hls4ml
// configuration gives exactly the types hls4ml gives.
func AssignTypesHLS4ML(g *ir.Graph, c *config.Config) error {
	return assignTypes(g, c, ModelDefaultAuto, true)
}

func assignTypes(g *ir.Graph, c *config.Config, auto AutoPolicy, opDefaults bool) error {
	if c == nil {
		c = config.Default()
	}
	var errs ir.ErrorList
	for i, n := range g.Nodes {
		def, err := ops.Lookup(n.Op)
		if err != nil {
			errs.Add(n.Pos, fmt.Errorf("layer %q: %w", n.Name, err))
			continue
		}
		class := def.Class(n)
		n.HW = ir.HW{
			TableSize:      c.TableSize(n.Name, class),
			Implementation: c.Implementation(n.Name, class),
			ReuseFactor:    c.ReuseFactor(n.Name, class),
			Strategy:       c.Strategy(n.Name, class),
		}
		vars := append([]string{ops.VarResult}, def.Vars(n)...)
		for _, v := range vars {
			p := c.Precision(n.Name, class, v)
			if opDefaults && def.Default != nil && !p.Explicit() {
				if t, ok := def.Default(n, v); ok {
					n.HW.SetType(v, t, "op default")
					continue
				}
			}
			if p.Auto {
				t, why, err := auto(g, i, v, c)
				if err != nil {
					errs.Add(n.Pos, fmt.Errorf("layer %q: %s: %w", n.Name, v, err))
					continue
				}
				n.HW.SetOpen(v, t, why)
				continue
			}
			if p.Source.Level == config.LevelBuiltin {
				n.HW.SetOpen(v, p.Type, p.Source.String())
				continue
			}
			n.HW.SetType(v, p.Type, p.Source.String())
		}
	}
	return errs.Err()
}
