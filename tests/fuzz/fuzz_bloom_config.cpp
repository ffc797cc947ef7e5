// A model folder's config.json, and every size derived from it before a model is built.
#include "fuzz_support.h"
#include "model/bloom_config.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  lacos::fuzz::run_parser([&] {
    const lacos::Json json = lacos::parse_json(lacos::fuzz::text_of(data, size), "config.json");
    const lacos::BloomConfig config = lacos::BloomConfig::from_json(json, "config.json");
    (void)config.head_dim();
    (void)config.parameter_count();
    (void)config.non_embedding_parameter_count();
    (void)config.to_json().dump();
  });
  return 0;
}
