// A model folder's tokenizer.json: the BPE vocabulary and merges, added tokens, the pipeline
// settings; a tokenizer that loads must then encode and decode without failing.
#include "fuzz_support.h"
#include "tokenizer/tokenizer.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  lacos::fuzz::run_parser([&] {
    const lacos::Tokenizer tokenizer =
        lacos::Tokenizer::from_json_text(lacos::fuzz::text_of(data, size), "tokenizer.json");
    (void)tokenizer.vocab_size();
    (void)tokenizer.pad_id();
    for (const char* text : {"Hello world", " a <pad> b</s>", "ünïcödé 漢字 🙂", ""}) {
      const std::vector<std::int32_t> ids = tokenizer.encode(text);
      (void)tokenizer.decode(ids, /*skip_special_tokens=*/true);
    }
  });
  return 0;
}
