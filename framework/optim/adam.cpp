#include "optim/adam.h"

#include "core/error.h"
#include "optim/dynamic_map.h"

#include <cmath>

namespace lacos {

AdamOptions AdamOptions::from_name(const std::string& name, const std::string& key) {
  AdamOptions options;
  if (name == "adamw") return options;
  if (name == "adam") {
    options.decoupled_weight_decay = false;
    return options;
  }
  if (name == "adamw8bit") {
    options.eight_bit = true;
    return options;
  }
  if (name == "adam8bit") {
    options.decoupled_weight_decay = false;
    options.eight_bit = true;
    return options;
  }
  fail("{}: unknown optimizer '{}' (expected adamw, adam, adamw8bit or adam8bit)", key, name);
}

std::string AdamOptions::name() const {
  return std::string(decoupled_weight_decay ? "adamw" : "adam") + (eight_bit ? "8bit" : "");
}

struct Adam::Slot {
  std::string name;
  torch::Tensor parameter;
  bool quantized = false;
  std::int64_t offset = 0;        // first element in its group's flat buffers
  std::int64_t length = 0;        // elements there: numel, padded to whole blocks when quantized
  std::int64_t block_offset = 0;  // quantized: first absmax block
};

// The tensors whose state is kept alike, laid end to end in flat buffers.
struct Adam::Group {
  std::vector<Slot*> slots;
  std::int64_t length = 0;
  torch::Tensor grad;                     // float32 [length]: this step's gradients (padding stays 0)
  std::vector<torch::Tensor> grad_views;  // one view of `grad` per slot, shaped as the parameter
  torch::Tensor exp_avg, exp_avg_sq;      // float32 [length] (float32 state)
  torch::Tensor avg_codes, sq_codes;      // uint8 [length] (8-bit state)
  torch::Tensor avg_absmax, sq_absmax;    // float32 [length / block_size]
};

namespace {

// The code of 0.0 in a map (the zero state), found on the host before the map moves.
std::int64_t zero_code(const torch::Tensor& midpoints) {
  return torch::searchsorted(midpoints, torch::zeros({1}, midpoints.options())).item<std::int64_t>();
}

}  // namespace

Adam::Adam(std::vector<std::pair<std::string, torch::Tensor>> parameters, AdamOptions options)
    : options_(options), float_group_(std::make_unique<Group>()), quantized_group_(std::make_unique<Group>()) {
  if (options_.block_size <= 0) fail("optimizer block size must be positive, got {}", options_.block_size);
  torch::NoGradGuard no_grad;
  const torch::Device device = parameters.empty() ? torch::Device(torch::kCPU) : parameters.front().second.device();
  const std::int64_t block = options_.block_size;
  for (auto& [name, parameter] : parameters) {
    if (parameter.device() != device) {
      fail("optimizer: parameter '{}' is on {} but '{}' is on {}; all must share one device", name,
           parameter.device().str(), parameters.front().first, device.str());
    }
    auto slot = std::make_unique<Slot>();
    slot->name = name;
    slot->parameter = parameter;
    slot->quantized = options_.eight_bit && parameter.numel() >= options_.min_8bit_size;
    Group& group = slot->quantized ? *quantized_group_ : *float_group_;
    slot->offset = group.length;
    slot->length = slot->quantized ? (parameter.numel() + block - 1) / block * block : parameter.numel();
    slot->block_offset = slot->offset / block;
    group.length += slot->length;
    group.slots.push_back(slot.get());
    slots_.push_back(std::move(slot));
  }
  const auto on_device = torch::TensorOptions().device(device);
  const torch::Tensor signed_map = dynamic_map(true);
  const torch::Tensor unsigned_map = dynamic_map(false);
  for (Group* group : {float_group_.get(), quantized_group_.get()}) {
    group->grad = torch::zeros({group->length}, on_device.dtype(torch::kFloat32));
    for (Slot* slot : group->slots) {
      group->grad_views.push_back(
          group->grad.narrow(0, slot->offset, slot->parameter.numel()).view(slot->parameter.sizes()));
    }
  }
  float_group_->exp_avg = torch::zeros({float_group_->length}, on_device.dtype(torch::kFloat32));
  float_group_->exp_avg_sq = torch::zeros({float_group_->length}, on_device.dtype(torch::kFloat32));
  Group& q = *quantized_group_;
  q.avg_codes = torch::full({q.length}, zero_code(map_midpoints(signed_map)), on_device.dtype(torch::kUInt8));
  q.sq_codes = torch::full({q.length}, zero_code(map_midpoints(unsigned_map)), on_device.dtype(torch::kUInt8));
  q.avg_absmax = torch::zeros({q.length / block}, on_device.dtype(torch::kFloat32));
  q.sq_absmax = torch::zeros({q.length / block}, on_device.dtype(torch::kFloat32));
  signed_map_ = signed_map.to(device);
  unsigned_map_ = unsigned_map.to(device);
  signed_midpoints_ = map_midpoints(signed_map_);
  unsigned_midpoints_ = map_midpoints(unsigned_map_);
  counters_ = torch::zeros({2}, on_device.dtype(torch::kFloat64));
}

Adam::~Adam() = default;

void Adam::zero_grad() {
  for (auto& slot : slots_) slot->parameter.mutable_grad() = torch::Tensor();
}

// Copies the group's gradients into its flat buffer in one multi-tensor copy. A parameter without
// a gradient is left alone (as torch.optim does): the returned mask marks the elements of those
// that have one, and is undefined (all active) in the usual case where every one does.
torch::Tensor Adam::gather_gradients(Group& group) {
  std::vector<torch::Tensor> targets, grads;
  std::vector<bool> has;
  for (std::size_t i = 0; i < group.slots.size(); ++i) {
    const torch::Tensor& grad = group.slots[i]->parameter.grad();
    has.push_back(grad.defined());
    if (grad.defined()) {
      targets.push_back(group.grad_views[i]);
      grads.push_back(grad);
    } else {
      group.grad_views[i].zero_();
    }
  }
  if (!targets.empty()) torch::_foreach_copy_(targets, grads);
  if (targets.size() == group.slots.size()) return torch::Tensor();
  std::vector<torch::Tensor> mask;
  for (std::size_t i = 0; i < group.slots.size(); ++i) {
    mask.push_back(
        torch::full({group.slots[i]->length}, static_cast<bool>(has[i]), group.grad.options().dtype(torch::kBool)));
  }
  return torch::cat(mask);
}

torch::Tensor Adam::step(double lr) {
  torch::NoGradGuard no_grad;
  const AdamOptions& o = options_;
  // 1. Gradients into the flat buffers; one finite check over all of them.
  torch::Tensor finite;
  std::map<Group*, torch::Tensor> present;
  for (Group* group : {float_group_.get(), quantized_group_.get()}) {
    if (group->slots.empty()) continue;
    present[group] = gather_gradients(*group);
    const torch::Tensor group_finite = torch::isfinite(group->grad).all();
    finite = finite.defined() ? finite.logical_and(group_finite) : group_finite;
  }
  if (!finite.defined()) return torch::ones({}, counters_.options().dtype(torch::kBool));

  // 2. The step number this update would have, and each group's update (zero where inactive).
  const torch::Tensor t = counters_[0] + 1;
  const auto flat_parameters = [&](const Group& group) {
    std::vector<torch::Tensor> pieces;
    for (const Slot* slot : group.slots) {
      pieces.push_back(slot->parameter.detach().reshape({-1}).to(torch::kFloat32));
      if (slot->length > slot->parameter.numel())
        pieces.push_back(torch::zeros({slot->length - slot->parameter.numel()}, group.grad.options()));
    }
    return torch::cat(pieces);
  };
  const bool gradient_decay = !o.decoupled_weight_decay && o.weight_decay > 0;  // Adam's L2 term needs p
  std::vector<std::pair<Group*, torch::Tensor>> deltas;
  for (Group* group : {float_group_.get(), quantized_group_.get()}) {
    if (group->slots.empty()) continue;
    const torch::Tensor active = present[group].defined() ? present[group].logical_and(finite) : finite;
    const torch::Tensor parameter = gradient_decay ? flat_parameters(*group) : torch::Tensor();
    deltas.emplace_back(group,
                        group == float_group_.get() ? float_update(*group, group->grad, parameter, active, t, lr)
                                                    : eight_bit_update(*group, group->grad, parameter, active, t, lr));
  }

  // 3. Into the parameters: multi-tensor passes. torch's AdamW decays before its update,
  //    bitsandbytes' kernels after.
  const bool decay = o.decoupled_weight_decay && o.weight_decay > 0;
  std::vector<torch::Tensor> all_parameters;  // those with a gradient (the others are left alone)
  for (const auto& slot : slots_) {
    if (slot->parameter.grad().defined()) all_parameters.push_back(slot->parameter);
  }
  const torch::Tensor decay_factor = decay
      ? torch::where(finite, torch::scalar_tensor(1 - lr * o.weight_decay, counters_.options().dtype(torch::kFloat32)),
                     torch::scalar_tensor(1.0, counters_.options().dtype(torch::kFloat32)))
      : torch::Tensor();
  if (decay && !o.eight_bit) torch::_foreach_mul_(all_parameters, decay_factor);
  for (const auto& [group, delta] : deltas) apply(*group, delta);
  if (decay && o.eight_bit) torch::_foreach_mul_(all_parameters, decay_factor);
  counters_.add_(torch::stack({finite, finite.logical_not()}).to(torch::kFloat64));
  return finite;
}

torch::Tensor Adam::float_update(Group& group, const torch::Tensor& gradient, const torch::Tensor& flat_param,
                                 const torch::Tensor& active, const torch::Tensor& t, double lr) {
  const AdamOptions& o = options_;
  const torch::Tensor grad = flat_param.defined() ? gradient.add(flat_param, o.weight_decay) : gradient;
  const torch::Tensor correction1 = 1 - torch::pow(o.beta1, t);
  const torch::Tensor correction2 = torch::sqrt(1 - torch::pow(o.beta2, t));
  torch::Tensor avg, sq, delta;
  if (o.eight_bit) {
    // bitsandbytes' 32-bit kernel, used for tensors below min_8bit_size.
    avg = group.exp_avg.mul(o.beta1).add_(grad, 1 - o.beta1);
    sq = group.exp_avg_sq.mul(o.beta2).addcmul_(grad, grad, 1 - o.beta2);
    delta = avg / (sq.sqrt() + correction2 * o.eps) * (-lr * correction2 / correction1);
  } else {
    // torch.optim.AdamW / Adam (single tensor, no amsgrad).
    avg = group.exp_avg.lerp(grad, 1 - o.beta1);
    sq = group.exp_avg_sq.mul(o.beta2).addcmul_(grad, grad, 1 - o.beta2);
    const torch::Tensor denom = (sq.sqrt() / correction2).add_(o.eps);
    delta = (avg / denom) * (-lr / correction1);
  }
  group.exp_avg = torch::where(active, avg, group.exp_avg);
  group.exp_avg_sq = torch::where(active, sq, group.exp_avg_sq);
  return torch::where(active, delta, 0.0);
}

torch::Tensor Adam::eight_bit_update(Group& group, const torch::Tensor& gradient, const torch::Tensor& flat_param,
                                     const torch::Tensor& active, const torch::Tensor& t, double lr) {
  const AdamOptions& o = options_;
  const std::int64_t blocks = group.length / o.block_size;
  const torch::Tensor grad =
      (flat_param.defined() ? gradient.add(flat_param, o.weight_decay) : gradient).view({blocks, o.block_size});
  const torch::Tensor avg =
      dequantize_blocks(group.avg_codes, group.avg_absmax, signed_map_).mul_(o.beta1).add_(grad, 1 - o.beta1);
  const torch::Tensor sq =
      dequantize_blocks(group.sq_codes, group.sq_absmax, unsigned_map_).mul_(o.beta2).addcmul_(grad, grad, 1 - o.beta2);
  const torch::Tensor correction1 = 1 - torch::pow(o.beta1, t);
  const torch::Tensor correction2 = torch::sqrt(1 - torch::pow(o.beta2, t));
  // The parameter moves with the updated full-precision moments; only their storage is 8-bit.
  const torch::Tensor delta = (avg / (sq.sqrt() + correction2 * o.eps) * (-lr * correction2 / correction1)).view({-1});
  const auto [avg_codes, avg_absmax] = quantize_blocks(avg, signed_midpoints_);
  const auto [sq_codes, sq_absmax] = quantize_blocks(sq, unsigned_midpoints_);
  // Blocks never span two tensors, so a block is active when its first element is.
  const torch::Tensor block_active = active.dim() == 0 ? active : active.view({blocks, o.block_size}).select(1, 0);
  group.avg_codes = torch::where(active, avg_codes, group.avg_codes);
  group.sq_codes = torch::where(active, sq_codes, group.sq_codes);
  group.avg_absmax = torch::where(block_active, avg_absmax, group.avg_absmax);
  group.sq_absmax = torch::where(block_active, sq_absmax, group.sq_absmax);
  return torch::where(active, delta, 0.0);
}

void Adam::apply(const Group& group, const torch::Tensor& delta) {
  std::vector<torch::Tensor> parameters, pieces;
  for (const Slot* slot : group.slots) {
    parameters.push_back(slot->parameter);
    pieces.push_back(delta.narrow(0, slot->offset, slot->parameter.numel()).view(slot->parameter.sizes()));
  }
  torch::_foreach_add_(parameters, pieces);
}

std::int64_t Adam::steps_taken() const { return static_cast<std::int64_t>(counters_[0].item<double>()); }
std::int64_t Adam::steps_skipped() const { return static_cast<std::int64_t>(counters_[1].item<double>()); }

std::int64_t Adam::state_bytes() const {
  std::int64_t bytes = 0;
  for (const auto& [name, tensor] : state()) bytes += tensor.numel() * tensor.element_size();
  return bytes;
}

double Adam::fraction_8bit() const {
  double quantized = 0;
  double total = 0;
  for (const auto& slot : slots_) {
    total += 2.0 * slot->parameter.numel();
    if (slot->quantized) quantized += 2.0 * slot->parameter.numel();
  }
  return total > 0 ? quantized / total : 0.0;
}

std::vector<std::pair<std::string, torch::Tensor>> Adam::state() const {
  std::vector<std::pair<std::string, torch::Tensor>> out;
  out.emplace_back("step", counters_.to(torch::kCPU).to(torch::kInt64));
  const Group& q = *quantized_group_;
  const Group& f = *float_group_;
  for (const auto& slot : slots_) {
    const std::int64_t n = slot->parameter.numel();
    if (slot->quantized) {
      const std::int64_t blocks = (n + options_.block_size - 1) / options_.block_size;
      out.emplace_back(slot->name + ".exp_avg.codes", q.avg_codes.narrow(0, slot->offset, n));
      out.emplace_back(slot->name + ".exp_avg.absmax", q.avg_absmax.narrow(0, slot->block_offset, blocks));
      out.emplace_back(slot->name + ".exp_avg_sq.codes", q.sq_codes.narrow(0, slot->offset, n));
      out.emplace_back(slot->name + ".exp_avg_sq.absmax", q.sq_absmax.narrow(0, slot->block_offset, blocks));
    } else {
      out.emplace_back(slot->name + ".exp_avg", f.exp_avg.narrow(0, slot->offset, n).view(slot->parameter.sizes()));
      out.emplace_back(slot->name + ".exp_avg_sq",
                       f.exp_avg_sq.narrow(0, slot->offset, n).view(slot->parameter.sizes()));
    }
  }
  return out;
}

void Adam::load_state(const std::map<std::string, torch::Tensor>& state) {
  torch::NoGradGuard no_grad;
  const auto take = [&](const std::string& name, torch::Tensor target) {
    auto it = state.find(name);
    if (it == state.end()) fail("optimizer state: tensor '{}' is missing", name);
    if (!it->second.sizes().equals(target.sizes()) || it->second.scalar_type() != target.scalar_type()) {
      fail("optimizer state: tensor '{}' is {} {}, expected {} {}", name, c10::toString(it->second.scalar_type()),
           c10::str(it->second.sizes()), c10::toString(target.scalar_type()), c10::str(target.sizes()));
    }
    target.copy_(it->second);
  };
  torch::Tensor counters = torch::zeros({2}, torch::kInt64);
  take("step", counters);
  counters_.copy_(counters.to(torch::kFloat64));
  // The state() views are views of the live buffers: copying into them restores those.
  for (auto& [name, tensor] : this->state()) {
    if (name != "step") take(name, tensor);
  }
}

}  // namespace lacos
