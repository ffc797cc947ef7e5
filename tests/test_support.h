// Paths and helpers shared by the tests.
#pragma once

#include "core/error.h"
#include "model/bloom_config.h"
#include "model/bloom_model.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

namespace lacos::test {

std::filesystem::path fixture(const std::string& relative);  // tests/fixtures/...
// A model folder under LACOS_MODELS, else ../shared/models. Skips the test when absent, and
// fails it instead when LACOS_REQUIRE_SHARED=1 (as CI sets), so CI never passes by skipping.
std::filesystem::path shared_model(const std::string& name);
// A file under LACOS_DATA, else ../shared/data; absent: as shared_model.
std::filesystem::path shared_data(const std::string& relative);
std::filesystem::path bin(const std::string& program);  // build/bin/<program>

// tiny-bloom-a with dropout 0.1 everywhere (hidden, attention, adapter input) and rank-4 LoRA
// adapters on `targets` holding random non-zero values, in training mode: gradients through it
// only agree when dropout masks are replayed exactly.
BloomModel tiny_bloom_with_dropout(std::uint64_t seed, const std::vector<std::string>& targets);

// Largest |actual - expected| over positions where `mask` is 1 (HF's states at padding are
// arbitrary). actual/expected: [B, L, H]; mask: [B, L].
double max_error_on_real_tokens(const torch::Tensor& actual, const torch::Tensor& expected, const torch::Tensor& mask);
// The real tokens of each row of a padded [B, L] int64 batch.
std::vector<std::vector<std::int32_t>> rows_of(const torch::Tensor& ids, const torch::Tensor& mask);

// A BLOOM shape for random test models.
BloomConfig bloom_config(std::int64_t vocab_size, std::int64_t hidden_size, std::int64_t layers, std::int64_t heads);

// A fresh empty folder, removed when the test ends.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

void write_bytes(const std::filesystem::path& path, const std::string& bytes);
std::string read_bytes(const std::filesystem::path& path);

struct CommandResult {
  int exit_code = 0;
  std::string output;  // stdout and stderr together
};
// Runs a shell command line and captures its output.
CommandResult run_command(const std::string& command_line);
// A path in single quotes, for command lines (the test paths hold no quote).
std::string quoted(const std::filesystem::path& path);
// Starts `/bin/sh -c command_line` in the background and returns its pid (for the caller to
// signal and wait for). Only fork and exec happen in the child: in a multithreaded process
// anything else (a malloc) could wait for ever on a lock another thread held at fork time.
int start_in_background(const std::string& command_line);

// The inputs of the small training experiments: conf/model/a.yaml (the tiny-bloom-a fixture),
// data/pairs.tsv (40 pairs about cats) and data/sts.tsv (5 scored pairs) under `dir`.
void write_cat_experiment_inputs(const std::filesystem::path& dir);

// Declares `var` as a shared model folder / data file, leaving the test when it is absent.
#define LACOS_SHARED_MODEL(var, name)                                  \
  const std::filesystem::path var = ::lacos::test::shared_model(name); \
  if (::testing::Test::IsSkipped() || ::testing::Test::HasFatalFailure()) return
#define LACOS_SHARED_DATA(var, relative)                                  \
  const std::filesystem::path var = ::lacos::test::shared_data(relative); \
  if (::testing::Test::IsSkipped() || ::testing::Test::HasFatalFailure()) return

// Expects `statement` to throw lacos::Error whose message contains `fragment`.
#define EXPECT_ERROR_CONTAINS(statement, fragment)                                            \
  do {                                                                                        \
    try {                                                                                     \
      statement;                                                                              \
      ADD_FAILURE() << "expected an error containing '" << (fragment) << "', nothing thrown"; \
    } catch (const ::lacos::Error& e) {                                                       \
      EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos)                      \
          << "message: " << e.what() << "\nexpected to contain: " << (fragment);              \
    }                                                                                         \
  } while (0)

}  // namespace lacos::test
