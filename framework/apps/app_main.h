// Shared top of every lacos executable: run the command, turn any exception into one clear
// line on stderr and a non-zero exit status.
#pragma once

#include "core/error.h"
#include "core/process_memory.h"

#include <cstdio>
#include <exception>
#include <filesystem>

namespace lacos {

template <typename Command>
int run_main(const char* program, Command&& command) {
  bound_heap_growth();
  try {
    return command();
  } catch (const Error& e) {
    std::fprintf(stderr, "%s: error: %s\n", program, e.what());
  } catch (const std::filesystem::filesystem_error& e) {  // a folder not writable, a disk full: the user's to fix
    std::fprintf(stderr, "%s: error: %s\n", program, e.what());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s: internal error: %s\n", program, e.what());
  }
  return 1;
}

}  // namespace lacos
