// A reader for the safetensors format (https://huggingface.co/docs/safetensors), written for
// hostile input: the file is memory-mapped and every header field is checked against the file
// before any tensor byte is touched.
//
// Layout: u64 little-endian header length N | N bytes of JSON | data. The JSON maps tensor names
// to {"dtype", "shape", "data_offsets": [begin, end]} (offsets relative to the data section) and
// may hold "__metadata__" (string to string). Checks: N within the cap and the file; valid JSON
// object; known dtype; non-negative shape; end - begin == numel x element size; and the tensors'
// byte ranges tile the data section exactly (sorted by begin: the first starts at 0, each starts
// where the previous ended, the last ends at the end of the file), so nothing overlaps, nothing
// is out of range and no bytes are unaccounted for.
#pragma once

#include "io/mapped_file.h"

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace lacos {

// The element types safetensors defines that lacos reads into LibTorch tensors.
enum class StDtype { F64, F32, F16, BF16, I64, I32, I16, I8, U8, BOOL };

const char* st_dtype_name(StDtype dtype);
std::size_t st_dtype_size(StDtype dtype);
// Parses "F32" etc.; returns false for names outside StDtype.
bool parse_st_dtype(const std::string& name, StDtype* dtype);

struct StTensor {
  std::string name;
  StDtype dtype = StDtype::F32;
  std::vector<std::int64_t> shape;
  std::uint64_t begin = 0;  // byte offsets into the data section
  std::uint64_t end = 0;
  const std::byte* data = nullptr;  // points into the mapping; valid while the file is open

  std::int64_t numel() const;
  std::uint64_t nbytes() const { return end - begin; }
};

// The header cap the reference implementation uses: a larger header is refused as corrupt.
constexpr std::uint64_t kMaxSafetensorsHeaderBytes = 100'000'000;

class SafetensorsFile {
 public:
  explicit SafetensorsFile(const std::filesystem::path& path);

  const std::filesystem::path& path() const { return file_.path(); }
  // Tensors in file order (by data offset).
  const std::vector<StTensor>& tensors() const { return tensors_; }
  const std::map<std::string, std::string>& metadata() const { return metadata_; }
  // nullptr when absent.
  const StTensor* find(const std::string& name) const;
  // Throws naming the file and the tensor when absent.
  const StTensor& at(const std::string& name) const;
  // Drops the pages of a tensor (or of bytes [offset, offset + length) of it) already copied
  // out (see MappedFile::release).
  void release(const StTensor& tensor) const;
  void release_bytes(const StTensor& tensor, std::uint64_t offset, std::uint64_t length) const;

 private:
  MappedFile file_;
  std::uint64_t data_start_ = 0;
  std::vector<StTensor> tensors_;
  std::map<std::string, std::size_t> index_;
  std::map<std::string, std::string> metadata_;
};

}  // namespace lacos
