// Bitext mining (cross-lingual retrieval), as in Tatoeba and BUCC evaluations: both sides of a
// line-parallel set are embedded, and a query counts as found when its own translation is the
// nearest of all the other side's sentences. Scored in both directions, by cosine and by the
// ratio margin of Artetxe & Schwenk (2019), which discounts "hub" sentences close to everything:
//   margin(x, y) = cos(x, y) / ((mean cos of x's k nearest + mean cos of y's k nearest) / 2).
#pragma once

#include "core/json_file.h"
#include "data/bitext_file.h"
#include "embed/sentence_encoder.h"
#include "eval/bootstrap.h"

#include <torch/torch.h>

#include <cstdint>
#include <string>
#include <vector>

namespace lacos {

inline constexpr std::int64_t kMarginNeighbours = 4;  // k of the margin (Artetxe & Schwenk use 4)

// Per query (row i of either side), 1 when its translation was retrieved first, else 0.
struct RetrievalHits {
  std::vector<double> to_english, from_english;                // nearest by cosine
  std::vector<double> margin_to_english, margin_from_english;  // nearest by ratio margin
};

// `sentences` [n, d] and `english` [n, d] embeddings, row i translating row i (n >= 2).
RetrievalHits retrieve_translations(const torch::Tensor& sentences, const torch::Tensor& english,
                                    std::int64_t neighbours = kMarginNeighbours);

struct BitextResult {
  std::string name;
  std::size_t pairs = 0;
  // Accuracies x100. `accuracy`, the set's score, is the mean of the two cosine directions.
  double accuracy = 0.0;
  double to_english = 0.0, from_english = 0.0;
  double margin_to_english = 0.0, margin_from_english = 0.0;
  Interval accuracy_interval;  // bootstrap over the sentence pairs (x100); NaN when not computed
  std::int64_t tokens = 0;     // tokens embedded
  double seconds = 0.0;        // embedding time
};

// `english_embeddings`: the English side already embedded (the XNLI sets share it), or an
// undefined tensor to embed it here.
BitextResult evaluate_bitext(SentenceEncoder& encoder, const BitextSet& set, const BootstrapOptions& bootstrap,
                             torch::Tensor english_embeddings = {});

// {"accuracy": x, "to_english": .., "from_english": .., "margin_to_english": ..,
//  "margin_from_english": .., "pairs": n, "accuracy_ci": [low, high]} (the interval where computed)
Json bitext_result_json(const BitextResult& result);

// The English side's embeddings, for evaluate_bitext's cache.
torch::Tensor embed_english(SentenceEncoder& encoder, const BitextSet& set);

}  // namespace lacos
