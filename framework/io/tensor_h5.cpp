#include "io/tensor_h5.h"

#include "core/error.h"
#include "io/atomic_file.h"

#include <hdf5.h>

namespace lacos {

namespace fs = std::filesystem;

namespace {

void check_tensor_h5(herr_t status, const fs::path& path, const std::string& what) {
  if (status < 0) fail("{}: HDF5 could not {}", path.string(), what);
}

hid_t h5_type(torch::ScalarType dtype, const std::string& name, const fs::path& path) {
  switch (dtype) {
    case torch::kFloat32: return H5T_NATIVE_FLOAT;
    case torch::kFloat64: return H5T_NATIVE_DOUBLE;
    case torch::kInt64: return H5T_NATIVE_INT64;
    case torch::kInt32: return H5T_NATIVE_INT32;
    case torch::kUInt8: return H5T_NATIVE_UINT8;
    case torch::kInt8: return H5T_NATIVE_INT8;
    default: fail("{}: tensor '{}' has dtype {}, which checkpoints do not store", path.string(), name, c10::toString(dtype));
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
  for (const auto& [key, value] : tensors) if (key == name) return value;
  fail("{}: checkpoint has no tensor '{}'", origin.string(), name);
}

const H5Scalar& TensorFile::attribute(const std::string& name, const fs::path& origin) const {
  const auto it = attributes.find(name);
  if (it == attributes.end()) fail("{}: checkpoint has no attribute '{}'", origin.string(), name);
  return it->second;
}

void write_tensor_h5(const fs::path& path, const TensorFile& content) {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  const fs::path temp = path.string() + ".tmp";
  const hid_t file = H5Fcreate(temp.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  if (file < 0) fail("{}: cannot create (is the folder writable, the disk full?)", temp.string());
  try {
    const hid_t group = H5Gcreate2(file, "tensors", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    if (group < 0) fail("{}: HDF5 could not create /tensors", temp.string());
    for (const auto& [name, tensor] : content.tensors) {
      const torch::Tensor data = tensor.detach().to(torch::kCPU).contiguous();
      std::vector<hsize_t> dims(data.sizes().begin(), data.sizes().end());
      const hid_t space = dims.empty() ? H5Screate(H5S_SCALAR) : H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr);
      const hid_t type = h5_type(data.scalar_type(), name, path);
      const hid_t dataset = H5Dcreate2(group, name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
      const bool ok = dataset >= 0 && (data.numel() == 0 || H5Dwrite(dataset, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data.data_ptr()) >= 0);
      if (dataset >= 0) H5Dclose(dataset);
      H5Sclose(space);
      if (!ok) fail("{}: could not write tensor '{}' (disk full?)", temp.string(), name);
    }
    H5Gclose(group);
    const hid_t root = H5Gopen2(file, "/", H5P_DEFAULT);
    for (const auto& [key, value] : content.attributes) {
      const hid_t space = H5Screate(H5S_SCALAR);
      hid_t attribute = -1;
      herr_t written = -1;
      if (const auto* text = std::get_if<std::string>(&value)) {
        const hid_t type = H5Tcopy(H5T_C_S1);
        H5Tset_size(type, H5T_VARIABLE);
        H5Tset_cset(type, H5T_CSET_UTF8);
        attribute = H5Acreate2(root, key.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT);
        const char* data = text->c_str();
        if (attribute >= 0) written = H5Awrite(attribute, type, &data);
        H5Tclose(type);
      } else if (const auto* integer = std::get_if<std::int64_t>(&value)) {
        attribute = H5Acreate2(root, key.c_str(), H5T_NATIVE_INT64, space, H5P_DEFAULT, H5P_DEFAULT);
        if (attribute >= 0) written = H5Awrite(attribute, H5T_NATIVE_INT64, integer);
      } else {
        const double number = std::get<double>(value);
        attribute = H5Acreate2(root, key.c_str(), H5T_NATIVE_DOUBLE, space, H5P_DEFAULT, H5P_DEFAULT);
        if (attribute >= 0) written = H5Awrite(attribute, H5T_NATIVE_DOUBLE, &number);
      }
      if (attribute >= 0) H5Aclose(attribute);
      H5Sclose(space);
      if (written < 0) fail("{}: could not write attribute '{}'", temp.string(), key);
    }
    H5Gclose(root);
    check_tensor_h5(H5Fflush(file, H5F_SCOPE_GLOBAL), temp, "flush (disk full?)");
  } catch (...) {
    H5Fclose(file);
    std::error_code ignored;
    fs::remove(temp, ignored);
    throw;
  }
  if (H5Fclose(file) < 0) fail("{}: HDF5 could not close (disk full?)", temp.string());
  commit_written_file(temp, path);
}

TensorFile read_tensor_h5(const fs::path& path) {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  if (!fs::is_regular_file(path)) fail("{}: checkpoint not found", path.string());
  const hid_t file = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (file < 0) fail("{}: not a readable HDF5 checkpoint (truncated or corrupt?)", path.string());
  TensorFile content;
  try {
    const hid_t group = H5Gopen2(file, "/tensors", H5P_DEFAULT);
    if (group < 0) fail("{}: no /tensors group: not a lacos checkpoint", path.string());
    H5G_info_t info{};
    check_tensor_h5(H5Gget_info(group, &info), path, "list /tensors");
    for (hsize_t i = 0; i < info.nlinks; ++i) {
      char name[1024];
      if (H5Lget_name_by_idx(group, ".", H5_INDEX_NAME, H5_ITER_INC, i, name, sizeof(name), H5P_DEFAULT) < 0)
        fail("{}: cannot list /tensors", path.string());
      const hid_t dataset = H5Dopen2(group, name, H5P_DEFAULT);
      if (dataset < 0) fail("{}: cannot open tensor '{}' (corrupt?)", path.string(), name);
      const hid_t space = H5Dget_space(dataset);
      const hid_t file_type = H5Dget_type(dataset);
      const int rank = H5Sget_simple_extent_ndims(space);
      std::vector<hsize_t> dims(static_cast<std::size_t>(std::max(rank, 0)));
      if (rank > 0) H5Sget_simple_extent_dims(space, dims.data(), nullptr);
      const torch::ScalarType dtype = torch_type(file_type, name, path);
      torch::Tensor tensor = torch::empty(std::vector<std::int64_t>(dims.begin(), dims.end()), torch::TensorOptions().dtype(dtype));
      const herr_t read = tensor.numel() == 0 ? 0 : H5Dread(dataset, h5_type(dtype, name, path), H5S_ALL, H5S_ALL, H5P_DEFAULT, tensor.data_ptr());
      H5Tclose(file_type);
      H5Sclose(space);
      H5Dclose(dataset);
      if (read < 0) fail("{}: cannot read tensor '{}' (truncated or corrupt?)", path.string(), name);
      content.tensors.emplace_back(name, tensor);
    }
    H5Gclose(group);
  } catch (...) {
    H5Fclose(file);
    throw;
  }
  H5Fclose(file);
  content.attributes = read_h5_attributes(path, "/");
  return content;
}

}  // namespace lacos
