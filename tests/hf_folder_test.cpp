// Random BLOOMs written as HF folders load back with identical outputs, in every layout.
#include "model/checkpoint_loader.h"
#include "model/hf_folder_writer.h"
#include "model/random_init.h"
#include "test_support.h"

namespace lacos {
namespace {

BloomConfig small_config() {
  BloomConfig config = test::bloom_config(300, 48, 2, /*heads=*/3);  // not a power of two
  config.apply_residual_connection_post_layernorm = true;
  return config;
}

torch::Tensor run(BloomModel& model) {
  torch::NoGradGuard no_grad;
  model->eval();
  const torch::Tensor ids = torch::tensor({{5, 6, 7, 8}, {9, 10, 3, 3}});
  const torch::Tensor mask = torch::tensor({{1, 1, 1, 1}, {1, 1, 0, 0}});
  return model->forward(ids, mask);
}

TEST(HfFolder, RandomModelRoundTripsInEveryLayout) {
  BloomModel model = make_random_bloom(small_config(), torch::TensorOptions(), /*seed=*/7);
  const torch::Tensor expected = run(model);
  test::TempDir dir;
  HfFolderOptions single;
  write_hf_folder(*model, dir / "single", single);
  HfFolderOptions sharded;
  sharded.max_shard_bytes = 40'000;
  sharded.causal_lm_names = true;
  write_hf_folder(*model, dir / "sharded", sharded);
  EXPECT_GT(checkpoint_files(dir / "sharded").size(), 2u);
  for (const char* layout : {"single", "sharded"}) {
    BloomModel loaded = load_bloom(dir / layout);
    EXPECT_TRUE(loaded->config().apply_residual_connection_post_layernorm);
    EXPECT_TRUE(torch::equal(run(loaded), expected)) << layout;
  }
}

TEST(HfFolder, HalfPrecisionStorageConvertsOnLoad) {
  BloomModel model = make_random_bloom(small_config(), torch::TensorOptions(), 3);
  test::TempDir dir;
  HfFolderOptions options;
  options.dtype = torch::kBFloat16;
  write_hf_folder(*model, dir / "bf16", options);
  BloomModel loaded = load_bloom(dir / "bf16");
  EXPECT_EQ(loaded->dtype(), torch::kFloat32);
  EXPECT_TRUE(torch::equal(loaded->ln_f->weight, model->ln_f->weight));  // ones survive exactly
  EXPECT_LT((run(loaded) - run(model)).abs().max().item<double>(), 0.1);
}

TEST(HfFolder, RandomInitFollowsHuggingFace) {
  BloomModel a = make_random_bloom(small_config(), torch::TensorOptions(), 11);
  BloomModel b = make_random_bloom(small_config(), torch::TensorOptions(), 11);
  const auto pa = a->named_parameters();
  const auto pb = b->named_parameters();
  EXPECT_TRUE(torch::equal(pa["word_embeddings.weight"], pb["word_embeddings.weight"]));  // seeded
  EXPECT_TRUE(torch::equal(a->ln_f->weight, torch::ones({48})));
  EXPECT_TRUE(torch::equal(pa["h.0.mlp.dense_h_to_4h.bias"], torch::zeros({192})));
  const double std = pa["h.1.self_attention.query_key_value.weight"].std().item<double>();
  EXPECT_NEAR(std, 0.02, 0.002);
}

}  // namespace
}  // namespace lacos
