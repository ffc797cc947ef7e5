// The one HDF5 layer of lacos, over HDF5's C API: handles closed by RAII, one error policy
// (HDF5's own stack printing off; every failure a lacos::Error naming the file and the object),
// one atomic commit (written under a unique temporary name, fsynced and renamed by
// core/atomic_file.h), and
// readers that open a file once. run.h5, checkpoints and embeddings are all written through it.
#pragma once

#include <hdf5.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <variant>
#include <vector>

namespace lacos {

// A scalar attribute: run.h5's /summary values, checkpoint and embedding metadata.
using H5Scalar = std::variant<double, std::int64_t, std::string>;

// An hid_t closed with its own close function when it goes out of scope.
class H5Handle {
 public:
  H5Handle() = default;
  H5Handle(hid_t id, herr_t (*close)(hid_t)) : id_(id), close_(close) {}
  ~H5Handle() { reset(); }
  H5Handle(H5Handle&& other) noexcept : id_(other.id_), close_(other.close_) { other.id_ = -1; }
  H5Handle& operator=(H5Handle&& other) noexcept;
  H5Handle(const H5Handle&) = delete;
  H5Handle& operator=(const H5Handle&) = delete;

  hid_t get() const { return id_; }
  bool valid() const { return id_ >= 0; }
  // Closes now; returns HDF5's status (negative: the close failed, e.g. a full disk).
  herr_t reset();

 private:
  hid_t id_ = -1;
  herr_t (*close_)(hid_t) = nullptr;
};

template <typename T>
hid_t h5_native_type();
template <>
inline hid_t h5_native_type<double>() {
  return H5T_NATIVE_DOUBLE;
}
template <>
inline hid_t h5_native_type<float>() {
  return H5T_NATIVE_FLOAT;
}
template <>
inline hid_t h5_native_type<std::int64_t>() {
  return H5T_NATIVE_INT64;
}

// A group or dataset: what both carry (attributes) and how errors name it.
class H5Object {
 public:
  const std::string& name() const { return name_; }  // full path inside the file, e.g. /eval/sts
  hid_t id() const { return handle_.get(); }
  void set_attribute(const std::string& key, const H5Scalar& value) const;
  // Every numeric and string attribute (others are skipped).
  std::map<std::string, H5Scalar> attributes() const;
  [[noreturn]] void fail_here(const std::string& what) const;  // "<file>: HDF5 could not <what> (<name>)"

 protected:
  friend class H5File;
  H5Object(H5Handle handle, std::filesystem::path file, std::string name);
  std::string child(const std::string& member) const;
  H5Handle handle_;
  std::filesystem::path file_;
  std::string name_;
};

// A dataset of any rank; rows can be written a block at a time (embeddings).
class H5Dataset : public H5Object {
 public:
  std::vector<std::uint64_t> shape() const;
  // The number of elements, after checking that `element_bytes` each fit in the file as it is on
  // disk, and that the product of the non-zero dimensions does too (a tensor of shape [0, 2^60,
  // 2^60] holds nothing, but its strides overflow): a crafted file cannot make lacos allocate more
  // than the file holds.
  std::uint64_t elements_within_file(std::size_t element_bytes) const;
  H5Handle type() const;  // the dataset's stored type
  // Reads the whole dataset converted to `memory_type` into `out` (shape().product() elements).
  void read(hid_t memory_type, void* out) const;
  // Writes rows [first_row, first_row + rows) of a 2-D dataset from `data` ([rows, columns]).
  void write_rows(std::uint64_t first_row, std::uint64_t rows, hid_t memory_type, const void* data) const;
  void close();  // closes now, reporting a failed close as an error

 private:
  friend class H5Group;
  using H5Object::H5Object;
};

class H5Group : public H5Object {
 public:
  // `track_order`: members list back in creation order (run.h5's eval sets keep their order).
  H5Group create_group(const std::string& member, bool track_order = true) const;
  H5Group open_group(const std::string& member) const;
  bool has(const std::string& member) const;
  // Member names in creation order where the group tracks it, else by name.
  std::vector<std::string> members() const;

  H5Dataset create_dataset(const std::string& member, hid_t type, const std::vector<std::uint64_t>& shape) const;
  H5Dataset open_dataset(const std::string& member) const;
  // An n-D dataset written whole (checkpoint tensors); an empty shape is a scalar.
  void write_array(const std::string& member, hid_t type, const std::vector<std::uint64_t>& shape,
                   const void* data) const;

  void write_string(const std::string& member, const std::string& text) const;
  std::string read_string(const std::string& member) const;
  // A 1-D series, chunked and extendable, so readers see the same layout however long it is.
  template <typename T>
  void write_series(const std::string& member, const std::vector<T>& values) const {
    write_series_raw(member, h5_native_type<T>(), values.size(), values.data());
  }
  template <typename T>
  std::vector<T> read_series(const std::string& member) const {
    std::vector<T> values(series_length(member, sizeof(T)));
    if (!values.empty()) open_dataset(member).read(h5_native_type<T>(), values.data());
    return values;
  }
  void write_strings(const std::string& member, const std::vector<std::string>& values) const;
  std::vector<std::string> read_strings(const std::string& member) const;

 private:
  friend class H5File;
  using H5Object::H5Object;
  void write_series_raw(const std::string& member, hid_t type, std::size_t size, const void* data) const;
  std::size_t series_length(const std::string& member, std::size_t element_bytes) const;
};

// An HDF5 file: created under a unique temporary name (core/atomic_file.h) and renamed into place
// by commit(), or opened
// read-only. A writer destroyed without commit() removes its temporary file.
class H5File {
 public:
  static H5File create(const std::filesystem::path& path);
  // `what` names the file's role in errors ("checkpoint", "run file").
  static H5File open_read_only(const std::filesystem::path& path, const char* what = "file");
  ~H5File();
  H5File(H5File&& other) noexcept;
  H5File(const H5File&) = delete;
  H5File& operator=(const H5File&) = delete;

  const std::filesystem::path& path() const { return path_; }
  const H5Group& root() const { return root_; }
  // Flushes, closes (every dataset must be closed by then) and renames over path().
  void commit();

 private:
  H5File(std::filesystem::path path, std::filesystem::path temp_path, H5Handle file);
  std::filesystem::path path_;
  std::filesystem::path temp_path_;  // empty when read-only
  H5Handle file_;
  H5Group root_;
  bool committed_ = false;
};

// One-call readers (tests, reports): the attributes of a group, a 1-D numeric dataset as
// doubles, a string dataset.
std::map<std::string, H5Scalar> read_h5_attributes(const std::filesystem::path& path, const std::string& group);
std::vector<double> read_h5_doubles(const std::filesystem::path& path, const std::string& dataset);
std::string read_h5_string(const std::filesystem::path& path, const std::string& dataset);

}  // namespace lacos
