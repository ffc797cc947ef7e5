// A file written under a temporary name and renamed into place once complete and flushed, so
// readers (and crashes) only ever see the old file or the whole new one.
#pragma once

#include <cstddef>
#include <cstdio>
#include <filesystem>
#include <string>

namespace lacos {

// `<path>.tmp-<pid>-<random>`: a temporary name in the same folder (so the rename is atomic) that
// no other writer, process or thread, uses at the same time.
std::filesystem::path unique_temp_path(const std::filesystem::path& path);
// Whether a file name is such a temporary (what a killed writer leaves behind).
bool is_temp_file_name(const std::string& name);

class AtomicFile {
 public:
  explicit AtomicFile(std::filesystem::path path);
  ~AtomicFile();  // removes the temporary file unless commit() succeeded
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  void write(const void* data, std::size_t size);
  // Flushes to disk (fsync) and renames over the final path.
  void commit();

 private:
  std::filesystem::path path_;
  std::filesystem::path temp_path_;
  std::FILE* file_ = nullptr;
};

// For files another library wrote under `temp` (HDF5): fsync it, rename it over `path`, and
// fsync the folder so the rename itself survives a power cut. Removes `temp` on failure.
void commit_written_file(const std::filesystem::path& temp, const std::filesystem::path& path);

}  // namespace lacos
