// The four pretrained lacos-tiny BLOOMs (fp16 shards, 4 to 12 heads) load, and their base-model
// STS-B scores reproduce the Python stack's table in ../shared/models/README.md.
#include "data/sts_file.h"
#include "eval/sts_evaluator.h"
#include "test_support.h"

namespace lacos {
namespace {

struct TinyCase {
  std::string model;
  std::int64_t hidden, layers, heads;
  double stsb_dev, stsb_test;  // base-model Spearman x100 from the README
};

void PrintTo(const TinyCase& c, std::ostream* os) { *os << c.model; }

class LacosTiny : public ::testing::TestWithParam<TinyCase> {};

TEST_P(LacosTiny, LoadsAndReproducesBaseStsScores) {
  const TinyCase& c = GetParam();
  LACOS_SHARED_MODEL(folder, c.model);
  LACOS_SHARED_DATA(dev_file, "derived/sts-eval/stsb-dev.tsv");
  LACOS_SHARED_DATA(test_file, "derived/sts-eval/stsb-test.tsv");
  // The recipe: float32, no special tokens, truncation to 64, right padding with <pad>, mean pooling.
  EncoderOptions options;
  options.max_length = 64;
  options.batch_size = 64;
  SentenceEncoder encoder = SentenceEncoder::from_folder(folder, {}, options);
  const BloomConfig& config = encoder.model()->config();
  EXPECT_EQ(config.hidden_size, c.hidden);
  EXPECT_EQ(config.n_layer, c.layers);
  EXPECT_EQ(config.n_head, c.heads);
  EXPECT_EQ(encoder.pad_id(), 3);
  const StsResult dev = evaluate_sts(encoder, read_sts_tsv(dev_file), BootstrapOptions{});
  const StsResult test = evaluate_sts(encoder, read_sts_tsv(test_file), BootstrapOptions{});
  std::printf("[lacos-tiny] %s base: stsb-dev %.2f (Python %.2f), stsb-test %.2f (Python %.2f)\n", c.model.c_str(),
              dev.spearman, c.stsb_dev, test.spearman, c.stsb_test);
  EXPECT_EQ(dev.pairs, 1500u);
  EXPECT_EQ(test.pairs, 1379u);
  // The table is rounded to 2 decimals; float32 summation order (batching, threads) moves base-model
  // scores by up to ~0.02 because their cosines crowd together, so allow 0.05. A wrong pipeline
  // (tokenization, padding, pooling, any layer) moves them by whole points.
  EXPECT_NEAR(dev.spearman, c.stsb_dev, 0.05);
  EXPECT_NEAR(test.spearman, c.stsb_test, 0.05);
  // The 95% interval over 1,000 resamples of the 1,500 pairs holds the score and is a few points wide.
  std::printf("[lacos-tiny] %s base: stsb-dev 95%% interval [%.2f, %.2f]\n", c.model.c_str(), dev.spearman_interval.low,
              dev.spearman_interval.high);
  EXPECT_LT(dev.spearman_interval.low, dev.spearman);
  EXPECT_GT(dev.spearman_interval.high, dev.spearman);
  EXPECT_LT(dev.spearman_interval.high - dev.spearman_interval.low, 10.0);
}

INSTANTIATE_TEST_SUITE_P(AllFour, LacosTiny,
                         ::testing::Values(TinyCase{"lacos-tiny-1", 128, 4, 4, 50.27, 38.60},
                                           TinyCase{"lacos-tiny-2", 192, 6, 6, 48.32, 36.84},
                                           TinyCase{"lacos-tiny-3", 256, 8, 8, 51.75, 37.54},
                                           TinyCase{"lacos-tiny-4", 384, 8, 12, 52.66, 36.10}),
                         [](const auto& info) {
                           std::string name = info.param.model;
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

}  // namespace
}  // namespace lacos
