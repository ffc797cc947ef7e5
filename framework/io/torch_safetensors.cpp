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

void copy_into(const StTensor& tensor, torch::Tensor& destination) {
  torch::NoGradGuard no_grad;
  const torch::ScalarType source_dtype = torch_dtype_of(tensor.dtype);
  const std::size_t element = st_dtype_size(tensor.dtype);
  const bool aligned = reinterpret_cast<std::uintptr_t>(tensor.data) % element == 0;
  if (aligned && tensor.nbytes() > 0) {
    // Zero-copy view of the mapping; copy_ converts dtype and moves across devices in one go.
    const torch::Tensor view = torch::from_blob(const_cast<std::byte*>(tensor.data), tensor.shape,
                                                torch::TensorOptions().dtype(source_dtype));
    destination.copy_(view);
  } else {
    destination.copy_(read_tensor(tensor));
  }
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
