#include "train/mnr_step.h"

#include "core/error.h"

#include <ATen/Context.h>

namespace lacos {

namespace {

// Consecutive slices [first, first + size) of the sentence list.
std::vector<std::pair<std::size_t, std::size_t>> mini_batches(std::size_t count, std::int64_t mini_batch_size) {
  const std::size_t size = mini_batch_size > 0 ? static_cast<std::size_t>(mini_batch_size) : count;
  std::vector<std::pair<std::size_t, std::size_t>> slices;
  for (std::size_t first = 0; first < count; first += size) slices.emplace_back(first, std::min(size, count - first));
  return slices;
}

std::vector<TokenIds> slice(const std::vector<TokenIds>& sentences, const std::pair<std::size_t, std::size_t>& range) {
  return {sentences.begin() + range.first, sentences.begin() + range.first + range.second};
}

torch::Tensor loss_of(const torch::Tensor& embeddings, const PairBatch& batch, const MnrOptions& options) {
  const PairEmbeddings groups = split_pair_embeddings(embeddings, batch);
  return mnr_loss(groups.anchors, groups.positives, groups.negatives, options);
}

// The generator that drives dropout on `device`, whose state is saved and replayed.
at::Generator dropout_generator(const torch::Device& device) {
  return at::globalContext().defaultGenerator(device.is_cuda() ? device : torch::Device(torch::kCPU));
}

}  // namespace

torch::Tensor mnr_backward(SiameseEncoder& encoder, const PairBatch& batch, const MnrOptions& options,
                           std::int64_t mini_batch_size) {
  const std::vector<TokenIds> sentences = batch.concatenated();
  std::vector<torch::Tensor> parts;
  for (const auto& range : mini_batches(sentences.size(), mini_batch_size)) {
    parts.push_back(encoder.embed(slice(sentences, range)));
  }
  torch::Tensor loss = loss_of(torch::cat(parts), batch, options);
  loss.backward();
  return loss.detach();
}

torch::Tensor cached_mnr_backward(SiameseEncoder& encoder, const PairBatch& batch, const MnrOptions& options,
                                  std::int64_t mini_batch_size) {
  if (mini_batch_size <= 0) fail("cached MNR needs a positive mini-batch size, got {}", mini_batch_size);
  const std::vector<TokenIds> sentences = batch.concatenated();
  const auto ranges = mini_batches(sentences.size(), mini_batch_size);
  at::Generator generator = dropout_generator(encoder.model()->device());

  // 1. Embeddings without graph, remembering each mini-batch's RNG state.
  std::vector<torch::Tensor> states;
  std::vector<torch::Tensor> parts;
  {
    torch::NoGradGuard no_grad;
    for (const auto& range : ranges) {
      {
        std::lock_guard<std::mutex> lock(generator.mutex());
        states.push_back(generator.get_state());
      }
      parts.push_back(encoder.embed(slice(sentences, range)));
    }
  }
  const torch::Tensor after_first_pass = [&] {
    std::lock_guard<std::mutex> lock(generator.mutex());
    return generator.get_state();
  }();

  // 2. The loss over the whole batch, and its gradient with respect to the embeddings.
  const torch::Tensor embeddings = torch::cat(parts).requires_grad_(true);
  torch::Tensor loss = loss_of(embeddings, batch, options);
  loss.backward();
  const torch::Tensor embedding_grad = embeddings.grad();

  // 3. Each mini-batch again, with graph and its replayed RNG state; back-propagate its slice of
  //    the embedding gradient (d loss / d params = sum over rows of grad_row . d row / d params).
  for (std::size_t i = 0; i < ranges.size(); ++i) {
    {
      std::lock_guard<std::mutex> lock(generator.mutex());
      generator.set_state(states[i]);
    }
    const torch::Tensor rows = encoder.embed(slice(sentences, ranges[i]));
    rows.backward(embedding_grad.narrow(0, static_cast<std::int64_t>(ranges[i].first),
                                        static_cast<std::int64_t>(ranges[i].second)));
  }
  // Leave the RNG where an uncached step would have left it.
  {
    std::lock_guard<std::mutex> lock(generator.mutex());
    generator.set_state(after_first_pass);
  }
  return loss.detach();
}

}  // namespace lacos
