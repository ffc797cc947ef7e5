#include "distributed/blocking_call_watchdog.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <utility>

namespace lacos {

namespace {

std::atomic<double> g_timeout_seconds{600};

}  // namespace

void set_blocking_call_timeout(double seconds) { g_timeout_seconds.store(seconds); }

double blocking_call_timeout() { return g_timeout_seconds.load(); }

BlockingCallWatchdog::BlockingCallWatchdog(std::string what, double seconds) {
  thread_ = std::thread([this, what = std::move(what), seconds] {
    std::unique_lock<std::mutex> lock(mutex_);
    if (returned_.wait_for(lock, std::chrono::duration<double>(seconds), [this] { return done_; })) return;
    std::fprintf(stderr,
                 "lacos: error: %s did not complete within %g s (dist.timeout_s): another rank is stuck or gone; "
                 "ending this process\n",
                 what.c_str(), seconds);
    std::fflush(stderr);
    std::_Exit(1);
  });
}

BlockingCallWatchdog::~BlockingCallWatchdog() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    done_ = true;
  }
  returned_.notify_one();
  thread_.join();
}

}  // namespace lacos
