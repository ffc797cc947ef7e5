#include "data/nli_file.h"

#include "core/error.h"
#include "core/json_file.h"
#include "data/text_lines.h"
#include "io/gzip.h"
#include "io/tar_archive.h"

#include <algorithm>
#include <map>
#include <optional>

namespace lacos {

namespace fs = std::filesystem;

namespace {

bool ends_with(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

// nullopt for "-" / empty (unlabeled); throws for anything else unknown.
std::optional<NliLabel> parse_label(const std::string& raw, const std::string& where) {
  const std::string label = lower(raw);
  if (label == "entailment" || label == "e" || label == "0") return NliLabel::Entailment;
  if (label == "neutral" || label == "n" || label == "1") return NliLabel::Neutral;
  if (label == "contradiction" || label == "c" || label == "2") return NliLabel::Contradiction;
  if (label == "-" || label.empty()) return std::nullopt;
  fail("{}: unknown NLI label '{}' (expected entailment, neutral, contradiction, e/n/c or 0/1/2)", where, raw);
}

void add(NliSet& set, const std::string& premise, const std::string& hypothesis, const std::string& label,
         const std::string& where) {
  if (premise.empty() || hypothesis.empty()) {
    ++set.malformed;
    return;
  }
  const auto parsed = parse_label(label, where);
  if (!parsed) {
    ++set.unlabeled;
    return;
  }
  set.examples.push_back({premise, hypothesis, *parsed});
}

std::string json_text(const Json& row, std::initializer_list<const char*> keys) {
  for (const char* key : keys) {
    auto it = row.find(key);
    if (it != row.end() && it->is_string()) return it->get<std::string>();
    if (it != row.end() && it->is_number_integer()) return it->dump();  // exact, beyond int64 too
  }
  return "";
}

void read_json_lines(NliSet& set, const std::vector<std::string>& lines, const std::string& origin) {
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].empty()) continue;
    const std::string where = fmt::format("{}:{}", origin, i + 1);
    Json row;
    try {
      row = parse_json(lines[i], where);  // the one JSON entry point: depth bounded, every JSON error an Error
    } catch (const Error&) {
      ++set.malformed;
      continue;
    }
    if (!row.is_object()) {
      ++set.malformed;
      continue;
    }
    add(set, json_text(row, {"premise", "sentence1"}), json_text(row, {"hypothesis", "sentence2"}),
        json_text(row, {"gold_label", "label"}), where);
  }
}

void read_tsv(NliSet& set, const std::vector<std::string>& lines, const std::string& origin) {
  if (lines.empty()) return;
  const auto header = split_fields(lines.front());
  const auto column = [&](std::initializer_list<const char*> names) -> int {
    for (const char* name : names) {
      auto it = std::find(header.begin(), header.end(), name);
      if (it != header.end()) return static_cast<int>(it - header.begin());
    }
    return -1;
  };
  int premise = column({"premise", "sentence1", "sentence_A"});
  int hypothesis = column({"hypothesis", "sentence2", "sentence_B"});
  int label = column({"label", "gold_label", "entailment_label"});
  std::size_t first = 1;
  if (premise < 0 || hypothesis < 0 || label < 0) {
    // No header: premise TAB hypothesis TAB label (XNLI dev).
    premise = 0;
    hypothesis = 1;
    label = 2;
    first = 0;
  }
  const int needed = std::max({premise, hypothesis, label}) + 1;
  for (std::size_t i = first; i < lines.size(); ++i) {
    if (lines[i].empty()) continue;
    const auto fields = split_fields(lines[i]);
    if (static_cast<int>(fields.size()) < needed) {
      ++set.malformed;
      continue;
    }
    add(set, fields[premise], fields[hypothesis], fields[label], fmt::format("{}:{}", origin, i + 1));
  }
}

bool is_json_lines(const std::string& name) {
  return ends_with(name, ".jsonl") || ends_with(name, ".jsonl.gz") || ends_with(name, ".json");
}

}  // namespace

NliSet read_nli_file(const fs::path& path) {
  NliSet set;
  set.path = path;
  const std::string name = path.filename().string();
  if (ends_with(name, ".tar.gz") || ends_with(name, ".tar")) {
    for (const auto& [member, bytes] : read_tar_members(path)) {
      const std::string member_name = fs::path(member).filename().string();
      if (member_name.rfind("._", 0) == 0) continue;  // macOS resource forks
      const std::string origin = path.string() + ":" + member;
      if (ends_with(member_name, ".tsv")) read_tsv(set, split_lines(bytes, origin), origin);
      if (is_json_lines(member_name)) read_json_lines(set, split_lines(bytes, origin), origin);
    }
  } else if (is_json_lines(name)) {
    read_json_lines(set, read_text_lines(path), path.string());
  } else {
    read_tsv(set, read_text_lines(path), path.string());
  }
  if (set.examples.empty()) {
    fail("{}: no labelled NLI examples found ({} malformed, {} unlabeled lines)", path.string(), set.malformed,
         set.unlabeled);
  }
  return set;
}

std::vector<TextPair> nli_training_pairs(const std::vector<NliExample>& examples, bool hard_negatives) {
  std::map<std::string, std::string> contradiction;  // first contradiction of each premise
  for (const NliExample& example : examples) {
    if (example.label == NliLabel::Contradiction) contradiction.emplace(example.premise, example.hypothesis);
  }
  std::vector<TextPair> pairs;
  for (const NliExample& example : examples) {
    if (example.label != NliLabel::Entailment) continue;
    auto negative = contradiction.find(example.premise);
    if (hard_negatives && negative == contradiction.end()) continue;
    pairs.push_back({example.premise, example.hypothesis, hard_negatives ? negative->second : std::string()});
  }
  return pairs;
}

}  // namespace lacos
