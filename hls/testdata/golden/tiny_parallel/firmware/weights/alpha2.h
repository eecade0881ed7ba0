// This file implements the activation parameters of layer 2 ("fc_relu", Activation): 1 raw values.

#ifndef NNHLS_ALPHA2_H
#define NNHLS_ALPHA2_H

static const unsigned char alpha2[1] = {
    0
};

#endif  // NNHLS_ALPHA2_H
