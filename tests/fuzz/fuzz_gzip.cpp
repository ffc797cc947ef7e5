// gzip data (.jsonl.gz, .tsv.gz datasets and archive members), in memory and as a file.
#include "fuzz_support.h"
#include "io/gzip.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string bytes = lacos::fuzz::text_of(data, size);
  lacos::fuzz::run_parser([&] { (void)lacos::gunzip(bytes, "member.gz"); });
  const auto path = lacos::fuzz::write_input("data.tsv.gz", bytes);
  lacos::fuzz::run_parser([&] { (void)lacos::read_maybe_gzip_file(path, "dataset"); });
  return 0;
}
