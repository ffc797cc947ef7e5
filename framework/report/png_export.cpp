#include "report/png_export.h"

#include "core/error.h"

#include <spawn.h>
#include <sys/wait.h>

#include <cerrno>
#include <cstring>
#include <vector>

extern char** environ;

namespace lacos {

bool svg_to_png(const std::filesystem::path& svg, const std::filesystem::path& png) {
  // Run without a shell: the paths are arguments, never parsed.
  // Drawn under a temporary name and renamed: a reader never sees half a picture.
  const std::filesystem::path partial = png.string() + ".partial";
  std::vector<std::string> arguments = {"rsvg-convert", "--zoom=2",       "--format=png",
                                        "--output",     partial.string(), svg.string()};
  std::vector<char*> argv;
  for (std::string& argument : arguments) argv.push_back(argument.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  const int spawned = ::posix_spawnp(&pid, "rsvg-convert", nullptr, nullptr, argv.data(), environ);
  if (spawned == ENOENT) return false;
  if (spawned != 0) fail("{}: cannot start rsvg-convert for its PNG copy: {}", svg.string(), std::strerror(spawned));
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) fail("{}: waiting for rsvg-convert: {}", svg.string(), std::strerror(errno));
  }
  // posix_spawnp may report a missing program only through the child's exit status 127.
  if (WIFEXITED(status) && WEXITSTATUS(status) == 127) return false;
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::error_code ignored;
    std::filesystem::remove(partial, ignored);
    fail("{}: rsvg-convert could not draw its PNG copy {} (status {})", svg.string(), png.string(), status);
  }
  std::filesystem::rename(partial, png);
  return true;
}

}  // namespace lacos
