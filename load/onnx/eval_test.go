// This file implements a small float64 evaluator of ir graphs, written
// for the tests only and independently of the ops package, so that the
// loader's layouts and weights are checked against reference outputs.

package onnx

import (
	"fmt"
	"math"

	"github.com/nnhls/nnhls/ir"
)

// evalGraph runs one sample (the graph input in its ir shape) and returns
// every node's output.
func evalGraph(g *ir.Graph, in []float64) ([][]float64, error) {
	outs := make([][]float64, len(g.Nodes))
	for i, n := range g.Nodes {
		var xs [][]float64
		var shapes [][]int
		for _, j := range n.Inputs {
			xs = append(xs, outs[j])
			shapes = append(shapes, g.Nodes[j].Shape)
		}
		y, err := evalNode(n, xs, shapes, in)
		if err != nil {
			return nil, fmt.Errorf("node %d %q (%s): %w", i, n.Name, n.Op, err)
		}
		if len(y) != ir.NumElements(n.Shape) {
			return nil, fmt.Errorf("node %d %q (%s): %d values for shape %v", i, n.Name, n.Op, len(y), n.Shape)
		}
		outs[i] = y
	}
	return outs, nil
}

// grid2 views a channels-last shape as [H, W, C] (1-D: H = 1).
func grid2(shape []int) (h, w, c int) {
	if len(shape) == 2 {
		return 1, shape[0], shape[1]
	}
	return shape[0], shape[1], shape[2]
}

// win2 views 1-D window attributes as 2-D.
func win2(v []int, def int) (int, int) {
	switch len(v) {
	case 0:
		return def, def
	case 1:
		return def, v[0]
	}
	return v[0], v[1]
}

// before is the "same" padding before the data along one axis.
func before(p ir.Padding, in, out, k, s, d int) int {
	if p != ir.PadSame {
		return 0
	}
	return max((out-1)*s+(k-1)*d+1-in, 0) / 2
}

func evalNode(n *ir.Node, xs [][]float64, shapes [][]int, in []float64) ([]float64, error) {
	a := n.Attrs
	switch n.Op {
	case ir.OpInput:
		return in, nil
	case ir.OpReshape:
		return xs[0], nil
	case ir.OpDense:
		k := n.Weights["kernel"]
		kin, kout := k.Shape[0], k.Shape[1]
		x := xs[0]
		y := make([]float64, len(x)/kin*kout)
		for p := 0; p < len(x)/kin; p++ {
			for o := range kout {
				s := 0.0
				if b := n.Weights["bias"]; b != nil {
					s = b.Data[o]
				}
				for i := range kin {
					s += x[p*kin+i] * k.Data[i*kout+o]
				}
				y[p*kout+o] = s
			}
		}
		return y, nil
	case ir.OpConv, ir.OpDepthwiseConv, ir.OpPool:
		ih, iw, c := grid2(shapes[0])
		oh, ow, oc := grid2(n.Shape)
		kh, kw := win2(a.Kernel, 1)
		sh, sw := win2(a.Strides, 1)
		dh, dw := win2(a.Dilation, 1)
		ph, pw := before(a.Padding, ih, oh, kh, sh, dh), before(a.Padding, iw, ow, kw, sw, dw)
		x := xs[0]
		y := make([]float64, oh*ow*oc)
		var kern []float64
		if k := n.Weights["kernel"]; k != nil {
			kern = k.Data
		}
		for r := range oh {
			for q := range ow {
				for o := range oc {
					acc, cnt := 0.0, 0
					if n.Op == ir.OpPool && a.Pool == ir.PoolMax {
						acc = math.Inf(-1)
					}
					for i := range kh {
						for j := range kw {
							yy, xx := r*sh-ph+i*dh, q*sw-pw+j*dw
							if yy < 0 || yy >= ih || xx < 0 || xx >= iw {
								continue
							}
							pix := (yy*iw + xx) * c
							switch n.Op {
							case ir.OpConv:
								for ci := range c {
									acc += x[pix+ci] * kern[((i*kw+j)*c+ci)*oc+o]
								}
							case ir.OpDepthwiseConv:
								m := oc / c
								acc += x[pix+o/m] * kern[((i*kw+j)*c+o/m)*m+o%m]
							default:
								if a.Pool == ir.PoolMax {
									acc = math.Max(acc, x[pix+o])
								} else {
									acc += x[pix+o]
								}
								cnt++
							}
						}
					}
					if n.Op == ir.OpPool && a.Pool == ir.PoolAvg {
						if a.CountPad {
							cnt = kh * kw
						}
						acc /= float64(cnt)
					}
					if b := n.Weights["bias"]; b != nil {
						acc += b.Data[o]
					}
					y[(r*ow+q)*oc+o] = acc
				}
			}
		}
		return y, nil
	case ir.OpGlobalPool:
		sh := shapes[0]
		c := sh[len(sh)-1]
		npix := len(xs[0]) / c
		y := make([]float64, c)
		for o := range c {
			acc := 0.0
			if a.Pool == ir.PoolMax {
				acc = math.Inf(-1)
			}
			for p := range npix {
				if a.Pool == ir.PoolMax {
					acc = math.Max(acc, xs[0][p*c+o])
				} else {
					acc += xs[0][p*c+o]
				}
			}
			if a.Pool == ir.PoolAvg {
				acc /= float64(npix)
			}
			y[o] = acc
		}
		return y, nil
	case ir.OpBatchNorm, ir.OpScaleShift:
		c := n.Shape[len(n.Shape)-1]
		y := make([]float64, len(xs[0]))
		for i, v := range xs[0] {
			ch := i % c
			if n.Op == ir.OpScaleShift {
				y[i] = v*n.Weights["scale"].Data[ch] + n.Weights["bias"].Data[ch]
				continue
			}
			w := func(r string) float64 { return n.Weights[r].Data[ch] }
			y[i] = (v-w("moving_mean"))/math.Sqrt(w("moving_variance")+a.Epsilon)*w("gamma") + w("beta")
		}
		return y, nil
	case ir.OpActivation:
		y := make([]float64, len(xs[0]))
		for i, v := range xs[0] {
			var err error
			y[i], err = act(n, v, i)
			if err != nil {
				return nil, err
			}
		}
		return y, nil
	case ir.OpSoftmax:
		c := n.Shape[len(n.Shape)-1]
		if a.Axis != len(n.Shape)-1 {
			return nil, fmt.Errorf("softmax over axis %d", a.Axis)
		}
		y := make([]float64, len(xs[0]))
		for p := 0; p < len(y); p += c {
			m := math.Inf(-1)
			for _, v := range xs[0][p : p+c] {
				m = math.Max(m, v)
			}
			s := 0.0
			for i := range c {
				y[p+i] = math.Exp(xs[0][p+i] - m)
				s += y[p+i]
			}
			for i := range c {
				y[p+i] /= s
			}
		}
		return y, nil
	case ir.OpQuant:
		y, _, err := n.Quantizers["activation"].Apply(xs[0], n.Shape)
		return y, err
	case ir.OpMerge:
		y := append([]float64(nil), xs[0]...)
		for _, x := range xs[1:] {
			for i := range y {
				switch a.Merge {
				case ir.MergeAdd, ir.MergeAvg:
					y[i] += x[i]
				case ir.MergeSub:
					y[i] -= x[i]
				case ir.MergeMul:
					y[i] *= x[i]
				case ir.MergeMax:
					y[i] = math.Max(y[i], x[i])
				case ir.MergeMin:
					y[i] = math.Min(y[i], x[i])
				}
			}
		}
		return y, nil
	case ir.OpConcat:
		outer := ir.NumElements(n.Shape[:a.Axis])
		var y []float64
		for o := range outer {
			for k, x := range xs {
				blk := ir.NumElements(shapes[k][a.Axis:])
				y = append(y, x[o*blk:(o+1)*blk]...)
			}
		}
		return y, nil
	case ir.OpTranspose:
		y, _ := transpose(xs[0], shapes[0], a.Perm)
		return y, nil
	case ir.OpPad, ir.OpUpsample:
		ih, iw, c := grid2(shapes[0])
		oh, ow, _ := grid2(n.Shape)
		y := make([]float64, oh*ow*c)
		for r := range oh {
			for q := range ow {
				var yy, xx int
				if n.Op == ir.OpPad {
					p := a.Pads
					if len(p) == 1 {
						p = [][2]int{{0, 0}, p[0]}
					}
					yy, xx = r-p[0][0], q-p[1][0]
				} else {
					fh, fw := win2(a.Size, 1)
					yy, xx = r/fh, q/fw
				}
				if yy < 0 || yy >= ih || xx < 0 || xx >= iw {
					continue
				}
				copy(y[(r*ow+q)*c:(r*ow+q+1)*c], xs[0][(yy*iw+xx)*c:(yy*iw+xx+1)*c])
			}
		}
		return y, nil
	}
	return nil, fmt.Errorf("op not in the test evaluator")
}

// act is one activation value.
func act(n *ir.Node, v float64, i int) (float64, error) {
	a := n.Attrs
	switch a.Activation {
	case "relu":
		v = math.Max(v, 0)
		if a.MaxValue != nil {
			v = math.Min(v, *a.MaxValue)
		}
		return v, nil
	case "leaky_relu":
		if v < 0 {
			return a.Alpha * v, nil
		}
		return v, nil
	case "prelu":
		al := n.Weights["alpha"].Data
		if v < 0 {
			return al[i%len(al)] * v, nil
		}
		return v, nil
	case "elu":
		if v < 0 {
			return a.Alpha * (math.Exp(v) - 1), nil
		}
		return v, nil
	case "selu":
		if v < 0 {
			return seluGamma * seluAlpha * (math.Exp(v) - 1), nil
		}
		return seluGamma * v, nil
	case "sigmoid":
		return 1 / (1 + math.Exp(-v)), nil
	case "tanh":
		return math.Tanh(v), nil
	case "softplus":
		return math.Log1p(math.Exp(v)), nil
	case "softsign":
		return v / (1 + math.Abs(v)), nil
	case "thresholded_relu":
		if v > a.Theta {
			return v, nil
		}
		return 0, nil
	case "hard_sigmoid":
		return math.Max(0, math.Min(1, 0.2*v+0.5)), nil
	case "hard_tanh":
		return math.Max(-1, math.Min(1, v)), nil
	}
	return 0, fmt.Errorf("activation %q not in the test evaluator", a.Activation)
}
