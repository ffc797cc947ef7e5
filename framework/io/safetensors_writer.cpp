#include "io/safetensors_writer.h"

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/json_file.h"

#include <algorithm>
#include <set>

namespace lacos {

void write_safetensors(const std::filesystem::path& path, const std::vector<StTensorView>& tensors,
                       const std::map<std::string, std::string>& metadata) {
  std::vector<const StTensorView*> ordered;
  std::set<std::string> names;
  for (const auto& tensor : tensors) {
    if (!names.insert(tensor.name).second) fail("{}: tensor '{}' given twice", path.string(), tensor.name);
    ordered.push_back(&tensor);
  }
  std::sort(ordered.begin(), ordered.end(),
            [](const StTensorView* a, const StTensorView* b) { return a->name < b->name; });

  Json header = Json::object();
  if (!metadata.empty()) header["__metadata__"] = metadata;
  std::uint64_t offset = 0;
  std::vector<std::uint64_t> sizes;
  for (const StTensorView* tensor : ordered) {
    std::uint64_t bytes = st_dtype_size(tensor->dtype);
    for (std::int64_t dim : tensor->shape) {
      if (dim < 0) fail("{}: tensor '{}' has a negative dimension", path.string(), tensor->name);
      bytes *= static_cast<std::uint64_t>(dim);
    }
    header[tensor->name] = {
        {"dtype", st_dtype_name(tensor->dtype)}, {"shape", tensor->shape}, {"data_offsets", {offset, offset + bytes}}};
    sizes.push_back(bytes);
    offset += bytes;
  }
  std::string header_text = header.dump();
  header_text.append((8 - header_text.size() % 8) % 8, ' ');

  AtomicFile out(path);
  std::uint64_t header_len = header_text.size();
  unsigned char len_bytes[8];
  for (int i = 0; i < 8; ++i) len_bytes[i] = static_cast<unsigned char>((header_len >> (8 * i)) & 0xff);
  out.write(len_bytes, 8);
  out.write(header_text.data(), header_text.size());
  for (std::size_t i = 0; i < ordered.size(); ++i) out.write(ordered[i]->data, sizes[i]);
  out.commit();
}

}  // namespace lacos
