// A LoRA adapter around a frozen projection (float or int8), as PEFT's lora.Linear:
//   y = base(x) + scaling * B(A(dropout(x)))
// with A [r, in] and B [out, r]. The adapter computes in float32 whatever the base's dtype.
// Parameter names follow PEFT's module tree: `<name>.base_layer.*`, `<name>.lora_A.weight`,
// `<name>.lora_B.weight` (PEFT's saved files drop the adapter name, as lacos does).
#pragma once

#include "layers/projection.h"

#include <memory>

namespace lacos {

// A module holding one `weight` parameter: lora_A and lora_B.
class LoraWeightImpl : public torch::nn::Module {
 public:
  LoraWeightImpl(std::int64_t rows, std::int64_t cols, const torch::TensorOptions& options);
  torch::Tensor weight;
};

class LoraLinearImpl : public ProjectionImpl {
 public:
  // A and B are created on `base`'s device in float32; `initialize` applies PEFT's init (A
  // Kaiming-uniform with a = sqrt(5), B zero) drawing from the global RNG in PEFT's order, so a
  // seed reproduces PEFT's adapters; false leaves them zero (for loading saved weights).
  LoraLinearImpl(std::shared_ptr<ProjectionImpl> base, std::int64_t r, double scaling, double dropout,
                 const torch::Device& device, bool initialize);

  torch::Tensor forward(const torch::Tensor& input) override;
  std::int64_t in_features() const override { return base_->in_features(); }
  std::int64_t out_features() const override { return base_->out_features(); }

  // Folds scaling * B A into the base weight for inference, and takes it out again. An int8 base
  // is requantized when merging (lossy) and restored exactly from its saved codes on unmerge.
  void merge();
  void unmerge();
  bool merged() const { return merged_; }

  const std::shared_ptr<ProjectionImpl>& base() const { return base_; }
  torch::Tensor& lora_A() { return lora_A_->weight; }
  torch::Tensor& lora_B() { return lora_B_->weight; }
  double scaling() const { return scaling_; }

 private:
  torch::Tensor delta_weight() const;  // scaling * B A, float32 [out, in]

  std::shared_ptr<ProjectionImpl> base_;
  std::shared_ptr<LoraWeightImpl> lora_A_;
  std::shared_ptr<LoraWeightImpl> lora_B_;
  double scaling_;
  double dropout_;
  bool merged_ = false;
  torch::Tensor saved_codes_;  // an int8 base's codes and scales before merging
  torch::Tensor saved_absmax_;
};

}  // namespace lacos
