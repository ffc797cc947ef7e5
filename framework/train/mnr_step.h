// One MNR loss + backward over a pair batch, accumulating gradients into the trainable
// parameters. Two ways, with equal gradients:
//
// - direct: all sentences in one forward with graph (memory grows with the batch);
// - cached (GradCache, Gao et al. 2021): embed mini-batches without graph, compute the loss and
//   its gradient with respect to the embeddings, then re-run each mini-batch with graph and
//   back-propagate those gradients. The RNG state of each mini-batch is saved on the first pass
//   and replayed on the second, so dropout masks match. Memory holds one mini-batch's graph, so
//   the batch (and with it the number of in-batch negatives) can exceed what fits at once.
//
// Gradient accumulation over several small batches is not the same thing: each small batch only
// sees its own negatives.
#pragma once

#include "train/mnr_loss.h"
#include "train/siamese_encoder.h"

namespace lacos {

// Embeds the concatenated batch in mini-batches of at most `mini_batch_size` sentences (all at
// once when 0), with graph, computes the loss over all of them and back-propagates it.
torch::Tensor mnr_backward(SiameseEncoder& encoder, const PairBatch& batch, const MnrOptions& options,
                           std::int64_t mini_batch_size = 0);

// The same loss and gradients with GradCache: see above.
torch::Tensor cached_mnr_backward(SiameseEncoder& encoder, const PairBatch& batch, const MnrOptions& options,
                                  std::int64_t mini_batch_size);

}  // namespace lacos
