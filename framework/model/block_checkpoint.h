// Activation checkpointing for one BLOOM block, hand-written (LibTorch's C++ API has none):
// forward runs the block without keeping its activations; backward runs it again with autograd,
// with the RNG state of the first run restored so dropout masks match, and back-propagates
// through the recomputation. Memory then holds one block's activations at a time, for one extra
// forward per block.
#pragma once

#include "model/bloom_block.h"

namespace lacos {

// `hidden` must require grad (BloomModel makes the first block's input require it), otherwise
// autograd would never call backward and trainable weights inside the block would get no gradient.
torch::Tensor checkpointed_block_forward(BloomBlockImpl& block, const torch::Tensor& hidden, const torch::Tensor& bias);

}  // namespace lacos
