// Adam and AdamW over named parameters, with float32 state (the reference) or with state
// quantized blockwise to 8 bits as in bitsandbytes' Adam8bit/AdamW8bit:
//   - first moment: signed dynamic map, second moment: unsigned dynamic map (dynamic_map.h),
//     one float32 absmax per block of `block_size` (256; 2048 was bitsandbytes' size before 0.44);
//   - tensors with fewer than `min_8bit_size` elements (4096 in bitsandbytes) keep float32 state;
//   - update and bias correction as bitsandbytes' kernels compute them:
//       m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2
//       p += -lr sqrt(1 - b2^t) / (1 - b1^t) * m / (sqrt(v) + sqrt(1 - b2^t) eps)
//     then AdamW's decoupled decay p *= 1 - lr wd (Adam adds wd p to the gradient instead).
// The float32 variants follow torch.optim.Adam/AdamW line by line.
//
// Multi-tensor and host-free: the state of all tensors lives in a few flat buffers on the
// parameters' device (8-bit tensors padded to whole blocks, so a block never spans two tensors),
// the maps live there too, and a step is a fixed number of passes over those buffers whatever the
// number of tensors (one gather of the gradients, the update, one multi-tensor add into the
// parameters). A step whose gradients hold NaN or Inf changes nothing and is counted as skipped;
// that decision, the step count and the bias corrections stay on the device, so step() never
// waits for the GPU. steps_taken() and steps_skipped() read the counters back (a host read).
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace lacos {

struct AdamOptions {
  bool decoupled_weight_decay = true;  // AdamW
  bool eight_bit = false;
  double beta1 = 0.9;
  double beta2 = 0.999;
  double eps = 1e-8;
  double weight_decay = 0.0;
  std::int64_t block_size = 256;
  std::int64_t min_8bit_size = 4096;

  // "adamw" | "adam" | "adamw8bit" | "adam8bit"
  static AdamOptions from_name(const std::string& name, const std::string& key = "--optimizer");
  std::string name() const;
};

class Adam {
 public:
  Adam(std::vector<std::pair<std::string, torch::Tensor>> parameters, AdamOptions options);
  ~Adam();

  // One update at learning rate `lr` from the parameters' .grad (parameters without one are left
  // alone). Returns a 0-dim bool tensor on the parameters' device: false when a gradient was not
  // finite and nothing changed. Reading it is the caller's choice (and a host synchronisation).
  torch::Tensor step(double lr);
  void zero_grad();

  std::int64_t steps_taken() const;
  std::int64_t steps_skipped() const;
  // The same two counters as a float64 [2] tensor on the device (steps taken, steps skipped), for
  // a caller that reads them together with other values in one copy.
  const torch::Tensor& counters() const { return counters_; }
  // Bytes of optimizer state, and the fraction of state elements held in 8 bits.
  std::int64_t state_bytes() const;
  double fraction_8bit() const;

  // Every state tensor by name ("<param>.exp_avg", "<param>.exp_avg.codes", ..., "step"), for
  // checkpoints; load_state restores them exactly.
  std::vector<std::pair<std::string, torch::Tensor>> state() const;
  void load_state(const std::map<std::string, torch::Tensor>& state);

  const AdamOptions& options() const { return options_; }

 private:
  struct Slot;
  struct Group;
  torch::Tensor gather_gradients(Group& group);
  torch::Tensor float_update(Group& group, const torch::Tensor& grad, const torch::Tensor& flat_param,
                             const torch::Tensor& active, const torch::Tensor& t, double lr);
  torch::Tensor eight_bit_update(Group& group, const torch::Tensor& grad, const torch::Tensor& flat_param,
                                 const torch::Tensor& active, const torch::Tensor& t, double lr);
  void apply(const Group& group, const torch::Tensor& delta);

  AdamOptions options_;
  std::vector<std::unique_ptr<Slot>> slots_;
  std::unique_ptr<Group> float_group_;
  std::unique_ptr<Group> quantized_group_;
  torch::Tensor signed_map_, unsigned_map_;  // on the parameters' device
  torch::Tensor signed_midpoints_, unsigned_midpoints_;
  torch::Tensor counters_;  // float64 [2] on the device: steps taken, steps skipped
};

}  // namespace lacos
