// SIGINT and SIGTERM ask a run to stop cleanly: finish the current step, write a checkpoint, mark
// the run `interrupted`, exit non-zero. A second signal ends the process at once.
#pragma once

#include <atomic>

namespace lacos {

void install_stop_signal_handlers();
const std::atomic<bool>& stop_requested();
int stop_signal_number();  // the signal that asked, 0 if none

}  // namespace lacos
