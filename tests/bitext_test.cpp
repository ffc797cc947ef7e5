// Bitext mining (eval/bitext_evaluator.h): retrieval by cosine and by ratio margin against a
// direct implementation, the file format, the XNLI sets lacos-prepare-data builds, and the
// bitext series of run.h5.
#include "data/bitext_file.h"
#include "data/derived_bitext.h"
#include "data/derived_data.h"
#include "eval/bitext_evaluator.h"
#include "io/h5_file.h"
#include "io/run_h5.h"
#include "test_support.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <tuple>

namespace lacos {
namespace {

namespace fs = std::filesystem;

double cosine(const torch::Tensor& a, const torch::Tensor& b) {
  return (a * b).sum().item<double>() / (a.norm().item<double>() * b.norm().item<double>());
}

// Retrieval written out the slow way, pair by pair, as the definitions read.
RetrievalHits direct_retrieval(const torch::Tensor& x, const torch::Tensor& y, int k) {
  const std::int64_t n = x.size(0);
  std::vector<std::vector<double>> c(n, std::vector<double>(n));
  for (std::int64_t i = 0; i < n; ++i)
    for (std::int64_t j = 0; j < n; ++j) c[i][j] = cosine(x[i], y[j]);
  const auto mean_top_k = [&](std::vector<double> values) {
    std::sort(values.rbegin(), values.rend());
    double sum = 0;
    for (int m = 0; m < k; ++m) sum += values[m];
    return sum / k;
  };
  std::vector<double> density_x(n), density_y(n);
  for (std::int64_t i = 0; i < n; ++i) {
    std::vector<double> column(n);
    for (std::int64_t j = 0; j < n; ++j) column[j] = c[j][i];
    density_x[i] = mean_top_k(c[i]);
    density_y[i] = mean_top_k(column);
  }
  const auto margin = [&](std::int64_t i, std::int64_t j) { return c[i][j] / ((density_x[i] + density_y[j]) / 2); };
  const auto best = [&](std::int64_t query, bool from_x, bool by_margin) {
    std::int64_t arg = 0;
    double top = -1e300;
    for (std::int64_t other = 0; other < n; ++other) {
      const std::int64_t i = from_x ? query : other, j = from_x ? other : query;
      const double value = by_margin ? margin(i, j) : c[i][j];
      if (value > top) std::tie(top, arg) = std::pair{value, other};
    }
    return arg == query ? 1.0 : 0.0;
  };
  RetrievalHits hits;
  for (std::int64_t q = 0; q < n; ++q) {
    hits.to_english.push_back(best(q, true, false));
    hits.from_english.push_back(best(q, false, false));
    hits.margin_to_english.push_back(best(q, true, true));
    hits.margin_from_english.push_back(best(q, false, true));
  }
  return hits;
}

double sum_of(const std::vector<double>& values) { return std::accumulate(values.begin(), values.end(), 0.0); }

TEST(Bitext, RetrievalMatchesTheDefinitionsInBothDirections) {
  torch::manual_seed(7);
  const torch::Tensor english = torch::randn({60, 12}, torch::kFloat64);
  // Translations near their originals, plus "hubs": a shared direction that pulls some English
  // sentences close to every query, which the margin discounts.
  torch::Tensor hub = torch::randn({1, 12}, torch::kFloat64);
  torch::Tensor shifted = english.clone();
  shifted.slice(0, 0, 15) += 3.0 * hub;
  const torch::Tensor sentences = english + 1.1 * torch::randn({60, 12}, torch::kFloat64) + 1.5 * hub;
  const RetrievalHits hits = retrieve_translations(sentences, shifted);
  const RetrievalHits expected = direct_retrieval(sentences, shifted, 4);
  EXPECT_EQ(hits.to_english, expected.to_english);
  EXPECT_EQ(hits.from_english, expected.from_english);
  EXPECT_EQ(hits.margin_to_english, expected.margin_to_english);
  EXPECT_EQ(hits.margin_from_english, expected.margin_from_english);
  // The noise leaves room both to find and to miss, and the margin undoes some of the hubs' harm.
  EXPECT_GT(sum_of(hits.to_english), 5.0);
  EXPECT_LT(sum_of(hits.to_english), 55.0);
  EXPECT_GT(sum_of(hits.margin_to_english), sum_of(hits.to_english));
  std::printf("[bitext] hits of 60: to %.0f from %.0f, margin to %.0f from %.0f\n", sum_of(hits.to_english),
              sum_of(hits.from_english), sum_of(hits.margin_to_english), sum_of(hits.margin_from_english));

  // Identical embeddings retrieve everything; a constant embedding nothing past the first row.
  const RetrievalHits perfect = retrieve_translations(english, english);
  EXPECT_EQ(sum_of(perfect.to_english), 60.0);
  EXPECT_EQ(sum_of(perfect.margin_from_english), 60.0);
  const RetrievalHits blind = retrieve_translations(torch::ones({5, 3}), torch::ones({5, 3}));
  EXPECT_EQ(sum_of(blind.to_english), 1.0);
  EXPECT_ERROR_CONTAINS(retrieve_translations(torch::ones({5, 3}), torch::ones({4, 3})), "same shape");
}

TEST(Bitext, FileFormatAndErrors) {
  test::TempDir dir;
  test::write_bytes(dir / "bitext" / "demo-fr-en.tsv", "Un chat.\tA cat.\n\nUn chien.\tA dog.\n");
  EXPECT_TRUE(is_bitext_path(dir / "bitext" / "demo-fr-en.tsv"));
  EXPECT_FALSE(is_bitext_path(dir / "sts-eval" / "stsb-test.tsv"));
  const BitextSet set = read_bitext_file(dir / "bitext" / "demo-fr-en.tsv");
  EXPECT_EQ(set.name, "demo-fr-en");
  EXPECT_EQ(set.sentences, (std::vector<std::string>{"Un chat.", "Un chien."}));
  EXPECT_EQ(set.english, (std::vector<std::string>{"A cat.", "A dog."}));
  EXPECT_EQ(bitext_language("xnli-zh-en"), "zh");
  EXPECT_EQ(bitext_language("stsb-test"), "");

  test::write_bytes(dir / "bitext" / "three.tsv", "a\tb\nc\td\te\n");
  EXPECT_ERROR_CONTAINS(read_bitext_file(dir / "bitext" / "three.tsv"), "three.tsv:2: expected 'sentence TAB");
  test::write_bytes(dir / "bitext" / "empty-side.tsv", "a\tb\n\td\n");
  EXPECT_ERROR_CONTAINS(read_bitext_file(dir / "bitext" / "empty-side.tsv"), "empty-side.tsv:2:");
  std::string many;
  for (std::size_t i = 0; i <= kMaxBitextPairs; ++i) many += "s\te\n";
  test::write_bytes(dir / "bitext" / "many.tsv", many);
  EXPECT_ERROR_CONTAINS(read_bitext_file(dir / "bitext" / "many.tsv"), "many.tsv:20001: more than 20000");
  test::write_bytes(dir / "bitext" / "one.tsv", "a\tb\n");
  EXPECT_ERROR_CONTAINS(read_bitext_file(dir / "bitext" / "one.tsv"), "at least 2 sentence pairs");
}

TEST(Bitext, XnliSetsPairEachPremiseWithItsEnglishOriginal) {
  LACOS_SHARED_DATA(english_file, "xnli/dev-en.tsv");
  test::TempDir dir;
  const auto lines = write_xnli_bitext(english_file.parent_path().parent_path(), dir.path());
  ASSERT_EQ(lines.size(), 14u);
  EXPECT_NE(lines[2].find("bitext/xnli-de-en.tsv: 830 sentence pairs"), std::string::npos) << lines[2];
  for (const std::string& language : xnli_bitext_languages()) {
    const BitextSet set = read_bitext_file(dir / "bitext" / ("xnli-" + language + "-en.tsv"));
    // Urdu translates two different English premises alike: the second pair is left out, since a
    // query must have exactly one right answer.
    EXPECT_EQ(set.sentences.size(), language == "ur" ? 829u : 830u) << language;
    EXPECT_EQ(set.english.front(), "And he said, Mama, I'm home.") << language;
  }
  const BitextSet german = read_bitext_file(dir / "bitext" / "xnli-de-en.tsv");
  EXPECT_EQ(german.sentences.front(), "und er hat gesagt, Mama ich bin daheim.");
}

TEST(Bitext, PrepareDataBuildsOnlyThePartsAsked) {
  const DerivedParts parts = DerivedParts::parse("sts,bitext");
  EXPECT_TRUE(parts.sts && parts.bitext && !parts.pairs);
  const DerivedParts all = DerivedParts::parse("all");
  EXPECT_TRUE(all.sts && all.bitext && all.pairs);
  EXPECT_ERROR_CONTAINS(DerivedParts::parse("sts,bitexts"), "unknown part 'bitexts'");
}

TEST(Bitext, RunH5KeepsBitextSeriesApartFromSts) {
  test::TempDir dir;
  RunRecord record;
  record.summary["status"] = std::string("completed");
  record.eval_series("stsb-dev").append(10, EvalRow{50.0, 49.0});
  BitextRow row;
  row.accuracy = 40.0;
  row.accuracy_low = 37.5;
  row.accuracy_high = 42.5;
  row.to_english = 45.0;
  row.from_english = 35.0;
  row.margin_to_english = 50.0;
  row.margin_from_english = 44.0;
  record.bitext_series("xnli-de-en").append(10, row);
  row.accuracy = 60.0;
  record.bitext_series("xnli-de-en").append(20, row);
  write_run_h5(dir / "run.h5", record);

  RunRecord read = read_run_h5(dir / "run.h5");
  ASSERT_EQ(read.eval.size(), 1u);
  ASSERT_EQ(read.bitext.size(), 1u);
  const BitextSeries& series = read.bitext[0].second;
  EXPECT_EQ(read.bitext[0].first, "xnli-de-en");
  EXPECT_EQ(series.step, (std::vector<std::int64_t>{10, 20}));
  EXPECT_EQ(series.accuracy, (std::vector<double>{40.0, 60.0}));
  EXPECT_EQ(series.margin_from_english.back(), 44.0);
  EXPECT_EQ(std::get<std::string>(read_h5_attributes(dir / "run.h5", "/eval/xnli-de-en").at("kind")), "bitext");
  read.truncate_to(15);  // a resume from step 15 repeats step 20's evaluation
  EXPECT_EQ(read.bitext[0].second.accuracy, (std::vector<double>{40.0}));
  EXPECT_ERROR_CONTAINS(read.eval_series("xnli-de-en"), "both an STS and a bitext set");
}

}  // namespace
}  // namespace lacos
