// run.log: what a run reports as it goes, appended to the run folder's log and echoed on stderr.
// A rank that does not write (an empty path) logs nothing at all.
#pragma once

#include <filesystem>
#include <fstream>
#include <string>

namespace lacos {

class RunLog {
 public:
  explicit RunLog(const std::filesystem::path& path);
  void line(const std::string& text);

 private:
  std::ofstream out_;
};

}  // namespace lacos
