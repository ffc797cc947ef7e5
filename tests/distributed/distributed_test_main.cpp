// GoogleTest main for the data-parallel tests: run under `mpirun -n 2` (and alone, as a world
// of one) by ctest. Every test is run by all ranks in the same order, since the collectives
// inside must pair up; a test that fails on one rank fails the mpirun.
#include "dist_test_support.h"
#include "distributed/mpi_communicator.h"
#include "distributed/mpi_environment.h"
#include "distributed/process_placement.h"

#include <gtest/gtest.h>

namespace lacos::test {

namespace {
MpiCommunicator* world_communicator = nullptr;
}

Communicator& world() { return *world_communicator; }

}  // namespace lacos::test

int main(int argc, char** argv) {
  lacos::MpiEnvironment mpi(&argc, &argv);
  ::testing::InitGoogleTest(&argc, argv);
  lacos::MpiCommunicator communicator(lacos::CollectiveOptions{/*timeout_seconds=*/300, nullptr});
  lacos::test::world_communicator = &communicator;
  if (lacos::process_placement().rank != 0) {
    // One report is enough: the other ranks print failures only.
    auto& listeners = ::testing::UnitTest::GetInstance()->listeners();
    delete listeners.Release(listeners.default_result_printer());
  }
  const int failed = RUN_ALL_TESTS();
  // Any rank's failure fails every rank's exit status, so mpirun reports it whichever it shows.
  const bool any_failed = communicator.any(failed != 0);
  lacos::test::world_communicator = nullptr;
  return any_failed ? 1 : 0;
}
