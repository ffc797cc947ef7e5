#include "model/alibi.h"

#include <cmath>

namespace lacos {

torch::Tensor alibi_slopes(std::int64_t n_head) {
  // Computed as HF does (float32 base raised to integer powers) so slopes match bit for bit.
  const std::int64_t closest_power_of_2 = std::int64_t{1} << static_cast<int>(std::floor(std::log2(n_head)));
  const auto power_base = [](std::int64_t n) {
    return torch::tensor(std::pow(2.0, -std::pow(2.0, -(std::log2(static_cast<double>(n)) - 3))), torch::kFloat32);
  };
  torch::Tensor powers = torch::arange(1, 1 + closest_power_of_2, torch::kInt32);
  torch::Tensor slopes = torch::pow(power_base(closest_power_of_2), powers);
  if (closest_power_of_2 != n_head) {
    const std::int64_t remaining = std::min(closest_power_of_2, n_head - closest_power_of_2);
    torch::Tensor extra_powers = torch::arange(1, 1 + 2 * remaining, 2, torch::kInt32);
    slopes = torch::cat({slopes, torch::pow(power_base(2 * closest_power_of_2), extra_powers)});
  }
  return slopes;
}

torch::Tensor alibi_bias(const torch::Tensor& attention_mask, const torch::Tensor& slopes) {
  const torch::Tensor mask = attention_mask.to(torch::kInt64);
  const torch::Tensor positions = ((mask.cumsum(-1) - 1) * mask).to(torch::kFloat32);  // [B, L]
  const torch::Tensor s = slopes.to(attention_mask.device());
  return s.view({1, -1, 1, 1}) * positions.unsqueeze(1).unsqueeze(1);  // [B, H, 1, L]
}

}  // namespace lacos
