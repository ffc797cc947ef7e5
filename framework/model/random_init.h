// Random BLOOMs of any shape, initialised as HF's BloomPreTrainedModel._init_weights does:
// Linear and embedding weights ~ N(0, initializer_range), biases 0, LayerNorm weight 1, bias 0.
// Tests, benchmarks and the offline quickstart use them where no checkpoint exists.
#pragma once

#include "model/bloom_model.h"

#include <cstdint>

namespace lacos {

// Where the random values are drawn: on the CPU with a private generator (the same model on every
// device, dtype and format, global RNG untouched), or on the model's device from its default
// generator, reseeded with `seed` (fast for multi-GB benchmark models on a GPU; device-specific
// values, and the global RNG is reset).
enum class RandomDraw { ReproducibleCpu, ModelDevice };

void init_bloom_weights(BloomModelImpl& model, std::uint64_t seed, RandomDraw draw = RandomDraw::ReproducibleCpu);

BloomModel make_random_bloom(const BloomConfig& config, const torch::TensorOptions& options, std::uint64_t seed,
                             const WeightFormat& format = {}, RandomDraw draw = RandomDraw::ReproducibleCpu);

}  // namespace lacos
