// Training checkpoints as --resume reads them (io/tensor_h5.h): the tensors under /tensors and the
// attributes on /, from files whose objects, types, shapes and attributes the input chooses
// (h5_generator.h). Linked to LibTorch, since the reader allocates torch tensors; a shape the file
// does not hold must be refused before torch::empty sees it.
#include "core/error.h"
#include "fuzz_support.h"
#include "h5_generator.h"
#include "io/tensor_h5.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::vector<std::string> kPaths = {
      "/tensors/lora_A", "/tensors/lora_B", "/tensors/exp_avg", "/tensors/step", "/tensors", "/tensors/g/x", "/other"};
  static const std::vector<std::string> kHolders = {"/", "/tensors", "/tensors/lora_A"};
  static const std::vector<std::string> kNames = {"step", "world_size", "samples_seen", "format", "rng"};
  FuzzedDataProvider input(data, size);
  const auto path = lacos::fuzz::scratch_folder() / "checkpoint.h5";
  lacos::fuzz::generate_h5(input, path, kPaths, kHolders, kNames);
  lacos::fuzz::run_parser([&] {
    const lacos::TensorFile content = lacos::read_tensor_h5(path);
    for (const auto& [name, tensor] : content.tensors) (void)tensor.sum();
    for (const std::string& name : kNames) {
      try {
        (void)content.attribute(name, path);
      } catch (const lacos::Error&) {
      }
    }
  });
  return 0;
}
