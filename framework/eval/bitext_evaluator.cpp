#include "eval/bitext_evaluator.h"

#include "core/error.h"

#include <algorithm>
#include <chrono>
#include <cmath>

namespace lacos {

namespace {

torch::Tensor unit_rows(const torch::Tensor& embeddings) {
  const torch::Tensor rows = embeddings.to(torch::kCPU, torch::kFloat64);
  return rows / rows.norm(2, 1, true).clamp_min(1e-12);
}

// 1 where the row's largest entry sits on the diagonal (the first of tied maxima counts).
std::vector<double> diagonal_wins(const torch::Tensor& scores) {
  const torch::Tensor best = scores.argmax(1).contiguous();
  const auto* index = best.data_ptr<std::int64_t>();
  std::vector<double> hits(static_cast<std::size_t>(best.size(0)));
  for (std::size_t i = 0; i < hits.size(); ++i) hits[i] = index[i] == static_cast<std::int64_t>(i) ? 1.0 : 0.0;
  return hits;
}

double percent(const std::vector<double>& hits) {
  double sum = 0;
  for (const double hit : hits) sum += hit;
  return 100.0 * sum / static_cast<double>(hits.size());
}

}  // namespace

RetrievalHits retrieve_translations(const torch::Tensor& sentences, const torch::Tensor& english,
                                    std::int64_t neighbours) {
  if (sentences.dim() != 2 || english.dim() != 2 || sentences.sizes() != english.sizes() || sentences.size(0) < 2) {
    fail("bitext retrieval needs two [n, d] embeddings of the same shape with n >= 2, got {} and {}", sentences.sizes(),
         english.sizes());
  }
  // cosine[i][j]: sentence i against English sentence j (n^2 doubles: 5.5 MB for XNLI's 830).
  const torch::Tensor cosine = torch::mm(unit_rows(sentences), unit_rows(english).t());
  RetrievalHits hits;
  hits.to_english = diagonal_wins(cosine);
  hits.from_english = diagonal_wins(cosine.t());
  const std::int64_t k = std::min(neighbours, cosine.size(0));
  const torch::Tensor sentence_density = std::get<0>(cosine.topk(k, /*dim=*/1)).mean(1);  // [n]
  const torch::Tensor english_density = std::get<0>(cosine.topk(k, /*dim=*/0)).mean(0);   // [n]
  const torch::Tensor margin =
      cosine / ((sentence_density.unsqueeze(1) + english_density.unsqueeze(0)) / 2.0).clamp_min(1e-12);
  hits.margin_to_english = diagonal_wins(margin);
  hits.margin_from_english = diagonal_wins(margin.t());
  return hits;
}

torch::Tensor embed_english(SentenceEncoder& encoder, const BitextSet& set) { return encoder.encode(set.english); }

BitextResult evaluate_bitext(SentenceEncoder& encoder, const BitextSet& set, const BootstrapOptions& bootstrap,
                             torch::Tensor english_embeddings) {
  BitextResult result;
  result.name = set.name;
  result.pairs = set.sentences.size();
  const std::int64_t tokens_before = encoder.tokens_embedded();
  const auto start = std::chrono::steady_clock::now();
  const torch::Tensor sentences = encoder.encode(set.sentences);
  if (!english_embeddings.defined()) english_embeddings = embed_english(encoder, set);
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  result.tokens = encoder.tokens_embedded() - tokens_before;

  const RetrievalHits hits = retrieve_translations(sentences, english_embeddings);
  result.to_english = percent(hits.to_english);
  result.from_english = percent(hits.from_english);
  result.margin_to_english = percent(hits.margin_to_english);
  result.margin_from_english = percent(hits.margin_from_english);
  result.accuracy = (result.to_english + result.from_english) / 2.0;
  if (bootstrap.resamples > 0) {
    // Pair i scores (hit_to + hit_from) / 2: resampling pairs keeps both directions' queries together.
    std::vector<double> per_pair(hits.to_english.size());
    for (std::size_t i = 0; i < per_pair.size(); ++i) per_pair[i] = (hits.to_english[i] + hits.from_english[i]) / 2.0;
    const Interval interval = bootstrap_mean_interval(per_pair, bootstrap);
    result.accuracy_interval = {100.0 * interval.low, 100.0 * interval.high};
  }
  return result;
}

Json bitext_result_json(const BitextResult& result) {
  Json json = {{"accuracy", result.accuracy},
               {"to_english", result.to_english},
               {"from_english", result.from_english},
               {"margin_to_english", result.margin_to_english},
               {"margin_from_english", result.margin_from_english},
               {"pairs", result.pairs}};
  if (!std::isnan(result.accuracy_interval.low))
    json["accuracy_ci"] = {result.accuracy_interval.low, result.accuracy_interval.high};
  return json;
}

}  // namespace lacos
