// A frozen Linear stored as int8 codes + float32 absmax (int8_rows.h), computing in the
// activations' dtype. The matmul is a custom autograd function that saves only the codes and
// scales (buffers the layer holds anyway) and dequantizes again in backward: saving the
// dequantized weight, as `x.matmul(dequant(W).t())` would, keeps a full-precision copy of every
// layer alive until backward and defeats the point of 8 bits. The weight is frozen, so no
// weight gradient is needed and the input is not saved either.
#pragma once

#include "layers/projection.h"
#include "layers/stored_weight.h"

namespace lacos {

class Int8LinearImpl : public ProjectionImpl, public StoredWeight {
 public:
  // Codes and scales live on options.device(); the bias uses options' dtype. block_size: 0 = row-wise.
  Int8LinearImpl(std::int64_t in_features, std::int64_t out_features, bool bias, std::int64_t block_size,
                 const torch::TensorOptions& options);

  torch::Tensor forward(const torch::Tensor& input) override;
  std::int64_t in_features() const override { return codes_.size(1); }
  std::int64_t out_features() const override { return codes_.size(0); }

  std::vector<std::int64_t> weight_shape() const override { return codes_.sizes().vec(); }
  void set_weight_rows(std::int64_t first_row, const torch::Tensor& rows) override;
  torch::Tensor dequantized_weight(torch::ScalarType dtype) const override;
  std::int64_t stored_bytes() const override;

  std::int64_t block_size() const { return block_size_; }
  const torch::Tensor& codes() const { return codes_; }
  const torch::Tensor& absmax() const { return absmax_; }
  // Replaces codes and scales at once (merging adapters requantizes through this).
  void set_codes(torch::Tensor codes, torch::Tensor absmax);

  torch::Tensor bias;  // frozen; undefined without bias

 private:
  torch::Tensor codes_;   // buffer "weight_codes", int8 [out, in]
  torch::Tensor absmax_;  // buffer "weight_absmax", float32 [out, blocks]
  std::int64_t block_size_;
};

// y = x W^T with W dequantized from int8 on the fly, in forward and again in backward.
torch::Tensor int8_matmul(const torch::Tensor& input, const torch::Tensor& codes, const torch::Tensor& absmax,
                          std::int64_t block_size);

}  // namespace lacos
