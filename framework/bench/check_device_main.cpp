// lacos-check-device: what a device (and the LibTorch on it) must compute before lacos is trusted
// there, in seconds. Prints one line per check and exits 1 when one fails:
//   - HF parity on the fixtures (tests/fixtures: hidden states and mean pooling that transformers
//     computed): float32 within 1e-4 on real tokens, bfloat16 with min cosine > 0.999;
//   - the fused attention (on CUDA: SDPA limited to the memory-efficient kernel) against the
//     explicit path, forward and backward (LoRA gradients), with padded rows and float ALiBi masks,
//     at lengths where cuDNN's attention backward gave NaN (L % 128 == 64) and one that is not.
// Run by launch/gpu-check.sh on the GPU machine; runs on a CPU as well (the fused path is then
// LibTorch's CPU kernel).
#include "apps/app_main.h"
#include "core/dtype.h"
#include "distributed/process_placement.h"
#include "io/torch_safetensors.h"
#include "lora/apply_lora.h"
#include "model/bloom_attention.h"
#include "model/checkpoint_loader.h"
#include "model/pooling.h"
#include "model/random_init.h"

#include <CLI/CLI.hpp>

#include <cstdio>

namespace lacos {
namespace {

int failures = 0;

void report(bool ok, const std::string& line) {
  std::printf("%s %s\n", ok ? "PASS" : "FAIL", line.c_str());
  std::fflush(stdout);
  if (!ok) ++failures;
}

void check_parity(const std::filesystem::path& fixtures, const torch::Device& device) {
  torch::NoGradGuard no_grad;
  for (const std::string name : {"tiny-bloom-a", "tiny-bloom-b"}) {
    const auto reference = load_safetensors(fixtures / name / "reference.safetensors");
    for (const std::string padding : {"right", "left"}) {
      const torch::Tensor ids = reference.at(padding + ".input_ids");
      const torch::Tensor mask = reference.at(padding + ".attention_mask");
      const torch::Tensor expected = reference.at(padding + ".last_hidden_state");
      const torch::Tensor pooled_expected = reference.at(padding + ".mean_pooled");
      for (torch::ScalarType dtype : {torch::kFloat32, torch::kBFloat16}) {
        ModelLoadOptions options;
        options.device = device;
        options.dtype = dtype;
        BloomModel model = load_bloom(fixtures / name, options);
        const torch::Tensor hidden = model->forward(ids, mask).to(torch::kCPU).to(torch::kFloat32);
        const torch::Tensor pooled = pool(hidden, mask, Pooling::Mean);
        const std::string what =
            fmt::format("parity {} {} padding {} on {}", name, padding, dtype_name(dtype), device.str());
        if (dtype == torch::kFloat32) {
          const torch::Tensor real = mask.to(torch::kBool).unsqueeze(-1).expand_as(expected);
          const double hidden_error = (hidden - expected).abs().masked_select(real).max().item<double>();
          const double pooled_error = (pooled - pooled_expected).abs().max().item<double>();
          report(hidden_error <= 1e-4 && pooled_error <= 1e-4,
                 fmt::format("{}: max |hidden - HF| {:.3g}, max |pooled - HF| {:.3g} (limit 1e-4)", what, hidden_error,
                             pooled_error));
        } else {
          const double cosine = torch::cosine_similarity(pooled, pooled_expected, 1).min().item<double>();
          report(cosine > 0.999, fmt::format("{}: min cosine to HF float32 {:.5f} (limit 0.999)", what, cosine));
        }
      }
    }
  }
}

// LoRA gradients and the output of one forward + backward, with the given attention kernel.
std::vector<torch::Tensor> attention_run(BloomModel& model, const torch::Tensor& ids, const torch::Tensor& mask,
                                         AttentionKernel kernel) {
  set_attention_kernel(kernel);
  const torch::Tensor hidden = model->forward(ids, mask);
  pool(hidden, mask, Pooling::Mean).pow(2).sum().backward();
  std::vector<torch::Tensor> out = {hidden.detach().to(torch::kFloat32).to(torch::kCPU)};
  for (auto& [name, parameter] : trainable_parameters(*model)) {
    out.push_back(parameter.grad().to(torch::kCPU).clone());
    parameter.mutable_grad() = torch::Tensor();
  }
  set_attention_kernel(AttentionKernel::automatic);
  return out;
}

void check_attention_backward(const torch::Device& device) {
  for (torch::ScalarType dtype : {torch::kFloat32, torch::kBFloat16}) {
    for (std::int64_t length : {64, 192, 100}) {
      BloomConfig config = BloomConfig::preset("bloom-560m");
      config.vocab_size = 512;
      config.hidden_size = 128;
      config.n_layer = 2;
      config.n_head = 4;
      BloomModel model = make_random_bloom(config, torch::TensorOptions().dtype(dtype).device(device), /*seed=*/7);
      LoraConfig lora;
      torch::manual_seed(7);
      apply_lora(*model, lora);
      // LoRA B starts at zero, so A's gradient would be zero: give B values first.
      {
        torch::NoGradGuard no_grad;
        for (auto& [name, parameter] : trainable_parameters(*model)) parameter.normal_(0, 0.02);
      }
      model->train();
      torch::manual_seed(8);
      const torch::Tensor ids = torch::randint(4, config.vocab_size, {4, length}, torch::kInt64);
      torch::Tensor mask = torch::ones({4, length}, torch::kInt64);
      mask[1].narrow(0, length / 2, length - length / 2).zero_();  // right padding
      mask[2].narrow(0, 0, length / 3).zero_();                    // left padding
      const auto math = attention_run(model, ids, mask, AttentionKernel::math);
      const auto fused = attention_run(model, ids, mask, AttentionKernel::fused);
      double worst = 0;
      bool finite = true;
      for (std::size_t i = 0; i < math.size(); ++i) {
        finite = finite && torch::isfinite(fused[i]).all().item<bool>();
        const double scale = std::max(math[i].abs().max().item<double>(), 1e-12);
        worst = std::max(worst, ((fused[i] - math[i]).abs().max() / scale).item<double>());
      }
      const double limit = dtype == torch::kFloat32 ? 1e-4 : 0.05;
      report(finite && worst <= limit,
             fmt::format("fused attention vs explicit, {} on {}, L = {}: output and {} LoRA gradients {}, max error / "
                         "max |value| {:.3g} (limit {:g})",
                         dtype_name(dtype), device.str(), length, math.size() - 1, finite ? "finite" : "NOT FINITE",
                         worst, limit));
    }
  }
}

int run(int argc, char** argv) {
  std::string device_name = "auto";
  std::string fixtures = "tests/fixtures";
  CLI::App app{"Checks that a device computes what lacos expects (HF parity, fused attention backward)",
               "lacos-check-device"};
  app.add_option("--device", device_name, "auto | cpu | cuda[:N]")->capture_default_str();
  app.add_option("--fixtures", fixtures, "the fixtures folder (tests/fixtures of the checkout)")->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  configure_threads_for_this_rank();
  const torch::Device device = parse_device(device_name);
  check_parity(fixtures, device);
  check_attention_backward(device);
  std::printf("lacos-check-device: %d check(s) failed\n", failures);
  return failures == 0 ? 0 : 1;
}

}  // namespace
}  // namespace lacos

int main(int argc, char** argv) {
  return lacos::run_main("lacos-check-device", [&] { return lacos::run(argc, argv); });
}
