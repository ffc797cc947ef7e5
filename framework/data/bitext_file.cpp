#include "data/bitext_file.h"

#include "core/error.h"
#include "data/text_lines.h"

namespace lacos {

bool is_bitext_path(const std::filesystem::path& path) { return path.parent_path().filename() == "bitext"; }

BitextSet read_bitext_file(const std::filesystem::path& path) {
  BitextSet set;
  set.name = path.stem().string();
  set.path = path;
  std::size_t line_number = 0;
  for (const std::string& line : read_text_lines(path)) {
    ++line_number;
    if (line.empty()) continue;
    const auto fields = split_fields(line);
    if (fields.size() != 2 || fields[0].empty() || fields[1].empty()) {
      fail("{}:{}: expected 'sentence TAB english translation' (two non-empty fields), got {} field(s)", path.string(),
           line_number, fields.size());
    }
    if (set.sentences.size() == kMaxBitextPairs) {
      fail(
          "{}:{}: more than {} sentence pairs; bitext retrieval compares every pair with every other, so larger "
          "sets must be split",
          path.string(), line_number, kMaxBitextPairs);
    }
    set.sentences.push_back(fields[0]);
    set.english.push_back(fields[1]);
  }
  if (set.sentences.size() < 2) {
    fail("{}: a bitext set needs at least 2 sentence pairs to retrieve among, got {}", path.string(),
         set.sentences.size());
  }
  return set;
}

std::string bitext_language(const std::string& set_name) {
  const std::string suffix = "-en";
  if (set_name.size() <= suffix.size() || set_name.compare(set_name.size() - suffix.size(), suffix.size(), suffix) != 0)
    return "";
  const std::string head = set_name.substr(0, set_name.size() - suffix.size());
  const std::size_t dash = head.rfind('-');
  return dash == std::string::npos ? "" : head.substr(dash + 1);
}

}  // namespace lacos
