#include "quant/int8_rows_cpu.h"

#include <ATen/Parallel.h>

#include <algorithm>
#include <cstdint>

namespace lacos {

namespace {

// One row range. The inner loop over a block is a plain convert-and-multiply that the compiler
// vectorizes; target_clones builds it for AVX-512, AVX2 and the baseline and picks one at load time
// (the library itself is compiled for the baseline x86-64).
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define LACOS_VECTOR_CLONES __attribute__((target_clones("avx512f", "avx2", "default"), optimize("tree-vectorize")))
#else
#define LACOS_VECTOR_CLONES  // other targets and compilers: the baseline build's own vectorization
#endif

LACOS_VECTOR_CLONES void dequantize_rows(const std::int8_t* codes, const float* absmax, float* out, std::int64_t first,
                                         std::int64_t last, std::int64_t cols, std::int64_t block,
                                         std::int64_t blocks_per_row) {
  const float inverse = static_cast<float>(1.0 / 127.0);
  for (std::int64_t r = first; r < last; ++r) {
    const std::int8_t* row = codes + r * cols;
    float* target = out + r * cols;
    for (std::int64_t b = 0; b < blocks_per_row; ++b) {
      const float scale = absmax[r * blocks_per_row + b] * inverse;
      const std::int64_t begin = b * block;
      const std::int64_t end = std::min(cols, begin + block);
      for (std::int64_t c = begin; c < end; ++c) target[c] = static_cast<float>(row[c]) * scale;
    }
  }
}

}  // namespace

torch::Tensor dequantize_int8_rows_cpu(const torch::Tensor& codes, const torch::Tensor& absmax,
                                       std::int64_t block_size) {
  const std::int64_t rows = codes.size(0);
  const std::int64_t cols = codes.size(1);
  const std::int64_t block = block_size == 0 ? cols : block_size;
  const std::int64_t blocks_per_row = absmax.size(1);
  const torch::Tensor codes_c = codes.contiguous();
  const torch::Tensor absmax_c = absmax.contiguous();
  torch::Tensor out = torch::empty({rows, cols}, codes.options().dtype(torch::kFloat32));
  const auto* code_data = codes_c.data_ptr<std::int8_t>();
  const auto* absmax_data = absmax_c.data_ptr<float>();
  auto* out_data = out.data_ptr<float>();
  // About 64 KiB of codes per task.
  const std::int64_t grain = std::max<std::int64_t>(1, (std::int64_t{1} << 16) / std::max<std::int64_t>(cols, 1));
  at::parallel_for(0, rows, grain, [&](std::int64_t first, std::int64_t last) {
    dequantize_rows(code_data, absmax_data, out_data, first, last, cols, block, blocks_per_row);
  });
  return out;
}

}  // namespace lacos
