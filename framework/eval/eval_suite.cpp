#include "eval/eval_suite.h"

#include "core/path_status.h"

namespace lacos {

EvalSuite EvalSuite::read(const std::vector<std::filesystem::path>& paths) {
  EvalSuite suite;
  for (const auto& path : paths) {
    if (is_folder(path)) {
      suite.years.emplace_back(path.filename().string(), read_sts_year(path));
    } else if (is_bitext_path(path)) {
      suite.bitext.push_back(read_bitext_file(path));
    } else {
      suite.files.push_back(read_sts_file(path));
    }
  }
  return suite;
}

EvalSuite EvalSuite::of_files(std::vector<StsSet> sets) {
  EvalSuite suite;
  suite.files = std::move(sets);
  return suite;
}

std::vector<const StsSet*> EvalSuite::all_sets() const {
  std::vector<const StsSet*> sets;
  for (const StsSet& set : files) sets.push_back(&set);
  for (const auto& year : years) {
    for (const StsSet& set : year.second) sets.push_back(&set);
  }
  return sets;
}

std::vector<const std::string*> EvalSuite::all_sentences() const {
  std::vector<const std::string*> sentences;
  for (const StsSet* set : all_sets()) {
    for (const StsPair& pair : set->pairs) {
      sentences.push_back(&pair.sentence1);
      sentences.push_back(&pair.sentence2);
    }
  }
  for (const BitextSet& set : bitext) {
    for (const std::string& sentence : set.sentences) sentences.push_back(&sentence);
    for (const std::string& sentence : set.english) sentences.push_back(&sentence);
  }
  return sentences;
}

std::vector<std::string> EvalSuite::result_names() const {
  std::vector<std::string> names;
  for (const StsSet& set : files) names.push_back(set.name);
  for (const auto& [year, subsets] : years) {
    for (const StsSet& set : subsets) names.push_back(set.name);
    names.push_back(year + ".all");
    names.push_back(year + ".mean");
  }
  return names;
}

std::vector<std::string> EvalSuite::bitext_names() const {
  std::vector<std::string> names;
  for (const BitextSet& set : bitext) names.push_back(set.name);
  return names;
}

SuiteScores EvalSuite::evaluate(SentenceEncoder& encoder) const {
  SuiteScores scores;
  for (const StsSet& set : files) scores.sts.push_back(evaluate_sts(encoder, set, bootstrap));
  for (const auto& [year, subsets] : years) {
    for (StsResult& result : evaluate_sts_year(encoder, subsets, year, bootstrap))
      scores.sts.push_back(std::move(result));
  }
  // The XNLI sets share their English side: embedded once while consecutive sets share it.
  const std::vector<std::string>* english = nullptr;
  torch::Tensor english_embeddings;
  for (const BitextSet& set : bitext) {
    if (english == nullptr || *english != set.english) {
      english = &set.english;
      english_embeddings = embed_english(encoder, set);
    }
    scores.bitext.push_back(evaluate_bitext(encoder, set, bootstrap, english_embeddings));
  }
  return scores;
}

}  // namespace lacos
