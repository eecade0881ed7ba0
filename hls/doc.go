// Package hls writes the HLS C++ project of a typed graph (Generate,
// Write): the top function, types, layer configurations, weights as raw
// integers, nnhls's own layer library, a testbench with the emulator's
// predictions, a Makefile for g++ and Tcl scripts for Vivado and Vitis HLS.
// It also builds such a project with g++ and runs it on samples (Build,
// Predict), which is how the C++ is held to the emulator bit for bit.
package hls
