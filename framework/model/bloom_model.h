// BloomModel as in HF transformers, with HF's parameter names:
//   word_embeddings, word_embeddings_layernorm, h.N.{input_layernorm, self_attention.
//   {query_key_value, dense}, post_attention_layernorm, mlp.{dense_h_to_4h, dense_4h_to_h}}, ln_f.
// forward returns the last hidden state (after ln_f), [batch, seq, hidden].
#pragma once

#include "layers/projection.h"
#include "layers/token_embedding.h"
#include "model/bloom_block.h"
#include "model/bloom_config.h"
#include "model/layer_norm.h"
#include "quant/weight_format.h"

#include <torch/torch.h>

#include <functional>
#include <string>
#include <vector>

namespace lacos {

class BloomModelImpl : public torch::nn::Module {
 public:
  // Parameters are uninitialised: load a checkpoint (checkpoint_loader.h) or fill them
  // (random_init.h). `format` chooses float or int8 storage for the frozen weights.
  BloomModelImpl(const BloomConfig& config, const torch::TensorOptions& options, const WeightFormat& format = {});

  // input_ids, attention_mask: int64 [batch, seq]; mask 1 = real token, 0 = padding (either side).
  torch::Tensor forward(const torch::Tensor& input_ids, const torch::Tensor& attention_mask);

  const BloomConfig& config() const { return config_; }
  torch::ScalarType dtype() const { return ln_f->weight.scalar_type(); }
  torch::Device device() const { return ln_f->weight.device(); }
  const WeightFormat& weight_format() const { return format_; }
  // Recompute each block's activations in backward instead of keeping them (block_checkpoint.h);
  // applies in training mode with autograd on.
  void set_activation_checkpointing(bool enabled) { checkpointing_ = enabled; }
  bool activation_checkpointing() const { return checkpointing_; }
  const std::vector<BloomBlock>& blocks() const { return blocks_; }

  // Every projection of every block ("h.N.self_attention.query_key_value", "h.N.mlp.dense_4h_to_h",
  // ...) with a way to swap its module, for quantizing or adapting layers by name.
  struct ProjectionSlot {
    std::string name;
    std::string child;  // "query_key_value", "dense", "dense_h_to_4h", "dense_4h_to_h"
    std::shared_ptr<ProjectionImpl> module;
    std::function<void(std::shared_ptr<ProjectionImpl>)> replace;
  };
  std::vector<ProjectionSlot> projections();

  std::shared_ptr<TokenEmbeddingImpl> word_embeddings;
  LayerNorm word_embeddings_layernorm{nullptr};
  torch::nn::ModuleList h{nullptr};
  LayerNorm ln_f{nullptr};

 private:
  void check_inputs(const torch::Tensor& input_ids, const torch::Tensor& attention_mask) const;

  BloomConfig config_;
  WeightFormat format_;
  bool checkpointing_ = false;
  std::vector<BloomBlock> blocks_;
  torch::Tensor slopes_;  // ALiBi slopes on the model's device, float32 [n_head]
};
TORCH_MODULE(BloomModel);

}  // namespace lacos
