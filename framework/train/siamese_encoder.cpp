#include "train/siamese_encoder.h"

#include "core/device_transfer.h"
#include "core/error.h"

namespace lacos {

std::vector<TokenIds> PairBatch::concatenated() const {
  if (positives.size() != anchors.size() || (!negatives.empty() && negatives.size() != anchors.size())) {
    fail("pair batch: {} anchors, {} positives, {} negatives (expected equal counts)", anchors.size(), positives.size(),
         negatives.size());
  }
  std::vector<TokenIds> all(anchors);
  all.insert(all.end(), positives.begin(), positives.end());
  all.insert(all.end(), negatives.begin(), negatives.end());
  return all;
}

PairEmbeddings split_pair_embeddings(const torch::Tensor& embeddings, const PairBatch& batch) {
  const auto b = static_cast<std::int64_t>(batch.size());
  PairEmbeddings out;
  out.anchors = embeddings.narrow(0, 0, b);
  out.positives = embeddings.narrow(0, b, b);
  if (!batch.negatives.empty()) out.negatives = embeddings.narrow(0, 2 * b, b);
  return out;
}

SiameseEncoder::SiameseEncoder(BloomModel model, Pooling pooling, std::int64_t pad_id, std::int64_t max_length,
                               PaddingSide padding_side)
    : model_(std::move(model)),
      pooling_(pooling),
      pad_id_(pad_id),
      max_length_(max_length),
      padding_side_(padding_side) {}

torch::Tensor SiameseEncoder::embed(const std::vector<TokenIds>& sentences) {
  const TokenBatch batch = make_token_batch(sentences, pad_id_, padding_side_, max_length_);
  // The mask goes to the device once, for the model and the pooling.
  const torch::Tensor mask = to_device(batch.attention_mask, model_->device());
  const torch::Tensor hidden = model_->forward(batch.input_ids, mask);
  return pool(hidden, mask, pooling_);
}

PairEmbeddings SiameseEncoder::embed_pairs(const PairBatch& batch) {
  return split_pair_embeddings(embed(batch.concatenated()), batch);
}

}  // namespace lacos
