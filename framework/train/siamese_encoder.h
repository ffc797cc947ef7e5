// The Siamese encoder: one shared BLOOM (+ adapters) embeds anchors, positives and optional hard
// negatives in a single forward pass over their concatenation, then pools each sentence.
#pragma once

#include "embed/batch_encoder.h"
#include "model/bloom_model.h"
#include "model/pooling.h"

#include <cstdint>
#include <vector>

namespace lacos {

using TokenIds = std::vector<std::int32_t>;

// A training batch: row i of `anchors` pairs with row i of `positives` (and of `negatives`,
// when given: one hard negative per anchor).
struct PairBatch {
  std::vector<TokenIds> anchors;
  std::vector<TokenIds> positives;
  std::vector<TokenIds> negatives;  // empty: in-batch negatives only

  std::size_t size() const { return anchors.size(); }
  // anchors, then positives, then negatives: the order embeddings come back in.
  std::vector<TokenIds> concatenated() const;
};

struct PairEmbeddings {
  torch::Tensor anchors;    // float32 [B, hidden]
  torch::Tensor positives;  // float32 [B, hidden]
  torch::Tensor negatives;  // float32 [B, hidden] or undefined
};

// Splits embeddings of PairBatch::concatenated() back into their groups.
PairEmbeddings split_pair_embeddings(const torch::Tensor& embeddings, const PairBatch& batch);

class SiameseEncoder {
 public:
  SiameseEncoder(BloomModel model, Pooling pooling, std::int64_t pad_id, std::int64_t max_length,
                 PaddingSide padding_side = PaddingSide::Right);

  // Pooled float32 embeddings of `sentences`, one forward, with autograd as the caller's mode allows.
  torch::Tensor embed(const std::vector<TokenIds>& sentences);
  // All sentences of a pair batch in one forward.
  PairEmbeddings embed_pairs(const PairBatch& batch);

  BloomModel& model() { return model_; }

 private:
  BloomModel model_;
  Pooling pooling_;
  std::int64_t pad_id_;
  std::int64_t max_length_;
  PaddingSide padding_side_;
};

}  // namespace lacos
