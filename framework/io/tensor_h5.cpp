#include "io/tensor_h5.h"

#include "core/error.h"
#include "io/h5_file.h"

namespace lacos {

namespace fs = std::filesystem;

namespace {

hid_t h5_type(torch::ScalarType dtype, const std::string& name, const fs::path& path) {
  switch (dtype) {
    case torch::kFloat32: return H5T_NATIVE_FLOAT;
    case torch::kFloat64: return H5T_NATIVE_DOUBLE;
    case torch::kInt64: return H5T_NATIVE_INT64;
    case torch::kInt32: return H5T_NATIVE_INT32;
    case torch::kUInt8: return H5T_NATIVE_UINT8;
    case torch::kInt8: return H5T_NATIVE_INT8;
    default:
      fail("{}: tensor '{}' has dtype {}, which checkpoints do not store", path.string(), name, c10::toString(dtype));
  }
}

torch::ScalarType torch_type(hid_t type, const std::string& name, const fs::path& path) {
  const H5T_class_t type_class = H5Tget_class(type);
  const std::size_t size = H5Tget_size(type);
  if (type_class == H5T_FLOAT) return size == 8 ? torch::kFloat64 : torch::kFloat32;
  if (type_class == H5T_INTEGER) {
    const bool is_signed = H5Tget_sign(type) == H5T_SGN_2;
    if (size == 8) return torch::kInt64;
    if (size == 4) return torch::kInt32;
    if (size == 1) return is_signed ? torch::kInt8 : torch::kUInt8;
  }
  fail("{}: dataset '{}' has a type checkpoints do not use", path.string(), name);
}

}  // namespace

const torch::Tensor& TensorFile::tensor(const std::string& name, const fs::path& origin) const {
  for (const auto& [key, value] : tensors)
    if (key == name) return value;
  fail("{}: checkpoint has no tensor '{}'", origin.string(), name);
}

const H5Scalar& TensorFile::attribute(const std::string& name, const fs::path& origin) const {
  const auto it = attributes.find(name);
  if (it == attributes.end()) fail("{}: checkpoint has no attribute '{}'", origin.string(), name);
  return it->second;
}

void write_tensor_h5(const fs::path& path, const TensorFile& content) {
  H5File file = H5File::create(path);
  const H5Group tensors = file.root().create_group("tensors", /*track_order=*/false);
  for (const auto& [name, tensor] : content.tensors) {
    const torch::Tensor data = tensor.detach().to(torch::kCPU).contiguous();
    tensors.write_array(name, h5_type(data.scalar_type(), name, path),
                        std::vector<std::uint64_t>(data.sizes().begin(), data.sizes().end()), data.data_ptr());
  }
  for (const auto& [key, value] : content.attributes) file.root().set_attribute(key, value);
  file.commit();
}

TensorFile read_tensor_h5(const fs::path& path) {
  const H5File file = H5File::open_read_only(path, "checkpoint");
  if (!file.root().has("tensors")) fail("{}: no /tensors group: not a lacos checkpoint", path.string());
  const H5Group tensors = file.root().open_group("tensors");
  TensorFile content;
  for (const std::string& name : tensors.members()) {
    const H5Dataset dataset = tensors.open_dataset(name);
    const std::vector<std::uint64_t> shape = dataset.shape();
    const torch::ScalarType dtype = torch_type(dataset.type().get(), name, path);
    dataset.elements_within_file(c10::elementSize(dtype));  // before allocating what the file claims
    torch::Tensor tensor =
        torch::empty(std::vector<std::int64_t>(shape.begin(), shape.end()), torch::TensorOptions().dtype(dtype));
    if (tensor.numel() > 0) dataset.read(h5_type(dtype, name, path), tensor.data_ptr());
    content.tensors.emplace_back(name, tensor);
  }
  content.attributes = file.root().attributes();
  return content;
}

}  // namespace lacos
