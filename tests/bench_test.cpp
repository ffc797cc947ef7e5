// lacos-bench with no arguments on the CPU (the small stand-in shape), as CI runs it: the JSON
// carries every figure docs/performance.md needs, and launch/perf_table.py turns it into the table.
#include "test_support.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace lacos {
namespace {

namespace fs = std::filesystem;

TEST(Bench, DefaultRunOnCpuReportsEveryFigure) {
  if (!fs::exists(test::bin("lacos-bench"))) GTEST_SKIP() << "benchmarks not built (LACOS_BUILD_BENCHMARKS=OFF)";
  const auto result = test::run_command(fmt::format("'{}' --json 2>/dev/null", test::bin("lacos-bench").string()));
  ASSERT_EQ(result.exit_code, 0) << result.output;
  const nlohmann::json report = nlohmann::json::parse(result.output);
  EXPECT_EQ(report["program"], "lacos-bench");
  EXPECT_GT(report["peak_tflops"].get<double>(), 0.0);
  const auto& rows = report["results"];
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0]["setting"], "default");
  EXPECT_EQ(rows[1]["setting"], "lean");
  for (const auto& row : rows) {
    EXPECT_EQ(row["shape"], "small");
    EXPECT_EQ(row["tokens_per_step"].get<double>(), 4096.0);
    EXPECT_GT(row["tokens_per_second"].get<double>(), 0.0);
    EXPECT_GT(row["mfu"].get<double>(), 0.0);
    EXPECT_GT(row["peak_allocated_bytes"].get<double>(), 0.0);
    EXPECT_LT(row["params_non_embedding"].get<double>(), row["params_total"].get<double>());
  }
  EXPECT_GT(rows[0]["embed_sentences_per_second"].get<double>(), 0.0);
  // Activation checkpointing keeps fewer activations alive.
  EXPECT_LT(rows[1]["peak_allocated_bytes"].get<double>(), rows[0]["peak_allocated_bytes"].get<double>());

  test::TempDir dir;
  test::write_bytes(dir / "lacos.json", result.output);
  const fs::path script = fs::path(LACOS_TEST_FIXTURES).parent_path().parent_path() / "launch" / "perf_table.py";
  const auto table = test::run_command(fmt::format("python3 '{}' '{}' '{}'", script.string(),
                                                   (dir / "lacos.json").string(), (dir / "lacos.json").string()));
  ASSERT_EQ(table.exit_code, 0) << table.output;
  EXPECT_NE(table.output.find("| small | lacos lean |"), std::string::npos) << table.output;
  EXPECT_NE(table.output.find("Goals:"), std::string::npos) << table.output;
  const auto alone =
      test::run_command(fmt::format("python3 '{}' '{}'", script.string(), (dir / "lacos.json").string()));
  ASSERT_EQ(alone.exit_code, 0) << alone.output;
  EXPECT_NE(alone.output.find("| small | lacos default |"), std::string::npos) << alone.output;
}

// launch/gpu-check.sh's first device call in its CPU mode (what is run before it goes to the GPU):
// the device checks, the 12-step run over the MPI backend with collectives forced and 8-bit Adam
// on every adapter tensor, and lacos-bench's step; it reuses this build.
TEST(Bench, GpuCheckScriptSmokeRunsOnCpu) {
  if (!fs::exists(test::bin("lacos-check-device"))) GTEST_SKIP() << "benchmarks not built (LACOS_BUILD_BENCHMARKS=OFF)";
  test::TempDir dir;
  const fs::path root = fs::path(LACOS_TEST_FIXTURES).parent_path().parent_path();
  const auto result = test::run_command(fmt::format(
      "cd {} && LACOS_DEVICE=cpu LACOS_THREADS=2 BUILD_DIR={} OUT={} launch/gpu-check.sh smoke 2>&1",
      test::quoted(root), test::quoted(test::bin("lacos-exp").parent_path().parent_path()), test::quoted(dir / "out")));
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_NE(result.output.find("smoke passed"), std::string::npos) << result.output;
  const std::string checks = test::read_bytes(dir / "out" / "check-device.txt");
  EXPECT_NE(checks.find("PASS parity tiny-bloom-b left padding float32"), std::string::npos) << checks;
  EXPECT_NE(checks.find("PASS fused attention vs explicit, bfloat16 on cpu, L = 64"), std::string::npos) << checks;
  EXPECT_NE(checks.find("0 check(s) failed"), std::string::npos) << checks;
}

}  // namespace
}  // namespace lacos
