#include "live_support.h"

#include "test_support.h"

#include <cstdlib>

namespace lacos::live {

namespace fs = std::filesystem;

fs::path live_dir() { return fs::path(LACOS_LIVE_DIR); }
fs::path case_dir(int index) { return live_dir() / ("case-" + std::to_string(index)); }

void require_reference(const fs::path& path) {
  if (fs::exists(path)) return;
  const char* require = std::getenv("LACOS_REQUIRE_PYTHON_STACK");
  const std::string message = "no Python-stack reference at " + path.string() +
      " (ctest's LiveParity.PythonStackReferences writes them; launch/setup.sh installs the stack)";
  if (require != nullptr && std::string(require) == "1") FAIL() << message;
  GTEST_SKIP() << message;
}

void run_python_stack(const std::string& arguments) {
  const std::string command = test::quoted(LACOS_TEST_PYTHON) + " " + test::quoted(LACOS_LIVE_SCRIPT) + " " + arguments;
  const test::CommandResult result = test::run_command(command);
  ASSERT_EQ(result.exit_code, 0) << command << "\n" << result.output;
}

double max_error(const torch::Tensor& actual, const torch::Tensor& expected) {
  return (actual.to(torch::kFloat32) - expected.to(torch::kFloat32)).abs().max().item<double>();
}

}  // namespace lacos::live
