#include "data/sts_file.h"

#include "core/error.h"
#include "data/text_lines.h"

#include <cstdlib>

namespace lacos {

bool parse_sts_score(const std::string& text, double* score) {
  if (text.empty()) return false;
  char* end = nullptr;
  *score = std::strtod(text.c_str(), &end);
  return end == text.c_str() + text.size() && std::isfinite(*score);
}

StsSet read_sts_tsv(const std::filesystem::path& path) {
  StsSet set;
  set.name = path.stem().string();
  set.path = path;
  for (const std::string& line : read_text_lines(path)) {
    if (line.empty()) continue;
    const auto fields = split_fields(line);
    if (fields.size() == 3 && fields[2].empty()) {
      ++set.skipped_unscored;
      continue;
    }
    StsPair pair;
    if (fields.size() != 3 || !parse_sts_score(fields[2], &pair.score)) {
      ++set.malformed;
      continue;
    }
    pair.sentence1 = fields[0];
    pair.sentence2 = fields[1];
    set.pairs.push_back(std::move(pair));
  }
  if (set.pairs.empty()) {
    fail("{}: no scored sentence pairs (expected lines 'sentence1 TAB sentence2 TAB score'; {} malformed)",
         path.string(), set.malformed);
  }
  return set;
}

}  // namespace lacos
