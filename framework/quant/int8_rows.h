// Absmax int8 quantization of weight rows, and its inverse.
//
// Each row (or each block of `block_size` consecutive inputs of a row) keeps its absolute
// maximum m as float32 and codes c = round(127 w / m) in [-127, 127]; w is recovered as c m / 127.
// block_size 0 means one block per row (bitsandbytes' row-wise LLM.int8 layout, where m is SCB).
#pragma once

#include <torch/torch.h>

#include <cstdint>

namespace lacos {

struct Int8Rows {
  torch::Tensor codes;   // int8 [rows, cols]
  torch::Tensor absmax;  // float32 [rows, blocks per row]
};

std::int64_t int8_blocks_per_row(std::int64_t cols, std::int64_t block_size);

// `rows`: any floating dtype and device; computed in float32.
Int8Rows quantize_int8_rows(const torch::Tensor& rows, std::int64_t block_size);

// The weight in `dtype`, computed in `dtype`: codes (exact there) times absmax / 127 rounded to
// `dtype`, so at most two roundings in bfloat16 (float32: as exact as before).
torch::Tensor dequantize_int8_rows(const torch::Tensor& codes, const torch::Tensor& absmax, std::int64_t block_size,
                                   torch::ScalarType dtype);

}  // namespace lacos
