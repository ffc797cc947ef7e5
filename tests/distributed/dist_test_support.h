// Helpers for the data-parallel tests (run under mpirun by dist_test_main.cpp).
#pragma once

#include "distributed/communicator.h"

namespace lacos::test {

// MPI_COMM_WORLD as a communicator (a world of one when started without mpirun).
Communicator& world();

}  // namespace lacos::test
