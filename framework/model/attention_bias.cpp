#include "model/attention_bias.h"

#include "model/alibi.h"

namespace lacos {

torch::Tensor attention_bias(const torch::Tensor& attention_mask, const torch::Tensor& slopes,
                             torch::ScalarType dtype) {
  const std::int64_t seq = attention_mask.size(1);
  const auto options = torch::TensorOptions().device(attention_mask.device());
  const torch::Tensor causal = torch::ones({seq, seq}, options.dtype(torch::kBool)).tril();     // [L, L]
  const torch::Tensor key_is_real = attention_mask.to(torch::kBool).unsqueeze(1).unsqueeze(1);  // [B, 1, 1, L]
  const torch::Tensor allowed = causal.unsqueeze(0).unsqueeze(0) & key_is_real;                 // [B, 1, L, L]
  // The dtype's lowest value, as HF uses, except in float16 where lowest + a negative score
  // overflows to -inf and a fully masked row would turn into NaN; -1e4 still zeroes exp().
  const double lowest = dtype == torch::kBFloat16 ? -3.3895313892515355e38
      : dtype == torch::kFloat16                  ? -1e4
                                                  : static_cast<double>(std::numeric_limits<float>::lowest());
  const torch::Tensor mask = torch::zeros(allowed.sizes(), options.dtype(dtype)).masked_fill(~allowed, lowest);
  return alibi_bias(attention_mask, slopes).to(dtype) + mask;  // broadcast to [B, H, L, L]
}

}  // namespace lacos
