// This file implements the biases of layer 1 ("fc", Dense): 3 raw values.

#ifndef NNHLS_B1_H
#define NNHLS_B1_H

static const short b1[3] = {
    256, -512, 0
};

#endif  // NNHLS_B1_H
