#include "optim/dynamic_map.h"

#include <cmath>
#include <vector>

namespace lacos {

torch::Tensor dynamic_map(bool is_signed) {
  // As bitsandbytes.functional.create_dynamic_map: float32 linspace means scaled per decade.
  constexpr int kMaxExponentBits = 7;
  constexpr int kNonSignBits = 7;  // total_bits - 1, for the unsigned map too
  std::vector<float> data;
  for (int i = 0; i < kMaxExponentBits; ++i) {
    const std::int64_t fraction_items = is_signed ? (std::int64_t{1} << (i + kNonSignBits - kMaxExponentBits)) + 1
                                                  : (std::int64_t{1} << (i + kNonSignBits - kMaxExponentBits + 1)) + 1;
    const torch::Tensor boundaries = torch::linspace(0.1, 1.0, fraction_items, torch::kFloat32);
    const torch::Tensor means =
        (boundaries.narrow(0, 0, fraction_items - 1) + boundaries.narrow(0, 1, fraction_items - 1)) / 2.0;
    const float scale = static_cast<float>(std::pow(10.0, -(kMaxExponentBits - 1) + i));
    const torch::Tensor scaled = (means * scale).contiguous();
    const float* values = scaled.data_ptr<float>();
    for (std::int64_t k = 0; k < scaled.numel(); ++k) data.push_back(values[k]);
    if (is_signed) {
      for (std::int64_t k = 0; k < scaled.numel(); ++k) data.push_back(-values[k]);
    }
  }
  // additional_items = 2^(non_sign_bits - max_exponent_bits) - 1 = 0 for these settings.
  data.push_back(0.0f);
  data.push_back(1.0f);
  std::sort(data.begin(), data.end());
  return torch::tensor(data, torch::kFloat32);
}

torch::Tensor map_midpoints(const torch::Tensor& map) { return (map.narrow(0, 0, 255) + map.narrow(0, 1, 255)) / 2; }

BlockwiseCodes quantize_blocks(const torch::Tensor& blocks, const torch::Tensor& midpoints) {
  const torch::Tensor absmax = blocks.abs().amax(1);
  const torch::Tensor safe = torch::where(absmax > 0, absmax, torch::ones_like(absmax));
  // Nearest map entry: the insertion point among the midpoints between neighbouring entries.
  const torch::Tensor codes =
      torch::searchsorted(midpoints, (blocks / safe.unsqueeze(1)).reshape({-1})).to(torch::kUInt8);
  return {codes, absmax};
}

torch::Tensor dequantize_blocks(const torch::Tensor& codes, const torch::Tensor& absmax, const torch::Tensor& map) {
  // Scaled per block through a view (repeat_interleave would size its output on the host).
  return map.index_select(0, codes.reshape({-1}).to(torch::kInt64)).view({absmax.size(0), -1}) * absmax.unsqueeze(1);
}

BlockwiseCodes quantize_blockwise(const torch::Tensor& values, const torch::Tensor& map, std::int64_t block_size) {
  torch::NoGradGuard no_grad;
  const torch::Tensor flat = values.reshape({-1}).to(torch::kFloat32);
  const std::int64_t numel = flat.numel();
  const std::int64_t blocks = (numel + block_size - 1) / block_size;
  const torch::Tensor padded =
      torch::constant_pad_nd(flat, {0, blocks * block_size - numel}).view({blocks, block_size});
  BlockwiseCodes out = quantize_blocks(padded, map_midpoints(map.to(flat.device())));
  out.codes = out.codes.narrow(0, 0, numel).contiguous();
  return out;
}

torch::Tensor dequantize_blockwise(const torch::Tensor& codes, const torch::Tensor& absmax, const torch::Tensor& map,
                                   std::int64_t block_size) {
  const std::int64_t numel = codes.numel();
  const torch::Tensor padded = torch::constant_pad_nd(codes.reshape({-1}), {0, absmax.numel() * block_size - numel});
  return dequantize_blocks(padded, absmax, map.to(codes.device())).view({-1}).narrow(0, 0, numel);
}

}  // namespace lacos
