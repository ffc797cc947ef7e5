// The CPU kernel behind dequantize_int8_rows for float32 (the path every int8 layer takes in every
// forward and backward on a CPU): one pass from int8 codes to float32, vectorized for the CPU it
// runs on (GCC's target_clones: AVX-512, AVX2 or baseline, chosen at load time).
#pragma once

#include <torch/torch.h>

namespace lacos {

// codes int8 [rows, cols] and absmax float32 [rows, blocks] (contiguous, CPU) -> float32 [rows, cols],
// equal to codes.to(float32) * (absmax * (1/127)) broadcast over each block.
torch::Tensor dequantize_int8_rows_cpu(const torch::Tensor& codes, const torch::Tensor& absmax,
                                       std::int64_t block_size);

}  // namespace lacos
