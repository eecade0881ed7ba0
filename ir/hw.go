// This file implements the hardware-side annotations passes attach to nodes.

package ir

import (
	"github.com/nnhls/nnhls/fixed"
	"github.com/nnhls/nnhls/quant"
)

// HW holds what the passes decided for a node's hardware: the fixed-point
// type of every variable (result, accum, weight, bias, table, ...), and the
// configuration settings that change arithmetic or structure. A graph whose
// nodes all have a result type is "typed": the emulator and the writer need
// one.
type HW struct {
	Types map[string]fixed.Type
	// Why records, per variable, where its type came from ("config
	// LayerName fc1 accum", "quantizer quantized_bits(6,0)", "interval",
	// "default"), for show and config output.
	Why map[string]string
	// TableSize is the entry count of table activations.
	TableSize int
	// Implementation is the softmax algorithm: stable, latency, legacy, argmax.
	Implementation string
	ReuseFactor    int
	// Strategy is Latency or Resource.
	Strategy string
	// Quant holds, by quantizer role ("activation", "kernel", "bias"), the
	// exact hardware form the passes chose for that quantizer. An OpQuant
	// with Quant["activation"] computes that form instead of hls4ml's
	// lowering (a relu or linear activation into the result type); a
	// kernel or bias role says the weights are already on its grid.
	Quant map[string]*quant.HWType
	// Analyzed says the interval analysis (passes.InferTypes) checked the
	// node: Lo and Hi then bound every value of its output, and Unsafe
	// lists why a cast of the node may overflow ("accum fixed<16,6> holds
	// [-32,32) but the sum reaches [-71.2,80.5]"); empty means proven safe.
	Analyzed bool
	Lo, Hi   float64
	Unsafe   []string
	// open holds the variables whose type is still a placeholder (SetOpen).
	open map[string]bool
}

// Type returns the type of variable v and whether it is set.
func (h *HW) Type(v string) (fixed.Type, bool) {
	t, ok := h.Types[v]
	return t, ok
}

// SetType sets the type of variable v and records why. The type is then
// settled: it is no longer open (see SetOpen).
func (h *HW) SetType(v string, t fixed.Type, why string) {
	if h.Types == nil {
		h.Types = make(map[string]fixed.Type)
		h.Why = make(map[string]string)
	}
	h.Types[v] = t
	h.Why[v] = why
	delete(h.open, v)
}

// SetOpen sets a placeholder type for variable v, one the configuration
// left open ("auto", or nothing written): precision inference may replace
// it as long as no other pass settles it with SetType first.
func (h *HW) SetOpen(v string, t fixed.Type, why string) {
	h.SetType(v, t, why)
	if h.open == nil {
		h.open = make(map[string]bool)
	}
	h.open[v] = true
}

// IsOpen reports whether variable v holds a placeholder set by SetOpen.
func (h *HW) IsOpen(v string) bool { return h.open[v] }
