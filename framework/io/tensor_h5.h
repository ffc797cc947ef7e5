// Named tensors and scalar attributes in one HDF5 file (checkpoints): datasets under /tensors
// keep their dtype (float32, float64, int64, int32, uint8, int8) and shape; attributes sit on /.
// Written under a temporary name, fsynced and renamed, so a kill never leaves a torn file.
#pragma once

#include "io/h5_file.h"

#include <torch/torch.h>

#include <filesystem>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace lacos {

struct TensorFile {
  std::vector<std::pair<std::string, torch::Tensor>> tensors;
  std::map<std::string, H5Scalar> attributes;

  const torch::Tensor& tensor(const std::string& name, const std::filesystem::path& origin) const;
  const H5Scalar& attribute(const std::string& name, const std::filesystem::path& origin) const;
};

void write_tensor_h5(const std::filesystem::path& path, const TensorFile& content);
TensorFile read_tensor_h5(const std::filesystem::path& path);

}  // namespace lacos
