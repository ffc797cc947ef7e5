#include "h5_generator.h"

#include <hdf5.h>

#include <cstdint>
#include <cstdlib>
#include <functional>

namespace lacos::fuzz {

namespace {

const std::string& pick(FuzzedDataProvider& input, const std::vector<std::string>& values) {
  return values[input.ConsumeIntegralInRange<std::size_t>(0, values.size() - 1)];
}

// A type lacos may or may not expect: numbers of every width, fixed and variable strings.
hid_t pick_type(FuzzedDataProvider& input, bool* variable_string) {
  *variable_string = false;
  switch (input.ConsumeIntegralInRange(0, 7)) {
    case 0: return H5Tcopy(H5T_NATIVE_INT64);
    case 1: return H5Tcopy(H5T_NATIVE_INT32);
    case 2: return H5Tcopy(H5T_NATIVE_UINT8);
    case 3: return H5Tcopy(H5T_NATIVE_INT8);
    case 4: return H5Tcopy(H5T_NATIVE_FLOAT);
    case 5: return H5Tcopy(H5T_NATIVE_DOUBLE);
    case 6: {
      const hid_t type = H5Tcopy(H5T_C_S1);
      H5Tset_size(type, input.ConsumeIntegralInRange<std::size_t>(1, 40));
      return type;
    }
    default: {
      const hid_t type = H5Tcopy(H5T_C_S1);
      H5Tset_size(type, H5T_VARIABLE);
      H5Tset_cset(type, H5T_CSET_UTF8);
      *variable_string = true;
      return type;
    }
  }
}

// Scalar, null, or 1-3 dimensions; a dimension is small, or huge (far more than the file holds).
hid_t pick_space(FuzzedDataProvider& input, hsize_t* elements) {
  const int kind = input.ConsumeIntegralInRange(0, 5);
  *elements = 1;
  if (kind == 0) return H5Screate(H5S_SCALAR);
  if (kind == 1) {
    *elements = 0;
    return H5Screate(H5S_NULL);
  }
  const int rank = input.ConsumeIntegralInRange(1, 3);
  hsize_t dims[3];
  for (int i = 0; i < rank; ++i) {
    dims[i] = input.ConsumeBool() ? input.ConsumeIntegralInRange<hsize_t>(0, 6)
                                  : hsize_t{1} << input.ConsumeIntegralInRange(20, 60);
    *elements *= dims[i];
  }
  return H5Screate_simple(rank, dims, nullptr);
}

// Element bytes (or string pointers) for a small object, filled from the input.
void write_values(FuzzedDataProvider& input, hid_t type, bool variable_string, hsize_t elements,
                  const std::function<void(const void*)>& write) {
  if (variable_string) {
    std::vector<std::string> texts;
    std::vector<const char*> pointers;
    for (hsize_t i = 0; i < elements; ++i) texts.push_back(input.ConsumeRandomLengthString(24));
    for (const std::string& text : texts) pointers.push_back(text.c_str());
    write(pointers.data());
    return;
  }
  std::vector<std::uint8_t> bytes = input.ConsumeBytes<std::uint8_t>(elements * H5Tget_size(type));
  bytes.resize(elements * H5Tget_size(type));
  write(bytes.data());
}

void add_dataset(FuzzedDataProvider& input, hid_t file, const std::string& path) {
  bool variable_string = false;
  const hid_t type = pick_type(input, &variable_string);
  hsize_t elements = 0;
  const hid_t space = pick_space(input, &elements);
  const hid_t links = H5Pcreate(H5P_LINK_CREATE);
  H5Pset_create_intermediate_group(links, 1);
  const hid_t dataset = H5Dcreate2(file, path.c_str(), type, space, links, H5P_DEFAULT, H5P_DEFAULT);
  if (dataset >= 0 && elements > 0 && elements <= 64) {
    write_values(input, type, variable_string, elements,
                 [&](const void* data) { H5Dwrite(dataset, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data); });
  }
  if (dataset >= 0) H5Dclose(dataset);
  H5Pclose(links);
  H5Sclose(space);
  H5Tclose(type);
}

void add_group(hid_t file, const std::string& path) {
  const hid_t links = H5Pcreate(H5P_LINK_CREATE);
  H5Pset_create_intermediate_group(links, 1);
  const hid_t group = H5Gcreate2(file, path.c_str(), links, H5P_DEFAULT, H5P_DEFAULT);
  if (group >= 0) H5Gclose(group);
  H5Pclose(links);
}

void add_attribute(FuzzedDataProvider& input, hid_t file, const std::string& holder, const std::string& name) {
  add_group(file, holder);
  const hid_t object = H5Oopen(file, holder.c_str(), H5P_DEFAULT);
  if (object < 0) return;
  bool variable_string = false;
  const hid_t type = pick_type(input, &variable_string);
  hsize_t elements = 0;
  const hid_t space = pick_space(input, &elements);
  // An attribute's data is stored whole: only small ones can be created at all.
  if (elements <= 64) {
    const hid_t attribute = H5Acreate2(object, name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT);
    if (attribute >= 0) {
      if (elements > 0)
        write_values(input, type, variable_string, elements,
                     [&](const void* data) { H5Awrite(attribute, type, data); });
      H5Aclose(attribute);
    }
  }
  H5Sclose(space);
  H5Tclose(type);
  H5Oclose(object);
}

}  // namespace

void generate_h5(FuzzedDataProvider& input, const std::filesystem::path& path, const std::vector<std::string>& paths,
                 const std::vector<std::string>& attribute_holders, const std::vector<std::string>& attribute_names) {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);  // the generator's own failed calls are expected
  // Every open file costs HDF5 a metadata cache of about a megabyte, above its free lists' default
  // limits, so each open took fresh pages from ASan's allocator: page faults were two thirds of
  // the run time. Unlimited free lists keep that memory for the next open; lacos's code and what
  // it reads are the same (HDF5's internals are not what these targets fuzz).
  static const bool unlimited_free_lists = H5set_free_list_limits(-1, -1, -1, -1, -1, -1) >= 0;
  (void)unlimited_free_lists;
  const hid_t file = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  if (file < 0) std::abort();
  const int objects = input.ConsumeIntegralInRange(0, 24);
  for (int i = 0; i < objects && input.remaining_bytes() > 0; ++i) {
    switch (input.ConsumeIntegralInRange(0, 2)) {
      case 0: add_dataset(input, file, pick(input, paths)); break;
      case 1: add_group(file, pick(input, paths)); break;
      default: {
        const std::string holder = pick(input, attribute_holders);
        const std::string name =
            input.ConsumeBool() ? pick(input, attribute_names) : input.ConsumeRandomLengthString(12);
        add_attribute(input, file, holder, name);
      }
    }
  }
  H5Fclose(file);
}

}  // namespace lacos::fuzz
