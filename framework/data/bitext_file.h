// Bitext-mining sets: line-parallel sentences and their English translations, as
// `sentence TAB english` (data/derived/bitext/xnli-<lang>-en.tsv, built by lacos-prepare-data).
// An evaluation set is read as bitext when its file lies in a folder named `bitext`.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

namespace lacos {

struct BitextSet {
  std::string name;  // the file stem, e.g. "xnli-de-en"
  std::filesystem::path path;
  std::vector<std::string> sentences;  // the other language, line i translating english[i]
  std::vector<std::string> english;
};

// True for a file in a folder named `bitext` (how eval.sets tells bitext from STS).
bool is_bitext_path(const std::filesystem::path& path);

// Retrieval scores every sentence against every candidate (an n x n matrix of doubles: 3.2 GB at
// this bound); larger sets are refused rather than exhaust the memory.
inline constexpr std::size_t kMaxBitextPairs = 20000;

// Reads a bitext TSV. Every non-empty line must hold two non-empty fields; at least two lines
// (retrieval among one candidate means nothing) and at most kMaxBitextPairs. Errors name the file
// and the line.
BitextSet read_bitext_file(const std::filesystem::path& path);

// The language of a set named "<source>-<lang>-en" ("xnli-de-en" -> "de"); "" when not of that form.
std::string bitext_language(const std::string& set_name);

}  // namespace lacos
