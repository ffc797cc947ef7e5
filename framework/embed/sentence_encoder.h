// Sentences -> embeddings with a BLOOM and its tokenizer: tokenize, sort by length so batches
// carry little padding, run the model without gradients, pool, and restore input order.
#pragma once

#include "core/progress_bar.h"
#include "embed/batch_encoder.h"
#include "model/bloom_model.h"
#include "model/checkpoint_loader.h"
#include "model/pooling.h"
#include "tokenizer/tokenizer.h"

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace lacos {

class Communicator;

struct EncoderOptions {
  Pooling pooling = Pooling::Mean;
  std::int64_t max_length = 512;
  std::int64_t batch_size = 32;
  PaddingSide padding_side = PaddingSide::Right;
};

class SentenceEncoder {
 public:
  SentenceEncoder(BloomModel model, std::shared_ptr<const Tokenizer> tokenizer, EncoderOptions options);
  // The model and the tokenizer.json of one HF folder, with a PEFT LoRA adapter folder applied
  // when `adapter` is set (merged into a float base; kept beside an int8 one, since merging would
  // requantize it).
  static SentenceEncoder from_folder(const std::filesystem::path& folder, const ModelLoadOptions& load,
                                     const EncoderOptions& options,
                                     const std::optional<std::filesystem::path>& adapter = std::nullopt);

  // float32 [N, hidden] on the CPU, rows in input order. `progress` (optional) advances per sentence.
  torch::Tensor encode(const std::vector<std::string>& sentences, ProgressBar* progress = nullptr);
  // Data parallelism: encode() embeds every size()-th batch on each rank and sums the results
  // over ranks, so every rank gets all rows, computed in the same batches as on one rank.
  // Null: everything here. Every rank must then call encode() with the same sentences.
  void shard_encoding(Communicator* communicator) { shards_ = communicator; }

  // Pooled embeddings of one padded batch, float32 [B, hidden] on the model's device.
  torch::Tensor embed_batch(const TokenBatch& batch);

  BloomModel& model() { return model_; }
  const Tokenizer& tokenizer() const { return *tokenizer_; }
  const EncoderOptions& options() const { return options_; }
  std::int64_t pad_id() const { return pad_id_; }
  // Tokens embedded so far (after truncation), for throughput figures.
  std::int64_t tokens_embedded() const { return tokens_embedded_; }

 private:
  BloomModel model_;
  std::shared_ptr<const Tokenizer> tokenizer_;
  EncoderOptions options_;
  std::int64_t pad_id_;
  std::int64_t tokens_embedded_ = 0;
  Communicator* shards_ = nullptr;
};

}  // namespace lacos
