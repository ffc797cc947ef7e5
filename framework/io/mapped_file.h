// A read-only memory map of a whole file. Checkpoints are read through maps so a shard's bytes are
// paged in on demand and handed back to the kernel once copied into the model.
#pragma once

#include <cstddef>
#include <filesystem>

namespace lacos {

class MappedFile {
 public:
  explicit MappedFile(const std::filesystem::path& path);
  ~MappedFile();
  MappedFile(MappedFile&& other) noexcept;
  MappedFile& operator=(MappedFile&& other) noexcept;
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  const std::byte* data() const { return data_; }
  std::size_t size() const { return size_; }
  const std::filesystem::path& path() const { return path_; }

  // Tells the kernel the pages of [offset, offset + length) are no longer needed, so resident
  // memory stays near one tensor's size while a large shard is copied out.
  void release(std::size_t offset, std::size_t length) const;

 private:
  void unmap() noexcept;

  std::filesystem::path path_;
  const std::byte* data_ = nullptr;
  std::size_t size_ = 0;
};

}  // namespace lacos
