// Keeps the trainable adapter identical on every rank (data parallelism):
//   - broadcast_parameters: rank 0's initial adapter to all ranks, so they start equal;
//   - average_gradients: all gradients flattened into as few buckets as possible (one per dtype
//     and device, split at dist.bucket_mb), summed over ranks and divided by the world size;
//   - check_identical: a cheap checksum of the adapter's bits, compared across ranks; a
//     difference means the ranks diverged, which is an error.
// Only the trainable parameters travel; the frozen 8-bit base never does.
#pragma once

#include "distributed/communicator.h"

#include <torch/torch.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace lacos {

class GradientSync {
 public:
  GradientSync(Communicator& communicator, std::vector<std::pair<std::string, torch::Tensor>> parameters,
               std::int64_t bucket_bytes = 64 << 20);

  void broadcast_parameters(int root = 0);
  // A parameter without a gradient on this rank contributes zeros (and gets the average).
  void average_gradients();
  // Throws a DistributedError naming the first rank whose adapter differs from rank 0's.
  void check_identical(std::int64_t step);

  std::size_t bucket_count() const { return buckets_.size(); }
  // Bytes each rank hands to the all-reduce per step (the gradients of all trainable parameters).
  std::int64_t bytes_per_step() const;

 private:
  struct Bucket {
    std::vector<std::size_t> members;  // indices into parameters_
    std::int64_t elements = 0;
    torch::Tensor flat;  // concatenated values, reused every step (only with several ranks)
  };
  Communicator& communicator_;
  std::vector<std::pair<std::string, torch::Tensor>> parameters_;
  std::vector<Bucket> buckets_;
};

// How the gradients of `element_counts` parameters (all of one dtype and device) split into
// buckets of at most `bucket_bytes`; a parameter larger than the cap gets a bucket of its own.
std::vector<std::vector<std::size_t>> plan_buckets(const std::vector<std::int64_t>& element_counts,
                                                   std::int64_t element_size, std::int64_t bucket_bytes);

// An order-sensitive checksum of a tensor's bits (equal bits <=> equal checksums, in practice).
std::int64_t bit_checksum(const torch::Tensor& tensor);

}  // namespace lacos
