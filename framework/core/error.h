// lacos reports every user-facing problem as a lacos::Error carrying one clear message that names
// the file, key or tensor at fault and what was expected. Executables catch it at the top of
// main, print it on one line and exit non-zero; nothing aborts.
#pragma once

#include <fmt/format.h>

#include <stdexcept>
#include <string>

namespace lacos {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

template <typename... Args>
[[noreturn]] void fail(fmt::format_string<Args...> format, Args&&... args) {
  throw Error(fmt::format(format, std::forward<Args>(args)...));
}

}  // namespace lacos
