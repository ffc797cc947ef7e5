// tar archives, plain or gzip-compressed (the XNLI test sets): member headers and sizes.
#include "fuzz_support.h"
#include "io/tar_archive.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string bytes = lacos::fuzz::text_of(data, size);
  // gzip's magic number decides the name the reader sees, as a real download would be named.
  const bool gzipped = size >= 2 && data[0] == 0x1f && data[1] == 0x8b;
  const auto path = lacos::fuzz::write_input(gzipped ? "xnli.tar.gz" : "xnli.tar", bytes);
  lacos::fuzz::run_parser([&] {
    std::size_t total = 0;
    for (const auto& [name, member] : lacos::read_tar_members(path)) total += name.size() + member.size();
    (void)total;
  });
  return 0;
}
