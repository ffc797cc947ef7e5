#include "io/run_h5.h"

#include "core/error.h"

#include <hdf5.h>

namespace lacos {

namespace {

// lacos reports HDF5 failures as one clear error; HDF5's own stack dump would only add noise.
void silence_hdf5_errors() { H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr); }

// Closes an HDF5 id with the right function when it goes out of scope.
class H5Id {
 public:
  H5Id(hid_t id, herr_t (*close)(hid_t), const std::string& what) : id_(id), close_(close) {
    if (id < 0) fail("HDF5: could not {}", what);
  }
  ~H5Id() {
    if (id_ >= 0) close_(id_);
  }
  H5Id(H5Id&& other) noexcept : id_(other.id_), close_(other.close_) { other.id_ = -1; }
  H5Id(const H5Id&) = delete;
  hid_t get() const { return id_; }

 private:
  hid_t id_;
  herr_t (*close_)(hid_t);
};

void check(herr_t status, const std::filesystem::path& path, const std::string& what) {
  if (status < 0) fail("{}: HDF5 could not {}", path.string(), what);
}

H5Id string_type() {
  H5Id type(H5Tcopy(H5T_C_S1), H5Tclose, "make a string type");
  H5Tset_size(type.get(), H5T_VARIABLE);
  H5Tset_cset(type.get(), H5T_CSET_UTF8);
  return type;
}

void write_string_dataset(hid_t file, const std::string& name, const std::string& text, const std::filesystem::path& path) {
  const H5Id type = string_type();
  const H5Id space(H5Screate(H5S_SCALAR), H5Sclose, "make a scalar space");
  const H5Id dataset(H5Dcreate2(file, name.c_str(), type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                     H5Dclose, "create " + name + " in " + path.string());
  const char* data = text.c_str();
  check(H5Dwrite(dataset.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, &data), path, "write " + name);
}

H5Id create_group_path(hid_t file, const std::string& group, const std::filesystem::path& path) {
  const H5Id links(H5Pcreate(H5P_LINK_CREATE), H5Pclose, "make a property list");
  H5Pset_create_intermediate_group(links.get(), 1);
  return H5Id(H5Gcreate2(file, group.c_str(), links.get(), H5P_DEFAULT, H5P_DEFAULT), H5Gclose,
              "create group " + group + " in " + path.string());
}

}  // namespace

struct RunH5::State {
  std::filesystem::path path;
  hid_t file = -1;
  hid_t summary = -1;
  std::map<std::string, hid_t> datasets;  // "/train/loss" -> growing 1-D dataset

  void create_series(const std::string& name, hid_t type) {
    const hsize_t initial = 0, unlimited = H5S_UNLIMITED, chunk = 256;
    const H5Id space(H5Screate_simple(1, &initial, &unlimited), H5Sclose, "make a dataspace");
    const H5Id properties(H5Pcreate(H5P_DATASET_CREATE), H5Pclose, "make a property list");
    H5Pset_chunk(properties.get(), 1, &chunk);
    const H5Id links(H5Pcreate(H5P_LINK_CREATE), H5Pclose, "make a property list");
    H5Pset_create_intermediate_group(links.get(), 1);
    const hid_t dataset = H5Dcreate2(file, name.c_str(), type, space.get(), links.get(), properties.get(), H5P_DEFAULT);
    if (dataset < 0) fail("{}: HDF5 could not create dataset {}", path.string(), name);
    datasets[name] = dataset;
  }

  template <typename T>
  void append(const std::string& name, hid_t type, T value) {
    const hid_t dataset = datasets.at(name);
    const H5Id old_space(H5Dget_space(dataset), H5Sclose, "read a dataspace");
    hsize_t size = 0;
    H5Sget_simple_extent_dims(old_space.get(), &size, nullptr);
    const hsize_t new_size = size + 1, one = 1;
    check(H5Dset_extent(dataset, &new_size), path, "extend " + name);
    const H5Id space(H5Dget_space(dataset), H5Sclose, "read a dataspace");
    check(H5Sselect_hyperslab(space.get(), H5S_SELECT_SET, &size, nullptr, &one, nullptr), path, "select in " + name);
    const H5Id memory(H5Screate_simple(1, &one, nullptr), H5Sclose, "make a dataspace");
    check(H5Dwrite(dataset, type, memory.get(), space.get(), H5P_DEFAULT, &value), path, "append to " + name);
  }
};

RunH5::RunH5(const std::filesystem::path& path, const std::string& config_yaml, const std::string& overrides,
             const std::vector<std::string>& eval_sets)
    : state_(std::make_unique<State>()) {
  silence_hdf5_errors();
  state_->path = path;
  state_->file = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  if (state_->file < 0) fail("{}: cannot create the run file (is the folder writable?)", path.string());
  write_string_dataset(state_->file, "/config", config_yaml, path);
  write_string_dataset(state_->file, "/overrides", overrides, path);
  state_->summary = H5Gcreate2(state_->file, "/summary", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  if (state_->summary < 0) fail("{}: HDF5 could not create /summary", path.string());
  create_group_path(state_->file, "/train", path);
  state_->create_series("/train/step", H5T_NATIVE_INT64);
  state_->create_series("/train/loss", H5T_NATIVE_DOUBLE);
  state_->create_series("/train/lr", H5T_NATIVE_DOUBLE);
  state_->create_series("/train/tokens_per_second", H5T_NATIVE_DOUBLE);
  create_group_path(state_->file, "/eval", path);
  for (const std::string& set : eval_sets) {
    if (set.find('/') != std::string::npos) fail("{}: eval set name '{}' contains '/'", path.string(), set);
    state_->create_series("/eval/" + set + "/step", H5T_NATIVE_INT64);
    state_->create_series("/eval/" + set + "/spearman", H5T_NATIVE_DOUBLE);
    state_->create_series("/eval/" + set + "/pearson", H5T_NATIVE_DOUBLE);
  }
  set_summary("schema_version", kRunH5SchemaVersion);
  set_summary("status", std::string("running"));
  flush();
}

RunH5::~RunH5() {
  for (const auto& entry : state_->datasets) H5Dclose(entry.second);
  if (state_->summary >= 0) H5Gclose(state_->summary);
  if (state_->file >= 0) H5Fclose(state_->file);
}

const std::filesystem::path& RunH5::path() const { return state_->path; }

void RunH5::set_summary(const std::string& key, const H5Scalar& value) {
  const hid_t group = state_->summary;
  if (H5Aexists(group, key.c_str()) > 0) check(H5Adelete(group, key.c_str()), state_->path, "replace /summary " + key);
  const H5Id space(H5Screate(H5S_SCALAR), H5Sclose, "make a scalar space");
  if (const auto* text = std::get_if<std::string>(&value)) {
    const H5Id type = string_type();
    const H5Id attribute(H5Acreate2(group, key.c_str(), type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT), H5Aclose,
                         "create /summary " + key);
    const char* data = text->c_str();
    check(H5Awrite(attribute.get(), type.get(), &data), state_->path, "write /summary " + key);
  } else if (const auto* integer = std::get_if<std::int64_t>(&value)) {
    const H5Id attribute(H5Acreate2(group, key.c_str(), H5T_NATIVE_INT64, space.get(), H5P_DEFAULT, H5P_DEFAULT),
                         H5Aclose, "create /summary " + key);
    check(H5Awrite(attribute.get(), H5T_NATIVE_INT64, integer), state_->path, "write /summary " + key);
  } else {
    const double number = std::get<double>(value);
    const H5Id attribute(H5Acreate2(group, key.c_str(), H5T_NATIVE_DOUBLE, space.get(), H5P_DEFAULT, H5P_DEFAULT),
                         H5Aclose, "create /summary " + key);
    check(H5Awrite(attribute.get(), H5T_NATIVE_DOUBLE, &number), state_->path, "write /summary " + key);
  }
}

void RunH5::append_train(std::int64_t step, double loss, double lr, double tokens_per_second) {
  state_->append("/train/step", H5T_NATIVE_INT64, step);
  state_->append("/train/loss", H5T_NATIVE_DOUBLE, loss);
  state_->append("/train/lr", H5T_NATIVE_DOUBLE, lr);
  state_->append("/train/tokens_per_second", H5T_NATIVE_DOUBLE, tokens_per_second);
}

void RunH5::append_eval(const std::string& set, std::int64_t step, double spearman, double pearson) {
  if (state_->datasets.count("/eval/" + set + "/step") == 0) fail("{}: eval set '{}' was not declared", state_->path.string(), set);
  state_->append("/eval/" + set + "/step", H5T_NATIVE_INT64, step);
  state_->append("/eval/" + set + "/spearman", H5T_NATIVE_DOUBLE, spearman);
  state_->append("/eval/" + set + "/pearson", H5T_NATIVE_DOUBLE, pearson);
}

void RunH5::flush() { check(H5Fflush(state_->file, H5F_SCOPE_GLOBAL), state_->path, "flush"); }

std::vector<double> read_h5_doubles(const std::filesystem::path& path, const std::string& name) {
  silence_hdf5_errors();
  const H5Id file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose, "open " + path.string());
  const H5Id dataset(H5Dopen2(file.get(), name.c_str(), H5P_DEFAULT), H5Dclose, "open " + name + " in " + path.string());
  const H5Id space(H5Dget_space(dataset.get()), H5Sclose, "read a dataspace");
  hsize_t size = 0;
  if (H5Sget_simple_extent_ndims(space.get()) != 1) fail("{}: {} is not one-dimensional", path.string(), name);
  H5Sget_simple_extent_dims(space.get(), &size, nullptr);
  std::vector<double> values(size);
  if (size > 0) check(H5Dread(dataset.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()), path, "read " + name);
  return values;
}

std::string read_h5_string(const std::filesystem::path& path, const std::string& name) {
  silence_hdf5_errors();
  const H5Id file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose, "open " + path.string());
  const H5Id dataset(H5Dopen2(file.get(), name.c_str(), H5P_DEFAULT), H5Dclose, "open " + name + " in " + path.string());
  const H5Id type = string_type();
  char* data = nullptr;
  check(H5Dread(dataset.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, &data), path, "read " + name);
  std::string text = data == nullptr ? "" : data;
  H5free_memory(data);
  return text;
}

}  // namespace lacos
