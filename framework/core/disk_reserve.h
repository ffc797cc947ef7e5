// Space set aside on a run's disk so that a run that fills the disk can still record why.
//
// run.h5 is rewritten whole under a temporary name at every flush (io/run_h5.h), so the last
// write, the one saying status=failed and the error, needs room for a second copy of the file.
// When the disk is full that room is gone; the reserve (a preallocated file beside run.h5) is
// dropped first, and the final write uses its space.
#pragma once

#include <cstdint>
#include <filesystem>

namespace lacos {

class DiskReserve {
 public:
  DiskReserve() = default;
  // Allocates `bytes` at `path` (posix_fallocate: real blocks, not a sparse file). Throws a
  // lacos::Error naming the path when the disk cannot hold them.
  DiskReserve(std::filesystem::path path, std::uint64_t bytes);
  ~DiskReserve() { release(); }
  DiskReserve(DiskReserve&& other) noexcept;
  DiskReserve& operator=(DiskReserve&& other) noexcept;

  // Grows the reserve to at least `bytes`; throws (naming the path) when the disk is full.
  void ensure(std::uint64_t bytes);
  // Deletes the file, returning its space. Safe to call twice.
  void release() noexcept;
  std::uint64_t bytes() const { return bytes_; }

 private:
  std::filesystem::path path_;
  std::uint64_t bytes_ = 0;
};

}  // namespace lacos
