#include "model/bloom_model.h"

#include "core/device_transfer.h"
#include "core/error.h"
#include "model/alibi.h"
#include "model/attention_bias.h"
#include "model/block_checkpoint.h"
#include "model/layer_factory.h"

#include <algorithm>

namespace lacos {

BloomModelImpl::BloomModelImpl(const BloomConfig& config, const torch::TensorOptions& options,
                               const WeightFormat& format)
    : config_(config), format_(format) {
  word_embeddings =
      register_module("word_embeddings", make_token_embedding(config.vocab_size, config.hidden_size, options, format));
  word_embeddings_layernorm =
      register_module("word_embeddings_layernorm", LayerNorm(config.hidden_size, config.layer_norm_epsilon, options));
  h = register_module("h", torch::nn::ModuleList());
  for (std::int64_t layer = 0; layer < config.n_layer; ++layer) {
    blocks_.push_back(BloomBlock(config, options, format));
    h->push_back(blocks_.back());
  }
  ln_f = register_module("ln_f", LayerNorm(config.hidden_size, config.layer_norm_epsilon, options));
}

std::vector<BloomModelImpl::ProjectionSlot> BloomModelImpl::projections() {
  std::vector<ProjectionSlot> slots;
  for (std::size_t layer = 0; layer < blocks_.size(); ++layer) {
    auto attention = blocks_[layer]->self_attention.ptr();
    auto mlp = blocks_[layer]->mlp.ptr();
    const std::string prefix = "h." + std::to_string(layer) + ".";
    for (const char* child : {"query_key_value", "dense"}) {
      slots.push_back(
          {prefix + "self_attention." + child, child,
           std::string(child) == "dense" ? attention->dense : attention->query_key_value,
           [attention, child](std::shared_ptr<ProjectionImpl> m) { attention->set_projection(child, std::move(m)); }});
    }
    for (const char* child : {"dense_h_to_4h", "dense_4h_to_h"}) {
      slots.push_back({prefix + "mlp." + child, child,
                       std::string(child) == "dense_h_to_4h" ? mlp->dense_h_to_4h : mlp->dense_4h_to_h,
                       [mlp, child](std::shared_ptr<ProjectionImpl> m) { mlp->set_projection(child, std::move(m)); }});
    }
  }
  return slots;
}

void BloomModelImpl::check_inputs(const torch::Tensor& input_ids, const torch::Tensor& attention_mask) const {
  if (input_ids.dim() != 2 || input_ids.scalar_type() != torch::kInt64) {
    fail("BloomModel: input_ids must be int64 [batch, seq], got {} {}", c10::toString(input_ids.scalar_type()),
         c10::str(input_ids.sizes()));
  }
  if (attention_mask.sizes() != input_ids.sizes()) {
    fail("BloomModel: attention_mask shape {} differs from input_ids shape {}", c10::str(attention_mask.sizes()),
         c10::str(input_ids.sizes()));
  }
  if (input_ids.numel() == 0) return;
  std::int64_t lowest = 0;
  std::int64_t highest = 0;
  if (input_ids.is_cpu()) {
    // Ids from the host (the tokenizer) are checked there: no device read in a training step.
    const torch::Tensor ids = input_ids.contiguous();
    const std::int64_t* data = ids.data_ptr<std::int64_t>();
    const auto [low, high] = std::minmax_element(data, data + ids.numel());
    lowest = *low;
    highest = *high;
  } else {
    const auto [low, high] = torch::aminmax(input_ids);
    lowest = low.item<std::int64_t>();
    highest = high.item<std::int64_t>();
  }
  if (lowest < 0 || highest >= config_.vocab_size) {
    fail(
        "BloomModel: token ids span [{}, {}] but the embedding table has vocab_size {} "
        "(tokenizer and model do not match?)",
        lowest, highest, config_.vocab_size);
  }
}

torch::Tensor BloomModelImpl::forward(const torch::Tensor& input_ids, const torch::Tensor& attention_mask) {
  check_inputs(input_ids, attention_mask);
  if (!slopes_.defined() || slopes_.device() != device()) slopes_ = alibi_slopes(config_.n_head).to(device());
  const torch::Tensor ids = to_device(input_ids, device());
  const torch::Tensor mask = to_device(attention_mask, device());
  const torch::Tensor bias = attention_bias(mask, slopes_, dtype());

  torch::Tensor hidden = word_embeddings_layernorm->forward(word_embeddings->forward(ids));
  if (checkpointing_ && is_training() && torch::GradMode::is_enabled()) {
    // The frozen embeddings give an input that needs no gradient; checkpointed blocks need one
    // to be asked for theirs (see block_checkpoint.h).
    if (!hidden.requires_grad()) hidden = hidden.detach().requires_grad_(true);
    for (auto& block : blocks_) hidden = checkpointed_block_forward(*block, hidden, bias);
  } else {
    for (auto& block : blocks_) hidden = block->forward(hidden, bias);
  }
  return ln_f->forward(hidden);
}

}  // namespace lacos
