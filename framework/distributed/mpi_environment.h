// MPI for the lifetime of a program: initialised on construction (thread level FUNNELED:
// only the main thread calls MPI), finalised on destruction. Works the same under `mpirun -n 1`
// and started directly (a singleton MPI world of size 1).
#pragma once

namespace lacos {

class MpiEnvironment {
 public:
  MpiEnvironment(int* argc, char*** argv);
  ~MpiEnvironment();
  MpiEnvironment(const MpiEnvironment&) = delete;
  MpiEnvironment& operator=(const MpiEnvironment&) = delete;

 private:
  bool owns_ = false;
};

// Ends every rank of the job (MPI_Abort; the process alone when MPI is not running).
[[noreturn]] void abort_job(int exit_code);

}  // namespace lacos
