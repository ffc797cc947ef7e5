#include "lora/lora_linear.h"

#include "core/error.h"
#include "model/linear.h"
#include "quant/int8_linear.h"
#include "quant/int8_rows.h"

#include <cmath>

namespace lacos {

LoraWeightImpl::LoraWeightImpl(std::int64_t rows, std::int64_t cols, const torch::TensorOptions& options) {
  weight = register_parameter("weight", torch::zeros({rows, cols}, options));
}

LoraLinearImpl::LoraLinearImpl(std::shared_ptr<ProjectionImpl> base, std::int64_t r, double scaling, double dropout,
                               const torch::Device& device, bool initialize)
    : base_(std::move(base)), scaling_(scaling), dropout_(dropout) {
  register_module("base_layer", base_);
  const auto cpu = torch::TensorOptions().dtype(torch::kFloat32);
  lora_A_ = std::make_shared<LoraWeightImpl>(r, base_->in_features(), cpu);
  lora_B_ = std::make_shared<LoraWeightImpl>(base_->out_features(), r, cpu);
  if (initialize) {
    torch::NoGradGuard no_grad;
    // PEFT builds A and B as nn.Linear (each drawing its default Kaiming-uniform init), then
    // re-draws A and zeroes B: the same draws in the same order give the same adapters.
    torch::nn::init::kaiming_uniform_(lora_A_->weight, std::sqrt(5.0));
    torch::nn::init::kaiming_uniform_(lora_B_->weight, std::sqrt(5.0));
    torch::nn::init::kaiming_uniform_(lora_A_->weight, std::sqrt(5.0));
    lora_B_->weight.zero_();
  }
  lora_A_->to(device);
  lora_B_->to(device);
  register_module("lora_A", lora_A_);
  register_module("lora_B", lora_B_);
}

torch::Tensor LoraLinearImpl::forward(const torch::Tensor& input) {
  torch::Tensor output = base_->forward(input);
  if (merged_) return output;
  // In the input's dtype: the adapter's float32 weights are cast (r x features, small) instead of
  // the activations (tokens x features, large); matmuls accumulate in float32 either way.
  const torch::Tensor x = dropout_ > 0 && is_training() ? torch::dropout(input, dropout_, /*train=*/true) : input;
  // The scaling goes on the r x features matrix A, not on the tokens x out_features update as in
  // PEFT: one multiply of a tiny tensor (and of its gradient) instead of two full-size passes.
  const torch::Tensor a = lora_A_->weight.to(x.scalar_type()).mul(scaling_);
  const torch::Tensor b = lora_B_->weight.to(x.scalar_type());
  // The base output joins inside the second GEMM (addmm, beta = 1) instead of a separate
  // full-size add. Out of place: an in-place addmm_ on a view of it made autograd clone the whole
  // gradient in backward (CopySlices).
  const torch::Tensor down = torch::matmul(x, a.t());
  return torch::addmm(output.reshape({-1, output.size(-1)}), down.reshape({-1, down.size(-1)}), b.t())
      .view(output.sizes());
}

torch::Tensor LoraLinearImpl::delta_weight() const {
  return torch::matmul(lora_B_->weight, lora_A_->weight) * scaling_;
}

void LoraLinearImpl::merge() {
  if (merged_) return;
  torch::NoGradGuard no_grad;
  if (auto* dense = dynamic_cast<LinearImpl*>(base_.get())) {
    dense->weight.add_(delta_weight().to(dense->weight.scalar_type()));
  } else if (auto* int8 = dynamic_cast<Int8LinearImpl*>(base_.get())) {
    saved_codes_ = int8->codes().clone();
    saved_absmax_ = int8->absmax().clone();
    const Int8Rows merged =
        quantize_int8_rows(int8->dequantized_weight(torch::kFloat32) + delta_weight(), int8->block_size());
    int8->set_codes(merged.codes, merged.absmax);
  } else {
    fail("cannot merge a LoRA adapter into a base layer of this kind");
  }
  merged_ = true;
}

void LoraLinearImpl::unmerge() {
  if (!merged_) return;
  torch::NoGradGuard no_grad;
  if (auto* dense = dynamic_cast<LinearImpl*>(base_.get())) {
    dense->weight.sub_(delta_weight().to(dense->weight.scalar_type()));
  } else if (auto* int8 = dynamic_cast<Int8LinearImpl*>(base_.get())) {
    int8->set_codes(saved_codes_, saved_absmax_);
    saved_codes_ = torch::Tensor();
    saved_absmax_ = torch::Tensor();
  }
  merged_ = false;
}

}  // namespace lacos
