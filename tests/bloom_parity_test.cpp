// Parity with HF transformers on the fixtures: last hidden states and mean-pooled embeddings of
// tiny-bloom-a (float32, one file, no prefix) and tiny-bloom-b (float16 shards, `transformer.`
// prefix, 6 heads), for right and left padding.
#include "io/torch_safetensors.h"
#include "model/alibi.h"
#include "model/attention_bias.h"
#include "model/checkpoint_loader.h"
#include "model/pooling.h"
#include "test_support.h"

namespace lacos {
namespace {

struct ParityCase {
  std::string model;
  std::string padding;
};

void PrintTo(const ParityCase& c, std::ostream* os) { *os << c.model << " " << c.padding << " padding"; }

class BloomParity : public ::testing::TestWithParam<ParityCase> {};

TEST_P(BloomParity, HiddenStatesAndMeanPoolingMatchTransformers) {
  const ParityCase& c = GetParam();
  const auto reference = load_safetensors(test::fixture(c.model + "/reference.safetensors"));
  const torch::Tensor ids = reference.at(c.padding + ".input_ids");
  const torch::Tensor mask = reference.at(c.padding + ".attention_mask");
  BloomModel model = load_bloom(test::fixture(c.model));
  torch::NoGradGuard no_grad;
  const torch::Tensor hidden = model->forward(ids, mask);
  const double hidden_error =
      test::max_error_on_real_tokens(hidden, reference.at(c.padding + ".last_hidden_state"), mask);
  const double pooled_error =
      (pool(hidden, mask, Pooling::Mean) - reference.at(c.padding + ".mean_pooled")).abs().max().item<double>();
  RecordProperty("max_hidden_error", std::to_string(hidden_error));
  RecordProperty("max_pooled_error", std::to_string(pooled_error));
  std::printf("[parity] %s %s padding: max |hidden - HF| = %.3g, max |mean pooled - HF| = %.3g\n", c.model.c_str(),
              c.padding.c_str(), hidden_error, pooled_error);
  EXPECT_LT(hidden_error, 1e-4);
  EXPECT_LT(pooled_error, 1e-4);
}

TEST_P(BloomParity, BFloat16StaysClose) {
  // bfloat16 keeps 8 bits of mantissa: expect agreement to a few percent of the states' scale.
  const ParityCase& c = GetParam();
  const auto reference = load_safetensors(test::fixture(c.model + "/reference.safetensors"));
  const torch::Tensor mask = reference.at(c.padding + ".attention_mask");
  ModelLoadOptions options;
  options.dtype = torch::kBFloat16;
  BloomModel model = load_bloom(test::fixture(c.model), options);
  torch::NoGradGuard no_grad;
  const torch::Tensor pooled = pool(model->forward(reference.at(c.padding + ".input_ids"), mask), mask, Pooling::Mean);
  const torch::Tensor expected = reference.at(c.padding + ".mean_pooled");
  const double cosine = torch::cosine_similarity(pooled, expected, 1).min().item<double>();
  const double relative = ((pooled - expected).abs().max() / expected.abs().max()).item<double>();
  std::printf("[parity] %s %s bfloat16: min cosine to HF float32 = %.5f, max error / max |value| = %.3g\n",
              c.model.c_str(), c.padding.c_str(), cosine, relative);
  EXPECT_GT(cosine, 0.999);
  EXPECT_LT(relative, 0.05);
}

INSTANTIATE_TEST_SUITE_P(Fixtures, BloomParity,
                         ::testing::Values(ParityCase{"tiny-bloom-a", "right"}, ParityCase{"tiny-bloom-a", "left"},
                                           ParityCase{"tiny-bloom-b", "right"}, ParityCase{"tiny-bloom-b", "left"}),
                         [](const auto& info) {
                           std::string name = info.param.model + "_" + info.param.padding;
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

TEST(BloomModel, LeftAndRightPaddingAgreeOnRealTokens) {
  const auto reference = load_safetensors(test::fixture("tiny-bloom-b/reference.safetensors"));
  BloomModel model = load_bloom(test::fixture("tiny-bloom-b"));
  torch::NoGradGuard no_grad;
  const torch::Tensor right =
      pool(model->forward(reference.at("right.input_ids"), reference.at("right.attention_mask")),
           reference.at("right.attention_mask"), Pooling::Mean);
  const torch::Tensor left = pool(model->forward(reference.at("left.input_ids"), reference.at("left.attention_mask")),
                                  reference.at("left.attention_mask"), Pooling::Mean);
  EXPECT_LT((right - left).abs().max().item<double>(), 1e-5);
}

TEST(BloomModel, PostLayerNormResidualChangesTheOutput) {
  // The same weights with apply_residual_connection_post_layernorm=true must compute
  // residual = ln(x): check one block by hand.
  BloomConfig config = BloomConfig::from_file(test::fixture("tiny-bloom-a/config.json"));
  config.apply_residual_connection_post_layernorm = true;
  BloomModel model(config, torch::TensorOptions());
  load_checkpoint(*model, test::fixture("tiny-bloom-a"));
  model->eval();
  torch::NoGradGuard no_grad;
  BloomBlock block = model->blocks()[0];  // a holder copy shares the module
  const torch::Tensor x = torch::randn({1, 5, config.hidden_size});
  const torch::Tensor mask = torch::ones({1, 5}, torch::kInt64);
  const torch::Tensor bias = attention_bias(mask, alibi_slopes(config.n_head), torch::kFloat32);
  const torch::Tensor ln1 = block->input_layernorm->forward(x);
  const torch::Tensor attended = block->self_attention->forward(ln1, ln1, bias);
  const torch::Tensor ln2 = block->post_attention_layernorm->forward(attended);
  const torch::Tensor expected = block->mlp->forward(ln2, ln2);
  EXPECT_TRUE(torch::allclose(block->forward(x, bias), expected));
  // ...and differs from the default wiring.
  const torch::Tensor default_attended = block->self_attention->forward(ln1, x, bias);
  const torch::Tensor default_out =
      block->mlp->forward(block->post_attention_layernorm->forward(default_attended), default_attended);
  EXPECT_FALSE(torch::allclose(block->forward(x, bias), default_out));
}

TEST(BloomModel, Float16OnCpuIsRefusedWithAReason) {
  ModelLoadOptions options;
  options.dtype = torch::kFloat16;
  EXPECT_ERROR_CONTAINS(load_bloom(test::fixture("tiny-bloom-a"), options), "float16 needs a CUDA device");
}

TEST(BloomModel, TokenIdsOutsideTheVocabularyAreAnError) {
  BloomModel model = load_bloom(test::fixture("tiny-bloom-a"));
  torch::NoGradGuard no_grad;
  EXPECT_ERROR_CONTAINS(model->forward(torch::tensor({{5, 2000}}), torch::ones({1, 2}, torch::kInt64)),
                        "token ids span [5, 2000] but the embedding table has vocab_size 2000");
}

}  // namespace
}  // namespace lacos
