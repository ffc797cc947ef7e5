#include "fuzz_support.h"

#include "core/error.h"

#include <unistd.h>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <typeinfo>

namespace lacos::fuzz {

namespace fs = std::filesystem;

std::string text_of(const std::uint8_t* data, std::size_t size) {
  return std::string(reinterpret_cast<const char*>(data), size);
}

const fs::path& scratch_folder() {
  static const fs::path folder = [] {
    const fs::path base = fs::is_directory("/dev/shm") ? fs::path("/dev/shm") : fs::temp_directory_path();
    const fs::path path = base / ("lacos-fuzz-" + std::to_string(::getpid()));
    fs::create_directories(path);
    std::atexit([] {
      std::error_code ignored;
      fs::remove_all(scratch_folder(), ignored);
    });
    return path;
  }();
  return folder;
}

fs::path write_input(const std::string& name, const std::string& bytes) {
  const fs::path path = scratch_folder() / name;
  // A plain write, not lacos's atomic one: the scratch file has one reader, this process, and the
  // temporary name, fsyncs and rename would cost more than most parsers do.
  fs::create_directories(path.parent_path());  // a harness may have removed it
  std::FILE* file = std::fopen(path.c_str(), "wb");
  if (file == nullptr || std::fwrite(bytes.data(), 1, bytes.size(), file) != bytes.size() || std::fclose(file) != 0) {
    std::fprintf(stderr, "lacos fuzz: cannot write %s\n", path.c_str());
    std::abort();
  }
  return path;
}

void run_parser(const std::function<void()>& parse) {
  try {
    parse();
  } catch (const Error&) {
    // The documented answer to bad input.
  } catch (const std::exception& e) {
    std::fprintf(stderr, "lacos fuzz: escaped as an internal error: %s: %s\n", typeid(e).name(), e.what());
    std::abort();
  }
}

}  // namespace lacos::fuzz
