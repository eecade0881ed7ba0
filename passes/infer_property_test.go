// This file tests InferTypes's promise on random networks: no value of a
// layer it marks safe ever wraps or saturates in the emulator, for inputs
// anywhere in the input type, including the worst cases.

package passes_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/nnhls/nnhls/config"
	"github.com/nnhls/nnhls/fixed"
	"github.com/nnhls/nnhls/ir"
	"github.com/nnhls/nnhls/passes"
	"github.com/nnhls/nnhls/sim"
)

// randomStack builds input → (Dense [→ ScaleShift] → relu)^k → Dense
// [→ ScaleShift] with random widths, weights of random magnitude (some far
// above the reference type's range) and random biases.
func randomStack(r *rand.Rand) *ir.Graph {
	g := &ir.Graph{Name: "random"}
	width := 2 + r.IntN(8)
	prev := g.Add(&ir.Node{Name: "x", Op: ir.OpInput, Shape: []int{width}})
	g.Inputs = []int{prev}
	layers := 1 + r.IntN(4)
	for l := range layers {
		out := 1 + r.IntN(10)
		scale := math.Ldexp(1, r.IntN(12)-6) // 1/64 .. 32
		k := ir.NewTensor(width, out)
		for i := range k.Data {
			k.Data[i] = r.NormFloat64() * scale
		}
		b := ir.NewTensor(out)
		for i := range b.Data {
			b.Data[i] = r.NormFloat64() * scale
		}
		d := g.Add(&ir.Node{Name: fmt.Sprintf("fc%d", l), Op: ir.OpDense, Inputs: []int{prev}, Shape: []int{out},
			Attrs: ir.Attrs{Units: out}, Weights: map[string]*ir.Tensor{"kernel": k, "bias": b}})
		prev = d
		if r.IntN(3) == 0 {
			// A BatchNorm as its hardware form: x·scale + bias per channel.
			sc, sb := ir.NewTensor(out), ir.NewTensor(out)
			for i := range sc.Data {
				sc.Data[i], sb.Data[i] = r.NormFloat64()*scale, r.NormFloat64()
			}
			prev = g.Add(&ir.Node{Name: fmt.Sprintf("bn%d", l), Op: ir.OpScaleShift, Inputs: []int{prev}, Shape: []int{out},
				Weights: map[string]*ir.Tensor{"scale": sc, "bias": sb}})
		}
		if l < layers-1 {
			prev = g.Add(&ir.Node{Name: fmt.Sprintf("relu%d", l), Op: ir.OpActivation, Inputs: []int{prev}, Shape: []int{out},
				Attrs: ir.Attrs{Activation: "relu"}})
		}
		width = out
	}
	g.Outputs = []int{prev}
	return g
}

// randomConfig returns no configuration, a random Model default, or a
// Model default with a maximum small enough to cut some types.
func randomConfig(t *testing.T, r *rand.Rand) *config.Config {
	w := 6 + r.IntN(14)
	i := 1 + r.IntN(w-1)
	var text string
	switch r.IntN(3) {
	case 0:
		return config.Default()
	case 1:
		text = fmt.Sprintf("Model:\n  Precision:\n    default: fixed<%d,%d>\n", w, i)
	case 2:
		text = fmt.Sprintf("Model:\n  Precision:\n    maximum: fixed<%d,%d>\n", 12+r.IntN(12), 3+r.IntN(6))
	}
	c, err := config.Parse("random.yml", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// worstInputs returns n samples for g's input type: each either the worst
// case of one random output of the first Dense (every input at the type's
// minimum or maximum by the sign of its weight), or random values, a third
// of them at the type's extremes.
func worstInputs(r *rand.Rand, g *ir.Graph, n int) []float64 {
	in := g.Nodes[g.Inputs[0]]
	typ := in.HW.Types["result"]
	width := in.Shape[0]
	k := g.Nodes[1].Weight("kernel")
	cols := k.Shape[1]
	x := make([]float64, n*width)
	for s := range n {
		row := x[s*width : (s+1)*width]
		j, hi := r.IntN(cols), r.IntN(2) == 0
		for i := range row {
			switch {
			case s%2 == 0:
				if (k.Data[i*cols+j] > 0) == hi {
					row[i] = typ.Max()
				} else {
					row[i] = typ.Min()
				}
			case r.IntN(3) == 0:
				row[i] = [2]float64{typ.Min(), typ.Max()}[r.IntN(2)]
			default:
				v, _ := fixed.FromFloat64(typ, typ.Min()+r.Float64()*(typ.Max()-typ.Min()))
				row[i] = v.Float64()
			}
		}
	}
	return x
}

// TestInferTypesSafeNeverOverflows: on 300 random networks and
// configurations, 400 inputs each, a node InferTypes proves safe counts no
// saturation and no wrap in any cast; and a network without a maximum or
// configured types is proven safe everywhere.
func TestInferTypesSafeNeverOverflows(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 2026))
	safeNodes, unsafeNodes, overflowsSeen := 0, 0, 0
	for trial := range 300 {
		g := randomStack(r)
		c := randomConfig(t, r)
		if err := passes.InferTypes(g, c); err != nil {
			t.Fatalf("trial %d: %v", trial, err)
		}
		p, err := sim.Compile(g, sim.Options{})
		if err != nil {
			t.Fatalf("trial %d: %v", trial, err)
		}
		const n = 400
		res, err := p.Run([][]float64{worstInputs(r, g, n)}, n, sim.RunOptions{Tally: true})
		if err != nil {
			t.Fatal(err)
		}
		_, capped := c.MaxPrecision()
		userTyped := c.Precision("", "", "default").Source.Level != config.LevelBuiltin && !c.Precision("", "", "default").Auto
		for i, nd := range g.Nodes {
			over := int64(0)
			for _, cnt := range res.Tallies[i] {
				over += cnt.Saturated + cnt.Wrapped
			}
			if !nd.HW.Analyzed {
				t.Fatalf("trial %d: %s not analyzed", trial, nd.Name)
			}
			if len(nd.HW.Unsafe) > 0 {
				if !capped && !userTyped {
					t.Errorf("trial %d: %s unsafe without a cap or user type: %v", trial, nd.Name, nd.HW.Unsafe)
				}
				unsafeNodes++
				if over > 0 {
					overflowsSeen++
				}
				continue
			}
			safeNodes++
			if over > 0 {
				t.Errorf("trial %d: %s marked safe (%v) but %d casts overflowed; types %v", trial, nd.Name, nd.HW.Why, over, nd.HW.Types)
			}
		}
	}
	t.Logf("%d safe nodes never overflowed; %d nodes reported unsafe, %d of which overflowed on these inputs", safeNodes, unsafeNodes, overflowsSeen)
	if overflowsSeen == 0 {
		t.Error("no reported node overflowed: the inputs do not reach the worst cases")
	}
}
