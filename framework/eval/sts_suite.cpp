#include "eval/sts_suite.h"

#include "core/path_status.h"

namespace lacos {

StsSuite StsSuite::read(const std::vector<std::filesystem::path>& paths) {
  StsSuite suite;
  for (const auto& path : paths) {
    if (is_folder(path)) {
      suite.years.emplace_back(path.filename().string(), read_sts_year(path));
    } else {
      suite.files.push_back(read_sts_file(path));
    }
  }
  return suite;
}

StsSuite StsSuite::of_files(std::vector<StsSet> sets) {
  StsSuite suite;
  suite.files = std::move(sets);
  return suite;
}

std::vector<const StsSet*> StsSuite::all_sets() const {
  std::vector<const StsSet*> sets;
  for (const StsSet& set : files) sets.push_back(&set);
  for (const auto& year : years) {
    for (const StsSet& set : year.second) sets.push_back(&set);
  }
  return sets;
}

std::vector<std::string> StsSuite::result_names() const {
  std::vector<std::string> names;
  for (const StsSet& set : files) names.push_back(set.name);
  for (const auto& [year, subsets] : years) {
    for (const StsSet& set : subsets) names.push_back(set.name);
    names.push_back(year + ".all");
    names.push_back(year + ".mean");
  }
  return names;
}

std::vector<StsResult> StsSuite::evaluate(SentenceEncoder& encoder) const {
  std::vector<StsResult> results;
  for (const StsSet& set : files) results.push_back(evaluate_sts(encoder, set, bootstrap));
  for (const auto& [year, subsets] : years) {
    for (StsResult& result : evaluate_sts_year(encoder, subsets, year, bootstrap)) results.push_back(std::move(result));
  }
  return results;
}

}  // namespace lacos
