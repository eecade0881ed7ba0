// This file implements ForKernel, QKeras's layer-constructor rewrite of
// kernel quantizers, and Clone.

package quant

// ForKernel returns a copy of s as QKeras runs it when it is the kernel
// quantizer of QDense, QConv1D, QConv2D, QDepthwiseConv2D or a
// QSeparableConv (and the gamma or variance quantizer of
// QBatchNormalization): their constructors call
// quantizer._set_trainable_parameter(), which turns alpha=None into
// alpha='auto_po2' for quantized_bits (also setting symmetric=True),
// binary, ternary and their stochastic variants, so that a kernel written
// as "quantized_bits(8,0)" is trained and run with per-channel
// power-of-two scales. The copy records the rewrite in AlphaRewritten.
// Other quantizers, and any explicit alpha, are left as they are.
func (s *Spec) ForKernel() *Spec {
	if s == nil {
		return nil
	}
	c := s.Clone()
	switch c.Kind {
	case QuantizedBits:
		if c.Alpha == AlphaNone {
			c.Alpha, c.Symmetric, c.AlphaRewritten = AlphaAutoPo2, true, true
		}
	case Binary, StochasticBinary, Ternary, StochasticTernary:
		if c.Alpha == AlphaNone {
			c.Alpha, c.AlphaRewritten = AlphaAutoPo2, true
		}
	}
	return c
}

// Clone returns a deep copy of s.
func (s *Spec) Clone() *Spec {
	if s == nil {
		return nil
	}
	c := *s
	c.ReluUpperBound = clonePtr(s.ReluUpperBound)
	c.MaxValue = clonePtr(s.MaxValue)
	c.Threshold = clonePtr(s.Threshold)
	c.QNoiseFactor = clonePtr(s.QNoiseFactor)
	c.K = cloneSlice(s.K)
	c.I = cloneSlice(s.I)
	c.F = cloneSlice(s.F)
	if s.KIFShape != nil {
		c.KIFShape = append([]int(nil), s.KIFShape...)
	}
	c.Scale = cloneSlice(s.Scale)
	c.ZeroPoint = cloneSlice(s.ZeroPoint)
	if s.ScaleShape != nil {
		c.ScaleShape = append([]int(nil), s.ScaleShape...)
	}
	return &c
}

func clonePtr(p *float64) *float64 {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}

func cloneSlice(s []float64) []float64 {
	if s == nil {
		return nil
	}
	return append([]float64(nil), s...)
}
