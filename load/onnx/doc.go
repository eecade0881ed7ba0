// Package onnx reads ONNX and QONNX model files (.onnx) into an ir.Graph.
//
// The protobuf is decoded with protowire against the field numbers of the
// ONNX format (no generated code); opsets 6 to 21 of the default domain
// are read, plus the QONNX custom ops Quant (IntQuant), BipolarQuant and
// Trunc in the domains qonnx.custom_op.general, finn.custom_op.general and
// onnx.brevitas, QONNX's channels-last Conv and MaxPool
// (qonnx.custom_op.channels_last), and the QCDQ form of standard ONNX
// (QuantizeLinear, an optional Clip on the codes, DequantizeLinear).
//
// # Layout
//
// ONNX tensors from PyTorch are channels-first (NCHW, NCL); ir is
// channels-last without the batch axis. The loader keeps, for every ONNX
// tensor, its ONNX shape and the permutation in which its ir node stores
// it, and adds a transpose node only where a consumer needs another
// layout:
//
//   - A graph input keeps the ONNX shape without the batch axis (an
//     NCHW model's input node is [C, H, W]), so predict reads the same
//     arrays the ONNX model does. The first Conv or pool adds an
//     OpTranspose to [H, W, C] after it.
//   - Conv, pools, BatchNormalization, Pad and Resize work channels-last;
//     Conv kernels are reordered from [out, in, k...] to ir's
//     [k..., in, out] (depthwise: [k..., in, multiplier]). Elementwise ops
//     and quantizers keep their input's layout, with per-channel
//     parameters permuted to it.
//   - An ONNX Transpose adds no node: it changes the bookkeeping only. So a
//     tf2onnx model's NHWC→NCHW transposes around Conv cost nothing.
//   - Flatten and Reshape keep ONNX's row-major order: a channels-last
//     tensor is first transposed back to channels-first (an OpTranspose
//     node before the OpReshape), which reproduces PyTorch's flatten
//     order; the next Dense's weights are not permuted.
//   - Graph outputs are returned in the ONNX layout.
//
// # Quantizers
//
// A Quant, BipolarQuant, Trunc or QCDQ group on a runtime tensor becomes
// one OpQuant node whose quant.Spec carries every parameter (bit width,
// signed, narrow, rounding mode, per-channel scales and zero points in the
// node's ir layout). On a constant (a weight or bias) it is evaluated at
// load time by the same quant.Spec.Apply: the weights hold exactly the
// quantizer's output values (integer code minus zero point, times the
// scale, exact in float64), and the consuming Dense or Conv records the
// spec as its "kernel" or "bias" quantizer, so later passes know the grid.
//
// # Errors
//
// Every unsupported op, attribute or input form is an error naming the
// node's index, name and op type; all are collected in an ir.ErrorList.
// Sizes are checked before anything is allocated, so hostile files
// (absurd dimensions, counts or truncated messages) fail cleanly.
package onnx
