#include "core/dtype.h"

#include "core/error.h"

#include <ATen/cpu/Utils.h>
#include <torch/cuda.h>
#include <torch/torch.h>

#include <algorithm>
#include <chrono>

namespace lacos {

torch::ScalarType parse_compute_dtype(const std::string& name, const std::string& key) {
  if (name == "float32" || name == "fp32" || name == "float") return torch::kFloat32;
  if (name == "bfloat16" || name == "bf16") return torch::kBFloat16;
  if (name == "float16" || name == "fp16" || name == "half") return torch::kFloat16;
  fail("{}: unknown dtype '{}' (expected float32, bfloat16 or float16)", key, name);
}

std::string dtype_name(torch::ScalarType dtype) {
  switch (dtype) {
    case torch::kFloat32: return "float32";
    case torch::kBFloat16: return "bfloat16";
    case torch::kFloat16: return "float16";
    default: return c10::toString(dtype);
  }
}

namespace {

// Seconds of the fastest of a few 512 x 512 matmuls in `dtype` on the CPU.
double matmul_seconds(torch::ScalarType dtype) {
  torch::NoGradGuard no_grad;
  const torch::Tensor a = torch::randn({512, 512}).to(dtype);
  const torch::Tensor b = torch::randn({512, 512}).to(dtype);
  torch::matmul(a, b);  // warm-up (kernel selection, buffers)
  double best = 1e30;
  for (int i = 0; i < 3; ++i) {
    const auto start = std::chrono::steady_clock::now();
    torch::matmul(a, b);
    best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  return best;
}

}  // namespace

bool cpu_has_fast_bfloat16() {
  static const bool fast = [] {
    const auto capabilities = at::cpu::get_cpu_capabilities();
    const auto has = [&](const char* name) {
      const auto it = capabilities.find(name);
      return it != capabilities.end() && it->second.isBool() && it->second.toBool();
    };
    if (!has("avx512_bf16") && !has("amx_bf16")) return false;
    return 1.2 * matmul_seconds(torch::kBFloat16) <= matmul_seconds(torch::kFloat32);
  }();
  return fast;
}

torch::ScalarType default_compute_dtype(const torch::Device& device) {
  if (device.is_cuda()) return torch::kBFloat16;
  return cpu_has_fast_bfloat16() ? torch::kBFloat16 : torch::kFloat32;
}

torch::ScalarType parse_compute_dtype_for(const std::string& name, const torch::Device& device,
                                          const std::string& key) {
  return name == "auto" ? default_compute_dtype(device) : parse_compute_dtype(name, key);
}

void check_dtype_supported(torch::ScalarType dtype, const torch::Device& device) {
  if (dtype == torch::kFloat16 && !device.is_cuda()) {
    fail(
        "float16 needs a CUDA device (LibTorch's CPU half-precision kernels are partial and slow); "
        "use --dtype bfloat16 or float32 on CPU");
  }
}

torch::Device parse_device(const std::string& name) {
  if (name == "auto") return torch::cuda::is_available() ? torch::Device(torch::kCUDA, 0) : torch::Device(torch::kCPU);
  try {
    torch::Device device(name);
    if (device.is_cuda() && !torch::cuda::is_available()) {
      fail("device '{}' requested but CUDA is not available in this build or on this machine", name);
    }
    return device;
  } catch (const c10::Error&) {
    fail("unknown device '{}' (expected cpu, cuda, cuda:N or auto)", name);
  }
}

}  // namespace lacos
