// This file implements the entry point of nnhls's layer library: it
// includes every layer family. The library is nnhls's own code; each
// kernel mirrors the arithmetic of the Go emulator's kernel of the same
// op (package ops), which is its definition.

#ifndef NNHLS_H
#define NNHLS_H

#include "nnhls_activation.h"
#include "nnhls_batchnorm.h"
#include "nnhls_common.h"
#include "nnhls_conv.h"
#include "nnhls_dense.h"
#include "nnhls_merge.h"
#include "nnhls_pool.h"
#include "nnhls_quant.h"
#include "nnhls_softmax.h"

#endif  // NNHLS_H
