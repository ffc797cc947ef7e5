#include "io/torch_safetensors.h"

#include "core/error.h"
#include "io/safetensors_writer.h"

#include <cstring>

namespace lacos {

torch::ScalarType torch_dtype_of(StDtype dtype) {
  switch (dtype) {
    case StDtype::F64: return torch::kFloat64;
    case StDtype::F32: return torch::kFloat32;
    case StDtype::F16: return torch::kFloat16;
    case StDtype::BF16: return torch::kBFloat16;
    case StDtype::I64: return torch::kInt64;
    case StDtype::I32: return torch::kInt32;
    case StDtype::I16: return torch::kInt16;
    case StDtype::I8: return torch::kInt8;
    case StDtype::U8: return torch::kUInt8;
    case StDtype::BOOL: return torch::kBool;
  }
  fail("internal: unhandled safetensors dtype");
}

StDtype st_dtype_of(torch::ScalarType dtype) {
  switch (dtype) {
    case torch::kFloat64: return StDtype::F64;
    case torch::kFloat32: return StDtype::F32;
    case torch::kFloat16: return StDtype::F16;
    case torch::kBFloat16: return StDtype::BF16;
    case torch::kInt64: return StDtype::I64;
    case torch::kInt32: return StDtype::I32;
    case torch::kInt16: return StDtype::I16;
    case torch::kInt8: return StDtype::I8;
    case torch::kUInt8: return StDtype::U8;
    case torch::kBool: return StDtype::BOOL;
    default: fail("dtype {} cannot be stored in safetensors", c10::toString(dtype));
  }
}

torch::Tensor read_tensor(const StTensor& tensor) {
  torch::Tensor out = torch::empty(tensor.shape, torch::TensorOptions().dtype(torch_dtype_of(tensor.dtype)));
  // Copy through memcpy: offsets in a safetensors file need not be aligned for the dtype.
  if (tensor.nbytes() > 0) std::memcpy(out.data_ptr(), tensor.data, tensor.nbytes());
  return out;
}

namespace {

// Rows [first, first + rows) of `tensor` (dim 0; a 0-d tensor is one row) as a CPU tensor:
// a view of the mapping when aligned for the dtype, else an aligned copy (offsets in a
// safetensors file need not be aligned).
torch::Tensor row_view(const StTensor& tensor, std::int64_t first, std::int64_t rows) {
  std::vector<std::int64_t> shape = tensor.shape;
  std::uint64_t offset = 0;
  std::uint64_t bytes = tensor.nbytes();
  if (!shape.empty()) {
    const std::uint64_t row_bytes = tensor.nbytes() / static_cast<std::uint64_t>(shape[0]);
    shape[0] = rows;
    offset = static_cast<std::uint64_t>(first) * row_bytes;
    bytes = static_cast<std::uint64_t>(rows) * row_bytes;
  }
  const std::byte* data = tensor.data + offset;
  const auto options = torch::TensorOptions().dtype(torch_dtype_of(tensor.dtype));
  if (reinterpret_cast<std::uintptr_t>(data) % st_dtype_size(tensor.dtype) == 0) {
    return torch::from_blob(const_cast<std::byte*>(data), shape, options);
  }
  torch::Tensor aligned = torch::empty(shape, options);
  std::memcpy(aligned.data_ptr(), data, bytes);
  return aligned;
}

}  // namespace

void visit_row_slices(const SafetensorsFile& file, const StTensor& tensor, std::uint64_t slice_bytes,
                      const std::function<void(std::int64_t first_row, const torch::Tensor& rows)>& visit) {
  if (tensor.nbytes() == 0) return;
  if (tensor.shape.empty()) {
    visit(0, row_view(tensor, 0, 1));
    file.release(tensor);
    return;
  }
  const std::int64_t rows = tensor.shape[0];
  const std::uint64_t row_bytes = tensor.nbytes() / static_cast<std::uint64_t>(rows);
  const std::int64_t rows_per_slice = std::max<std::int64_t>(1, static_cast<std::int64_t>(slice_bytes / row_bytes));
  for (std::int64_t first = 0; first < rows; first += rows_per_slice) {
    const std::int64_t count = std::min(rows_per_slice, rows - first);
    visit(first, row_view(tensor, first, count));
    file.release_bytes(tensor, first * row_bytes, count * row_bytes);
  }
}

void copy_into(const SafetensorsFile& file, const StTensor& tensor, torch::Tensor& destination,
               std::uint64_t slice_bytes) {
  torch::NoGradGuard no_grad;
  // copy_ converts the dtype and moves across devices in one go.
  visit_row_slices(file, tensor, slice_bytes, [&](std::int64_t first, const torch::Tensor& rows) {
    (tensor.shape.empty() ? destination : destination.narrow(0, first, rows.size(0))).copy_(rows);
  });
}

std::map<std::string, torch::Tensor> load_safetensors(const std::filesystem::path& path) {
  const SafetensorsFile file(path);
  std::map<std::string, torch::Tensor> tensors;
  for (const StTensor& tensor : file.tensors()) tensors[tensor.name] = read_tensor(tensor);
  return tensors;
}

void save_safetensors(const std::filesystem::path& path,
                      const std::vector<std::pair<std::string, torch::Tensor>>& tensors,
                      const std::map<std::string, std::string>& metadata) {
  std::vector<torch::Tensor> host;  // keeps the contiguous CPU copies alive while writing
  std::vector<StTensorView> views;
  host.reserve(tensors.size());
  for (const auto& [name, tensor] : tensors) {
    host.push_back(tensor.detach().to(torch::kCPU).contiguous());
    views.push_back({name, st_dtype_of(tensor.scalar_type()),
                     std::vector<std::int64_t>(tensor.sizes().begin(), tensor.sizes().end()), host.back().data_ptr()});
  }
  write_safetensors(path, views, metadata);
}

}  // namespace lacos
