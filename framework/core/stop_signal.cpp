#include "core/stop_signal.h"

#include <csignal>

namespace lacos {

namespace {

std::atomic<bool> g_stop{false};
std::atomic<int> g_signal{0};

extern "C" void on_stop_signal(int signal_number) {
  if (g_stop.exchange(true)) {  // the second one: stop now
    std::signal(signal_number, SIG_DFL);
    std::raise(signal_number);
    return;
  }
  g_signal.store(signal_number);
}

}  // namespace

void install_stop_signal_handlers() {
  std::signal(SIGINT, on_stop_signal);
  std::signal(SIGTERM, on_stop_signal);
}

const std::atomic<bool>& stop_requested() { return g_stop; }

int stop_signal_number() { return g_signal.load(); }

}  // namespace lacos
