#include "data/derived_data.h"

#include "core/error.h"
#include "core/file_io.h"
#include "data/derived_bitext.h"
#include "data/nli_file.h"
#include "data/sts_file.h"
#include "io/gzip.h"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <random>
#include <unordered_set>

namespace lacos {

namespace fs = std::filesystem;

const std::vector<DerivedSource>& sts_eval_sources() {
  static const std::vector<DerivedSource> sources = [] {
    std::vector<DerivedSource> list = {{"stsb-dev.tsv", "stsb/sts-dev.csv"}, {"stsb-test.tsv", "stsb/sts-test.csv"}};
    for (const char* lang : {"de", "es", "fr", "it", "ja", "nl", "pl", "pt", "ru", "zh"}) {
      list.push_back({fmt::format("stsb-{}-test.tsv", lang), fmt::format("stsb_multi_mt/stsb-{}-test.csv", lang)});
    }
    const std::pair<const char*, const char*> tracks[] = {{"ar-ar", "track1.ar-ar"}, {"ar-en", "track2.ar-en"},
                                                          {"es-es", "track3.es-es"}, {"es-en", "track4b.es-en"},
                                                          {"en-en", "track5.en-en"}, {"tr-en", "track6.tr-en"}};
    for (const auto& [pair, track] : tracks) {
      list.push_back(
          {fmt::format("sts17-{}.tsv", pair), fmt::format("sts17/STS2017.eval.v1.1/STS.input.{}.txt", track)});
    }
    return list;
  }();
  return sources;
}

const std::vector<std::string>& nli_pair_sources() {
  static const std::vector<std::string> sources = [] {
    std::vector<std::string> list = {"nli/snli/snli_1.0_dev.jsonl.gz", "nli/snli/snli_1.0_test.jsonl.gz",
                                     "nli/snli/snli_1.0_train_0.01.jsonl.gz", "nli/mnli/dev.jsonl"};
    for (const char* lang :
         {"ar", "bg", "de", "el", "en", "es", "fr", "hi", "ru", "sw", "th", "tr", "ur", "vi", "zh"}) {
      list.push_back(fmt::format("xnli/dev-{}.tsv", lang));
      list.push_back(fmt::format("nli/xnli_test/xnli_test_{}.tar.gz", lang));
    }
    for (const char* file : {"nli/cad_snli/original/train.tsv", "nli/cad_snli/revised_hypothesis/train.tsv",
                             "kornlu/KorNLI/xnli.dev.ko.tsv", "kornlu/KorNLI/xnli.test.ko.tsv", "nli/ocnli/dev.json",
                             "nli/ocnli/train.10k.json"}) {
      list.push_back(file);
    }
    return list;
  }();
  return sources;
}

namespace {

// One TSV field: no tabs or newlines inside.
std::string tsv_field(const std::string& text) {
  std::string out = text;
  std::replace(out.begin(), out.end(), '\t', ' ');
  std::replace(out.begin(), out.end(), '\n', ' ');
  return out;
}

// A training text: also without surrounding whitespace (NLI files carry stray spaces).
std::string trimmed_field(const std::string& text) {
  const std::string out = tsv_field(text);
  const std::size_t first = out.find_first_not_of(" \r");
  if (first == std::string::npos) return {};
  return out.substr(first, out.find_last_not_of(" \r") - first + 1);
}

// As Python's repr(float), which wrote the shared copy: shortest round-trip digits, "5.0" not "5".
std::string python_float(double value) {
  std::string text = fmt::format("{}", value);
  if (text.find_first_of(".en") == std::string::npos) text += ".0";
  return text;
}

}  // namespace

DerivedParts DerivedParts::parse(const std::string& list) {
  if (list == "all") return {};
  DerivedParts parts{false, false, false};
  std::size_t start = 0;
  while (start <= list.size()) {
    const std::size_t comma = std::min(list.find(',', start), list.size());
    const std::string part = list.substr(start, comma - start);
    if (part == "sts") {
      parts.sts = true;
    } else if (part == "pairs") {
      parts.pairs = true;
    } else if (part == "bitext") {
      parts.bitext = true;
    } else {
      fail("--only '{}': unknown part '{}' (expected a comma-separated list of sts, pairs, bitext, or all)", list,
           part);
    }
    start = comma + 1;
  }
  return parts;
}

DerivedReport prepare_derived_data(const fs::path& data_root, const fs::path& derived_dir, std::uint64_t seed,
                                   const DerivedParts& parts) {
  DerivedReport report;
  std::unordered_set<std::string> evaluation;
  // The STS sets are read even when not written: the pairs leave out their sentences.
  if (parts.sts || parts.pairs) {
    if (parts.sts) fs::create_directories(derived_dir / "sts-eval");
    for (const DerivedSource& source : sts_eval_sources()) {
      const StsSet set = read_sts_file(data_root / source.input);
      std::string text;
      for (const StsPair& pair : set.pairs) {
        text +=
            fmt::format("{}\t{}\t{}\n", tsv_field(pair.sentence1), tsv_field(pair.sentence2), python_float(pair.score));
        evaluation.insert(pair.sentence1);
        evaluation.insert(pair.sentence2);
      }
      if (!parts.sts) continue;
      write_file_bytes(derived_dir / "sts-eval" / source.output, text);
      report.lines.push_back(
          fmt::format("sts-eval/{}: {} pairs from {}", source.output, set.pairs.size(), source.input));
    }
  }
  if (parts.bitext) {
    for (std::string& line : write_xnli_bitext(data_root, derived_dir)) report.lines.push_back(std::move(line));
  }
  if (!parts.pairs) return report;

  std::vector<TextPair> pairs;
  std::unordered_set<std::string> seen;
  std::size_t duplicates = 0, overlapping = 0;
  for (const std::string& file : nli_pair_sources()) {
    for (TextPair& pair : nli_training_pairs(read_nli_file(data_root / file).examples, /*hard_negatives=*/false)) {
      if (evaluation.count(pair.anchor) > 0 || evaluation.count(pair.positive) > 0) {
        ++overlapping;
        continue;
      }
      if (!seen.insert(pair.anchor + '\t' + pair.positive).second) {
        ++duplicates;
        continue;
      }
      pairs.push_back(std::move(pair));
    }
  }
  std::mt19937_64 generator(seed);
  std::shuffle(pairs.begin(), pairs.end(), generator);
  std::string text;
  for (const TextPair& pair : pairs) text += trimmed_field(pair.anchor) + '\t' + trimmed_field(pair.positive) + '\n';
  write_gzip_file(derived_dir / "nli-entailment-pairs.tsv.gz", text);
  report.lines.push_back(
      fmt::format("nli-entailment-pairs.tsv.gz: {} pairs from {} NLI files ({} duplicates and {} "
                  "pairs touching an evaluation sentence left out)",
                  pairs.size(), nli_pair_sources().size(), duplicates, overlapping));
  return report;
}

}  // namespace lacos
