// This file implements the per-layer settings other than precision:
// ReuseFactor, Strategy, TableSize, Implementation and the rest, each looked
// up LayerName, then LayerType, then Model, then the built-in default.

package config

import "github.com/nnhls/nnhls/ir"

// A value is one scalar setting as parsed: its canonical string form (the
// canonical choice for enumerations), its number or boolean, and where it
// was written.
type value struct {
	s    string
	i    int
	f    float64
	b    bool
	null bool
	pos  ir.Pos
}

// setting finds key (a canonical name) for a layer, most specific level
// first. Keys hls4ml reads only per layer are never found at the Model level
// because the parser does not store them there.
func (c *Config) setting(layer, layerType, key string) (value, Source, bool) {
	for _, b := range c.chain(layer, layerType) {
		if b == nil {
			continue
		}
		if v, ok := b.vals[key]; ok {
			return v, Source{Level: b.level, Key: b.key, Pos: v.pos}, true
		}
	}
	return value{}, Source{}, false
}

// intSetting is setting for integer keys, with a default.
func (c *Config) intSetting(layer, layerType, key string, def int) int {
	if v, _, ok := c.setting(layer, layerType, key); ok {
		return v.i
	}
	return def
}

// stringSetting is setting for string and choice keys, with a default.
func (c *Config) stringSetting(layer, layerType, key, def string) string {
	if v, _, ok := c.setting(layer, layerType, key); ok {
		return v.s
	}
	return def
}

// boolSetting is setting for boolean keys, with a default.
func (c *Config) boolSetting(layer, layerType, key string, def bool) bool {
	if v, _, ok := c.setting(layer, layerType, key); ok {
		return v.b
	}
	return def
}

// ReuseFactor returns the layer's ReuseFactor, 1 by default. Whether the
// value suits the layer (it must divide the multiplications evenly) is for
// the writer to check; config only knows it is a positive integer.
func (c *Config) ReuseFactor(layer, layerType string) int {
	return c.intSetting(layer, layerType, "ReuseFactor", DefaultReuseFactor)
}

// Strategy returns the layer's strategy: StrategyLatency (the default),
// StrategyResource, StrategyResourceUnrolled or StrategyDistributedArithmetic,
// whatever case the file used.
func (c *Config) Strategy(layer, layerType string) string {
	return c.stringSetting(layer, layerType, "Strategy", DefaultStrategy)
}

// TableSize returns the number of entries of the layer's activation table,
// 1024 by default.
func (c *Config) TableSize(layer, layerType string) int {
	return c.intSetting(layer, layerType, "TableSize", DefaultTableSize)
}

// ExpTableSize returns softmax's exp table size: ExpTableSize if set, else
// TableSize. (hls4ml then shrinks it to fit the input type; that is the op's
// business.)
func (c *Config) ExpTableSize(layer, layerType string) int {
	return c.intSetting(layer, layerType, "ExpTableSize", c.TableSize(layer, layerType))
}

// InvTableSize returns softmax's inverse table size: InvTableSize if set,
// else TableSize.
func (c *Config) InvTableSize(layer, layerType string) int {
	return c.intSetting(layer, layerType, "InvTableSize", c.TableSize(layer, layerType))
}

// Implementation returns softmax's implementation: "stable" (the default),
// "latency", "legacy" or "argmax".
func (c *Config) Implementation(layer, layerType string) string {
	return c.stringSetting(layer, layerType, "Implementation", DefaultImplementation)
}

// Skip reports whether the layer (a softmax) is to be removed.
func (c *Config) Skip(layer, layerType string) bool {
	return c.boolSetting(layer, layerType, "Skip", false)
}

// Trace reports whether the layer's output is traced.
func (c *Config) Trace(layer, layerType string) bool {
	return c.boolSetting(layer, layerType, "Trace", false)
}

// ParallelizationFactor returns a convolution's parallelization factor, 1
// by default.
func (c *Config) ParallelizationFactor(layer, layerType string) int {
	return c.intSetting(layer, layerType, "ParallelizationFactor", 1)
}

// ConvImplementation returns "LineBuffer" (the default) or "Encoded".
func (c *Config) ConvImplementation(layer, layerType string) string {
	return c.stringSetting(layer, layerType, "ConvImplementation", "LineBuffer")
}

// Compression reports whether the layer uses hls4ml's sparse (compressed)
// Resource kernel.
func (c *Config) Compression(layer, layerType string) bool {
	return c.boolSetting(layer, layerType, "Compression", false)
}

// Setting returns any per-layer or Model setting by key (canonical or
// snake_case spelling) as its canonical string, with its source, for keys
// without an accessor. ok is false when nothing sets it.
func (c *Config) Setting(layer, layerType, key string) (s string, src Source, ok bool) {
	d := lookupKey(keysAt(atModel|atLayer), key)
	if d == nil {
		return "", Source{}, false
	}
	v, src, ok := c.setting(layer, layerType, d.name)
	return v.s, src, ok
}

// BramFactor returns Model.BramFactor: layers with more weights than this
// keep them in BRAM ports of the top function. The default, 1e9, means none.
func (c *Config) BramFactor() float64 {
	if v, ok := c.model.vals["BramFactor"]; ok {
		return v.f
	}
	return 1e9
}

// TraceOutput returns Model.TraceOutput: whether hls4ml's trace outputs are
// compiled in for every layer.
func (c *Config) TraceOutput() bool {
	return c.model.vals["TraceOutput"].b
}
