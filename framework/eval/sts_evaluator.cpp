#include "eval/sts_evaluator.h"

#include "eval/correlation.h"

#include <chrono>
#include <cmath>
#include <unordered_map>

namespace lacos {

StsResult evaluate_sts(SentenceEncoder& encoder, const StsSet& set, const BootstrapOptions& bootstrap,
                       ProgressBar* progress) {
  // Each distinct sentence is embedded once.
  std::vector<std::string> sentences;
  std::unordered_map<std::string, std::int64_t> index;
  std::vector<std::pair<std::int64_t, std::int64_t>> rows;
  const auto row_of = [&](const std::string& sentence) {
    auto [it, inserted] = index.emplace(sentence, static_cast<std::int64_t>(sentences.size()));
    if (inserted) sentences.push_back(sentence);
    return it->second;
  };
  for (const StsPair& pair : set.pairs) rows.emplace_back(row_of(pair.sentence1), row_of(pair.sentence2));

  StsResult result;
  result.name = set.name;
  result.pairs = set.pairs.size();
  const std::int64_t tokens_before = encoder.tokens_embedded();
  const auto start = std::chrono::steady_clock::now();
  const torch::Tensor embeddings = encoder.encode(sentences, progress).to(torch::kFloat64);
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  result.tokens = encoder.tokens_embedded() - tokens_before;

  const torch::Tensor normalized = embeddings / embeddings.norm(2, 1, true).clamp_min(1e-12);
  std::vector<std::int64_t> left, right;
  for (const auto& [a, b] : rows) {
    left.push_back(a);
    right.push_back(b);
  }
  const torch::Tensor cosine =
      (normalized.index_select(0, torch::tensor(left)) * normalized.index_select(0, torch::tensor(right)))
          .sum(1)
          .contiguous();
  result.predicted.assign(cosine.data_ptr<double>(), cosine.data_ptr<double>() + cosine.numel());
  for (const StsPair& pair : set.pairs) result.gold.push_back(pair.score);
  result.spearman = 100.0 * spearman(result.predicted, result.gold);
  result.pearson = 100.0 * pearson(result.predicted, result.gold);
  if (bootstrap.resamples > 0) {
    result.spearman_interval = bootstrap_interval(result.predicted, result.gold, Correlation::spearman, bootstrap);
    result.pearson_interval = bootstrap_interval(result.predicted, result.gold, Correlation::pearson, bootstrap);
  }
  return result;
}

std::vector<StsResult> evaluate_sts_year(SentenceEncoder& encoder, const std::vector<StsSet>& subsets,
                                         const std::string& year, const BootstrapOptions& bootstrap) {
  std::vector<StsResult> results;
  StsSet all;
  all.name = year + ".all";
  StsResult mean;
  mean.name = year + ".mean";
  for (const StsSet& subset : subsets) {
    results.push_back(evaluate_sts(encoder, subset, bootstrap));
    all.pairs.insert(all.pairs.end(), subset.pairs.begin(), subset.pairs.end());
    mean.spearman += results.back().spearman / static_cast<double>(subsets.size());
    mean.pearson += results.back().pearson / static_cast<double>(subsets.size());
    mean.pairs += results.back().pairs;
  }
  results.push_back(evaluate_sts(encoder, all, bootstrap));
  results.push_back(mean);
  return results;
}

Json sts_results_json(const std::vector<StsResult>& results) {
  Json json = Json::object();
  for (const StsResult& result : results) {
    Json& entry = json[result.name];
    entry = {{"spearman", result.spearman}, {"pearson", result.pearson}, {"pairs", result.pairs}};
    if (!std::isnan(result.spearman_interval.low)) {
      entry["spearman_ci"] = {result.spearman_interval.low, result.spearman_interval.high};
      entry["pearson_ci"] = {result.pearson_interval.low, result.pearson_interval.high};
    }
  }
  return json;
}

}  // namespace lacos
