// This file implements Conv (1D and 2D; group 1 and depthwise groups),
// including QONNX's channels-last Conv, and the window geometry Conv and
// the pools share: ONNX's explicit pads and auto_pad turned into ir's
// valid/same padding, or an explicit OpPad where they match neither.

package onnx

import (
	"fmt"
	"slices"

	"github.com/nnhls/nnhls/ir"
)

// A window is the geometry of a Conv or pool node, read from ONNX attributes.
type window struct {
	kernel, strides, dilation []int
	pads                      [][2]int // explicit before/after per spatial axis
	ceil                      bool
}

// readWindow reads kernel_shape (or the kernel size k when the attribute
// is absent), strides, dilations, pads, auto_pad and ceil_mode for an input
// with the given spatial sizes.
func readWindow(c *nctx, spatial []int, k []int) (*window, error) {
	r := len(spatial)
	w := &window{}
	ks, err := c.attrSmallInts("kernel_shape")
	if err != nil {
		return nil, err
	}
	switch {
	case ks != nil && k != nil && !slices.Equal(ks, k):
		return nil, fmt.Errorf("kernel_shape %v differs from the weight's window %v", ks, k)
	case ks == nil && k == nil:
		return nil, fmt.Errorf("no kernel_shape")
	case ks == nil:
		ks = k
	}
	w.kernel = ks
	if len(ks) != r {
		return nil, fmt.Errorf("kernel_shape %v does not fit %d spatial axes", ks, r)
	}
	if w.strides, err = c.attrSmallInts("strides"); err != nil {
		return nil, err
	}
	if w.dilation, err = c.attrSmallInts("dilations"); err != nil {
		return nil, err
	}
	if w.strides == nil {
		w.strides = ones(r)
	}
	if w.dilation == nil {
		w.dilation = ones(r)
	}
	if len(w.strides) != r || len(w.dilation) != r {
		return nil, fmt.Errorf("strides %v or dilations %v do not fit %d spatial axes", w.strides, w.dilation, r)
	}
	for i := range r {
		if w.kernel[i] <= 0 || w.strides[i] <= 0 || w.dilation[i] <= 0 {
			return nil, fmt.Errorf("kernel %v, strides %v and dilations %v must be positive", w.kernel, w.strides, w.dilation)
		}
	}
	pads, err := c.attrSmallInts("pads")
	if err != nil {
		return nil, err
	}
	auto, err := c.attrString("auto_pad", "NOTSET")
	if err != nil {
		return nil, err
	}
	ceil, err := c.attrInt("ceil_mode", 0)
	if err != nil {
		return nil, err
	}
	w.ceil = ceil != 0
	w.pads = make([][2]int, r)
	switch auto {
	case "NOTSET", "":
		if pads != nil {
			if len(pads) != 2*r {
				return nil, fmt.Errorf("pads %v do not fit %d spatial axes", pads, r)
			}
			for i := range r {
				w.pads[i] = [2]int{pads[i], pads[i+r]}
				if pads[i] < 0 || pads[i+r] < 0 {
					return nil, fmt.Errorf("negative pads %v", pads)
				}
			}
		}
	case "VALID":
	case "SAME_UPPER", "SAME_LOWER":
		for i := range r {
			out := (spatial[i] + w.strides[i] - 1) / w.strides[i]
			total := max((out-1)*w.strides[i]+w.span(i)-spatial[i], 0)
			small := total / 2
			if auto == "SAME_UPPER" {
				w.pads[i] = [2]int{small, total - small}
			} else {
				w.pads[i] = [2]int{total - small, small}
			}
		}
	default:
		return nil, fmt.Errorf("auto_pad %q is not supported", auto)
	}
	for i := range r {
		if spatial[i]+w.pads[i][0]+w.pads[i][1] < w.span(i) {
			return nil, fmt.Errorf("window %v (dilations %v) is larger than the padded input %v", w.kernel, w.dilation, spatial)
		}
	}
	if w.ceil {
		for i := range r {
			if w.outSize(i, spatial[i], true) != w.outSize(i, spatial[i], false) {
				return nil, fmt.Errorf("ceil_mode=1 adds a partial window here, which nnhls does not support")
			}
		}
	}
	return w, nil
}

// span is the extent of the dilated window along axis i.
func (w *window) span(i int) int { return (w.kernel[i]-1)*w.dilation[i] + 1 }

// outSize is ONNX's output size along axis i.
func (w *window) outSize(i, in int, ceil bool) int {
	num := in + w.pads[i][0] + w.pads[i][1] - w.span(i)
	if ceil {
		return (num+w.strides[i]-1)/w.strides[i] + 1
	}
	return num/w.strides[i] + 1
}

// padding returns the ir padding the window's pads amount to: valid when
// all are zero, same when they are exactly Keras's "same" (before =
// total/2, the rest after), and otherwise ok=false (the caller adds an
// explicit OpPad).
func (w *window) padding(spatial []int) (p ir.Padding, ok bool) {
	zero := true
	for _, pd := range w.pads {
		zero = zero && pd == [2]int{}
	}
	if zero {
		return ir.PadValid, true
	}
	for i, in := range spatial {
		s := w.strides[i]
		out := (in + s - 1) / s
		total := max((out-1)*s+w.span(i)-in, 0)
		if w.outSize(i, in, false) != out || w.pads[i] != [2]int{total / 2, total - total/2} {
			return ir.PadValid, false
		}
	}
	return ir.PadSame, true
}

// outShape is the spatial output shape.
func (w *window) outShape(spatial []int) []int {
	out := make([]int, len(spatial))
	for i, in := range spatial {
		out[i] = w.outSize(i, in, false)
	}
	return out
}

// ones returns n ones.
func ones(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = 1
	}
	return s
}

// spatialInput returns the node holding x channels-last and its spatial
// sizes and channel count. A channels-last (QONNX) op reads x as NHWC in
// the ONNX layout already.
func spatialInput(c *nctx, x *value, cl bool) (src int, perm, spatial []int, ch int, err error) {
	r := len(x.shape)
	if r < 2 || r > 3 {
		return 0, nil, nil, 0, fmt.Errorf("input of shape %v: nnhls supports 1D and 2D windows", x.shape)
	}
	if cl {
		perm = identity(r)
		spatial, ch = x.shape[:r-1], x.shape[r-1]
	} else {
		perm = channelsLast(r)
		spatial, ch = x.shape[1:], x.shape[0]
	}
	src, err = c.b.toLayout(x, perm)
	return src, perm, append([]int(nil), spatial...), ch, err
}

// outValueShape is the ONNX shape of a window op's output.
func outValueShape(spatial []int, ch int, cl bool) []int {
	if cl {
		return append(append([]int(nil), spatial...), ch)
	}
	return append([]int{ch}, spatial...)
}

// padNode adds an explicit zero OpPad for the window's pads and returns it
// with the padded spatial sizes; the window then pads no more.
func padNode(c *nctx, src int, spatial []int, ch int, w *window) (int, []int) {
	padded := make([]int, len(spatial))
	for i := range spatial {
		padded[i] = spatial[i] + w.pads[i][0] + w.pads[i][1]
	}
	n := &ir.Node{Op: ir.OpPad, Class: "Pad", Shape: append(append([]int(nil), padded...), ch),
		Attrs: ir.Attrs{Pads: append([][2]int(nil), w.pads...)}}
	i := c.add("_pad", n, src)
	w.pads = make([][2]int, len(spatial))
	return i, padded
}

// conv is Conv: group 1 becomes OpConv with the kernel reordered from
// ONNX's [out, in, k...] to ir's [k..., in, out]; group = in channels
// becomes OpDepthwiseConv with kernel [k..., in, multiplier].
func conv(c *nctx) (*value, error) {
	if err := c.nIn(2, 3); err != nil {
		return nil, err
	}
	cl := c.n.domain == channelsLastDomain
	x, err := c.runtime(0)
	if err != nil {
		return nil, err
	}
	wv, err := c.in(1)
	if err != nil {
		return nil, err
	}
	if wv.c == nil {
		return nil, fmt.Errorf("the weight must be a constant")
	}
	src, perm, spatial, ch, err := spatialInput(c, x, cl)
	if err != nil {
		return nil, err
	}
	r := len(spatial)
	wt := wv.c
	if len(wt.shape) != r+2 {
		return nil, fmt.Errorf("weight of shape %v does not fit a %dD convolution", wt.shape, r)
	}
	if cl {
		// QONNX's channels-last Conv stores the weight as [out, k..., in].
		p := append([]int{0, r + 1}, identity(r + 1)[1:]...)
		data, shape := transpose(wt.data, wt.shape, p)
		wv = &value{node: -1, c: &constant{shape: shape, data: data, dtype: wt.dtype}, q: wv.q.transposed(wt.shape, p)}
		wt = wv.c
	}
	group, err := c.attrInt("group", 1)
	if err != nil {
		return nil, err
	}
	m := wt.shape[0]
	w, err := readWindow(c, spatial, wt.shape[2:])
	if err != nil {
		return nil, err
	}
	if m <= 0 || group <= 0 || int64(ch)%group != 0 || int64(m)%group != 0 || int64(wt.shape[1])*group != int64(ch) {
		return nil, fmt.Errorf("weight of shape %v with group=%d does not fit %d input channels", wt.shape, group, ch)
	}
	// Kernel: ONNX [M, C/g, k...] to [k..., C/g, M].
	kperm := make([]int, 0, r+2)
	for i := range r {
		kperm = append(kperm, i+2)
	}
	n := &ir.Node{Weights: map[string]*ir.Tensor{}}
	var kdata []float64
	var kshape []int
	var q *constQuant
	switch {
	case group == 1:
		kperm = append(kperm, 1, 0)
		kdata, kshape = transpose(wt.data, wt.shape, kperm)
		q = wv.q.transposed(wt.shape, kperm)
		n.Op, n.Attrs.Filters = ir.OpConv, m
	case int(group) == ch:
		// ONNX output channel o = c·mult + j reads input channel c.
		kperm = append(kperm, 0, 1)
		kdata, kshape = transpose(wt.data, wt.shape, kperm)
		q = wv.q.transposed(wt.shape, kperm)
		kshape = append(kshape[:r], ch, m/ch)
		n.Op, n.Attrs.DepthMultiplier = ir.OpDepthwiseConv, m/ch
	default:
		return nil, fmt.Errorf("group=%d with %d input channels: nnhls supports group 1 and depthwise (group = channels)", group, ch)
	}
	n.Weights["kernel"] = &ir.Tensor{Shape: kshape, Data: kdata}
	if s := q.spec(kshape); s != nil {
		n.Quantizers = map[string]*quantSpec{"kernel": s}
	}
	if bv := c.optIn(2); bv != nil {
		if bv.c == nil || len(bv.c.data) != m {
			return nil, fmt.Errorf("the bias must be a constant of %d values", m)
		}
		n.Weights["bias"] = &ir.Tensor{Shape: []int{m}, Data: append([]float64(nil), bv.c.data...)}
		if s := bv.q.spec([]int{m}); s != nil {
			if n.Quantizers == nil {
				n.Quantizers = map[string]*quantSpec{}
			}
			n.Quantizers["bias"] = s
		}
	}
	pd, ok := w.padding(spatial)
	if !ok {
		src, spatial = padNode(c, src, spatial, ch, w)
		pd = ir.PadValid
	}
	out := w.outShape(spatial)
	n.Attrs.Kernel, n.Attrs.Strides, n.Attrs.Dilation, n.Attrs.Padding = w.kernel, w.strides, w.dilation, pd
	n.Shape = append(append([]int(nil), out...), m)
	shape := outValueShape(out, m, cl)
	return c.result(c.add("", n, src), shape, perm), nil
}

// convTranspose is ConvTranspose, which nnhls does not lower.
func convTranspose(c *nctx) (*value, error) {
	return nil, fmt.Errorf("ConvTranspose is not supported: ir has no transposed convolution (an upsampling followed by a Conv may express it)")
}
