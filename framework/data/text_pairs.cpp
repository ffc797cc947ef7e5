#include "data/text_pairs.h"

#include "core/error.h"
#include "data/text_lines.h"

namespace lacos {

PairSet read_pair_tsv(const std::filesystem::path& path) {
  PairSet set;
  set.path = path;
  for (const std::string& line : read_text_lines(path)) {
    if (line.empty()) continue;
    const auto fields = split_fields(line);
    if ((fields.size() != 2 && fields.size() != 3) || fields[0].empty() || fields[1].empty()) {
      ++set.malformed;
      continue;
    }
    set.pairs.push_back({fields[0], fields[1], fields.size() == 3 ? fields[2] : std::string()});
  }
  if (set.pairs.empty()) {
    fail("{}: no training pairs (expected lines 'anchor TAB positive [TAB negative]'; {} malformed)", path.string(),
         set.malformed);
  }
  return set;
}

}  // namespace lacos
