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
  torch::Tensor exp_avg, exp_avg_sq;                 // float32 state
  torch::Tensor avg_codes, avg_absmax;               // 8-bit state, first moment
  torch::Tensor sq_codes, sq_absmax;                 // 8-bit state, second moment
};

Adam::Adam(std::vector<std::pair<std::string, torch::Tensor>> parameters, AdamOptions options)
    : options_(options), signed_map_(dynamic_map(true)), unsigned_map_(dynamic_map(false)) {
  if (options_.block_size <= 0) fail("optimizer block size must be positive, got {}", options_.block_size);
  torch::NoGradGuard no_grad;
  for (auto& [name, parameter] : parameters) {
    auto slot = std::make_unique<Slot>();
    slot->name = name;
    slot->parameter = parameter;
    slot->quantized = options_.eight_bit && parameter.numel() >= options_.min_8bit_size;
    const auto float_options = parameter.options().dtype(torch::kFloat32);
    if (slot->quantized) {
      const std::int64_t blocks = (parameter.numel() + options_.block_size - 1) / options_.block_size;
      // Zero state: the index of 0.0 in each map, with absmax 0.
      const BlockwiseCodes zero_avg = quantize_blockwise(torch::zeros({1}, float_options), signed_map_, 1);
      const BlockwiseCodes zero_sq = quantize_blockwise(torch::zeros({1}, float_options), unsigned_map_, 1);
      slot->avg_codes = torch::full({parameter.numel()}, zero_avg.codes.item<std::uint8_t>(), float_options.dtype(torch::kUInt8));
      slot->sq_codes = torch::full({parameter.numel()}, zero_sq.codes.item<std::uint8_t>(), float_options.dtype(torch::kUInt8));
      slot->avg_absmax = torch::zeros({blocks}, float_options);
      slot->sq_absmax = torch::zeros({blocks}, float_options);
    } else {
      slot->exp_avg = torch::zeros(parameter.sizes(), float_options);
      slot->exp_avg_sq = torch::zeros(parameter.sizes(), float_options);
    }
    slots_.push_back(std::move(slot));
  }
}

Adam::~Adam() = default;

void Adam::zero_grad() {
  for (auto& slot : slots_) slot->parameter.mutable_grad() = torch::Tensor();
}

bool Adam::step(double lr) {
  torch::NoGradGuard no_grad;
  // One reduction over all gradients and a single host read: a read per tensor would make a GPU
  // wait for each of them in turn (bloom-7b1 has 60 adapter tensors).
  std::vector<torch::Tensor> finite;
  for (const auto& slot : slots_) {
    const torch::Tensor& grad = slot->parameter.grad();
    if (grad.defined()) finite.push_back(torch::isfinite(grad).all());
  }
  if (!finite.empty() && !torch::stack(finite).all().item<bool>()) {
    ++skipped_;
    return false;
  }
  ++step_;
  for (auto& slot : slots_) {
    torch::Tensor grad = slot->parameter.grad();
    if (!grad.defined()) continue;
    grad = grad.to(torch::kFloat32);
    if (slot->quantized) {
      update_8bit(*slot, grad, lr);
    } else {
      update_float(*slot, grad, lr);
    }
  }
  return true;
}

void Adam::update_float(Slot& slot, const torch::Tensor& gradient, double lr) {
  const AdamOptions& o = options_;
  torch::Tensor& p = slot.parameter;
  torch::Tensor grad = gradient;
  const double t = static_cast<double>(step_);
  if (o.eight_bit) {
    // bitsandbytes' 32-bit kernel, used for tensors below min_8bit_size.
    if (!o.decoupled_weight_decay && o.weight_decay > 0) grad = grad + o.weight_decay * p;
    slot.exp_avg.mul_(o.beta1).add_(grad, 1 - o.beta1);
    slot.exp_avg_sq.mul_(o.beta2).addcmul_(grad, grad, 1 - o.beta2);
    const double correction1 = 1 - std::pow(o.beta1, t);
    const double correction2 = std::sqrt(1 - std::pow(o.beta2, t));
    p.add_(slot.exp_avg / (slot.exp_avg_sq.sqrt() + correction2 * o.eps), -lr * correction2 / correction1);
    if (o.decoupled_weight_decay && o.weight_decay > 0) p.mul_(1 - lr * o.weight_decay);
    return;
  }
  // torch.optim.AdamW / Adam (single tensor, no amsgrad).
  if (o.decoupled_weight_decay) {
    p.mul_(1 - lr * o.weight_decay);
  } else if (o.weight_decay > 0) {
    grad = grad.add(p, o.weight_decay);
  }
  slot.exp_avg.lerp_(grad, 1 - o.beta1);
  slot.exp_avg_sq.mul_(o.beta2).addcmul_(grad, grad, 1 - o.beta2);
  const double bias_correction1 = 1 - std::pow(o.beta1, t);
  const double bias_correction2_sqrt = std::sqrt(1 - std::pow(o.beta2, t));
  const torch::Tensor denom = (slot.exp_avg_sq.sqrt() / bias_correction2_sqrt).add_(o.eps);
  p.addcdiv_(slot.exp_avg, denom, -lr / bias_correction1);
}

void Adam::update_8bit(Slot& slot, const torch::Tensor& gradient, double lr) {
  const AdamOptions& o = options_;
  torch::Tensor& p = slot.parameter;
  torch::Tensor grad = gradient.reshape({-1});
  torch::Tensor flat = p.view({-1});
  if (!o.decoupled_weight_decay && o.weight_decay > 0) grad = grad + o.weight_decay * flat;
  const torch::Tensor avg =
      dequantize_blockwise(slot.avg_codes, slot.avg_absmax, signed_map_, o.block_size).mul_(o.beta1).add_(grad, 1 - o.beta1);
  const torch::Tensor sq = dequantize_blockwise(slot.sq_codes, slot.sq_absmax, unsigned_map_, o.block_size)
                               .mul_(o.beta2)
                               .addcmul_(grad, grad, 1 - o.beta2);
  const double t = static_cast<double>(step_);
  const double correction1 = 1 - std::pow(o.beta1, t);
  const double correction2 = std::sqrt(1 - std::pow(o.beta2, t));
  // The parameter moves with the updated full-precision moments; only their storage is 8-bit.
  flat.add_(avg / (sq.sqrt() + correction2 * o.eps), -lr * correction2 / correction1);
  if (o.decoupled_weight_decay && o.weight_decay > 0) flat.mul_(1 - lr * o.weight_decay);
  BlockwiseCodes avg_codes = quantize_blockwise(avg, signed_map_, o.block_size);
  BlockwiseCodes sq_codes = quantize_blockwise(sq, unsigned_map_, o.block_size);
  slot.avg_codes = std::move(avg_codes.codes);
  slot.avg_absmax = std::move(avg_codes.absmax);
  slot.sq_codes = std::move(sq_codes.codes);
  slot.sq_absmax = std::move(sq_codes.absmax);
}

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
  out.emplace_back("step", torch::tensor({step_, skipped_}, torch::kInt64));
  for (const auto& slot : slots_) {
    if (slot->quantized) {
      out.emplace_back(slot->name + ".exp_avg.codes", slot->avg_codes);
      out.emplace_back(slot->name + ".exp_avg.absmax", slot->avg_absmax);
      out.emplace_back(slot->name + ".exp_avg_sq.codes", slot->sq_codes);
      out.emplace_back(slot->name + ".exp_avg_sq.absmax", slot->sq_absmax);
    } else {
      out.emplace_back(slot->name + ".exp_avg", slot->exp_avg);
      out.emplace_back(slot->name + ".exp_avg_sq", slot->exp_avg_sq);
    }
  }
  return out;
}

void Adam::load_state(const std::map<std::string, torch::Tensor>& state) {
  torch::NoGradGuard no_grad;
  const auto take = [&](const std::string& name, torch::Tensor& target) {
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
  step_ = counters[0].item<std::int64_t>();
  skipped_ = counters[1].item<std::int64_t>();
  for (auto& slot : slots_) {
    if (slot->quantized) {
      take(slot->name + ".exp_avg.codes", slot->avg_codes);
      take(slot->name + ".exp_avg.absmax", slot->avg_absmax);
      take(slot->name + ".exp_avg_sq.codes", slot->sq_codes);
      take(slot->name + ".exp_avg_sq.absmax", slot->sq_absmax);
    } else {
      take(slot->name + ".exp_avg", slot->exp_avg);
      take(slot->name + ".exp_avg_sq", slot->exp_avg_sq);
    }
  }
}

}  // namespace lacos
