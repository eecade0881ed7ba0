// Package npy reads and writes the array files nnhls exchanges with its users:
// NumPy's .npy (one array) and .npz (a zip archive of named .npy members), and
// the whitespace-separated text files of hls4ml's testbench
// (tb_input_features.dat, tb_output_predictions.dat).
//
// Every array is held as an [Array]: a row-major (C order) shape and its
// values widened to float64. Widening is exact: float16, float32, bool and
// integers up to 32 bits always fit, and a 64-bit integer whose magnitude is
// too large for a float64 mantissa is an error rather than a silently rounded
// value. Arrays nnhls writes are always float64 ("<f8"), so a prediction that
// went to disk reads back bit for bit.
//
// Readers treat their input as untrusted. A header is parsed by a small
// Python-literal parser that accepts only what numpy.save writes, a shape is
// checked for negative dimensions and overflow, and the bytes a shape claims
// are compared with the bytes actually available before anything the size of
// the payload is allocated. Fortran-order arrays are reordered into C order.
// Errors from every function that takes a path begin with that path; errors
// from [ReadNPZ] also name the archive member, and errors from [ReadText] the
// line.
//
// Writers are atomic: a file is written under a temporary name in the target
// directory and renamed into place, so an interrupted or failed write never
// leaves a half-written file behind. [WriteNPZ] output is byte-for-byte
// deterministic (fixed timestamps, members in the order given).
package npy
