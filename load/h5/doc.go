// Package h5 is nnhls's small read-only window onto HDF5 files: open a file,
// list a group's members, read attributes (including both string layouts
// h5py writes) and read numeric datasets as float64 with their shape.
//
// It wraps github.com/scigolib/hdf5 and guards it: sizes a dataset or an
// attribute claims are checked against the file size and a fixed cap before
// the library is asked to read them, and any panic inside the library becomes
// an error naming the file and the object, so that a malformed file is an
// error and never a crash.
package h5
