// Compute dtypes by name, checked against the device they will run on.
#pragma once

#include <torch/types.h>

#include <string>

namespace lacos {

// "float32" | "bfloat16" | "float16" (also "fp32", "bf16", "fp16"); `key` names the option in
// errors.
torch::ScalarType parse_compute_dtype(const std::string& name, const std::string& key = "--dtype");
std::string dtype_name(torch::ScalarType dtype);

// The compute dtype where none is named ("auto"): bfloat16 on CUDA; on a CPU bfloat16 only where it
// is fast (cpu_has_fast_bfloat16), float32 elsewhere: on an AVX2-only CPU a bfloat16 training
// step ran about 20x slower than a float32 one, and even with AVX-512 BF16 the torch 2.11 wheel's
// bfloat16 matmul ran at 0.6x float32's speed on the development machine.
torch::ScalarType default_compute_dtype(const torch::Device& device);
// Whether bfloat16 is fast on this CPU with this LibTorch: the CPU has native bfloat16 arithmetic
// (AVX-512 BF16 or AMX BF16, as LibTorch detects them) and a bfloat16 matmul, timed once per
// process on a few 512 x 512 matmuls, runs at least 1.2x as fast as a float32 one (the margin keeps the choice
// stable where the two are close).
bool cpu_has_fast_bfloat16();
// parse_compute_dtype, with "auto" resolved by default_compute_dtype(device).
torch::ScalarType parse_compute_dtype_for(const std::string& name, const torch::Device& device,
                                          const std::string& key = "--dtype");

// float16 runs on CUDA only (LibTorch's CPU half-precision kernels are partial and slow).
// Throws an Error saying so.
void check_dtype_supported(torch::ScalarType dtype, const torch::Device& device);

// "cpu", "cuda", "cuda:1"; "auto" picks CUDA when available.
torch::Device parse_device(const std::string& name);

}  // namespace lacos
