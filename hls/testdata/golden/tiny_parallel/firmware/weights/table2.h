// This file implements the activation table of layer 2 ("fc_relu", Activation): 1 raw values.

#ifndef NNHLS_TABLE2_H
#define NNHLS_TABLE2_H

static const unsigned char table2[1] = {
    0
};

#endif  // NNHLS_TABLE2_H
