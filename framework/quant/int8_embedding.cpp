#include "quant/int8_embedding.h"

#include "quant/int8_rows.h"

namespace lacos {

Int8EmbeddingImpl::Int8EmbeddingImpl(std::int64_t count, std::int64_t dim, const torch::TensorOptions& options)
    : dtype_(options.dtype().toScalarType()) {
  const auto device = torch::TensorOptions().device(options.device());
  codes_ = register_buffer("weight_codes", torch::zeros({count, dim}, device.dtype(torch::kInt8)));
  absmax_ = register_buffer("weight_absmax", torch::zeros({count, 1}, device.dtype(torch::kFloat32)));
}

torch::Tensor Int8EmbeddingImpl::forward(const torch::Tensor& ids) {
  const torch::Tensor flat = ids.reshape({-1});
  const torch::Tensor rows = dequantize_int8_rows(codes_.index_select(0, flat), absmax_.index_select(0, flat),
                                                  /*block_size=*/0, dtype_);
  std::vector<std::int64_t> shape = ids.sizes().vec();
  shape.push_back(codes_.size(1));
  return rows.view(shape);
}

void Int8EmbeddingImpl::set_weight_rows(std::int64_t first_row, const torch::Tensor& rows) {
  torch::NoGradGuard no_grad;
  const Int8Rows quantized = quantize_int8_rows(rows.to(codes_.device()), /*block_size=*/0);
  codes_.narrow(0, first_row, rows.size(0)).copy_(quantized.codes);
  absmax_.narrow(0, first_row, rows.size(0)).copy_(quantized.absmax);
}

torch::Tensor Int8EmbeddingImpl::dequantized_weight(torch::ScalarType dtype) const {
  return dequantize_int8_rows(codes_, absmax_, /*block_size=*/0, dtype);
}

std::int64_t Int8EmbeddingImpl::stored_bytes() const {
  return codes_.numel() * codes_.element_size() + absmax_.numel() * absmax_.element_size();
}

}  // namespace lacos
