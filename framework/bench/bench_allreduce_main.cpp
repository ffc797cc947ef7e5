// lacos-bench-allreduce: what data parallelism moves per step. For each BLOOM shape, the LoRA
// adapter (query_key_value, rank r) that GradientSync all-reduces: parameters, bytes per step,
// buckets, the bytes a rank sends in a ring all-reduce, and the measured time of one gradient
// average over this job's communicator (run it under mpirun -n N; alone it times nothing).
//
// The adapter's shapes come from apply_lora on one layer of each shape (small vocabulary: the
// embedding carries no adapter), so the figures follow the code, not a formula kept beside it.
#include "apps/app_main.h"
#include "distributed/gradient_sync.h"
#include "distributed/make_communicator.h"
#include "distributed/mpi_environment.h"
#include "distributed/process_placement.h"
#include "lora/apply_lora.h"
#include "model/random_init.h"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <chrono>
#include <iostream>

namespace {

// The trainable adapter tensors of the whole model: one layer's, repeated per layer.
std::vector<std::pair<std::string, torch::Tensor>> adapter_of(const std::string& shape, std::int64_t rank) {
  lacos::BloomConfig one_layer = lacos::BloomConfig::preset(shape);
  const std::int64_t layers = one_layer.n_layer;
  one_layer.n_layer = 1;
  one_layer.vocab_size = 16;
  lacos::BloomModel model =
      lacos::make_random_bloom(one_layer, torch::TensorOptions(), 0, lacos::WeightFormat::parse("int8"));
  lacos::LoraConfig lora;
  lora.r = rank;
  lora.alpha = 2.0 * rank;
  lacos::apply_lora(*model, lora);
  std::vector<std::pair<std::string, torch::Tensor>> parameters;
  for (std::int64_t layer = 0; layer < layers; ++layer) {
    for (const auto& [name, parameter] : lacos::trainable_parameters(*model)) {
      parameters.emplace_back(fmt::format("layer{}.{}", layer, name),
                              torch::randn(parameter.sizes()).requires_grad_(true));
    }
  }
  return parameters;
}

}  // namespace

int main(int argc, char** argv) {
  lacos::MpiEnvironment mpi(&argc, &argv);
  return lacos::run_main("lacos-bench-allreduce", [&] {
    std::int64_t rank = 8, bucket_mb = 64;
    int repeats = 20;
    std::vector<std::string> shapes = {"bloom-560m", "bloom-1b1", "bloom-1b7", "bloom-3b", "bloom-7b1"};
    CLI::App app{"Adapter all-reduce volume and time per training step", "lacos-bench-allreduce"};
    app.add_option("--rank", rank, "LoRA rank")->capture_default_str();
    app.add_option("--shapes", shapes, "BLOOM shapes")->capture_default_str();
    app.add_option("--repeats", repeats, "timed all-reduces per shape (median reported)")->capture_default_str();
    app.add_option("--bucket-mb", bucket_mb, "bucket cap (dist.bucket_mb)")->capture_default_str();
    CLI11_PARSE(app, argc, argv);
    lacos::configure_threads_for_this_rank();
    const auto communicator = lacos::make_communicator(lacos::DistOptions{}, torch::kCPU);  // backend auto
    const int ranks = communicator->size();
    const bool report = communicator->rank() == 0;
    if (report) {
      std::cout << fmt::format("LoRA r={} on query_key_value, float32 gradients, {} rank(s), backend {}\n", rank, ranks,
                               communicator->backend());
      std::cout << "| shape | adapter params | bytes per step | buckets | ring bytes sent per rank | "
                   "median all-reduce ms | algorithm GB/s |\n|---|---|---|---|---|---|---|\n";
    }
    for (const std::string& shape : shapes) {
      auto parameters = adapter_of(shape, rank);
      std::int64_t count = 0;
      for (auto& [name, parameter] : parameters) {
        count += parameter.numel();
        parameter.mutable_grad() = torch::randn(parameter.sizes());
      }
      lacos::GradientSync sync(*communicator, parameters, bucket_mb << 20);
      const double bytes = static_cast<double>(sync.bytes_per_step());
      std::vector<double> milliseconds;
      for (int i = 0; i < (ranks > 1 ? repeats + 2 : 0); ++i) {
        communicator->barrier();
        const auto start = std::chrono::steady_clock::now();
        sync.average_gradients();
        if (i >= 2)
          milliseconds.push_back(
              std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
      }
      std::sort(milliseconds.begin(), milliseconds.end());
      const double median = milliseconds.empty() ? 0.0 : milliseconds[milliseconds.size() / 2];
      if (report) {
        std::cout << fmt::format("| {} | {} | {:.2f} MB | {} | {:.2f} MB | {} | {} |\n", shape, count, bytes / 1e6,
                                 sync.bucket_count(), 2.0 * (ranks - 1) / ranks * bytes / 1e6,
                                 ranks > 1 ? fmt::format("{:.2f}", median) : "-",
                                 ranks > 1 ? fmt::format("{:.2f}", bytes / (median * 1e6)) : "-");
      }
    }
    return 0;
  });
}
