#include "io/safetensors.h"

#include "core/error.h"
#include "core/json_file.h"

#include <algorithm>
#include <cstring>
#include <limits>

namespace lacos {

namespace {

struct DtypeInfo {
  StDtype dtype;
  const char* name;
  std::size_t size;
};

constexpr DtypeInfo kDtypes[] = {
    {StDtype::F64, "F64", 8}, {StDtype::F32, "F32", 4},   {StDtype::F16, "F16", 2}, {StDtype::BF16, "BF16", 2},
    {StDtype::I64, "I64", 8}, {StDtype::I32, "I32", 4},   {StDtype::I16, "I16", 2}, {StDtype::I8, "I8", 1},
    {StDtype::U8, "U8", 1},   {StDtype::BOOL, "BOOL", 1},
};

const DtypeInfo& info(StDtype dtype) {
  for (const auto& entry : kDtypes) {
    if (entry.dtype == dtype) return entry;
  }
  fail("internal: unknown StDtype {}", static_cast<int>(dtype));
}

std::uint64_t read_u64_le(const std::byte* bytes) {
  std::uint64_t value = 0;
  for (int i = 7; i >= 0; --i) value = (value << 8) | static_cast<std::uint8_t>(bytes[i]);
  return value;
}

// numel x element size, refusing overflow.
bool checked_nbytes(const std::vector<std::int64_t>& shape, std::size_t element_size, std::uint64_t* out) {
  std::uint64_t total = element_size;
  for (std::int64_t dim : shape) {
    auto d = static_cast<std::uint64_t>(dim);
    if (d != 0 && total > std::numeric_limits<std::uint64_t>::max() / d) return false;
    total *= d;
  }
  *out = total;
  return true;
}

StTensor parse_entry(const std::string& name, const Json& entry, const std::string& origin) {
  const std::string where = origin + ": tensor '" + name + "'";
  if (!entry.is_object()) fail("{}: header entry must be an object, got {}", where, entry.dump());
  StTensor tensor;
  tensor.name = name;
  const std::string dtype_name = require_string(entry, "dtype", where);
  if (!parse_st_dtype(dtype_name, &tensor.dtype)) {
    fail("{}: unknown dtype '{}' (expected one of F64, F32, F16, BF16, I64, I32, I16, I8, U8, BOOL)", where,
         dtype_name);
  }
  const Json& shape = require_key(entry, "shape", where);
  if (!shape.is_array()) fail("{}: 'shape' must be an array, got {}", where, shape.dump());
  for (const Json& dim : shape) {
    if (!dim.is_number_integer() || dim.get<std::int64_t>() < 0) {
      fail("{}: shape {} holds something other than a non-negative integer", where, shape.dump());
    }
    tensor.shape.push_back(dim.get<std::int64_t>());
  }
  const Json& offsets = require_key(entry, "data_offsets", where);
  if (!offsets.is_array() || offsets.size() != 2 || !offsets[0].is_number_unsigned() ||
      !offsets[1].is_number_unsigned()) {
    fail("{}: 'data_offsets' must be [begin, end] with non-negative integers, got {}", where, offsets.dump());
  }
  tensor.begin = offsets[0].get<std::uint64_t>();
  tensor.end = offsets[1].get<std::uint64_t>();
  if (tensor.end < tensor.begin) {
    fail("{}: data_offsets [{}, {}] end before they begin", where, tensor.begin, tensor.end);
  }
  std::uint64_t expected = 0;
  if (!checked_nbytes(tensor.shape, st_dtype_size(tensor.dtype), &expected)) {
    fail("{}: shape {} is too large", where, shape.dump());
  }
  if (expected != tensor.nbytes()) {
    fail("{}: dtype {} and shape {} need {} bytes but data_offsets [{}, {}] hold {}", where, dtype_name, shape.dump(),
         expected, tensor.begin, tensor.end, tensor.nbytes());
  }
  return tensor;
}

}  // namespace

const char* st_dtype_name(StDtype dtype) { return info(dtype).name; }
std::size_t st_dtype_size(StDtype dtype) { return info(dtype).size; }

bool parse_st_dtype(const std::string& name, StDtype* dtype) {
  for (const auto& entry : kDtypes) {
    if (name == entry.name) {
      *dtype = entry.dtype;
      return true;
    }
  }
  return false;
}

std::int64_t StTensor::numel() const {
  std::int64_t total = 1;
  for (std::int64_t dim : shape) total *= dim;
  return total;
}

SafetensorsFile::SafetensorsFile(const std::filesystem::path& path) : file_(path) {
  const std::string origin = path.string();
  if (file_.size() < 8) {
    fail("{}: truncated safetensors file ({} bytes; the 8-byte header length alone is missing)", origin, file_.size());
  }
  const std::uint64_t header_len = read_u64_le(file_.data());
  if (header_len > kMaxSafetensorsHeaderBytes) {
    fail("{}: header length {} exceeds the {}-byte cap (corrupt file?)", origin, header_len,
         kMaxSafetensorsHeaderBytes);
  }
  if (header_len > file_.size() - 8) {
    fail("{}: header length {} runs past the end of the file ({} bytes): truncated or corrupt", origin, header_len,
         file_.size());
  }
  const char* header_bytes = reinterpret_cast<const char*>(file_.data() + 8);
  if (header_len == 0 || header_bytes[0] != '{') {
    fail("{}: header must be a JSON object starting with '{{'", origin);
  }
  const Json header = parse_json(std::string(header_bytes, header_len), origin + " (safetensors header)");
  if (!header.is_object()) fail("{}: header must be a JSON object", origin);

  data_start_ = 8 + header_len;
  const std::uint64_t data_size = file_.size() - data_start_;
  for (const auto& [name, entry] : header.items()) {
    if (name == "__metadata__") {
      if (!entry.is_object()) fail("{}: __metadata__ must be an object of strings", origin);
      for (const auto& [key, value] : entry.items()) {
        if (!value.is_string()) fail("{}: __metadata__ value of '{}' must be a string", origin, key);
        metadata_[key] = value.get<std::string>();
      }
      continue;
    }
    tensors_.push_back(parse_entry(name, entry, origin));
  }

  std::sort(tensors_.begin(), tensors_.end(), [](const StTensor& a, const StTensor& b) {
    return a.begin != b.begin ? a.begin < b.begin : a.end < b.end;
  });
  std::uint64_t expected_begin = 0;
  for (StTensor& tensor : tensors_) {
    if (tensor.begin != expected_begin) {
      if (tensor.begin < expected_begin) {
        fail("{}: tensor '{}' at data_offsets [{}, {}] overlaps the previous tensor, which ends at {}", origin,
             tensor.name, tensor.begin, tensor.end, expected_begin);
      }
      fail("{}: tensor '{}' starts at {} but the previous tensor ends at {}: offsets must tile the data", origin,
           tensor.name, tensor.begin, expected_begin);
    }
    if (tensor.end > data_size) {
      fail("{}: tensor '{}' data_offsets [{}, {}] run past the data section ({} bytes): truncated file?", origin,
           tensor.name, tensor.begin, tensor.end, data_size);
    }
    tensor.data = file_.data() + data_start_ + tensor.begin;
    expected_begin = tensor.end;
  }
  if (expected_begin != data_size) {
    fail("{}: the tensors cover {} bytes but the data section holds {}: offsets must tile the data", origin,
         expected_begin, data_size);
  }
  for (std::size_t i = 0; i < tensors_.size(); ++i) index_[tensors_[i].name] = i;
}

const StTensor* SafetensorsFile::find(const std::string& name) const {
  auto it = index_.find(name);
  return it == index_.end() ? nullptr : &tensors_[it->second];
}

const StTensor& SafetensorsFile::at(const std::string& name) const {
  const StTensor* tensor = find(name);
  if (tensor == nullptr) fail("{}: no tensor named '{}'", path().string(), name);
  return *tensor;
}

void SafetensorsFile::release(const StTensor& tensor) const { release_bytes(tensor, 0, tensor.nbytes()); }

void SafetensorsFile::release_bytes(const StTensor& tensor, std::uint64_t offset, std::uint64_t length) const {
  file_.release(data_start_ + tensor.begin + offset,
                std::min(length, tensor.nbytes() - std::min(offset, tensor.nbytes())));
}

}  // namespace lacos
