// Builds data/derived/ from the raw datasets, as ../shared/data/derived was made (see its
// README.md): the STS evaluation sets as `sentence1 TAB sentence2 TAB score`, and the NLI
// entailment pairs (premise TAB entailed hypothesis) from SNLI, MNLI, XNLI, CAD-SNLI, KorNLI and
// OCNLI, deduplicated, without any pair that touches an evaluation sentence, shuffled once; and
// the bitext-mining sets of XNLI (data/derived_bitext.h; their premises stay in the pairs: a run
// evaluating on them removes the overlap itself, as train.remove_eval_overlap does for any set).
// The evaluation files come out byte-identical to the shared copy (tested). The pairs are close
// but not the same: 57,8xx here against the shared file's 59,746 (whose exact source list and
// quoting rules are not documented), in another shuffled order; the reference recipe needs the
// shared file itself.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace lacos {

struct DerivedSource {
  std::string output;  // file name under derived/sts-eval/
  std::string input;   // raw file under the data root
};

const std::vector<DerivedSource>& sts_eval_sources();
const std::vector<std::string>& nli_pair_sources();  // raw NLI files under the data root

struct DerivedReport {
  std::vector<std::string> lines;  // what was written, one line per file
};

// What to build; all of it by default (lacos-prepare-data --only).
struct DerivedParts {
  bool sts = true, pairs = true, bitext = true;
  static DerivedParts parse(const std::string& list);  // "sts,bitext"; "all"
};

DerivedReport prepare_derived_data(const std::filesystem::path& data_root, const std::filesystem::path& derived_dir,
                                   std::uint64_t seed, const DerivedParts& parts = {});

}  // namespace lacos
