// This file implements a tiny ONNX writer for tests: models built in Go,
// encoded with protowire using the ONNX field numbers.

package onnx

import (
	"encoding/binary"
	"math"

	"google.golang.org/protobuf/encoding/protowire"
)

// msg appends a length-delimited field.
func msg(b []byte, num protowire.Number, body []byte) []byte {
	b = protowire.AppendTag(b, num, protowire.BytesType)
	return protowire.AppendBytes(b, body)
}

// str appends a string field.
func str(b []byte, num protowire.Number, s string) []byte { return msg(b, num, []byte(s)) }

// varint appends a varint field.
func varint(b []byte, num protowire.Number, v int64) []byte {
	b = protowire.AppendTag(b, num, protowire.VarintType)
	return protowire.AppendVarint(b, uint64(v))
}

// tFloat is a float32 TensorProto with raw_data.
func tFloat(name string, dims []int64, vals ...float64) []byte {
	var t []byte
	for _, d := range dims {
		t = varint(t, 1, d)
	}
	t = varint(t, 2, dtFloat)
	t = str(t, 8, name)
	raw := make([]byte, 4*len(vals))
	for i, v := range vals {
		binary.LittleEndian.PutUint32(raw[4*i:], math.Float32bits(float32(v)))
	}
	return msg(t, 9, raw)
}

// tInt is an integer TensorProto of the given type, in int32_data (or
// int64_data for int64).
func tInt(name string, dt int64, dims []int64, vals ...int64) []byte {
	var t []byte
	for _, d := range dims {
		t = varint(t, 1, d)
	}
	t = varint(t, 2, dt)
	t = str(t, 8, name)
	var packed []byte
	for _, v := range vals {
		packed = protowire.AppendVarint(packed, uint64(v))
	}
	field := protowire.Number(5)
	if dt == dtInt64 {
		field = 7
	}
	return msg(t, field, packed)
}

// An attribute builder.
type at []byte

func aInt(name string, v int64) at {
	a := str(nil, 1, name)
	a = varint(a, 3, v)
	return varint(a, 20, attrInt)
}

func aFloat(name string, v float32) at {
	a := str(nil, 1, name)
	a = protowire.AppendTag(a, 2, protowire.Fixed32Type)
	a = protowire.AppendFixed32(a, math.Float32bits(v))
	return varint(a, 20, attrFloat)
}

func aStr(name, v string) at {
	a := str(nil, 1, name)
	a = str(a, 4, v)
	return varint(a, 20, attrString)
}

func aInts(name string, v ...int64) at {
	a := str(nil, 1, name)
	for _, x := range v {
		a = varint(a, 8, x)
	}
	return varint(a, 20, attrInts)
}

// nd is a NodeProto.
func nd(op, domain, name string, ins, outs []string, attrs ...at) []byte {
	var n []byte
	for _, i := range ins {
		n = str(n, 1, i)
	}
	for _, o := range outs {
		n = str(n, 2, o)
	}
	n = str(n, 3, name)
	n = str(n, 4, op)
	for _, a := range attrs {
		n = msg(n, 5, a)
	}
	if domain != "" {
		n = str(n, 7, domain)
	}
	return n
}

// vi is a float ValueInfoProto; a dim of -1 is symbolic ("N").
func vi(name string, dims ...int64) []byte {
	var shape []byte
	for _, d := range dims {
		var dim []byte
		if d < 0 {
			dim = str(dim, 2, "N")
		} else {
			dim = varint(dim, 1, d)
		}
		shape = msg(shape, 1, dim)
	}
	tt := varint(nil, 1, dtFloat)
	tt = msg(tt, 2, shape)
	typ := msg(nil, 1, tt)
	v := str(nil, 1, name)
	return msg(v, 2, typ)
}

// A testGraph collects the parts of a model.
type testGraph struct {
	nodes, inits, inputs, outputs [][]byte
	opset                         int64
}

// bytes encodes the model, importing ai.onnx at g.opset (13 by default)
// and qonnx.custom_op.general at 1.
func (g *testGraph) bytes() []byte {
	var gb []byte
	for _, n := range g.nodes {
		gb = msg(gb, 1, n)
	}
	gb = str(gb, 2, "test")
	for _, t := range g.inits {
		gb = msg(gb, 5, t)
	}
	for _, v := range g.inputs {
		gb = msg(gb, 11, v)
	}
	for _, v := range g.outputs {
		gb = msg(gb, 12, v)
	}
	op := g.opset
	if op == 0 {
		op = 13
	}
	m := varint(nil, 1, 8)
	m = msg(m, 8, varint(str(nil, 1, ""), 2, op))
	m = msg(m, 8, varint(str(nil, 1, "qonnx.custom_op.general"), 2, 1))
	return msg(m, 7, gb)
}
