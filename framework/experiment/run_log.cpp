#include "experiment/run_log.h"

#include "core/error.h"

#include <cstdio>

namespace lacos {

RunLog::RunLog(const std::filesystem::path& path) {
  if (path.empty()) return;
  out_.open(path, std::ios::app);
  if (!out_) fail("{}: cannot write the run log (is the folder writable?)", path.string());
}

void RunLog::line(const std::string& text) {
  if (!out_.is_open()) return;
  out_ << text << '\n';
  out_.flush();  // a crash loses no line already reported
  std::fprintf(stderr, "%s\n", text.c_str());
}

}  // namespace lacos
