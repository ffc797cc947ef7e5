#include "model/random_init.h"

#include "model/weight_targets.h"

#include <ATen/CPUGeneratorImpl.h>

namespace lacos {

void init_bloom_weights(BloomModelImpl& model, std::uint64_t seed, RandomDraw draw) {
  torch::NoGradGuard no_grad;
  // A private generator: initialising a model must not disturb the global RNG stream.
  auto generator = at::detail::createCPUGenerator(seed);
  const torch::Device device = model.device();
  const bool on_device = draw == RandomDraw::ModelDevice && !device.is_cpu();
  if (on_device) torch::manual_seed(seed);
  const double std = model.config().initializer_range;
  for (WeightTarget& target : weight_targets(model)) {
    const std::string& name = target.name;
    const bool is_layer_norm = name.find("layernorm") != std::string::npos || name.rfind("ln_f.", 0) == 0;
    const bool is_bias = name.size() > 5 && name.compare(name.size() - 5, 5, ".bias") == 0;
    if (is_bias) {
      target.parameter.zero_();
    } else if (is_layer_norm) {
      target.parameter.fill_(1.0);
    } else {
      // Drawn in float32 on the CPU with the private generator, so the same seed gives the same
      // model on every device, dtype and weight format.
      torch::Tensor values;
      if (on_device) {
        values = torch::empty(target.shape(), torch::TensorOptions().dtype(torch::kFloat32).device(device))
                     .normal_(0.0, std);
      } else {
        values = torch::empty(target.shape(), torch::kFloat32);
        values.normal_(0.0, std, generator);
      }
      if (target.stored != nullptr) {
        target.stored->set_weight_rows(0, values);
      } else {
        target.parameter.copy_(values);
      }
    }
  }
}

BloomModel make_random_bloom(const BloomConfig& config, const torch::TensorOptions& options, std::uint64_t seed,
                             const WeightFormat& format, RandomDraw draw) {
  BloomModel model(config, options, format);
  init_bloom_weights(*model, seed, draw);
  return model;
}

}  // namespace lacos
