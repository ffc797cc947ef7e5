#include "dist/communicator.h"

#include <cstdlib>

namespace lacos {

void SingleProcessCommunicator::abort(int exit_code) { std::exit(exit_code); }

Communicator& single_process_communicator() {
  static SingleProcessCommunicator communicator;
  return communicator;
}

}  // namespace lacos
