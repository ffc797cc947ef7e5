// safetensors files (model weights, adapter weights): the header and every tensor's bytes.
#include "fuzz_support.h"
#include "io/safetensors.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto path = lacos::fuzz::write_input("model.safetensors", lacos::fuzz::text_of(data, size));
  lacos::fuzz::run_parser([&] {
    const lacos::SafetensorsFile file(path);
    volatile unsigned sum = 0;
    for (const lacos::StTensor& tensor : file.tensors()) {
      // Touch the first and last byte the header claims: they must lie inside the mapping.
      if (tensor.nbytes() > 0) sum = sum + unsigned(tensor.data[0]) + unsigned(tensor.data[tensor.nbytes() - 1]);
      (void)tensor.numel();
      (void)file.at(tensor.name);
    }
    for (const auto& [key, value] : file.metadata()) sum = sum + key.size() + value.size();
  });
  return 0;
}
