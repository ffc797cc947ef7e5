#include "model/bloom_config.h"
#include "core/json_file.h"
#include "test_support.h"

namespace lacos {
namespace {

TEST(BloomConfig, ReadsHuggingFaceConfig) {
  const BloomConfig config = BloomConfig::from_file(test::fixture("tiny-bloom-b/config.json"));
  EXPECT_EQ(config.hidden_size, 96);
  EXPECT_EQ(config.n_layer, 3);
  EXPECT_EQ(config.n_head, 6);
  EXPECT_EQ(config.vocab_size, 2000);
  EXPECT_EQ(config.head_dim(), 16);
  EXPECT_DOUBLE_EQ(config.layer_norm_epsilon, 1e-5);
  EXPECT_FALSE(config.apply_residual_connection_post_layernorm);
  EXPECT_FALSE(config.pad_token_id.has_value());  // "pad_token_id": null
}

TEST(BloomConfig, AcceptsTheOlderKeySpellings) {
  const Json json = {{"vocab_size", 100},
                     {"n_embed", 32},
                     {"num_hidden_layers", 2},
                     {"num_attention_heads", 4},
                     {"apply_residual_connection_post_layernorm", true},
                     {"unrelated_key", "ignored"}};
  const BloomConfig config = BloomConfig::from_json(json, "config.json");
  EXPECT_EQ(config.hidden_size, 32);
  EXPECT_EQ(config.n_layer, 2);
  EXPECT_EQ(config.n_head, 4);
  EXPECT_TRUE(config.apply_residual_connection_post_layernorm);
}

TEST(BloomConfig, ParameterCountsMatchTheModelsReadme) {
  // ../shared/models/README.md: lacos-tiny-1 has 1,842,176 parameters (793,600 non-embedding).
  const BloomConfig config = test::bloom_config(8192, 128, 4, 4);
  EXPECT_EQ(config.parameter_count(), 1842176);
  EXPECT_EQ(config.non_embedding_parameter_count(), 793600);
  EXPECT_EQ(BloomConfig::preset("bloom-560m").parameter_count(), 559214592);  // HF's bloom-560m count
}

TEST(BloomConfig, Errors) {
  EXPECT_ERROR_CONTAINS(BloomConfig::from_json({{"vocab_size", 10}, {"n_layer", 1}, {"n_head", 2}}, "c.json"),
                        "c.json: required key 'hidden_size' or 'n_embed' is missing");
  EXPECT_ERROR_CONTAINS(
      BloomConfig::from_json({{"vocab_size", 10}, {"hidden_size", 30}, {"n_layer", 1}, {"n_head", 4}}, "c.json"),
      "hidden_size 30 is not divisible by n_head 4");
  EXPECT_ERROR_CONTAINS(
      BloomConfig::from_json({{"vocab_size", 10}, {"hidden_size", "64"}, {"n_layer", 1}, {"n_head", 4}}, "c.json"),
      "key 'hidden_size' must be an integer, got \"64\"");
  EXPECT_ERROR_CONTAINS(BloomConfig::from_json({{"model_type", "gpt2"}}, "c.json"), "model_type is 'gpt2'");
  // Sizes no BLOOM has, whose parameter count overflowed int64 (found by the bloom_config fuzzer).
  EXPECT_ERROR_CONTAINS(
      BloomConfig::from_json({{"vocab_size", 8192}, {"hidden_size", 44444444425605}, {"n_layer", 8}, {"n_head", 9}},
                             "c.json"),
      "c.json: 'hidden_size' is 44444444425605; lacos accepts at most 1048576");
  EXPECT_ERROR_CONTAINS(
      BloomConfig::from_json({{"vocab_size", 1ll << 40}, {"hidden_size", 64}, {"n_layer", 1}, {"n_head", 4}}, "c.json"),
      "'vocab_size' is 1099511627776");
  EXPECT_ERROR_CONTAINS(
      BloomConfig::from_json({{"vocab_size", 10}, {"hidden_size", 64}, {"n_layer", 100000}, {"n_head", 4}}, "c.json"),
      "'n_layer' is 100000; lacos accepts at most 10000");
  const BloomConfig largest = BloomConfig::from_json(
      {{"vocab_size", kMaxVocabSize}, {"hidden_size", kMaxHiddenSize}, {"n_layer", kMaxLayers}, {"n_head", 16}},
      "c.json");
  EXPECT_GT(largest.parameter_count(), 0);  // no overflow at the limits
  test::TempDir dir;
  test::write_bytes(dir / "config.json", "{\"vocab_size\": 10,");
  EXPECT_ERROR_CONTAINS(BloomConfig::from_file(dir / "config.json"), "config.json: not valid JSON");
  EXPECT_ERROR_CONTAINS(BloomConfig::preset("bloom-13b"), "unknown BLOOM shape 'bloom-13b'");
}

}  // namespace
}  // namespace lacos
