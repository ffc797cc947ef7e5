// lacos-bench-train-step: one LoRA + MNR training step (forward and backward over anchors and
// positives) on a random BLOOM of a given shape, with a float or int8 base: step time, resident
// model bytes and peak tensor memory (CPU allocator; CUDA's peak allocated on a GPU).
#include "apps/app_main.h"
#include "core/device_memory.h"
#include "core/dtype.h"
#include "distributed/process_placement.h"
#include "lora/apply_lora.h"
#include "model/random_init.h"
#include "train/mnr_step.h"

#include <CLI/CLI.hpp>

#include <chrono>

int main(int argc, char** argv) {
  return lacos::run_main("lacos-bench-train-step", [&] {
    std::string shape = "bloom-560m", dtype = "float32", device = "cpu", base = "float";
    std::int64_t pairs = 8, tokens = 32, rank = 8;
    int steps = 2;
    CLI::App app{"Measure a LoRA + MNR training step", "lacos-bench-train-step"};
    app.add_option("--shape", shape, "bloom-560m ... bloom-7b1")->capture_default_str();
    app.add_option("--dtype", dtype, "compute dtype")->capture_default_str();
    app.add_option("--device", device, "cpu | cuda")->capture_default_str();
    app.add_option("--base-weights", base, "float | int8 | int8-rowwise | int8-block<N>")->capture_default_str();
    app.add_option("--pairs", pairs, "anchor/positive pairs per step")->capture_default_str();
    app.add_option("--tokens", tokens, "tokens per sentence")->capture_default_str();
    app.add_option("--rank", rank, "LoRA rank (alpha = 2 r, query_key_value)")->capture_default_str();
    app.add_option("--steps", steps, "timed steps (after one warm-up)")->capture_default_str();
    CLI11_PARSE(app, argc, argv);
    lacos::configure_threads_for_this_rank();
    const torch::Device target = lacos::parse_device(device);
    const torch::ScalarType compute = lacos::parse_compute_dtype(dtype);
    lacos::check_dtype_supported(compute, target);
    lacos::reset_peak_memory(target);  // on the CPU: installs the tracker before the model exists

    const lacos::BloomConfig config = lacos::BloomConfig::preset(shape);
    const std::int64_t before = lacos::current_memory_bytes(target);
    lacos::BloomModel model = lacos::make_random_bloom(config, torch::TensorOptions().dtype(compute).device(target), 0,
                                                       lacos::WeightFormat::parse(base));
    lacos::LoraConfig lora;
    lora.r = rank;
    lora.alpha = 2.0 * rank;
    lora.dropout = 0.05;
    torch::manual_seed(0);
    lacos::apply_lora(*model, lora);
    model->train();
    double model_bytes = 0;
    for (const auto& p : model->parameters()) model_bytes += p.numel() * p.element_size();
    for (const auto& b : model->buffers()) model_bytes += b.numel() * b.element_size();

    lacos::SiameseEncoder encoder(model, lacos::Pooling::Mean, 3, tokens);
    lacos::PairBatch batch;
    for (std::int64_t i = 0; i < pairs; ++i) {
      const auto sentence = [&](std::int64_t salt) {
        lacos::TokenIds ids;
        for (std::int64_t t = 0; t < tokens; ++t)
          ids.push_back(static_cast<std::int32_t>(4 + (i * 7919 + t * 104729 + salt) % 250000));
        return ids;
      };
      batch.anchors.push_back(sentence(1));
      batch.positives.push_back(sentence(2));
    }
    const auto step = [&] {
      lacos::mnr_backward(encoder, batch, {20.0, false}).item<double>();
      for (auto& [name, parameter] : lacos::trainable_parameters(*model)) parameter.mutable_grad() = torch::Tensor();
    };
    step();  // warm-up
    lacos::reset_peak_memory(target);
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < steps; ++i) step();
    lacos::synchronize(target);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() / steps;
    const double peak = static_cast<double>(lacos::peak_memory_bytes(target) - before);
    std::printf(
        "%s %s base=%s on %s, LoRA r=%lld on query_key_value, %lld pairs x %lld tokens: step %.3f s "
        "(%.0f tokens/s), model %.3f GiB (%.3f bytes/parameter), peak tensor memory %.3f GiB\n",
        shape.c_str(), dtype.c_str(), base.c_str(), target.str().c_str(), static_cast<long long>(rank),
        static_cast<long long>(pairs), static_cast<long long>(tokens), seconds, 2.0 * pairs * tokens / seconds,
        model_bytes / (1 << 30), model_bytes / config.parameter_count(), peak / (1 << 30));
    return 0;
  });
}
