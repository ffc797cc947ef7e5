// The word-embedding table as int8, row-wise absmax: a lookup gathers the int8 rows and their
// scales first and dequantizes only those, never the whole table (a seventh of bloom-7b1).
#pragma once

#include "layers/stored_weight.h"
#include "layers/token_embedding.h"

namespace lacos {

class Int8EmbeddingImpl : public TokenEmbeddingImpl, public StoredWeight {
 public:
  // Rows dequantize into options' dtype; codes live on options' device.
  Int8EmbeddingImpl(std::int64_t count, std::int64_t dim, const torch::TensorOptions& options);

  torch::Tensor forward(const torch::Tensor& ids) override;

  std::vector<std::int64_t> weight_shape() const override { return codes_.sizes().vec(); }
  void set_weight_rows(std::int64_t first_row, const torch::Tensor& rows) override;
  torch::Tensor dequantized_weight(torch::ScalarType dtype) const override;
  std::int64_t stored_bytes() const override;

 private:
  torch::Tensor codes_;   // buffer "weight_codes", int8 [count, dim]
  torch::Tensor absmax_;  // buffer "weight_absmax", float32 [count, 1]
  torch::ScalarType dtype_;
};

}  // namespace lacos
