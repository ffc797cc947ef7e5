#include "embed/sentence_encoder.h"

#include "core/error.h"
#include "core/path_status.h"
#include "distributed/communicator.h"
#include "lora/apply_lora.h"
#include "lora/peft_adapter.h"

#include <algorithm>
#include <numeric>

namespace lacos {

namespace {

// BLOOM pads with <pad>; fall back to config.json's pad_token_id, then 0. The value never
// reaches a real token (the mask hides it), it only has to be a valid embedding row.
std::int64_t choose_pad_id(const Tokenizer& tokenizer, const BloomConfig& config) {
  if (auto id = tokenizer.pad_id(); id && *id < config.vocab_size) return *id;
  if (config.pad_token_id && *config.pad_token_id >= 0 && *config.pad_token_id < config.vocab_size) {
    return *config.pad_token_id;
  }
  return 0;
}

}  // namespace

SentenceEncoder::SentenceEncoder(BloomModel model, std::shared_ptr<const Tokenizer> tokenizer, EncoderOptions options)
    : model_(std::move(model)), tokenizer_(std::move(tokenizer)), options_(options) {
  if (options_.batch_size <= 0) fail("batch size must be positive, got {}", options_.batch_size);
  if (options_.max_length <= 0) fail("max length must be positive, got {}", options_.max_length);
  pad_id_ = choose_pad_id(*tokenizer_, model_->config());
}

SentenceEncoder SentenceEncoder::from_folder(const std::filesystem::path& folder, const ModelLoadOptions& load,
                                             const EncoderOptions& options,
                                             const std::optional<std::filesystem::path>& adapter) {
  if (!is_folder(folder)) fail("{}: model folder not found", folder.string());
  const auto tokenizer_path = folder / "tokenizer.json";
  if (!path_exists(tokenizer_path)) fail("{}: tokenizer.json not found in the model folder", folder.string());
  auto tokenizer = std::make_shared<const Tokenizer>(Tokenizer::from_file(tokenizer_path));
  BloomModel model = load_bloom(folder, load);
  if (adapter) {
    load_adapter(*model, *adapter);
    if (!load.base_weights.int8) merge_lora(*model);
    model->eval();
  }
  return SentenceEncoder(std::move(model), std::move(tokenizer), options);
}

torch::Tensor SentenceEncoder::embed_batch(const TokenBatch& batch) {
  torch::NoGradGuard no_grad;
  const torch::Tensor hidden = model_->forward(batch.input_ids, batch.attention_mask);
  return pool(hidden, batch.attention_mask, options_.pooling);
}

torch::Tensor SentenceEncoder::encode(const std::vector<std::string>& sentences, ProgressBar* progress) {
  model_->eval();
  std::vector<std::vector<std::int32_t>> tokens(sentences.size());
  for (std::size_t i = 0; i < sentences.size(); ++i) {
    try {
      tokenizer_->encode_into(sentences[i], tokens[i]);
    } catch (const Error& e) {
      fail("sentence {}: {}", i + 1, e.what());
    }
    if (static_cast<std::int64_t>(tokens[i].size()) > options_.max_length) tokens[i].resize(options_.max_length);
    tokens_embedded_ += static_cast<std::int64_t>(tokens[i].size());
  }
  // Longest first: similar lengths share a batch, and memory peaks on the first batch.
  std::vector<std::size_t> order(sentences.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return tokens[a].size() > tokens[b].size(); });

  const bool sharded = shards_ != nullptr && shards_->distributed();
  // Sharded, the rows other ranks compute must be zero here for the sum.
  const std::vector<std::int64_t> shape = {static_cast<std::int64_t>(sentences.size()), model_->config().hidden_size};
  torch::Tensor out = sharded ? torch::zeros(shape, torch::kFloat32) : torch::empty(shape, torch::kFloat32);
  for (std::size_t start = 0; start < order.size(); start += options_.batch_size) {
    const std::size_t end = std::min(order.size(), start + static_cast<std::size_t>(options_.batch_size));
    if (sharded && static_cast<int>((start / options_.batch_size) % shards_->size()) != shards_->rank()) {
      if (progress != nullptr) progress->advance(static_cast<std::int64_t>(end - start));
      continue;  // another rank's batch
    }
    std::vector<std::vector<std::int32_t>> batch_tokens;
    std::vector<std::int64_t> rows;
    for (std::size_t k = start; k < end; ++k) {
      batch_tokens.push_back(std::move(tokens[order[k]]));
      rows.push_back(static_cast<std::int64_t>(order[k]));
    }
    const TokenBatch batch = make_token_batch(batch_tokens, pad_id_, options_.padding_side, options_.max_length);
    out.index_copy_(0, torch::tensor(rows, torch::kInt64), embed_batch(batch).to(torch::kCPU));
    if (progress != nullptr) progress->advance(static_cast<std::int64_t>(end - start));
  }
  if (sharded) shards_->all_reduce_sum_(out);
  return out;
}

}  // namespace lacos
