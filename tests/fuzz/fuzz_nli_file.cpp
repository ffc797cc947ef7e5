// NLI datasets in every format lacos reads (data/nli_file.h): JSON Lines, TSV with or without a
// header, tar archives of them, gzip-compressed or not. The first byte picks the file name the
// reader dispatches on; the rest is the file.
#include "data/nli_file.h"
#include "fuzz_support.h"

#include <iterator>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const char* const kNames[] = {"snli.jsonl",    "mnli.jsonl.gz", "ocnli.json", "dev-fr.tsv",
                                       "kornli.tsv.gz", "xnli.tar",      "xnli.tar.gz"};
  if (size == 0) return 0;
  const char* name = kNames[data[0] % std::size(kNames)];
  const auto path = lacos::fuzz::write_input(name, lacos::fuzz::text_of(data + 1, size - 1));
  lacos::fuzz::run_parser([&] {
    const lacos::NliSet set = lacos::read_nli_file(path);
    (void)lacos::nli_training_pairs(set.examples, /*hard_negatives=*/false);
    (void)lacos::nli_training_pairs(set.examples, /*hard_negatives=*/true);
  });
  return 0;
}
