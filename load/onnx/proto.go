// This file implements decoding the ONNX protobuf messages the loader needs
// (ModelProto, GraphProto, NodeProto, AttributeProto, TensorProto,
// ValueInfoProto) with protowire, field by field. The field numbers are
// those of the ONNX format; unknown fields are skipped, as protobuf
// requires, and every length is checked before anything is allocated.

package onnx

import (
	"errors"
	"fmt"
	"math"

	"google.golang.org/protobuf/encoding/protowire"
)

// Limits on what a file may declare. Real models stay far below them; a
// hostile file meets them before the loader allocates.
const (
	maxNodes    = 1 << 16 // nodes, initializers, inputs, outputs of a graph
	maxElements = 1 << 26 // values in one tensor
	maxRank     = 8
	maxNesting  = 8 // graphs inside attributes
)

// model is a decoded ModelProto.
type model struct {
	irVersion int64
	producer  string
	opsets    map[string]int64 // domain ("" for ai.onnx) -> version
	graph     *graph
}

// graph is a decoded GraphProto.
type graph struct {
	name      string
	nodes     []*node
	inits     []*tensor
	inputs    []*valueInfo
	outputs   []*valueInfo
	valueInfo []*valueInfo
}

// node is a decoded NodeProto.
type node struct {
	inputs, outputs []string
	name, opType    string
	domain          string
	attrs           []*attr
}

// Attribute types of AttributeProto.type.
const (
	attrFloat   = 1
	attrInt     = 2
	attrString  = 3
	attrTensor  = 4
	attrGraph   = 5
	attrFloats  = 6
	attrInts    = 7
	attrStrings = 8
)

// attr is a decoded AttributeProto.
type attr struct {
	name    string
	typ     int64
	f       float32
	i       int64
	s       []byte
	t       *tensor
	floats  []float32
	ints    []int64
	strings [][]byte
	hasF    bool
	hasI    bool
	graph   bool // a subgraph attribute (If, Loop): never supported
}

// valueInfo is a decoded ValueInfoProto restricted to tensors: a name, an
// element type and a shape whose symbolic dimensions are -1.
type valueInfo struct {
	name     string
	elemType int64
	dims     []int64
	hasShape bool
}

// tensor is a decoded TensorProto; its values are decoded by values().
type tensor struct {
	name     string
	dims     []int64
	dataType int64
	raw      []byte
	hasRaw   bool
	floats   []float32
	int32s   []int64 // int32_data (also int8/uint8/int16/uint16/bool/float16 bits)
	int64s   []int64
	doubles  []float64
	uint64s  []uint64
	external bool
	nStrings int
}

// errTruncated is what a field that runs past its message becomes.
var errTruncated = errors.New("truncated or malformed protobuf")

// fieldFunc handles one field of a message; v is the varint/fixed value or
// the bytes of a length-delimited field.
type fieldFunc func(num protowire.Number, typ protowire.Type, v uint64, b []byte) error

// walk calls f for every field of the message in b.
func walk(b []byte, f fieldFunc) error {
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return errTruncated
		}
		b = b[n:]
		var v uint64
		var bytes []byte
		switch typ {
		case protowire.VarintType:
			v, n = protowire.ConsumeVarint(b)
		case protowire.Fixed32Type:
			var x uint32
			x, n = protowire.ConsumeFixed32(b)
			v = uint64(x)
		case protowire.Fixed64Type:
			v, n = protowire.ConsumeFixed64(b)
		case protowire.BytesType:
			bytes, n = protowire.ConsumeBytes(b)
		default:
			n = protowire.ConsumeFieldValue(num, typ, b)
			if n < 0 {
				return errTruncated
			}
			b = b[n:]
			continue
		}
		if n < 0 {
			return errTruncated
		}
		b = b[n:]
		if err := f(num, typ, v, bytes); err != nil {
			return err
		}
	}
	return nil
}

// decodeModel decodes a ModelProto.
func decodeModel(b []byte) (*model, error) {
	m := &model{opsets: map[string]int64{}}
	err := walk(b, func(num protowire.Number, typ protowire.Type, v uint64, bs []byte) error {
		switch num {
		case 1:
			m.irVersion = int64(v)
		case 2:
			m.producer = string(bs)
		case 7:
			if typ != protowire.BytesType {
				return fmt.Errorf("model.graph: %w", errTruncated)
			}
			g, err := decodeGraph(bs, 0)
			if err != nil {
				return fmt.Errorf("graph: %w", err)
			}
			m.graph = g
		case 8:
			var dom string
			var ver int64
			err := walk(bs, func(num protowire.Number, _ protowire.Type, v uint64, bs []byte) error {
				switch num {
				case 1:
					dom = string(bs)
				case 2:
					ver = int64(v)
				}
				return nil
			})
			if err != nil {
				return fmt.Errorf("opset_import: %w", err)
			}
			if dom == "ai.onnx" {
				dom = ""
			}
			m.opsets[dom] = ver
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if m.graph == nil {
		return nil, errors.New("the model has no graph")
	}
	return m, nil
}

// decodeGraph decodes a GraphProto.
func decodeGraph(b []byte, depth int) (*graph, error) {
	if depth > maxNesting {
		return nil, errors.New("subgraphs nested too deeply")
	}
	g := &graph{}
	count := 0
	err := walk(b, func(num protowire.Number, typ protowire.Type, v uint64, bs []byte) error {
		if num == 1 || num == 5 || num == 11 || num == 12 || num == 13 {
			if typ != protowire.BytesType {
				return errTruncated
			}
			if count++; count > 4*maxNodes {
				return fmt.Errorf("more than %d nodes, initializers and values", 4*maxNodes)
			}
		}
		switch num {
		case 1:
			n, err := decodeNode(bs, depth)
			if err != nil {
				return fmt.Errorf("node %d: %w", len(g.nodes), err)
			}
			g.nodes = append(g.nodes, n)
		case 2:
			g.name = string(bs)
		case 5:
			t, err := decodeTensor(bs)
			if err != nil {
				return fmt.Errorf("initializer %d: %w", len(g.inits), err)
			}
			g.inits = append(g.inits, t)
		case 11, 12, 13:
			vi, err := decodeValueInfo(bs)
			if err != nil {
				return fmt.Errorf("value info: %w", err)
			}
			switch num {
			case 11:
				g.inputs = append(g.inputs, vi)
			case 12:
				g.outputs = append(g.outputs, vi)
			default:
				g.valueInfo = append(g.valueInfo, vi)
			}
		case 15:
			return errors.New("sparse initializers are not supported")
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(g.nodes) > maxNodes || len(g.inits) > maxNodes {
		return nil, fmt.Errorf("%d nodes and %d initializers: more than the %d nnhls reads", len(g.nodes), len(g.inits), maxNodes)
	}
	return g, nil
}

// decodeNode decodes a NodeProto.
func decodeNode(b []byte, depth int) (*node, error) {
	n := &node{}
	return n, walk(b, func(num protowire.Number, typ protowire.Type, v uint64, bs []byte) error {
		switch num {
		case 1:
			n.inputs = append(n.inputs, string(bs))
		case 2:
			n.outputs = append(n.outputs, string(bs))
		case 3:
			n.name = string(bs)
		case 4:
			n.opType = string(bs)
		case 5:
			a, err := decodeAttr(bs, depth)
			if err != nil {
				return fmt.Errorf("attribute %d: %w", len(n.attrs), err)
			}
			n.attrs = append(n.attrs, a)
		case 7:
			n.domain = string(bs)
		}
		if len(n.inputs) > maxNodes || len(n.outputs) > maxNodes || len(n.attrs) > maxNodes {
			return errors.New("absurd number of inputs, outputs or attributes")
		}
		return nil
	})
}

// decodeAttr decodes an AttributeProto.
func decodeAttr(b []byte, depth int) (*attr, error) {
	a := &attr{}
	return a, walk(b, func(num protowire.Number, typ protowire.Type, v uint64, bs []byte) error {
		switch num {
		case 1:
			a.name = string(bs)
		case 2:
			a.f, a.hasF = math.Float32frombits(uint32(v)), true
		case 3:
			a.i, a.hasI = int64(v), true
		case 4:
			a.s = bs
		case 5:
			t, err := decodeTensor(bs)
			if err != nil {
				return err
			}
			a.t = t
		case 6, 11:
			a.graph = true
		case 7:
			return appendFloats(&a.floats, typ, v, bs)
		case 8:
			return appendVarints(&a.ints, typ, v, bs)
		case 9:
			if len(a.strings) >= maxNodes {
				return errors.New("absurd number of strings")
			}
			a.strings = append(a.strings, bs)
		case 20:
			a.typ = int64(v)
		}
		return nil
	})
}

// decodeValueInfo decodes a ValueInfoProto holding a tensor type.
func decodeValueInfo(b []byte) (*valueInfo, error) {
	vi := &valueInfo{}
	err := walk(b, func(num protowire.Number, typ protowire.Type, v uint64, bs []byte) error {
		switch num {
		case 1:
			vi.name = string(bs)
		case 2: // TypeProto
			return walk(bs, func(num protowire.Number, _ protowire.Type, _ uint64, bs []byte) error {
				if num != 1 { // tensor_type
					return nil
				}
				return walk(bs, func(num protowire.Number, _ protowire.Type, v uint64, bs []byte) error {
					switch num {
					case 1:
						vi.elemType = int64(v)
					case 2: // TensorShapeProto
						vi.hasShape = true
						return walk(bs, func(num protowire.Number, _ protowire.Type, _ uint64, bs []byte) error {
							if num != 1 {
								return nil
							}
							if len(vi.dims) >= maxRank {
								return fmt.Errorf("value %q: rank above %d", vi.name, maxRank)
							}
							d := int64(-1)
							err := walk(bs, func(num protowire.Number, _ protowire.Type, v uint64, _ []byte) error {
								if num == 1 {
									d = int64(v)
								}
								return nil
							})
							vi.dims = append(vi.dims, d)
							return err
						})
					}
					return nil
				})
			})
		}
		return nil
	})
	return vi, err
}

// decodeTensor decodes a TensorProto; values stay encoded until values().
func decodeTensor(b []byte) (*tensor, error) {
	t := &tensor{}
	err := walk(b, func(num protowire.Number, typ protowire.Type, v uint64, bs []byte) error {
		switch num {
		case 1:
			if err := appendVarints(&t.dims, typ, v, bs); err != nil {
				return err
			}
			if len(t.dims) > maxRank {
				return fmt.Errorf("rank above %d", maxRank)
			}
		case 2:
			t.dataType = int64(v)
		case 4:
			return appendFloats(&t.floats, typ, v, bs)
		case 5:
			return appendVarints(&t.int32s, typ, v, bs)
		case 6:
			t.nStrings++
		case 7:
			return appendVarints(&t.int64s, typ, v, bs)
		case 8:
			t.name = string(bs)
		case 9:
			t.raw, t.hasRaw = bs, true
		case 10:
			return appendDoubles(&t.doubles, typ, v, bs)
		case 11:
			var u []int64
			if err := appendVarints(&u, typ, v, bs); err != nil {
				return err
			}
			for _, x := range u {
				t.uint64s = append(t.uint64s, uint64(x))
			}
		case 13:
			t.external = true
		case 14:
			t.external = t.external || v == 1
		}
		return nil
	})
	return t, err
}

// appendVarints appends a repeated varint field, packed or not.
func appendVarints(dst *[]int64, typ protowire.Type, v uint64, b []byte) error {
	if typ == protowire.VarintType {
		if len(*dst) >= maxElements {
			return errors.New("absurd element count")
		}
		*dst = append(*dst, int64(v))
		return nil
	}
	if typ != protowire.BytesType {
		return errTruncated
	}
	// A packed varint takes at least one byte: len(b) bounds the count.
	if len(*dst)+len(b) > maxElements {
		return errors.New("absurd element count")
	}
	for len(b) > 0 {
		x, n := protowire.ConsumeVarint(b)
		if n < 0 {
			return errTruncated
		}
		*dst = append(*dst, int64(x))
		b = b[n:]
	}
	return nil
}

// appendFloats appends a repeated float field, packed or not.
func appendFloats(dst *[]float32, typ protowire.Type, v uint64, b []byte) error {
	if typ == protowire.Fixed32Type {
		*dst = append(*dst, math.Float32frombits(uint32(v)))
		return nil
	}
	if typ != protowire.BytesType || len(b)%4 != 0 {
		return errTruncated
	}
	if len(*dst)+len(b)/4 > maxElements {
		return errors.New("absurd element count")
	}
	for i := 0; i < len(b); i += 4 {
		*dst = append(*dst, math.Float32frombits(uint32(b[i])|uint32(b[i+1])<<8|uint32(b[i+2])<<16|uint32(b[i+3])<<24))
	}
	return nil
}

// appendDoubles appends a repeated double field, packed or not.
func appendDoubles(dst *[]float64, typ protowire.Type, v uint64, b []byte) error {
	if typ == protowire.Fixed64Type {
		*dst = append(*dst, math.Float64frombits(v))
		return nil
	}
	if typ != protowire.BytesType || len(b)%8 != 0 {
		return errTruncated
	}
	if len(*dst)+len(b)/8 > maxElements {
		return errors.New("absurd element count")
	}
	for i := 0; i < len(b); i += 8 {
		x, _ := protowire.ConsumeFixed64(b[i:])
		*dst = append(*dst, math.Float64frombits(x))
	}
	return nil
}
