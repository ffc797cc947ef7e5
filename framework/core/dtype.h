// Compute dtypes by name, checked against the device they will run on.
#pragma once

#include <torch/types.h>

#include <string>

namespace lacos {

// "float32" | "bfloat16" | "float16" (also "fp32", "bf16", "fp16"); `key` names the option in
// errors.
torch::ScalarType parse_compute_dtype(const std::string& name, const std::string& key = "--dtype");
std::string dtype_name(torch::ScalarType dtype);

// float16 runs on CUDA only: LibTorch 1.13's CPU kernels lack half-precision matmul and
// LayerNorm. Throws an Error saying so.
void check_dtype_supported(torch::ScalarType dtype, const torch::Device& device);

// "cpu", "cuda", "cuda:1"; "auto" picks CUDA when available.
torch::Device parse_device(const std::string& name);

}  // namespace lacos
