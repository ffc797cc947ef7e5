// MPI calls that cannot be started non-blocking and polled (MPI_Comm_dup and
// MPI_Comm_split_type when a job starts, MPI_Finalize when it ends) wait for every rank, for ever
// if one is stuck or gone. A watchdog bounds them: if the call has not returned within its time,
// the process says which call on one line and ends (exit status 1), and mpirun ends the job.
// Exiting from the watchdog thread is the only way out: the blocked call cannot be interrupted.
#pragma once

#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

namespace lacos {

// The seconds every watched call gets: dist.timeout_s of the last communicator made (600 s
// before any).
void set_blocking_call_timeout(double seconds);
double blocking_call_timeout();

class BlockingCallWatchdog {
 public:
  // Starts timing `what` (e.g. "rank 1: MPI_Comm_dup").
  BlockingCallWatchdog(std::string what, double seconds = blocking_call_timeout());
  // The call returned: the watchdog stands down.
  ~BlockingCallWatchdog();
  BlockingCallWatchdog(const BlockingCallWatchdog&) = delete;
  BlockingCallWatchdog& operator=(const BlockingCallWatchdog&) = delete;

 private:
  std::mutex mutex_;
  std::condition_variable returned_;
  bool done_ = false;
  std::thread thread_;
};

}  // namespace lacos
