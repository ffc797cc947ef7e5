#include "io/run_h5.h"

#include "core/error.h"
#include "io/atomic_file.h"

#include <hdf5.h>

#include <algorithm>

namespace lacos {

namespace fs = std::filesystem;

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

void check(herr_t status, const fs::path& path, const std::string& what) {
  if (status < 0) fail("{}: HDF5 could not {}", path.string(), what);
}

H5Id string_type() {
  H5Id type(H5Tcopy(H5T_C_S1), H5Tclose, "make a string type");
  H5Tset_size(type.get(), H5T_VARIABLE);
  H5Tset_cset(type.get(), H5T_CSET_UTF8);
  return type;
}

H5Id make_group(hid_t parent, const std::string& name, const fs::path& path) {
  const H5Id properties(H5Pcreate(H5P_GROUP_CREATE), H5Pclose, "make a property list");
  H5Pset_link_creation_order(properties.get(), H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED);  // keeps set order
  return H5Id(H5Gcreate2(parent, name.c_str(), H5P_DEFAULT, properties.get(), H5P_DEFAULT), H5Gclose,
              "create group " + name + " in " + path.string());
}

void write_string(hid_t parent, const std::string& name, const std::string& text, const fs::path& path) {
  const H5Id type = string_type();
  const H5Id space(H5Screate(H5S_SCALAR), H5Sclose, "make a scalar space");
  const H5Id dataset(H5Dcreate2(parent, name.c_str(), type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                     H5Dclose, "create " + name + " in " + path.string());
  const char* data = text.c_str();
  check(H5Dwrite(dataset.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, &data), path, "write " + name);
}

// A 1-D dataset, chunked and extendable so readers see the same shape of file however long it is.
template <typename T>
void write_series(hid_t parent, const std::string& name, hid_t type, const std::vector<T>& values, const fs::path& path) {
  const hsize_t size = values.size(), unlimited = H5S_UNLIMITED, chunk = 1024;
  const H5Id space(H5Screate_simple(1, &size, &unlimited), H5Sclose, "make a dataspace");
  const H5Id properties(H5Pcreate(H5P_DATASET_CREATE), H5Pclose, "make a property list");
  H5Pset_chunk(properties.get(), 1, &chunk);
  const H5Id dataset(H5Dcreate2(parent, name.c_str(), type, space.get(), H5P_DEFAULT, properties.get(), H5P_DEFAULT),
                     H5Dclose, "create " + name + " in " + path.string());
  if (!values.empty()) check(H5Dwrite(dataset.get(), type, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()), path, "write " + name);
}

void write_strings(hid_t parent, const std::string& name, const std::vector<std::string>& values, const fs::path& path) {
  std::vector<const char*> pointers;
  for (const std::string& value : values) pointers.push_back(value.c_str());
  const H5Id type = string_type();
  write_series(parent, name, type.get(), pointers, path);
}

void write_attribute(hid_t group, const std::string& key, const H5Scalar& value, const fs::path& path) {
  const H5Id space(H5Screate(H5S_SCALAR), H5Sclose, "make a scalar space");
  if (const auto* text = std::get_if<std::string>(&value)) {
    const H5Id type = string_type();
    const H5Id attribute(H5Acreate2(group, key.c_str(), type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT), H5Aclose,
                         "create /summary " + key);
    const char* data = text->c_str();
    check(H5Awrite(attribute.get(), type.get(), &data), path, "write /summary " + key);
  } else if (const auto* integer = std::get_if<std::int64_t>(&value)) {
    const H5Id attribute(H5Acreate2(group, key.c_str(), H5T_NATIVE_INT64, space.get(), H5P_DEFAULT, H5P_DEFAULT),
                         H5Aclose, "create /summary " + key);
    check(H5Awrite(attribute.get(), H5T_NATIVE_INT64, integer), path, "write /summary " + key);
  } else {
    const double number = std::get<double>(value);
    const H5Id attribute(H5Acreate2(group, key.c_str(), H5T_NATIVE_DOUBLE, space.get(), H5P_DEFAULT, H5P_DEFAULT),
                         H5Aclose, "create /summary " + key);
    check(H5Awrite(attribute.get(), H5T_NATIVE_DOUBLE, &number), path, "write /summary " + key);
  }
}

template <typename T>
std::vector<T> read_series(hid_t file, const std::string& name, hid_t type, const fs::path& path) {
  const H5Id dataset(H5Dopen2(file, name.c_str(), H5P_DEFAULT), H5Dclose, "open " + name + " in " + path.string());
  const H5Id space(H5Dget_space(dataset.get()), H5Sclose, "read a dataspace");
  if (H5Sget_simple_extent_ndims(space.get()) != 1) fail("{}: {} is not one-dimensional", path.string(), name);
  hsize_t size = 0;
  H5Sget_simple_extent_dims(space.get(), &size, nullptr);
  std::vector<T> values(size);
  if (size > 0) check(H5Dread(dataset.get(), type, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()), path, "read " + name);
  return values;
}

std::string read_string(hid_t file, const std::string& name, const fs::path& path) {
  const H5Id dataset(H5Dopen2(file, name.c_str(), H5P_DEFAULT), H5Dclose, "open " + name + " in " + path.string());
  const H5Id type = string_type();
  char* data = nullptr;
  check(H5Dread(dataset.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, &data), path, "read " + name);
  std::string text = data == nullptr ? "" : data;
  H5free_memory(data);
  return text;
}

std::vector<std::string> read_strings(hid_t file, const std::string& name, const fs::path& path) {
  const H5Id type = string_type();
  std::vector<char*> pointers = read_series<char*>(file, name, type.get(), path);
  std::vector<std::string> values;
  for (char* pointer : pointers) {
    values.emplace_back(pointer == nullptr ? "" : pointer);
    H5free_memory(pointer);
  }
  return values;
}

H5Id open_file(const fs::path& path) {
  silence_hdf5_errors();
  if (!fs::is_regular_file(path)) fail("{}: no such run file", path.string());
  return H5Id(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose,
              "open " + path.string() + " (not an HDF5 file, or damaged)");
}

}  // namespace

EvalSeries& RunRecord::eval_series(const std::string& set) {
  for (auto& [name, series] : eval) if (name == set) return series;
  if (set.empty() || set.find('/') != std::string::npos) fail("eval set name '{}' cannot name an HDF5 group", set);
  eval.emplace_back(set, EvalSeries{});
  return eval.back().second;
}

void RunRecord::truncate_to(std::int64_t steps_completed) {
  std::size_t keep = 0;
  while (keep < train.step.size() && train.step[keep] < steps_completed) ++keep;
  train.step.resize(keep);
  train.loss.resize(keep);
  train.lr.resize(keep);
  train.tokens_per_second.resize(keep);
  for (auto& [name, series] : eval) {
    std::size_t kept = 0;
    while (kept < series.step.size() && series.step[kept] <= steps_completed) ++kept;
    series.step.resize(kept);
    series.spearman.resize(kept);
    series.pearson.resize(kept);
  }
  checkpoints.erase(std::remove_if(checkpoints.begin(), checkpoints.end(),
                                   [&](const auto& checkpoint) { return checkpoint.first > steps_completed; }),
                    checkpoints.end());
}

void write_run_h5(const fs::path& path, const RunRecord& record) {
  silence_hdf5_errors();
  const fs::path temp = path.string() + ".tmp";
  {
    const H5Id file(H5Fcreate(temp.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), H5Fclose,
                    "create " + temp.string() + " (is the folder writable, the disk full?)");
    write_string(file.get(), "config", record.config_yaml, path);
    write_string(file.get(), "overrides", record.overrides, path);
    const H5Id summary = make_group(file.get(), "summary", path);
    for (const auto& [key, value] : record.summary) write_attribute(summary.get(), key, value, path);
    const H5Id train = make_group(file.get(), "train", path);
    write_series(train.get(), "step", H5T_NATIVE_INT64, record.train.step, path);
    write_series(train.get(), "loss", H5T_NATIVE_DOUBLE, record.train.loss, path);
    write_series(train.get(), "lr", H5T_NATIVE_DOUBLE, record.train.lr, path);
    write_series(train.get(), "tokens_per_second", H5T_NATIVE_DOUBLE, record.train.tokens_per_second, path);
    const H5Id eval = make_group(file.get(), "eval", path);
    for (const auto& [name, series] : record.eval) {
      const H5Id set = make_group(eval.get(), name, path);
      write_series(set.get(), "step", H5T_NATIVE_INT64, series.step, path);
      write_series(set.get(), "spearman", H5T_NATIVE_DOUBLE, series.spearman, path);
      write_series(set.get(), "pearson", H5T_NATIVE_DOUBLE, series.pearson, path);
    }
    const H5Id checkpoints = make_group(file.get(), "checkpoints", path);
    std::vector<std::int64_t> steps;
    std::vector<std::string> files;
    for (const auto& [step, file_name] : record.checkpoints) {
      steps.push_back(step);
      files.push_back(file_name);
    }
    write_series(checkpoints.get(), "step", H5T_NATIVE_INT64, steps, path);
    write_strings(checkpoints.get(), "path", files, path);
    check(H5Fflush(file.get(), H5F_SCOPE_GLOBAL), temp, "flush (disk full?)");
  }
  commit_written_file(temp, path);
}

RunRecord read_run_h5(const fs::path& path) {
  RunRecord record;
  {
    const H5Id file = open_file(path);
    record.config_yaml = read_string(file.get(), "/config", path);
    record.overrides = read_string(file.get(), "/overrides", path);
    record.train.step = read_series<std::int64_t>(file.get(), "/train/step", H5T_NATIVE_INT64, path);
    record.train.loss = read_series<double>(file.get(), "/train/loss", H5T_NATIVE_DOUBLE, path);
    record.train.lr = read_series<double>(file.get(), "/train/lr", H5T_NATIVE_DOUBLE, path);
    record.train.tokens_per_second = read_series<double>(file.get(), "/train/tokens_per_second", H5T_NATIVE_DOUBLE, path);
    const H5Id eval(H5Gopen2(file.get(), "/eval", H5P_DEFAULT), H5Gclose, "open /eval in " + path.string());
    H5G_info_t info{};
    check(H5Gget_info(eval.get(), &info), path, "list /eval");
    // Sets in the order they were declared where the file tracks it, else by name.
    unsigned order_flags = 0;
    const H5Id properties(H5Gget_create_plist(eval.get()), H5Pclose, "read /eval's properties");
    H5Pget_link_creation_order(properties.get(), &order_flags);
    const H5_index_t index = (order_flags & H5P_CRT_ORDER_INDEXED) != 0 ? H5_INDEX_CRT_ORDER : H5_INDEX_NAME;
    for (hsize_t i = 0; i < info.nlinks; ++i) {
      char name[512];
      if (H5Lget_name_by_idx(eval.get(), ".", index, H5_ITER_INC, i, name, sizeof(name), H5P_DEFAULT) < 0)
        fail("{}: cannot list /eval", path.string());
      EvalSeries& series = record.eval_series(name);
      const std::string group = std::string("/eval/") + name;
      series.step = read_series<std::int64_t>(file.get(), group + "/step", H5T_NATIVE_INT64, path);
      series.spearman = read_series<double>(file.get(), group + "/spearman", H5T_NATIVE_DOUBLE, path);
      series.pearson = read_series<double>(file.get(), group + "/pearson", H5T_NATIVE_DOUBLE, path);
    }
    if (H5Lexists(file.get(), "/checkpoints", H5P_DEFAULT) > 0) {  // absent in runs written before checkpoints
      const auto steps = read_series<std::int64_t>(file.get(), "/checkpoints/step", H5T_NATIVE_INT64, path);
      const auto files = read_strings(file.get(), "/checkpoints/path", path);
      for (std::size_t i = 0; i < steps.size() && i < files.size(); ++i) record.checkpoints.emplace_back(steps[i], files[i]);
    }
  }
  record.summary = read_h5_attributes(path, "/summary");
  return record;
}

RunH5::RunH5(const fs::path& path, const std::string& config_yaml, const std::string& overrides,
             const std::vector<std::string>& eval_sets)
    : path_(path) {
  record_.config_yaml = config_yaml;
  record_.overrides = overrides;
  for (const std::string& set : eval_sets) record_.eval_series(set);
  record_.summary["schema_version"] = kRunH5SchemaVersion;
  record_.summary["status"] = std::string("running");
  flush();
}

RunH5::RunH5(const fs::path& path, RunRecord record) : path_(path), record_(std::move(record)) {}

void RunH5::append_train(std::int64_t step, double loss, double lr, double tokens_per_second) {
  record_.train.step.push_back(step);
  record_.train.loss.push_back(loss);
  record_.train.lr.push_back(lr);
  record_.train.tokens_per_second.push_back(tokens_per_second);
}

void RunH5::append_eval(const std::string& set, std::int64_t step, double spearman, double pearson) {
  EvalSeries& series = record_.eval_series(set);
  series.step.push_back(step);
  series.spearman.push_back(spearman);
  series.pearson.push_back(pearson);
}

std::vector<double> read_h5_doubles(const fs::path& path, const std::string& name) {
  const H5Id file = open_file(path);
  return read_series<double>(file.get(), name, H5T_NATIVE_DOUBLE, path);
}

std::string read_h5_string(const fs::path& path, const std::string& name) {
  const H5Id file = open_file(path);
  return read_string(file.get(), name, path);
}

}  // namespace lacos
