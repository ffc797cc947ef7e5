#include "quant/int8_linear.h"

#include "quant/int8_rows.h"

namespace lacos {

namespace {

class Int8MatmulFunction : public torch::autograd::Function<Int8MatmulFunction> {
 public:
  static torch::Tensor forward(torch::autograd::AutogradContext* context, const torch::Tensor& input,
                               const torch::Tensor& codes, const torch::Tensor& absmax, std::int64_t block_size) {
    context->save_for_backward({codes, absmax});
    context->saved_data["block_size"] = block_size;
    const torch::Tensor weight = dequantize_int8_rows(codes, absmax, block_size, input.scalar_type());
    return torch::matmul(input, weight.t());
  }

  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* context,
                                                 torch::autograd::variable_list grad_outputs) {
    const auto saved = context->get_saved_variables();
    const torch::Tensor& grad_output = grad_outputs[0];
    const torch::Tensor weight =
        dequantize_int8_rows(saved[0], saved[1], context->saved_data["block_size"].toInt(), grad_output.scalar_type());
    return {grad_output.matmul(weight), torch::Tensor(), torch::Tensor(), torch::Tensor()};
  }
};

}  // namespace

torch::Tensor int8_matmul(const torch::Tensor& input, const torch::Tensor& codes, const torch::Tensor& absmax,
                          std::int64_t block_size) {
  return Int8MatmulFunction::apply(input, codes, absmax, block_size);
}

Int8LinearImpl::Int8LinearImpl(std::int64_t in_features, std::int64_t out_features, bool with_bias,
                               std::int64_t block_size, const torch::TensorOptions& options)
    : block_size_(block_size) {
  const auto device = torch::TensorOptions().device(options.device());
  codes_ = register_buffer("weight_codes", torch::zeros({out_features, in_features}, device.dtype(torch::kInt8)));
  absmax_ = register_buffer(
      "weight_absmax",
      torch::zeros({out_features, int8_blocks_per_row(in_features, block_size)}, device.dtype(torch::kFloat32)));
  if (with_bias) bias = register_parameter("bias", torch::empty({out_features}, options), /*requires_grad=*/false);
}

torch::Tensor Int8LinearImpl::forward(const torch::Tensor& input) {
  torch::Tensor output = int8_matmul(input, codes_, absmax_, block_size_);
  return bias.defined() ? output + bias : output;
}

void Int8LinearImpl::set_weight_rows(std::int64_t first_row, const torch::Tensor& rows) {
  torch::NoGradGuard no_grad;
  const Int8Rows quantized = quantize_int8_rows(rows.to(codes_.device()), block_size_);
  codes_.narrow(0, first_row, rows.size(0)).copy_(quantized.codes);
  absmax_.narrow(0, first_row, rows.size(0)).copy_(quantized.absmax);
}

torch::Tensor Int8LinearImpl::dequantized_weight(torch::ScalarType dtype) const {
  return dequantize_int8_rows(codes_, absmax_, block_size_, dtype);
}

std::int64_t Int8LinearImpl::stored_bytes() const {
  return codes_.numel() * codes_.element_size() + absmax_.numel() * absmax_.element_size();
}

void Int8LinearImpl::set_codes(torch::Tensor codes, torch::Tensor absmax) {
  torch::NoGradGuard no_grad;
  codes_.copy_(codes);
  absmax_.copy_(absmax);
}

}  // namespace lacos
