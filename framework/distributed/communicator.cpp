#include "distributed/communicator.h"

namespace lacos {

Communicator& single_process_communicator() {
  static SingleProcessCommunicator communicator;
  return communicator;
}

}  // namespace lacos
