// Evaluation sets in every format lacos reads (data/sts_file.h, data/bitext_file.h): derived TSV,
// STS-B's TSV, stsb_multi_mt's CSV, SICK, bitext-mining TSV, and SemEval input + gold pairs. The first byte picks the format; for
// SemEval the rest is the input file, a line "%%", then the gold file.
#include "data/bitext_file.h"
#include "data/sts_file.h"
#include "fuzz_support.h"

#include <filesystem>
#include <iterator>

namespace fs = std::filesystem;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const char* const kNames[] = {"sts/stsb-test.tsv", "sts/sts-train.tsv",     "sts/stsb-de-test.csv",
                                       "sts/SICK.txt",      "bitext/xnli-de-en.tsv", "STS14/STS.input.images.txt"};
  if (size == 0) return 0;
  const std::size_t choice = data[0] % std::size(kNames);
  std::string bytes = lacos::fuzz::text_of(data + 1, size - 1);
  fs::remove_all(lacos::fuzz::scratch_folder() / "STS14");
  if (choice == std::size(kNames) - 1) {
    const std::size_t split = bytes.find("\n%%\n");
    const std::string gold = split == std::string::npos ? std::string() : bytes.substr(split + 4);
    if (split != std::string::npos) bytes.resize(split + 1);
    lacos::fuzz::write_input("STS14/STS.gs.images.txt", gold);
  }
  const auto path = lacos::fuzz::write_input(kNames[choice], bytes);
  if (lacos::is_bitext_path(path)) {
    lacos::fuzz::run_parser([&] { (void)lacos::read_bitext_file(path); });
  } else {
    lacos::fuzz::run_parser([&] { (void)lacos::read_sts_file(path); });
  }
  if (choice == std::size(kNames) - 1) lacos::fuzz::run_parser([&] { (void)lacos::read_sts_year(path.parent_path()); });
  return 0;
}
