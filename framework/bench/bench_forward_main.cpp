// lacos-bench-forward: forward-pass (inference) throughput of a random BLOOM of a given shape:
// tokens/s and sentences/s over fixed-size batches, after warm-up. Prints numbers only.
#include "apps/app_main.h"
#include "core/dtype.h"
#include "distributed/process_placement.h"
#include "model/pooling.h"
#include "model/random_init.h"

#include <CLI/CLI.hpp>

#include <chrono>

int main(int argc, char** argv) {
  return lacos::run_main("lacos-bench-forward", [&] {
    std::string shape = "bloom-560m", dtype = "float32", device = "auto";
    std::int64_t batch = 8, seq = 64;
    int warmup = 1, steps = 5, threads = 0;
    CLI::App app{"Measure BLOOM forward throughput on random weights", "lacos-bench-forward"};
    app.add_option("--shape", shape, "bloom-560m | bloom-1b1 | bloom-1b7 | bloom-3b | bloom-7b1")
        ->capture_default_str();
    app.add_option("--dtype", dtype, "float32 | bfloat16 | float16 (CUDA)")->capture_default_str();
    app.add_option("--device", device, "auto | cpu | cuda")->capture_default_str();
    app.add_option("--batch", batch, "sequences per batch")->capture_default_str();
    app.add_option("--seq", seq, "tokens per sequence")->capture_default_str();
    app.add_option("--warmup", warmup, "untimed batches")->capture_default_str();
    app.add_option("--steps", steps, "timed batches")->capture_default_str();
    app.add_option("--threads", threads, "CPU threads (default: this rank's cores)");
    CLI11_PARSE(app, argc, argv);
    const lacos::ThreadSetup setup = lacos::configure_threads_for_this_rank(threads);
    const torch::ScalarType compute = lacos::parse_compute_dtype(dtype);
    const torch::Device target = lacos::parse_device(device);
    lacos::check_dtype_supported(compute, target);
    const lacos::BloomConfig config = lacos::BloomConfig::preset(shape);
    lacos::BloomModel model =
        lacos::make_random_bloom(config, torch::TensorOptions().dtype(compute).device(target), /*seed=*/0);
    model->eval();
    torch::NoGradGuard no_grad;
    const torch::Tensor ids = torch::randint(4, config.vocab_size, {batch, seq}, torch::kInt64);
    const torch::Tensor mask = torch::ones({batch, seq}, torch::kInt64);
    const auto run_once = [&] {
      torch::Tensor pooled = lacos::pool(model->forward(ids, mask), mask, lacos::Pooling::Mean);
      pooled.sum().item<float>();  // waits for the device
    };
    for (int i = 0; i < warmup; ++i) run_once();
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < steps; ++i) run_once();
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const double tokens_per_second = steps * batch * seq / seconds;
    std::printf(
        "%s %s on %s (%d threads): batch %lld x %lld tokens, %d steps: %.0f tokens/s, %.1f sentences/s, "
        "%.1f GFLOP/s (2 x %lld non-embedding params x tokens/s)\n",
        shape.c_str(), dtype.c_str(), target.str().c_str(), setup.threads, static_cast<long long>(batch),
        static_cast<long long>(seq), steps, tokens_per_second, tokens_per_second / seq,
        2.0 * config.non_embedding_parameter_count() * tokens_per_second / 1e9,
        static_cast<long long>(config.non_embedding_parameter_count()));
    return 0;
  });
}
