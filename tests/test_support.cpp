#include "test_support.h"

#include "core/error.h"
#include "lora/apply_lora.h"
#include "model/checkpoint_loader.h"

#include <sys/wait.h>
#include <unistd.h>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>

namespace lacos::test {

namespace fs = std::filesystem;

fs::path fixture(const std::string& relative) { return fs::path(LACOS_TEST_FIXTURES) / relative; }

namespace {

fs::path shared_path(const char* env, const std::string& shared_sub, const std::string& relative) {
  const char* root = std::getenv(env);
  const fs::path base = root != nullptr && *root ? fs::path(root) : fs::path(LACOS_TEST_SHARED) / shared_sub;
  return base / relative;
}

void require_present(const fs::path& path, const char* env) {
  if (fs::exists(path)) return;
  const char* require = std::getenv("LACOS_REQUIRE_SHARED");
  const std::string message = "not found: " + path.string() + " (set " + env + " or put ../shared beside the checkout)";
  if (require != nullptr && std::string(require) == "1") {
    FAIL() << message;
  }
  GTEST_SKIP() << message;
}

}  // namespace

fs::path shared_model(const std::string& name) {
  fs::path path = shared_path("LACOS_MODELS", "models", name);
  require_present(path, "LACOS_MODELS");
  return path;
}

fs::path shared_data(const std::string& relative) {
  fs::path path = shared_path("LACOS_DATA", "data", relative);
  require_present(path, "LACOS_DATA");
  return path;
}

fs::path bin(const std::string& program) { return fs::path(LACOS_TEST_BIN_DIR) / program; }

BloomModel tiny_bloom_with_dropout(std::uint64_t seed, const std::vector<std::string>& targets) {
  BloomConfig config = BloomConfig::from_file(fixture("tiny-bloom-a/config.json"));
  config.hidden_dropout = 0.1;
  config.attention_dropout = 0.1;
  BloomModel model(config, torch::TensorOptions());
  load_checkpoint(*model, fixture("tiny-bloom-a"));
  LoraConfig lora;
  lora.r = 4;
  lora.dropout = 0.1;
  lora.target_modules = targets;
  torch::manual_seed(seed);
  apply_lora(*model, lora);
  for (auto& [name, parameter] : trainable_parameters(*model)) {
    torch::NoGradGuard no_grad;
    parameter.normal_(0, 0.05);
  }
  model->train();
  return model;
}

double max_error_on_real_tokens(const torch::Tensor& actual, const torch::Tensor& expected, const torch::Tensor& mask) {
  const torch::Tensor real = mask.to(torch::kBool).unsqueeze(-1).expand_as(expected);
  return (actual.to(torch::kFloat32) - expected).abs().masked_select(real).max().item<double>();
}

std::vector<std::vector<std::int32_t>> rows_of(const torch::Tensor& ids, const torch::Tensor& mask) {
  std::vector<std::vector<std::int32_t>> rows;
  const auto id = ids.accessor<std::int64_t, 2>();
  const auto real = mask.accessor<std::int64_t, 2>();
  for (std::int64_t r = 0; r < ids.size(0); ++r) {
    std::vector<std::int32_t> row;
    for (std::int64_t c = 0; c < ids.size(1); ++c) {
      if (real[r][c] == 1) row.push_back(static_cast<std::int32_t>(id[r][c]));
    }
    rows.push_back(row);
  }
  return rows;
}

BloomConfig bloom_config(std::int64_t vocab_size, std::int64_t hidden_size, std::int64_t layers, std::int64_t heads) {
  BloomConfig config;
  config.vocab_size = vocab_size;
  config.hidden_size = hidden_size;
  config.n_layer = layers;
  config.n_head = heads;
  return config;
}

TempDir::TempDir() {
  std::random_device device;
  path_ = fs::temp_directory_path() / ("lacos-test-" + std::to_string(device()) + std::to_string(device()));
  fs::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ignored;
  fs::remove_all(path_, ignored);
}

void write_bytes(const fs::path& path, const std::string& bytes) {
  if (path.has_parent_path()) fs::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
}

std::string read_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

std::string quoted(const std::filesystem::path& path) { return "'" + path.string() + "'"; }

CommandResult run_command(const std::string& command_line) {
  CommandResult result;
  std::FILE* pipe = ::popen((command_line + " 2>&1").c_str(), "r");
  if (pipe == nullptr) fail("cannot run: {}", command_line);
  std::array<char, 4096> buffer{};
  std::size_t read = 0;
  while ((read = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0) result.output.append(buffer.data(), read);
  const int status = ::pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128;
  return result;
}

int start_in_background(const std::string& command_line) {
  const char* line = command_line.c_str();
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::execl("/bin/sh", "sh", "-c", line, static_cast<char*>(nullptr));
    ::_exit(127);
  }
  return pid;
}

void write_cat_experiment_inputs(const std::filesystem::path& dir) {
  std::filesystem::create_directories(dir / "conf" / "model");
  write_bytes(dir / "conf" / "model" / "a.yaml", "name: tiny-bloom-a\nroot: " + fixture("").string() + "\n");
  std::string pairs;
  for (int i = 0; i < 40; ++i) {
    pairs += "Sentence " + std::to_string(i) + " about cats.\tA text on cats, number " + std::to_string(i) + ".\n";
  }
  write_bytes(dir / "data" / "pairs.tsv", pairs);
  write_bytes(dir / "data" / "sts.tsv",
              "A cat sleeps.\tA cat is sleeping.\t4.5\nA dog barks.\tThe market fell.\t0.5\n"
              "Two men talk.\tTwo people chat.\t4.0\nIt rains.\tA man cooks.\t0.2\n"
              "A bird sings.\tMusic plays.\t2.0\n");
}

}  // namespace lacos::test
