// The shape of the code base: where a process sits in the job comes from one place, and the
// layer check (launch/check_layers.py, ctest Architecture.LayersLookDown) fails on an include
// that runs back up.
#include "distributed/blocking_call_watchdog.h"
#include "distributed/process_placement.h"
#include "test_support.h"

#include <chrono>
#include <cstdlib>
#include <thread>

#include <fmt/format.h>
#include <gtest/gtest.h>

namespace lacos {
namespace {

namespace fs = std::filesystem;

TEST(ProcessPlacement, FromTheLaunchersEnvironmentBeforeMpi) {
  const std::vector<std::pair<const char*, const char*>> launcher = {{"OMPI_COMM_WORLD_RANK", "5"},
                                                                     {"OMPI_COMM_WORLD_SIZE", "8"},
                                                                     {"OMPI_COMM_WORLD_LOCAL_RANK", "1"},
                                                                     {"OMPI_COMM_WORLD_LOCAL_SIZE", "4"}};
  for (const auto& [name, value] : launcher) ::setenv(name, value, 1);
  const ProcessPlacement placement = process_placement();
  for (const auto& [name, value] : launcher) ::unsetenv(name);
  EXPECT_EQ(placement.rank, 5);
  EXPECT_EQ(placement.size, 8);
  EXPECT_EQ(placement.local_rank, 1);
  EXPECT_EQ(placement.local_size, 4);
  const ProcessPlacement alone = process_placement();
  EXPECT_EQ(alone.rank, 0);
  EXPECT_EQ(alone.size, 1);
}

TEST(LayerCheck, FailsOnAnIncludeThatRunsBackUp) {
  const fs::path script = fs::path(LACOS_TEST_FIXTURES).parent_path().parent_path() / "launch" / "check_layers.py";
  test::TempDir dir;
  test::write_bytes(dir / "framework/model/bloom.h", "#include \"quant/int8.h\"\n#include \"core/error.h\"\n");
  test::write_bytes(dir / "framework/quant/int8.h", "#include \"layers/projection.h\"\n");
  const std::string command = fmt::format("python3 {} --root {}", test::quoted(script), test::quoted(dir.path()));
  const auto clean = test::run_command(command);
  EXPECT_EQ(clean.exit_code, 0) << clean.output;
  test::write_bytes(dir / "framework/quant/int8.h", "#include \"model/bloom.h\"\n");  // quant reaching up to model
  const auto upward = test::run_command(command);
  EXPECT_EQ(upward.exit_code, 1) << upward.output;
  EXPECT_NE(upward.output.find("framework/quant/int8.h:1: 'quant' (layer 2) includes 'model' (layer 3)"),
            std::string::npos)
      << upward.output;
  test::write_bytes(dir / "framework/gadgets/x.h", "\n");  // a folder without a layer
  EXPECT_NE(test::run_command(command).output.find("folder 'gadgets' has no layer"), std::string::npos);
}

TEST(BlockingCallWatchdog, EndsAProcessWhoseCallNeverReturns) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        const BlockingCallWatchdog watchdog("rank 1: MPI_Comm_dup", /*seconds=*/0.2);
        std::this_thread::sleep_for(std::chrono::seconds(10));  // a call that never returns
        std::_Exit(0);
      },
      ::testing::ExitedWithCode(1), "rank 1: MPI_Comm_dup did not complete within 0.2 s");
  const auto start = std::chrono::steady_clock::now();
  { const BlockingCallWatchdog quick("quick", /*seconds=*/30); }  // returned at once: stands down
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

}  // namespace
}  // namespace lacos
