// The STS formats other than the plain TSV (data/sts_file.h).
#include "core/error.h"
#include "core/file_io.h"
#include "core/path_status.h"
#include "data/csv.h"
#include "data/sts_file.h"
#include "data/text_lines.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

namespace lacos {

namespace fs = std::filesystem;

namespace {

void add_pair(StsSet& set, const std::string& s1, const std::string& s2, const std::string& score_text) {
  if (score_text.empty()) {
    ++set.skipped_unscored;
    return;
  }
  double score = 0;
  if (s1.empty() || s2.empty() || !parse_sts_score(score_text, &score)) {
    ++set.malformed;
    return;
  }
  set.pairs.push_back({s1, s2, score});
}

StsSet finish(StsSet set) {
  if (set.pairs.empty()) {
    fail("{}: no scored sentence pairs ({} malformed, {} unscored lines)", set.path.string(), set.malformed,
         set.skipped_unscored);
  }
  return set;
}

// STS-B and KorSTS: score in column 4, sentences in 5 and 6.
StsSet read_stsb_tsv(const fs::path& path) {
  StsSet set;
  set.name = path.stem().string();
  set.path = path;
  const auto lines = read_text_lines(path);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const auto fields = split_fields(lines[i]);
    if (i == 0 && fields.size() >= 7 && fields[4] == "score") continue;  // KorSTS header
    if (fields.size() < 7) {
      if (!lines[i].empty()) ++set.malformed;
      continue;
    }
    add_pair(set, fields[5], fields[6], fields[4]);
  }
  return finish(std::move(set));
}

StsSet read_sts_csv(const fs::path& path) {
  StsSet set;
  set.name = path.stem().string();
  set.path = path;
  for (const auto& record : parse_csv(read_file_bytes(path, "CSV file"), path.string())) {
    if (record.size() != 3) {
      ++set.malformed;
      continue;
    }
    add_pair(set, record[0], record[1], record[2]);
  }
  return finish(std::move(set));
}

// SemEval input + gold files, aligned by line.
StsSet read_semeval(const fs::path& input, const fs::path& gold) {
  StsSet set;
  set.name = input.stem().string();
  set.path = input;
  const auto inputs = read_text_lines(input);
  const auto scores = read_text_lines(gold);
  // STS17 track 6 has 500 input lines for 250 gold scores: lines past the gold are unscored.
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    const auto fields = split_fields(inputs[i]);
    if (fields.size() < 2) {
      ++set.malformed;
      continue;
    }
    std::string score = i < scores.size() ? scores[i] : std::string();
    score.erase(0, score.find_first_not_of(" \t"));
    score.erase(score.find_last_not_of(" \t") + 1);
    add_pair(set, fields[0], fields[1], score);
  }
  return finish(std::move(set));
}

StsSet read_sick(const fs::path& path) {
  StsSet set;
  set.name = path.stem().string();
  set.path = path;
  const auto lines = read_text_lines(path);
  if (lines.empty()) fail("{}: empty file", path.string());
  const auto header = split_fields(lines.front());
  const auto column = [&](const char* name) {
    auto it = std::find(header.begin(), header.end(), name);
    if (it == header.end()) fail("{}: header has no '{}' column", path.string(), name);
    return static_cast<std::size_t>(it - header.begin());
  };
  const std::size_t a = column("sentence_A"), b = column("sentence_B"), score = column("relatedness_score");
  for (std::size_t i = 1; i < lines.size(); ++i) {
    const auto fields = split_fields(lines[i]);
    if (fields.size() < header.size()) {
      if (!lines[i].empty()) ++set.malformed;
      continue;
    }
    add_pair(set, fields[a], fields[b], fields[score]);
  }
  return finish(std::move(set));
}

// "STS.input.x.txt" -> "STS.gs.x.txt"; "" when the name is not a SemEval input file.
std::string gold_name(const std::string& input_name) {
  const std::size_t at = input_name.find(".input.");
  if (at == std::string::npos) return "";
  return input_name.substr(0, at) + ".gs." + input_name.substr(at + 7);
}

// "STS.input.surprise.OnWN.txt" -> "surprise.OnWN"
std::string subset_name(const std::string& input_name) {
  const std::size_t at = input_name.find(".input.");
  std::string name = input_name.substr(at + 7);
  if (name.size() > 4 && name.compare(name.size() - 4, 4, ".txt") == 0) name.resize(name.size() - 4);
  return name;
}

// The gold file of a SemEval input: beside it (STS12-16) or in a sibling folder (STS17 keeps
// them in STS2017.gs/ next to STS2017.eval.v1.1/). Empty when not found.
fs::path find_gold(const fs::path& input, const std::string& gold) {
  if (path_exists(input.parent_path() / gold)) return input.parent_path() / gold;
  std::error_code error;
  for (const auto& sibling : fs::directory_iterator(input.parent_path().parent_path(), error)) {
    if (sibling.is_directory() && path_exists(sibling.path() / gold)) return sibling.path() / gold;
  }
  return {};
}

}  // namespace

StsSet read_sts_file(const fs::path& path) {
  const std::string name = path.filename().string();
  if (!path_exists(path)) fail("{}: cannot open STS file: no such file", path.string());
  const std::string gold = gold_name(name);
  if (!gold.empty()) {
    const fs::path gold_path = find_gold(path, gold);
    if (gold_path.empty()) {
      fail("{}: gold scores file {} not found beside it or in a sibling folder", path.string(), gold);
    }
    return read_semeval(path, gold_path);
  }
  if (name == "SICK.txt" || name == "SICK_NL.txt") return read_sick(path);
  const auto lines = read_text_lines(path);
  const std::string first = lines.empty() ? "" : lines.front();
  if (std::count(first.begin(), first.end(), '\t') >= 6) return read_stsb_tsv(path);
  if (path.extension() == ".csv" && first.find('\t') == std::string::npos) return read_sts_csv(path);
  return read_sts_tsv(path);
}

std::vector<StsSet> read_sts_year(const fs::path& folder) {
  if (!is_folder(folder)) fail("{}: STS year folder not found", folder.string());
  std::vector<fs::path> inputs;
  for (const auto& entry : fs::directory_iterator(folder)) {
    const std::string name = entry.path().filename().string();
    if (name.find(".input.") != std::string::npos && name.size() > 4 && name.compare(name.size() - 4, 4, ".txt") == 0 &&
        path_exists(folder / gold_name(name))) {
      inputs.push_back(entry.path());
    }
  }
  std::sort(inputs.begin(), inputs.end());
  if (inputs.empty()) fail("{}: no STS.input.*.txt files with gold scores", folder.string());
  std::vector<StsSet> subsets;
  for (const fs::path& input : inputs) {
    StsSet set = read_semeval(input, folder / gold_name(input.filename().string()));
    set.name = folder.filename().string() + "." + subset_name(input.filename().string());
    subsets.push_back(std::move(set));
  }
  return subsets;
}

}  // namespace lacos
