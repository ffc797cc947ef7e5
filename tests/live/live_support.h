// The live parity tier: references the Python stack (transformers, PEFT, sentence-transformers,
// bitsandbytes) computes at test time, by tests/live/python_stack.py, into LACOS_LIVE_DIR.
// ctest runs `python_stack.py cases` first (fixture LivePythonStack); a test that needs a
// reference the script did not write skips, or fails where LACOS_REQUIRE_PYTHON_STACK=1 (CI).
#pragma once

#include "core/json_file.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <filesystem>
#include <map>
#include <string>

namespace lacos::live {

constexpr int kCases = LACOS_LIVE_CASES;

std::filesystem::path live_dir();           // where the references are
std::filesystem::path case_dir(int index);  // live_dir()/case-N
// Skips (or, when the stack is required, fails) the test when `path` was not written.
void require_reference(const std::filesystem::path& path);
// Runs `python_stack.py <arguments>` with the Python the build found LibTorch in.
void run_python_stack(const std::string& arguments);

// Largest |actual - expected| over all elements, in float32.
double max_error(const torch::Tensor& actual, const torch::Tensor& expected);

}  // namespace lacos::live

// Declares `var` as the references of case `index`, leaving the test when they are absent.
#define LACOS_LIVE_CASE(var, index)                                 \
  const std::filesystem::path var = ::lacos::live::case_dir(index); \
  ::lacos::live::require_reference(var / "reference.safetensors");  \
  if (::testing::Test::IsSkipped() || ::testing::Test::HasFatalFailure()) return
