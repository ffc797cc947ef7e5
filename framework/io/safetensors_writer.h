// Writes safetensors files that the Python `safetensors` library and HF transformers read.
#pragma once

#include "io/safetensors.h"

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace lacos {

struct StTensorView {
  std::string name;
  StDtype dtype = StDtype::F32;
  std::vector<std::int64_t> shape;
  const void* data = nullptr;  // numel x element size contiguous bytes, little-endian
};

// Writes `<path>.tmp`, flushes it and renames it over `path`, so a crash never leaves a torn file.
// Tensors are stored in name order; the header is padded with spaces to 8 bytes as the reference
// writer does, so every tensor starts 8-byte aligned relative to the data section when the
// tensors before it have sizes that keep alignment.
void write_safetensors(const std::filesystem::path& path, const std::vector<StTensorView>& tensors,
                       const std::map<std::string, std::string>& metadata = {{"format", "pt"}});

}  // namespace lacos
