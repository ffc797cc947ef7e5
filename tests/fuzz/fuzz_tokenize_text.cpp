// Text through a real BLOOM tokenizer (the tiny-bloom-a fixture): any valid UTF-8 encodes, and
// decoding the ids gives the text back byte for byte (byte-level BPE loses nothing); invalid
// UTF-8 is refused with an Error.
#include "fuzz_support.h"
#include "tokenizer/tokenizer.h"

#include <cstdio>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const lacos::Tokenizer tokenizer = lacos::Tokenizer::from_file(LACOS_FUZZ_TOKENIZER);
  const std::string text = lacos::fuzz::text_of(data, size);
  lacos::fuzz::run_parser([&] {
    const std::vector<std::int32_t> ids = tokenizer.encode(text);
    if (tokenizer.decode(ids) != text) {
      std::fprintf(stderr, "lacos fuzz: decode(encode(text)) differs from the text\n");
      std::abort();
    }
  });
  return 0;
}
