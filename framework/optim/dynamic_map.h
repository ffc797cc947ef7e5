// bitsandbytes' dynamic quantization maps (Dettmers, "8-Bit Approximations for Parallelism in
// Deep Learning"), the codebooks of its 8-bit optimizers: 256 sorted float32 values in [-1, 1]
// (signed, for Adam's first moment) or [0, 1] (unsigned, for the second). Each decade
// 10^-6 ... 10^0 gets a linear grid whose resolution grows toward 1, so small and large moments
// both keep relative precision.
#pragma once

#include <torch/torch.h>

namespace lacos {

// create_dynamic_map(signed, max_exponent_bits=7, total_bits=8), value for value.
torch::Tensor dynamic_map(bool is_signed);

// Blockwise quantization with a sorted 256-entry map: each block of `block_size` consecutive
// elements is divided by its absmax and every value is replaced by the index of the nearest map
// entry. `values` is flattened; the last block may be partial.
struct BlockwiseCodes {
  torch::Tensor codes;   // uint8 [numel]
  torch::Tensor absmax;  // float32 [blocks]
};
BlockwiseCodes quantize_blockwise(const torch::Tensor& values, const torch::Tensor& map, std::int64_t block_size);

// The midpoints between neighbouring map entries (255): a value's code is its insertion point.
torch::Tensor map_midpoints(const torch::Tensor& map);
// The same on whole blocks, with the map's midpoints precomputed (8-bit Adam keeps both on the
// device): `blocks` float32 [n, block] -> codes uint8 [n * block], absmax float32 [n].
BlockwiseCodes quantize_blocks(const torch::Tensor& blocks, const torch::Tensor& midpoints);
// Whole blocks back: codes [n * block] with absmax [n] -> float32 [n, block].
torch::Tensor dequantize_blocks(const torch::Tensor& codes, const torch::Tensor& absmax, const torch::Tensor& map);
// float32 [numel]
torch::Tensor dequantize_blockwise(const torch::Tensor& codes, const torch::Tensor& absmax, const torch::Tensor& map,
                                   std::int64_t block_size);

}  // namespace lacos
