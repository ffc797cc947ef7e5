// A PEFT adapter_config.json: LoRA settings, target modules and the target regex.
#include "fuzz_support.h"
#include "lora/lora_config.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  lacos::fuzz::run_parser([&] {
    const lacos::Json json = lacos::parse_json(lacos::fuzz::text_of(data, size), "adapter_config.json");
    const lacos::LoraConfig config = lacos::LoraConfig::from_peft_json(json, "adapter_config.json");
    config.validate("adapter_config.json");
    (void)config.scaling();
    for (const char* name : {"h.0.self_attention.query_key_value", "h.11.mlp.dense_4h_to_h", "word_embeddings"})
      (void)config.targets(name);
    (void)config.to_peft_json("base").dump();
  });
  return 0;
}
