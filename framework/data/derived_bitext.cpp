#include "data/derived_bitext.h"

#include "core/error.h"
#include "core/file_io.h"
#include "data/text_lines.h"

#include <fmt/format.h>

#include <algorithm>
#include <unordered_set>

namespace lacos {

namespace fs = std::filesystem;

const std::vector<std::string>& xnli_bitext_languages() {
  static const std::vector<std::string> languages = {"ar", "bg", "de", "el", "es", "fr", "hi",
                                                     "ru", "sw", "th", "tr", "ur", "vi", "zh"};
  return languages;
}

namespace {

// The premise (first field) of every row of an XNLI dev file, tabs inside fields impossible.
std::vector<std::string> premises(const fs::path& path) {
  std::vector<std::string> out;
  std::size_t line_number = 0;
  for (const std::string& line : read_text_lines(path)) {
    ++line_number;
    const auto fields = split_fields(line);
    if (fields.size() != 3 || fields[0].empty()) {
      fail("{}:{}: expected XNLI's 'premise TAB hypothesis TAB label', got {} field(s)", path.string(), line_number,
           fields.size());
    }
    out.push_back(fields[0]);
  }
  return out;
}

std::string without_line_breaks(std::string text) {
  std::replace(text.begin(), text.end(), '\r', ' ');
  return text;
}

}  // namespace

std::vector<std::string> write_xnli_bitext(const fs::path& data_root, const fs::path& derived_dir) {
  const fs::path english_file = data_root / "xnli" / "dev-en.tsv";
  const std::vector<std::string> english = premises(english_file);
  fs::create_directories(derived_dir / "bitext");
  std::vector<std::string> lines;
  for (const std::string& language : xnli_bitext_languages()) {
    const fs::path file = data_root / "xnli" / fmt::format("dev-{}.tsv", language);
    const std::vector<std::string> other = premises(file);
    if (other.size() != english.size()) {
      fail("{}: {} rows, but {} has {}: XNLI dev files must be line-parallel", file.string(), other.size(),
           english_file.string(), english.size());
    }
    // A premise heads three rows (one per label): a new English premise starts a new pair. A
    // sentence seen before on either side is left out, so each query has exactly one right answer.
    std::string text;
    std::unordered_set<std::string> seen_english, seen_other;
    std::size_t pairs = 0;
    for (std::size_t row = 0; row < english.size(); ++row) {
      if (row > 0 && english[row] == english[row - 1]) continue;
      if (!seen_english.insert(english[row]).second || !seen_other.insert(other[row]).second) continue;
      text += without_line_breaks(other[row]) + '\t' + without_line_breaks(english[row]) + '\n';
      ++pairs;
    }
    const std::string name = fmt::format("xnli-{}-en.tsv", language);
    write_file_bytes(derived_dir / "bitext" / name, text);
    lines.push_back(
        fmt::format("bitext/{}: {} sentence pairs from xnli/dev-{}.tsv and xnli/dev-en.tsv", name, pairs, language));
  }
  return lines;
}

}  // namespace lacos
