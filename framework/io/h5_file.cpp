#include "io/h5_file.h"

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/path_status.h"

#include <fmt/format.h>

namespace lacos {

namespace fs = std::filesystem;

namespace {

// lacos reports each HDF5 failure as one error naming the file; HDF5's stack dump would only
// add noise. Called before every file is opened or created.
void silence_hdf5_errors() { H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr); }

// HDF5 closes every file still open when the program exits. After a close that failed (a full
// disk), HDF 1.10 keeps a half-freed file in its tables and that exit-time close crashes (a null
// dereference in H5F__close_cb), turning a clean "disk full" error into a segfault. lacos closes
// every file itself (RAII), so the exit-time close is not needed; H5dont_atexit must run before
// the library initialises, hence at static initialisation.
const bool kNoExitTimeClose = H5dont_atexit() >= 0;

H5Handle string_type() {
  H5Handle type(H5Tcopy(H5T_C_S1), H5Tclose);
  H5Tset_size(type.get(), H5T_VARIABLE);
  H5Tset_cset(type.get(), H5T_CSET_UTF8);
  return type;
}

H5Handle scalar_space() { return H5Handle(H5Screate(H5S_SCALAR), H5Sclose); }

H5Handle simple_space(const std::vector<std::uint64_t>& shape) {
  if (shape.empty()) return scalar_space();
  const std::vector<hsize_t> dims(shape.begin(), shape.end());
  return H5Handle(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr), H5Sclose);
}

}  // namespace

H5Handle& H5Handle::operator=(H5Handle&& other) noexcept {
  if (this != &other) {
    reset();
    id_ = other.id_;
    close_ = other.close_;
    other.id_ = -1;
  }
  return *this;
}

herr_t H5Handle::reset() {
  herr_t status = 0;
  if (id_ >= 0 && close_ != nullptr) status = close_(id_);
  id_ = -1;
  return status;
}

// ---- objects: attributes and errors

H5Object::H5Object(H5Handle handle, fs::path file, std::string name)
    : handle_(std::move(handle)), file_(std::move(file)), name_(std::move(name)) {
  if (!handle_.valid()) fail("{}: HDF5 could not open or create {}", file_.string(), name_);
}

void H5Object::fail_here(const std::string& what) const {
  fail("{}: HDF5 could not {} ({}; disk full, or the file damaged?)", file_.string(), what, name_);
}

std::string H5Object::child(const std::string& member) const {
  return name_ == "/" ? "/" + member : name_ + "/" + member;
}

void H5Object::set_attribute(const std::string& key, const H5Scalar& value) const {
  const H5Handle space = scalar_space();
  H5Handle type;
  const void* data = nullptr;
  const char* text = nullptr;
  if (const auto* string = std::get_if<std::string>(&value)) {
    type = string_type();
    text = string->c_str();
    data = &text;
  } else if (const auto* integer = std::get_if<std::int64_t>(&value)) {
    type = H5Handle(H5Tcopy(H5T_NATIVE_INT64), H5Tclose);
    data = integer;
  } else {
    type = H5Handle(H5Tcopy(H5T_NATIVE_DOUBLE), H5Tclose);
    data = &std::get<double>(value);
  }
  const H5Handle attribute(H5Acreate2(id(), key.c_str(), type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT), H5Aclose);
  if (!attribute.valid() || H5Awrite(attribute.get(), type.get(), data) < 0) fail_here("write attribute '" + key + "'");
}

std::map<std::string, H5Scalar> H5Object::attributes() const {
  std::map<std::string, H5Scalar> out;
  H5O_info_t info{};
  if (H5Oget_info2(id(), &info, H5O_INFO_NUM_ATTRS) < 0) fail_here("list attributes");
  for (hsize_t i = 0; i < info.num_attrs; ++i) {
    const H5Handle attribute(H5Aopen_by_idx(id(), ".", H5_INDEX_NAME, H5_ITER_INC, i, H5P_DEFAULT, H5P_DEFAULT),
                             H5Aclose);
    if (!attribute.valid()) fail_here("open attribute " + std::to_string(i));
    std::string key(static_cast<std::size_t>(std::max<ssize_t>(H5Aget_name(attribute.get(), 0, nullptr), 0)), '\0');
    H5Aget_name(attribute.get(), key.size() + 1, key.data());
    const H5Handle space(H5Aget_space(attribute.get()), H5Sclose);
    if (H5Sget_simple_extent_npoints(space.get()) != 1)
      fail_here("read attribute '" + key + "': it holds not one value");
    const H5Handle stored(H5Aget_type(attribute.get()), H5Tclose);
    const H5T_class_t type_class = H5Tget_class(stored.get());
    herr_t read = 0;
    if (type_class == H5T_FLOAT) {
      double value = 0;
      read = H5Aread(attribute.get(), H5T_NATIVE_DOUBLE, &value);
      out[key] = value;
    } else if (type_class == H5T_INTEGER) {
      std::int64_t value = 0;
      read = H5Aread(attribute.get(), H5T_NATIVE_INT64, &value);
      out[key] = value;
    } else if (type_class == H5T_STRING) {
      const H5Handle type = string_type();
      char* text = nullptr;
      read = H5Aread(attribute.get(), type.get(), &text);
      out[key] = std::string(text == nullptr ? "" : text);
      H5free_memory(text);
    }
    if (read < 0) fail_here("read attribute '" + key + "'");
  }
  return out;
}

// ---- datasets

std::vector<std::uint64_t> H5Dataset::shape() const {
  const H5Handle space(H5Dget_space(id()), H5Sclose);
  const int rank = H5Sget_simple_extent_ndims(space.get());
  if (rank < 0) fail_here("read the shape");
  std::vector<hsize_t> dims(static_cast<std::size_t>(rank));
  if (rank > 0) H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr);
  return {dims.begin(), dims.end()};
}

std::uint64_t H5Dataset::elements_within_file(std::size_t element_bytes) const {
  std::error_code error;
  const std::uint64_t file_bytes = fs::file_size(file_, error);
  // The product of the non-zero dimensions is bounded too: a shape such as [0, 2^60, 2^60] holds no
  // element, but the strides of a tensor of that shape overflow (found by the checkpoint fuzzer).
  std::uint64_t spanned = 1;
  bool empty = false;
  for (const std::uint64_t size : shape()) {
    empty = empty || size == 0;
    if (size != 0 && spanned > file_bytes / size) fail_here("read: its shape claims more elements than the file holds");
    if (size != 0) spanned *= size;
  }
  const std::uint64_t elements = empty ? 0 : spanned;
  if (error || (element_bytes > 0 && elements > file_bytes / element_bytes)) {
    fail_here(fmt::format("read: {} elements of {} bytes are more than the file's {} bytes", elements, element_bytes,
                          file_bytes));
  }
  return elements;
}

H5Handle H5Dataset::type() const { return H5Handle(H5Dget_type(id()), H5Tclose); }

void H5Dataset::read(hid_t memory_type, void* out) const {
  if (H5Dread(id(), memory_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, out) < 0) fail_here("read (truncated or corrupt?)");
}

void H5Dataset::write_rows(std::uint64_t first_row, std::uint64_t rows, hid_t memory_type, const void* data) const {
  const std::vector<std::uint64_t> dims = shape();
  if (dims.size() != 2 || first_row + rows > dims[0]) fail_here("write rows outside the dataset");
  if (rows == 0) return;
  const H5Handle file_space(H5Dget_space(id()), H5Sclose);
  const hsize_t offset[2] = {first_row, 0}, count[2] = {rows, dims[1]};
  H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, offset, nullptr, count, nullptr);
  const H5Handle memory_space(H5Screate_simple(2, count, nullptr), H5Sclose);
  if (H5Dwrite(id(), memory_type, memory_space.get(), file_space.get(), H5P_DEFAULT, data) < 0) fail_here("write rows");
}

void H5Dataset::close() {
  if (handle_.reset() < 0) fail_here("close");
}

// ---- groups

H5Group H5Group::create_group(const std::string& member, bool track_order) const {
  const H5Handle properties(H5Pcreate(H5P_GROUP_CREATE), H5Pclose);
  if (track_order) H5Pset_link_creation_order(properties.get(), H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED);
  return H5Group(H5Handle(H5Gcreate2(id(), member.c_str(), H5P_DEFAULT, properties.get(), H5P_DEFAULT), H5Gclose),
                 file_, child(member));
}

H5Group H5Group::open_group(const std::string& member) const {
  return H5Group(H5Handle(H5Gopen2(id(), member.c_str(), H5P_DEFAULT), H5Gclose), file_, child(member));
}

bool H5Group::has(const std::string& member) const { return H5Lexists(id(), member.c_str(), H5P_DEFAULT) > 0; }

std::vector<std::string> H5Group::members() const {
  H5G_info_t info{};
  if (H5Gget_info(id(), &info) < 0) fail_here("list members");
  unsigned order_flags = 0;
  const H5Handle properties(H5Gget_create_plist(id()), H5Pclose);
  H5Pget_link_creation_order(properties.get(), &order_flags);
  const H5_index_t index = (order_flags & H5P_CRT_ORDER_INDEXED) != 0 ? H5_INDEX_CRT_ORDER : H5_INDEX_NAME;
  std::vector<std::string> names;
  for (hsize_t i = 0; i < info.nlinks; ++i) {
    const ssize_t length = H5Lget_name_by_idx(id(), ".", index, H5_ITER_INC, i, nullptr, 0, H5P_DEFAULT);
    if (length < 0) fail_here("list members");
    std::string name(static_cast<std::size_t>(length), '\0');
    H5Lget_name_by_idx(id(), ".", index, H5_ITER_INC, i, name.data(), name.size() + 1, H5P_DEFAULT);
    names.push_back(name);
  }
  return names;
}

H5Dataset H5Group::create_dataset(const std::string& member, hid_t type,
                                  const std::vector<std::uint64_t>& shape) const {
  const H5Handle space = simple_space(shape);
  return H5Dataset(
      H5Handle(H5Dcreate2(id(), member.c_str(), type, space.get(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Dclose),
      file_, child(member));
}

H5Dataset H5Group::open_dataset(const std::string& member) const {
  return H5Dataset(H5Handle(H5Dopen2(id(), member.c_str(), H5P_DEFAULT), H5Dclose), file_, child(member));
}

void H5Group::write_array(const std::string& member, hid_t type, const std::vector<std::uint64_t>& shape,
                          const void* data) const {
  H5Dataset dataset = create_dataset(member, type, shape);
  std::uint64_t elements = 1;
  for (const std::uint64_t size : shape) elements *= size;
  if (elements > 0 && H5Dwrite(dataset.id(), type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) < 0) dataset.fail_here("write");
  dataset.close();
}

void H5Group::write_string(const std::string& member, const std::string& text) const {
  const H5Handle type = string_type();
  const char* data = text.c_str();
  write_array(member, type.get(), {}, &data);
}

std::string H5Group::read_string(const std::string& member) const {
  const H5Handle type = string_type();
  char* data = nullptr;
  const H5Dataset dataset = open_dataset(member);
  if (dataset.elements_within_file(1) != 1) dataset.fail_here("read a string: it holds not one value");
  dataset.read(type.get(), &data);
  std::string text = data == nullptr ? "" : data;
  H5free_memory(data);
  return text;
}

void H5Group::write_series_raw(const std::string& member, hid_t type, std::size_t size, const void* data) const {
  const hsize_t length = size, unlimited = H5S_UNLIMITED, chunk = 1024;
  const H5Handle space(H5Screate_simple(1, &length, &unlimited), H5Sclose);
  const H5Handle properties(H5Pcreate(H5P_DATASET_CREATE), H5Pclose);
  H5Pset_chunk(properties.get(), 1, &chunk);
  H5Dataset dataset(
      H5Handle(H5Dcreate2(id(), member.c_str(), type, space.get(), H5P_DEFAULT, properties.get(), H5P_DEFAULT),
               H5Dclose),
      file_, child(member));
  if (size > 0 && H5Dwrite(dataset.id(), type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) < 0) dataset.fail_here("write");
  dataset.close();
}

std::size_t H5Group::series_length(const std::string& member, std::size_t element_bytes) const {
  const H5Dataset dataset = open_dataset(member);
  if (dataset.shape().size() != 1) dataset.fail_here("read a series: it is not one-dimensional");
  return static_cast<std::size_t>(dataset.elements_within_file(element_bytes));
}

void H5Group::write_strings(const std::string& member, const std::vector<std::string>& values) const {
  std::vector<const char*> pointers;
  for (const std::string& value : values) pointers.push_back(value.c_str());
  const H5Handle type = string_type();
  write_series_raw(member, type.get(), pointers.size(), pointers.data());
}

std::vector<std::string> H5Group::read_strings(const std::string& member) const {
  std::vector<char*> pointers(series_length(member, sizeof(char*)));
  const H5Handle type = string_type();
  if (!pointers.empty()) open_dataset(member).read(type.get(), pointers.data());
  std::vector<std::string> values;
  for (char* pointer : pointers) {
    values.emplace_back(pointer == nullptr ? "" : pointer);
    H5free_memory(pointer);
  }
  return values;
}

// ---- files

H5File::H5File(fs::path path, fs::path temp_path, H5Handle file)
    : path_(std::move(path)),
      temp_path_(std::move(temp_path)),
      file_(std::move(file)),
      root_(H5Handle(H5Gopen2(file_.get(), "/", H5P_DEFAULT), H5Gclose), path_, "/") {}

H5File H5File::create(const fs::path& path) {
  silence_hdf5_errors();
  const fs::path temp = unique_temp_path(path);
  H5Handle file(H5Fcreate(temp.c_str(), H5F_ACC_EXCL, H5P_DEFAULT, H5P_DEFAULT), H5Fclose);
  if (!file.valid()) fail("{}: cannot create (is the folder writable, the disk full?)", temp.string());
  return H5File(path, temp, std::move(file));
}

H5File H5File::open_read_only(const fs::path& path, const char* what) {
  silence_hdf5_errors();
  if (!is_file(path)) fail("{}: no such {}", path.string(), what);
  H5Handle file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
  if (!file.valid()) fail("{}: not a readable HDF5 {} (not an HDF5 file, or damaged: truncated?)", path.string(), what);
  return H5File(path, fs::path(), std::move(file));
}

H5File::H5File(H5File&& other) noexcept
    : path_(std::move(other.path_)),
      temp_path_(std::move(other.temp_path_)),
      file_(std::move(other.file_)),
      root_(std::move(other.root_)),
      committed_(other.committed_) {
  other.temp_path_.clear();  // the moved-from file owns no temporary file
}

H5File::~H5File() {
  root_.handle_.reset();
  file_.reset();
  if (temp_path_.empty() || committed_) return;
  std::error_code ignored;
  fs::remove(temp_path_, ignored);  // an abandoned writer leaves nothing behind
}

void H5File::commit() {
  root_.handle_.reset();
  if (H5Fflush(file_.get(), H5F_SCOPE_GLOBAL) < 0 || file_.reset() < 0) {
    fail("{}: HDF5 could not flush and close (disk full?)", temp_path_.string());
  }
  commit_written_file(temp_path_, path_);
  committed_ = true;
}

std::map<std::string, H5Scalar> read_h5_attributes(const fs::path& path, const std::string& group) {
  const H5File file = H5File::open_read_only(path);
  return file.root().open_group(group).attributes();
}

std::vector<double> read_h5_doubles(const fs::path& path, const std::string& dataset) {
  const H5File file = H5File::open_read_only(path);
  return file.root().read_series<double>(dataset);
}

std::string read_h5_string(const fs::path& path, const std::string& dataset) {
  const H5File file = H5File::open_read_only(path);
  return file.root().read_string(dataset);
}

}  // namespace lacos
