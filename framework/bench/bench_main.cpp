// lacos-bench: the GPU performance workload of docs/performance.md, on random weights of real
// BLOOM shapes. Per shape and setting: a LoRA + MNR training step (r=8, alpha=16, dropout 0.05
// on query_key_value, mean pooling, scale 20, 8-bit AdamW on the adapters: lacos-exp's recipe,
// run through the same TrainStep as its trainer; 32 pairs = 64 sequences x 64 tokens) timed as
// the mean of N steps after warm-up (the host never waits for the device inside a step), the peak allocated memory of those steps,
// model FLOP utilisation (4 x non-embedding parameters x tokens/s over the device's peak), and
// embedding throughput (128 x 64 sentences, no gradient, tokenization excluded).
//
// Settings: `default` = 8-bit base (int8 embeddings included), bf16 compute on CUDA (on a CPU
//                       bf16 only where it is native and measured faster, else float32: --dtype auto);
//           `lean`    = the same plus activation checkpointing.
// With no arguments on a CPU it runs a small shape with fewer steps (about a minute), so CI runs
// it; on a GPU it runs bloom-560m, bloom-1b7 and bloom-7b1. --json prints one JSON object.
#include "apps/app_main.h"
#include "core/device_memory.h"
#include "core/device_transfer.h"
#include "core/dtype.h"
#include "core/host_sync.h"
#include "core/path_status.h"
#include "core/process_memory.h"
#include "distributed/communicator.h"
#include "distributed/process_placement.h"
#include "embed/batch_encoder.h"
#include "lora/apply_lora.h"
#include "model/checkpoint_loader.h"
#include "model/pooling.h"
#include "model/random_init.h"
#include "train/train_step.h"

#include <torch/csrc/autograd/profiler_legacy.h>
#include <torch/cuda.h>
#include <torch/version.h>
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <iostream>

namespace lacos {
namespace {

struct Workload {
  std::int64_t pairs = 32;
  std::int64_t tokens = 64;
  int warmup = 3;
  int steps = 10;
  std::int64_t embed_sentences = 128;
  std::string optimizer = "adamw8bit";
  std::string base = "int8";
  SyncDebug sync_debug = SyncDebug::off;  // --sync-debug: the timed training steps under CUDA's sync-debug mode
  std::string profile;                    // --profile: a Chrome trace of the timed training steps
  torch::ScalarType dtype = torch::kBFloat16;
  torch::Device device = torch::kCPU;
};

// The CPU stand-in: BLOOM's vocabulary and head size, four narrow layers.
BloomConfig shape_config(const std::string& shape) {
  if (shape != "small") return BloomConfig::preset(shape);
  BloomConfig config = BloomConfig::preset("bloom-560m");
  config.hidden_size = 256;
  config.n_layer = 4;
  config.n_head = 4;
  return config;
}

// Deterministic full-length sentences of random-looking ids (no padding, as the baseline).
std::vector<TokenIds> sentences(std::int64_t count, std::int64_t tokens, std::int64_t vocab, std::int64_t salt) {
  std::vector<TokenIds> out(static_cast<std::size_t>(count));
  for (std::int64_t i = 0; i < count; ++i) {
    for (std::int64_t t = 0; t < tokens; ++t) {
      out[static_cast<std::size_t>(i)].push_back(
          static_cast<std::int32_t>(4 + (i * 7919 + t * 104729 + salt) % (vocab - 4)));
    }
  }
  return out;
}

// Mean seconds of `body` over `repeats` runs after `warmup`; the host waits for the device only at
// both ends, so queued work overlaps as in training. `sync_debug` covers the timed runs alone.
template <typename Body>
double mean_seconds(const torch::Device& device, int warmup, int repeats, Body&& body,
                    SyncDebug sync_debug = SyncDebug::off, const std::string& profile = "") {
  for (int i = 0; i < warmup; ++i) body();
  synchronize(device);
  reset_peak_memory(device);
  const auto start = std::chrono::steady_clock::now();
  {
    SyncDebugScope sync_check(device, sync_debug);
    // LibTorch's profiler records every operator of the timed runs (and slows them: the time
    // printed is then the profiled time).
    std::unique_ptr<torch::autograd::profiler::RecordProfile> recording;
    if (!profile.empty()) recording = std::make_unique<torch::autograd::profiler::RecordProfile>(profile);
    for (int i = 0; i < repeats; ++i) body();
  }
  synchronize(device);
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() / repeats;
}

// A BLOOM of a named shape with random weights, or (a shape that is a folder) a HF model folder.
BloomModel open_model(const std::string& shape, const Workload& w) {
  if (is_folder(shape)) {
    ModelLoadOptions options;
    options.dtype = w.dtype;
    options.device = w.device;
    options.base_weights = WeightFormat::parse(w.base);
    return load_bloom(shape, options);
  }
  return make_random_bloom(shape_config(shape), torch::TensorOptions().dtype(w.dtype).device(w.device), /*seed=*/0,
                           WeightFormat::parse(w.base), RandomDraw::ModelDevice);
}

nlohmann::json measure(const std::string& shape, const std::string& setting, const Workload& w, double peak_tflops,
                       bool with_embedding) {
  BloomModel model = open_model(shape, w);
  const BloomConfig config = model->config();
  LoraConfig lora;
  lora.r = 8;
  lora.alpha = 16;
  lora.dropout = 0.05;
  torch::manual_seed(0);
  apply_lora(*model, lora);
  model->set_activation_checkpointing(setting == "lean");
  nlohmann::json row = {{"shape", shape},
                        {"setting", setting},
                        {"base", w.base},
                        {"dtype", dtype_name(w.dtype)},
                        {"params_total", config.parameter_count()},
                        {"params_non_embedding", config.non_embedding_parameter_count()}};

  // Training step.
  SiameseEncoder encoder(model, Pooling::Mean, /*pad_id=*/3, w.tokens);
  PairBatch batch;
  batch.anchors = sentences(w.pairs, w.tokens, config.vocab_size, 1);
  batch.positives = sentences(w.pairs, w.tokens, config.vocab_size, 2);
  TrainerOptions recipe;  // lacos-exp's defaults (config_schema.cpp): MNR scale 20, no clipping
  recipe.optimizer = AdamOptions::from_name(w.optimizer, "--optimizer");
  TrainStep train_step(encoder, trainable_parameters(*model), recipe, single_process_communicator());
  model->train();
  const double step_seconds = mean_seconds(
      w.device, w.warmup, w.steps, [&] { train_step.run(batch, /*learning_rate=*/1e-4, /*with_norm=*/false); },
      w.sync_debug, w.profile);
  row["optimizer_fraction_8bit"] = train_step.optimizer().fraction_8bit();
  const double tokens_per_step = 2.0 * w.pairs * w.tokens;
  const double tokens_per_second = tokens_per_step / step_seconds;
  row["tokens_per_step"] = tokens_per_step;
  row["step_seconds"] = step_seconds;
  row["tokens_per_second"] = tokens_per_second;
  row["peak_allocated_bytes"] = peak_memory_bytes(w.device);
  row["mfu"] = 4.0 * config.non_embedding_parameter_count() * tokens_per_second / (peak_tflops * 1e12);

  // Embedding: the lacos-embed path on pre-tokenized batches.
  if (with_embedding) {
    model->eval();
    torch::NoGradGuard no_grad;
    const TokenBatch tokens =
        make_token_batch(sentences(w.embed_sentences, w.tokens, config.vocab_size, 3), 3, PaddingSide::Right, w.tokens);
    const torch::Tensor mask = to_device(tokens.attention_mask, w.device);
    const double seconds = mean_seconds(w.device, w.warmup, w.steps, [&] {
      pool(model->forward(tokens.input_ids, mask), mask, Pooling::Mean).to(torch::kCPU);
    });
    row["embed_sentences_per_second"] = static_cast<double>(w.embed_sentences) / seconds;
    row["embed_peak_allocated_bytes"] = peak_memory_bytes(w.device);
  }
  // The whole process's high-water mark (loading included): compare one shape per process.
  row["peak_resident_bytes"] = resident_peak_bytes();
  return row;
}

// The device's dense matmul rate in the compute dtype, measured (for MFU where no peak is given).
double measured_matmul_tflops(const torch::Device& device, torch::ScalarType dtype) {
  const std::int64_t n = device.is_cuda() ? 8192 : 1024;
  const auto options = torch::TensorOptions().dtype(dtype).device(device);
  const torch::Tensor a = torch::randn({n, n}, options), b = torch::randn({n, n}, options);
  const double seconds = mean_seconds(device, 2, 5, [&] { torch::matmul(a, b); });
  return 2.0 * n * n * n / seconds / 1e12;
}

std::string gib(double bytes) { return fmt::format("{:.2f} GiB", bytes / (1024.0 * 1024.0 * 1024.0)); }

void print_table(const nlohmann::json& results) {
  std::cout << "| shape | setting | tokens/s | step ms | peak allocated | MFU | embedding sentences/s |\n"
               "|---|---|---|---|---|---|---|\n";
  for (const auto& row : results) {
    std::cout << fmt::format("| {} | {} | {:.0f} | {:.1f} | {} | {:.1f}% | {} |\n", row["shape"].get<std::string>(),
                             row["setting"].get<std::string>(), row["tokens_per_second"].get<double>(),
                             1e3 * row["step_seconds"].get<double>(), gib(row["peak_allocated_bytes"].get<double>()),
                             100.0 * row["mfu"].get<double>(),
                             row.contains("embed_sentences_per_second")
                                 ? fmt::format("{:.0f}", row["embed_sentences_per_second"].get<double>())
                                 : std::string("-"));
  }
}

int run(int argc, char** argv) {
  Workload w;
  std::string device = "auto", dtype = "auto";
  std::vector<std::string> shapes, settings = {"default", "lean"};
  double peak_tflops = 0;
  bool json = false;
  CLI::App app{"LoRA + MNR training and embedding throughput on random BLOOMs of real shapes", "lacos-bench"};
  app.add_option("--shapes", shapes,
                 "bloom-560m ... bloom-7b1, small, or a HF model folder (default: small on CPU; "
                 "560m, 1b7, 7b1 on GPU)");
  app.add_option("--settings", settings, "default (8-bit base) and/or lean (+ activation checkpointing)")
      ->capture_default_str();
  app.add_option("--device", device, "auto | cpu | cuda[:N]")->capture_default_str();
  app.add_option("--dtype", dtype,
                 "compute dtype: auto (bfloat16 on CUDA, and on a CPU where bfloat16 is native "
                 "and measured faster, else float32) | float32 | bfloat16 | float16")
      ->capture_default_str();
  app.add_option("--base", w.base, "frozen base weights: float | int8 | int8-rowwise | int8-block<N>")
      ->capture_default_str();
  app.add_option("--optimizer", w.optimizer, "adamw8bit (lacos-exp's default) | adamw | adam | adam8bit")
      ->capture_default_str();
  app.add_option("--pairs", w.pairs, "pairs per step (2 sequences each)")->capture_default_str();
  app.add_option("--tokens", w.tokens, "tokens per sequence")->capture_default_str();
  app.add_option("--warmup", w.warmup, "untimed steps first (default 3; 1 on CPU)");
  app.add_option("--steps", w.steps, "timed steps, mean reported (default 10; 3 on CPU)");
  app.add_option("--embed-sentences", w.embed_sentences, "sentences per embedding batch")->capture_default_str();
  app.add_option(
      "--peak-tflops", peak_tflops,
      "device peak for MFU (default on a GPU: 790, the H100's measured bf16 matmul; on a CPU: measured here)");
  app.add_flag("--json", json, "print one JSON object instead of the table");
  app.add_option("--profile", w.profile,
                 "write a Chrome trace (LibTorch's profiler) of the timed training steps to this file");
  bool sync_debug = false;
  app.add_flag("--sync-debug", sync_debug,
               "run the timed training steps under CUDA's sync-debug mode set to error: any host synchronisation "
               "inside a step fails the run (a no-op on the CPU)");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  configure_threads_for_this_rank();
  w.device = parse_device(device);
  if (sync_debug) w.sync_debug = SyncDebug::error;
  reset_peak_memory(w.device);  // on the CPU this installs the tracker before any model exists
  w.dtype = parse_compute_dtype_for(dtype, w.device);
  check_dtype_supported(w.dtype, w.device);
  const bool gpu = w.device.is_cuda();
  if (shapes.empty())
    shapes = gpu ? std::vector<std::string>{"bloom-560m", "bloom-1b7", "bloom-7b1"} : std::vector<std::string>{"small"};
  if (app.count("--warmup") == 0 && !gpu) w.warmup = 1;
  if (app.count("--steps") == 0 && !gpu) w.steps = 3;
  const bool peak_measured = peak_tflops <= 0 && !gpu;
  if (peak_tflops <= 0) peak_tflops = gpu ? 790.0 : measured_matmul_tflops(w.device, w.dtype);

  nlohmann::json results = nlohmann::json::array();
  for (const std::string& shape : shapes) {
    for (const std::string& setting : settings) {
      if (setting != "default" && setting != "lean")
        fail("--settings: unknown setting '{}' (expected default or lean)", setting);
      if (!json) std::fprintf(stderr, "lacos-bench: %s, %s ...\n", shape.c_str(), setting.c_str());
      results.push_back(measure(shape, setting, w, peak_tflops, /*with_embedding=*/setting == settings.front()));
    }
  }
  nlohmann::json report = {{"program", "lacos-bench"},
                           {"device", device_description(w.device)},
                           {"libtorch", TORCH_VERSION},
                           {"peak_tflops", peak_tflops},
                           {"peak_tflops_measured", peak_measured},
                           {"workload",
                            {{"pairs", w.pairs},
                             {"tokens", w.tokens},
                             {"warmup", w.warmup},
                             {"steps", w.steps},
                             {"optimizer", w.optimizer},
                             {"lora", "r=8 alpha=16 dropout=0.05 query_key_value"},
                             {"embed_sentences", w.embed_sentences}}},
                           {"results", results}};
  if (json) {
    std::cout << report.dump() << "\n";
  } else {
    std::cout << fmt::format(
        "lacos-bench on {} (LibTorch {}), {} pairs x 2 x {} tokens, mean of {} steps after {}; "
        "MFU against {:.3f} TFLOP/s ({})\n",
        report["device"].get<std::string>(), TORCH_VERSION, w.pairs, w.tokens, w.steps, w.warmup, peak_tflops,
        peak_measured ? "this CPU's measured matmul rate" : "given peak");
    print_table(results);
  }
  return 0;
}

}  // namespace
}  // namespace lacos

int main(int argc, char** argv) {
  return lacos::run_main("lacos-bench", [&] { return lacos::run(argc, argv); });
}
