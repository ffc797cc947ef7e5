#include "quant/int8_rows.h"

#include "quant/int8_rows_cpu.h"

namespace lacos {

std::int64_t int8_blocks_per_row(std::int64_t cols, std::int64_t block_size) {
  return block_size == 0 ? 1 : (cols + block_size - 1) / block_size;
}

namespace {

// [rows, cols] -> [rows, blocks, block] (zero-padded on the right when cols % block != 0).
torch::Tensor as_blocks(const torch::Tensor& rows, std::int64_t block_size) {
  const std::int64_t cols = rows.size(1);
  const std::int64_t block = block_size == 0 ? cols : block_size;
  const std::int64_t blocks = int8_blocks_per_row(cols, block_size);
  torch::Tensor padded = rows;
  if (blocks * block != cols) padded = torch::constant_pad_nd(rows, {0, blocks * block - cols});
  return padded.view({rows.size(0), blocks, block});
}

}  // namespace

Int8Rows quantize_int8_rows(const torch::Tensor& rows, std::int64_t block_size) {
  torch::NoGradGuard no_grad;
  const std::int64_t cols = rows.size(1);
  // One float32 temporary of the slice's size (beyond the float32 copy of a bfloat16 or float16
  // slice): checkpoints are quantized slice by slice as they stream in, and these temporaries are
  // what a load holds above the quantized model (tests/streaming_load_test.cpp).
  const torch::Tensor blocks = as_blocks(rows.to(torch::kFloat32), block_size);
  torch::Tensor absmax = torch::maximum(blocks.amax(-1), blocks.amin(-1).neg_());  // [rows, blocks], no |x| copy
  const torch::Tensor safe = torch::where(absmax > 0, absmax, torch::ones_like(absmax));
  torch::Tensor scaled = blocks * (127.0 / safe.unsqueeze(-1));
  const torch::Tensor codes = scaled.round_().clamp_(-127, 127).to(torch::kInt8);
  scaled = torch::Tensor();
  torch::Tensor matrix = codes.view({rows.size(0), -1});
  if (matrix.size(1) != cols) matrix = matrix.narrow(1, 0, cols).contiguous();
  return {matrix, absmax};
}

torch::Tensor dequantize_int8_rows(const torch::Tensor& codes, const torch::Tensor& absmax, std::int64_t block_size,
                                   torch::ScalarType dtype) {
  const std::int64_t cols = codes.size(1);
  // This runs for every int8 layer in every forward and backward. On the CPU in float32 one
  // vectorized pass (quant/int8_rows_cpu.h): LibTorch's int8-times-float multiply converts the
  // codes into a float32 copy first, and dequantizing took 28% of a bloom-560m training step.
  if (codes.device().is_cpu() && dtype == torch::kFloat32) return dequantize_int8_rows_cpu(codes, absmax, block_size);
  const torch::Tensor scale = (absmax * (1.0 / 127.0)).to(dtype).unsqueeze(-1);  // [rows, blocks, 1]
  // Straight into the compute dtype, scaled in place: int8 codes are exact in bfloat16, float16
  // and float32, so no float32 temporary of the weight's size is needed.
  torch::Tensor values = as_blocks(codes, block_size).to(dtype);
  values.mul_(scale);
  torch::Tensor weight = values.view({codes.size(0), -1});
  if (weight.size(1) != cols) weight = weight.narrow(1, 0, cols).contiguous();
  return weight;
}

}  // namespace lacos
