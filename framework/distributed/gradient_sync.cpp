#include "distributed/gradient_sync.h"

#include <map>
#include <tuple>

namespace lacos {

std::vector<std::vector<std::size_t>> plan_buckets(const std::vector<std::int64_t>& element_counts,
                                                   std::int64_t element_size, std::int64_t bucket_bytes) {
  std::vector<std::vector<std::size_t>> buckets;
  std::int64_t filled = 0;
  for (std::size_t i = 0; i < element_counts.size(); ++i) {
    const std::int64_t bytes = element_counts[i] * element_size;
    if (buckets.empty() || (filled > 0 && filled + bytes > bucket_bytes)) {
      buckets.emplace_back();
      filled = 0;
    }
    buckets.back().push_back(i);
    filled += bytes;
  }
  return buckets;
}

std::int64_t bit_checksum(const torch::Tensor& tensor) {
  torch::NoGradGuard no_grad;
  const torch::Tensor flat = tensor.detach().contiguous().view({-1});
  torch::Tensor bits;
  switch (flat.element_size()) {
    case 8: bits = flat.view(torch::kInt64); break;
    case 4: bits = flat.view(torch::kInt32).to(torch::kInt64); break;
    case 2: bits = flat.view(torch::kInt16).to(torch::kInt64); break;
    default: bits = flat.view(torch::kUInt8).to(torch::kInt64); break;
  }
  // Position weights make swapped elements count; integer arithmetic keeps it exact (wrapping).
  const torch::Tensor weights = torch::arange(flat.numel(), bits.options()).remainder(1021).add_(1);
  return (bits * weights).sum().item<std::int64_t>();
}

GradientSync::GradientSync(Communicator& communicator, std::vector<std::pair<std::string, torch::Tensor>> parameters,
                           std::int64_t bucket_bytes)
    : communicator_(communicator), parameters_(std::move(parameters)) {
  // Group by dtype and device (one flat buffer needs one of each), keeping the parameter order.
  std::map<std::tuple<int, std::string>, std::vector<std::size_t>> groups;
  for (std::size_t i = 0; i < parameters_.size(); ++i) {
    const torch::Tensor& p = parameters_[i].second;
    groups[{static_cast<int>(p.scalar_type()), p.device().str()}].push_back(i);
  }
  for (const auto& [key, members] : groups) {
    std::vector<std::int64_t> counts;
    for (std::size_t i : members) counts.push_back(parameters_[i].second.numel());
    const torch::Tensor& first = parameters_[members.front()].second;
    for (const auto& planned : plan_buckets(counts, first.element_size(), bucket_bytes)) {
      Bucket bucket;
      for (std::size_t j : planned) {
        bucket.members.push_back(members[j]);
        bucket.elements += counts[j];
      }
      // One rank never communicates: no buffer (it would cost the adapter's size again on the GPU).
      if (communicator_.distributed())
        bucket.flat = torch::empty({bucket.elements}, first.options().requires_grad(false));
      buckets_.push_back(std::move(bucket));
    }
  }
}

std::int64_t GradientSync::bytes_per_step() const {
  std::int64_t bytes = 0;
  for (const Bucket& bucket : buckets_) {
    bytes += bucket.elements * static_cast<std::int64_t>(parameters_[bucket.members.front()].second.element_size());
  }
  return bytes;
}

void GradientSync::broadcast_parameters(int root) {
  if (!communicator_.distributed()) return;
  torch::NoGradGuard no_grad;
  for (Bucket& bucket : buckets_) {
    std::int64_t offset = 0;
    for (std::size_t i : bucket.members) {
      const torch::Tensor& p = parameters_[i].second;
      bucket.flat.narrow(0, offset, p.numel()).copy_(p.detach().reshape({-1}));
      offset += p.numel();
    }
    communicator_.broadcast_(bucket.flat, root);
    offset = 0;
    for (std::size_t i : bucket.members) {
      torch::Tensor p = parameters_[i].second;
      p.detach().copy_(bucket.flat.narrow(0, offset, p.numel()).view(p.sizes()));
      offset += p.numel();
    }
  }
}

void GradientSync::average_gradients() {
  if (!communicator_.distributed()) return;
  torch::NoGradGuard no_grad;
  const double scale = 1.0 / communicator_.size();
  for (Bucket& bucket : buckets_) {
    // Into the bucket and back out in one multi-tensor copy each (one kernel on CUDA, not one
    // per adapter tensor); a missing gradient contributes zeros and receives the average.
    std::vector<torch::Tensor> slots, grads, missing;
    std::int64_t offset = 0;
    for (std::size_t i : bucket.members) {
      const torch::Tensor& p = parameters_[i].second;
      torch::Tensor slot = bucket.flat.narrow(0, offset, p.numel()).view(p.sizes());
      offset += p.numel();
      if (p.grad().defined()) {
        slots.push_back(slot);
        grads.push_back(p.grad());
      } else {
        slot.zero_();
        missing.push_back(slot);
      }
    }
    if (!slots.empty()) torch::_foreach_copy_(slots, grads);
    communicator_.all_reduce_sum_(bucket.flat);
    bucket.flat.mul_(scale);
    if (!slots.empty()) torch::_foreach_copy_(grads, slots);
    if (!missing.empty()) {
      std::size_t next = 0;
      for (std::size_t i : bucket.members) {
        torch::Tensor p = parameters_[i].second;
        if (!p.grad().defined()) p.mutable_grad() = missing[next++].clone();
      }
    }
  }
}

void GradientSync::check_identical(std::int64_t step) {
  if (!communicator_.distributed()) return;
  // The checksums are read on the host: the adapter's last update must have landed.
  communicator_.wait_device(fmt::format("adapter check after step {}", step));
  std::vector<std::int64_t> sums;
  for (const auto& [name, parameter] : parameters_) sums.push_back(bit_checksum(parameter));
  const torch::Tensor mine = torch::tensor(sums, torch::kInt64);
  const torch::Tensor all = communicator_.all_gather(mine).view({communicator_.size(), -1});
  for (int r = 1; r < communicator_.size(); ++r) {
    const torch::Tensor differs = all[r].ne(all[0]);
    if (!differs.any().item<bool>()) continue;
    const std::int64_t first = differs.nonzero()[0][0].item<std::int64_t>();
    throw DistributedError(fmt::format(
        "after step {} the adapter on rank {} differs from rank 0's (first at '{}', checksum {} vs {}): the ranks "
        "diverged; this points at nondeterministic gradients or a rank that skipped a collective",
        step, r, parameters_[static_cast<std::size_t>(first)].first, all[r][first].item<std::int64_t>(),
        all[0][first].item<std::int64_t>()));
  }
}

}  // namespace lacos
