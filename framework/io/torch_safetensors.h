// Between safetensors files and LibTorch tensors.
#pragma once

#include "io/safetensors.h"

#include <torch/torch.h>

#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace lacos {

torch::ScalarType torch_dtype_of(StDtype dtype);
// Throws for dtypes safetensors cannot store.
StDtype st_dtype_of(torch::ScalarType dtype);

// A CPU tensor with the data of `tensor` (copied out of the mapping, so it outlives the file).
torch::Tensor read_tensor(const StTensor& tensor);
// Copies `tensor` of `file` into `destination` (any device and dtype of the same shape),
// converting the dtype. Large tensors are copied in slices along dim 0 and each slice's pages
// are handed back to the kernel at once, so resident memory grows by one slice, not by the
// whole tensor (bloom-7b1's embedding matrix alone is 2 GB in float16).
constexpr std::uint64_t kCopySliceBytes = 64ull << 20;

// Calls `visit(first_row, rows)` for consecutive slices of `tensor` along dim 0 (a 0-d tensor is
// one slice), each at most `slice_bytes` (at least one row); `rows` is a CPU tensor of the file's
// dtype, valid during the call only. Each slice's pages are released once visited.
void visit_row_slices(const SafetensorsFile& file, const StTensor& tensor, std::uint64_t slice_bytes,
                      const std::function<void(std::int64_t first_row, const torch::Tensor& rows)>& visit);

void copy_into(const SafetensorsFile& file, const StTensor& tensor, torch::Tensor& destination,
               std::uint64_t slice_bytes = kCopySliceBytes);

// Every tensor of a file, by name.
std::map<std::string, torch::Tensor> load_safetensors(const std::filesystem::path& path);
// Writes tensors (any device/dtype safetensors can hold) atomically; see safetensors_writer.h.
void save_safetensors(const std::filesystem::path& path,
                      const std::vector<std::pair<std::string, torch::Tensor>>& tensors,
                      const std::map<std::string, std::string>& metadata = {{"format", "pt"}});

}  // namespace lacos
