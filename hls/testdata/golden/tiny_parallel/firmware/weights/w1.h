// This file implements the weights of layer 1 ("fc", Dense): 12 raw values.

#ifndef NNHLS_W1_H
#define NNHLS_W1_H

static const short w1[12] = {
    512, -256, 1024, 128, 2048, -1536, -768, 64, 256, 1536, -2048, 512
};

#endif  // NNHLS_W1_H
