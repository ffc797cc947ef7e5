// A file written under a temporary name and renamed into place once complete and flushed, so
// readers (and crashes) only ever see the old file or the whole new one.
#pragma once

#include <cstddef>
#include <cstdio>
#include <filesystem>

namespace lacos {

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
