// This file implements typed access to a layer's JSON config, so handlers
// read "units" or "kernel_size" in one line and a bad value becomes one
// error naming the field.

package keras

import (
	"fmt"
	"math"
)

// A cfg is a layer's "config" object.
type cfg map[string]any

// has reports whether the key is present and not null.
func (c cfg) has(key string) bool {
	v, ok := c[key]
	return ok && v != nil
}

// asInt converts a JSON number holding an integer.
func asInt(v any) (int, bool) {
	f, ok := v.(float64)
	if !ok || f != math.Trunc(f) || math.Abs(f) > 1<<40 {
		return 0, false
	}
	return int(f), true
}

// int reads an integer field, or def when absent or null.
func (c cfg) int(key string, def int) (int, error) {
	if !c.has(key) {
		return def, nil
	}
	n, ok := asInt(c[key])
	if !ok {
		return 0, fmt.Errorf("config field %q: want an integer, have %v", key, c[key])
	}
	return n, nil
}

// ints reads a field holding an integer or a list of integers, expanded to
// n entries (Keras accepts kernel_size=3 for (3, 3)); def when absent.
func (c cfg) ints(key string, n int, def []int) ([]int, error) {
	if !c.has(key) {
		return def, nil
	}
	if k, ok := asInt(c[key]); ok {
		out := make([]int, n)
		for i := range out {
			out[i] = k
		}
		return out, nil
	}
	list, ok := c[key].([]any)
	if !ok || (n > 0 && len(list) != n) {
		return nil, fmt.Errorf("config field %q: want %d integers, have %v", key, n, c[key])
	}
	out := make([]int, len(list))
	for i, v := range list {
		k, ok := asInt(v)
		if !ok {
			return nil, fmt.Errorf("config field %q: want integers, have %v", key, c[key])
		}
		out[i] = k
	}
	return out, nil
}

// float reads a number field, or def when absent or null.
func (c cfg) float(key string, def float64) (float64, error) {
	if !c.has(key) {
		return def, nil
	}
	f, ok := c[key].(float64)
	if !ok {
		return 0, fmt.Errorf("config field %q: want a number, have %v", key, c[key])
	}
	return f, nil
}

// optFloat reads a number field that may be null.
func (c cfg) optFloat(key string) (*float64, error) {
	if !c.has(key) {
		return nil, nil
	}
	f, ok := c[key].(float64)
	if !ok {
		return nil, fmt.Errorf("config field %q: want a number, have %v", key, c[key])
	}
	return &f, nil
}

// str reads a string field, or def when absent or null.
func (c cfg) str(key, def string) (string, error) {
	if !c.has(key) {
		return def, nil
	}
	s, ok := c[key].(string)
	if !ok {
		return "", fmt.Errorf("config field %q: want a string, have %v", key, c[key])
	}
	return s, nil
}

// bool reads a boolean field (JSON true/false or 0/1), or def.
func (c cfg) bool(key string, def bool) (bool, error) {
	if !c.has(key) {
		return def, nil
	}
	switch v := c[key].(type) {
	case bool:
		return v, nil
	case float64:
		return v != 0, nil
	}
	return false, fmt.Errorf("config field %q: want a boolean, have %v", key, c[key])
}

// shape reads a batch shape ([null, 28, 28, 1]) and drops the batch axis.
// Every other dimension must be known: firmware has static shapes.
func shapeFrom(v any) ([]int, error) {
	list, ok := v.([]any)
	if !ok || len(list) < 2 {
		return nil, fmt.Errorf("want a batch shape [null, ...], have %v", v)
	}
	out := make([]int, 0, len(list)-1)
	for _, d := range list[1:] {
		if d == nil {
			return nil, fmt.Errorf("shape %v has an unknown dimension; nnhls needs static shapes", fmtList(list))
		}
		n, ok := asInt(d)
		if !ok || n <= 0 {
			return nil, fmt.Errorf("shape %v has an invalid dimension", fmtList(list))
		}
		out = append(out, n)
	}
	return out, nil
}

// fmtList prints a JSON list with null for missing dimensions.
func fmtList(list []any) string {
	s := "["
	for i, v := range list {
		if i > 0 {
			s += ", "
		}
		if v == nil {
			s += "null"
		} else {
			s += fmt.Sprint(v)
		}
	}
	return s + "]"
}
