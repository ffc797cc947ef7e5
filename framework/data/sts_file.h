// STS evaluation sets as `sentence1 TAB sentence2 TAB score` (the files in data/derived/sts-eval).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace lacos {

struct StsPair {
  std::string sentence1;
  std::string sentence2;
  double score = 0.0;
};

struct StsSet {
  std::string name;  // the file stem, e.g. "stsb-test"
  std::filesystem::path path;
  std::vector<StsPair> pairs;
  std::size_t skipped_unscored = 0;  // lines with an empty score (normal in STS files)
  std::size_t malformed = 0;         // lines without three fields or with an unreadable score
};

// Reads an STS TSV. Unscored lines are skipped silently; malformed lines are counted; an
// unreadable file, invalid UTF-8 or a file with no pair at all is an error naming the file.
StsSet read_sts_tsv(const std::filesystem::path& path);

// A gold score: the whole text is a finite number (every STS format's score column).
bool parse_sts_score(const std::string& text, double* score);

// Any STS file of ../shared/data, by name and content:
//   `sentence1 TAB sentence2 TAB score` (data/derived/sts-eval);
//   STS-B's TSV (genre, file, year, id, score, sentence1, sentence2 [, sources]; KorSTS's header too);
//   stsb_multi_mt's CSV (sentence1, sentence2, score; quoted fields);
//   SemEval STS12-17 `STS.input.<x>.txt` (or `STS2016.input.<x>.txt`) with its gold file
//   `STS.gs.<x>.txt` beside it, one score per line, empty = unscored;
//   SICK.txt (sentence_A, sentence_B, relatedness_score).
StsSet read_sts_file(const std::filesystem::path& path);

// The subsets of one SemEval year folder (e.g. sts12-16/STS14): every input file with a gold file.
std::vector<StsSet> read_sts_year(const std::filesystem::path& folder);

}  // namespace lacos
