// LoRA on BLOOM: PEFT parity on the fixtures (embeddings, MNR loss, every adapter gradient),
// PEFT folder round trips, merging, and the errors of mismatched adapters.
#include "core/json_file.h"
#include "io/torch_safetensors.h"
#include "lora/apply_lora.h"
#include "lora/peft_adapter.h"
#include "model/checkpoint_loader.h"
#include "model/random_init.h"
#include "test_support.h"
#include "train/mnr_loss.h"
#include "train/siamese_encoder.h"

namespace lacos {
namespace {

namespace fs = std::filesystem;

class PeftParity : public ::testing::TestWithParam<std::string> {};

TEST_P(PeftParity, EmbeddingsLossAndGradientsMatchPeft) {
  const fs::path folder = test::fixture(GetParam());
  const auto reference = load_safetensors(folder / "reference_lora.safetensors");
  BloomModel model = load_bloom(folder);
  const LoraConfig config = load_adapter(*model, folder / "adapter");
  EXPECT_EQ(config.r, 4);
  EXPECT_DOUBLE_EQ(config.scaling(), 2.0);
  SiameseEncoder encoder(model, Pooling::Mean, /*pad_id=*/3, /*max_length=*/512);
  PairBatch batch;
  batch.anchors = test::rows_of(reference.at("anchor.input_ids"), reference.at("anchor.attention_mask"));
  batch.positives = test::rows_of(reference.at("positive.input_ids"), reference.at("positive.attention_mask"));

  const PairEmbeddings embeddings = encoder.embed_pairs(batch);
  const double anchor_error = (embeddings.anchors - reference.at("anchor.embedding")).abs().max().item<double>();
  const double positive_error = (embeddings.positives - reference.at("positive.embedding")).abs().max().item<double>();
  torch::Tensor loss = mnr_loss(embeddings.anchors, embeddings.positives, torch::Tensor(), {20.0, false});
  const double loss_error = std::abs(loss.item<double>() - reference.at("mnr.loss").item<double>());
  loss.backward();
  double grad_error = 0;
  int grads = 0;
  for (auto& [name, parameter] : trainable_parameters(*model)) {
    const torch::Tensor& expected = reference.at("grad." + name);
    ASSERT_TRUE(parameter.grad().defined()) << name;
    grad_error = std::max(grad_error, (parameter.grad() - expected).abs().max().item<double>());
    ++grads;
  }
  std::printf(
      "[peft parity] %s: max |embedding - PEFT| = %.3g / %.3g, |loss - PEFT| = %.3g, max |grad - PEFT| = "
      "%.3g over %d LoRA weights\n",
      GetParam().c_str(), anchor_error, positive_error, loss_error, grad_error, grads);
  EXPECT_EQ(grads, 2 * model->config().n_layer);
  EXPECT_LT(anchor_error, 1e-4);
  EXPECT_LT(positive_error, 1e-4);
  EXPECT_LT(loss_error, 1e-4);
  EXPECT_LT(grad_error, 1e-4);
}

TEST_P(PeftParity, SavedAdapterReloadsToTheSameValues) {
  const fs::path folder = test::fixture(GetParam());
  BloomModel model = load_bloom(folder);
  const LoraConfig config = load_adapter(*model, folder / "adapter");
  test::TempDir dir;
  save_adapter(*model, config, dir / "saved", GetParam());
  BloomModel reloaded = load_bloom(folder);
  load_adapter(*reloaded, dir / "saved");
  const auto original = trainable_parameters(*model);
  const auto again = trainable_parameters(*reloaded);
  ASSERT_EQ(original.size(), again.size());
  for (std::size_t i = 0; i < original.size(); ++i) {
    EXPECT_EQ(original[i].first, again[i].first);
    EXPECT_TRUE(torch::equal(original[i].second, again[i].second)) << original[i].first;
  }
  // The file uses PEFT's BloomModel key form.
  const SafetensorsFile file(dir / "saved" / "adapter_model.safetensors");
  EXPECT_NE(file.find("base_model.model.h.0.self_attention.query_key_value.lora_A.weight"), nullptr);
  const Json saved_config = read_json_file(dir / "saved" / "adapter_config.json");
  EXPECT_EQ(saved_config["peft_type"], "LORA");
  EXPECT_EQ(saved_config["r"], 4);
}

INSTANTIATE_TEST_SUITE_P(Fixtures, PeftParity, ::testing::Values("tiny-bloom-a", "tiny-bloom-b"));

class LoraTest : public ::testing::Test {
 protected:
  static BloomConfig config() { return test::bloom_config(100, 32, 2, 4); }
  test::TempDir dir_;
};

TEST_F(LoraTest, CausalLmKeyFormLoads) {
  // Rename the fixture's keys to base_model.model.transformer.h.N...
  const fs::path source = test::fixture("tiny-bloom-a/adapter");
  fs::create_directories(dir_ / "causal");
  fs::copy_file(source / "adapter_config.json", dir_ / "causal" / "adapter_config.json");
  std::vector<std::pair<std::string, torch::Tensor>> renamed;
  for (const auto& [key, tensor] : load_safetensors(source / "adapter_model.safetensors")) {
    renamed.emplace_back("base_model.model.transformer." + key.substr(std::string("base_model.model.").size()), tensor);
  }
  save_safetensors(dir_ / "causal" / "adapter_model.safetensors", renamed);
  BloomModel a = load_bloom(test::fixture("tiny-bloom-a"));
  BloomModel b = load_bloom(test::fixture("tiny-bloom-a"));
  load_adapter(*a, source);
  load_adapter(*b, dir_ / "causal");
  for (std::size_t i = 0; i < trainable_parameters(*a).size(); ++i) {
    EXPECT_TRUE(torch::equal(trainable_parameters(*a)[i].second, trainable_parameters(*b)[i].second));
  }
}

TEST_F(LoraTest, MismatchedAdapterAndBaseIsAnError) {
  BloomModel other = load_bloom(test::fixture("tiny-bloom-b"));  // hidden 96, adapter made for hidden 64
  EXPECT_ERROR_CONTAINS(load_adapter(*other, test::fixture("tiny-bloom-a/adapter")),
                        "has shape [4, 64] but the base model needs [4, 96]");
  // tiny-bloom-b's shape but 2 layers: the adapter's h.2 weights have nowhere to go.
  BloomConfig shorter = BloomConfig::from_file(test::fixture("tiny-bloom-b/config.json"));
  shorter.n_layer = 2;
  BloomModel two_layers = make_random_bloom(shorter, torch::TensorOptions(), 0);
  EXPECT_ERROR_CONTAINS(load_adapter(*two_layers, test::fixture("tiny-bloom-b/adapter")),
                        "tensor 'base_model.model.h.2.self_attention.query_key_value.lora_A.weight' is not an adapter "
                        "weight of this model");
}

TEST_F(LoraTest, MissingAndUnsupportedAdapterContents) {
  const fs::path source = test::fixture("tiny-bloom-a/adapter");
  fs::create_directories(dir_ / "partial");
  fs::copy_file(source / "adapter_config.json", dir_ / "partial" / "adapter_config.json");
  auto tensors = load_safetensors(source / "adapter_model.safetensors");
  tensors.erase("base_model.model.h.1.self_attention.query_key_value.lora_B.weight");
  save_safetensors(dir_ / "partial" / "adapter_model.safetensors",
                   std::vector<std::pair<std::string, torch::Tensor>>(tensors.begin(), tensors.end()));
  BloomModel model = load_bloom(test::fixture("tiny-bloom-a"));
  EXPECT_ERROR_CONTAINS(
      load_adapter(*model, dir_ / "partial"),
      "adapter weight 'base_model.model.h.1.self_attention.query_key_value.lora_B.weight' is missing");

  Json peft = read_json_file(source / "adapter_config.json");
  peft["use_dora"] = true;
  EXPECT_ERROR_CONTAINS(LoraConfig::from_peft_json(peft, "adapter_config.json"), "'use_dora' = true is not supported");
  peft = read_json_file(source / "adapter_config.json");
  peft["rank_pattern"] = {{"h.0.self_attention.query_key_value", 8}};
  EXPECT_ERROR_CONTAINS(LoraConfig::from_peft_json(peft, "adapter_config.json"), "'rank_pattern'");
  peft = read_json_file(source / "adapter_config.json");
  peft["peft_type"] = "IA3";
  EXPECT_ERROR_CONTAINS(LoraConfig::from_peft_json(peft, "adapter_config.json"), "peft_type is 'IA3'");
  EXPECT_ERROR_CONTAINS(read_adapter_config(dir_ / "nowhere"), "adapter folder not found");
}

TEST_F(LoraTest, TargetsAndInitFollowPeft) {
  BloomModel model = make_random_bloom(config(), torch::TensorOptions(), 1);
  LoraConfig lora;
  lora.r = 4;
  lora.alpha = 8;
  lora.target_modules = {"dense", "dense_4h_to_h"};
  torch::manual_seed(0);
  apply_lora(*model, lora);
  const auto layers = lora_layers(*model);
  ASSERT_EQ(layers.size(), 4u);  // self_attention.dense and mlp.dense_4h_to_h in 2 layers
  EXPECT_EQ(layers[0].first, "h.0.self_attention.dense");
  EXPECT_EQ(layers[1].first, "h.0.mlp.dense_4h_to_h");
  for (const auto& [name, layer] : layers) {
    EXPECT_TRUE(torch::equal(layer->lora_B(), torch::zeros_like(layer->lora_B()))) << name;
    // Kaiming-uniform with a = sqrt(5): bound 1 / sqrt(fan_in).
    const double bound = 1.0 / std::sqrt(static_cast<double>(layer->in_features()));
    EXPECT_LE(layer->lora_A().abs().max().item<double>(), bound);
    EXPECT_GT(layer->lora_A().abs().max().item<double>(), 0.5 * bound);
  }
  // Only adapters train.
  for (const auto& [name, parameter] : trainable_parameters(*model)) {
    EXPECT_NE(name.find(".lora_"), std::string::npos) << name;
  }
  EXPECT_EQ(trainable_parameters(*model).size(), 8u);
  // The same seed gives the same adapters.
  BloomModel again = make_random_bloom(config(), torch::TensorOptions(), 1);
  torch::manual_seed(0);
  apply_lora(*again, lora);
  EXPECT_TRUE(torch::equal(lora_layers(*again)[3].second->lora_A(), layers[3].second->lora_A()));
  EXPECT_ERROR_CONTAINS(apply_lora(*again, lora), "already has LoRA adapters");
  LoraConfig nothing;
  nothing.target_modules = {"c_attn"};
  BloomModel plain = make_random_bloom(config(), torch::TensorOptions(), 1);
  EXPECT_ERROR_CONTAINS(apply_lora(*plain, nothing), "match no BLOOM projection");
}

TEST_F(LoraTest, LayersToTransformAndRsLora) {
  LoraConfig lora;
  lora.r = 16;
  lora.alpha = 32;
  EXPECT_DOUBLE_EQ(lora.scaling(), 2.0);
  lora.use_rslora = true;
  EXPECT_DOUBLE_EQ(lora.scaling(), 8.0);  // 32 / sqrt(16)
  lora.layers_to_transform = {1};
  EXPECT_FALSE(lora.targets("h.0.self_attention.query_key_value"));
  EXPECT_TRUE(lora.targets("h.1.self_attention.query_key_value"));
  lora.target_regex = ModuleRegex(".*h\\.1\\.mlp\\..*", "test");
  EXPECT_TRUE(lora.targets("h.1.mlp.dense_h_to_4h"));
  EXPECT_FALSE(lora.targets("h.1.self_attention.query_key_value"));
}

TEST_F(LoraTest, MergeAndUnmergeKeepOutputs) {
  for (const char* format : {"float", "int8-rowwise"}) {
    BloomModel model = make_random_bloom(config(), torch::TensorOptions(), 2, WeightFormat::parse(format));
    LoraConfig lora;
    lora.r = 4;
    torch::manual_seed(3);
    apply_lora(*model, lora);
    for (auto& [name, parameter] : trainable_parameters(*model)) {
      torch::NoGradGuard no_grad;
      parameter.normal_(0, 0.1);  // non-zero B so the adapter matters
    }
    model->eval();
    torch::NoGradGuard no_grad;
    const torch::Tensor ids = torch::tensor({{4, 5, 6, 7}});
    const torch::Tensor mask = torch::ones({1, 4}, torch::kInt64);
    const torch::Tensor before = model->forward(ids, mask);
    merge_lora(*model);
    const torch::Tensor merged = model->forward(ids, mask);
    unmerge_lora(*model);
    const torch::Tensor after = model->forward(ids, mask);
    // float merges exactly up to rounding; int8 requantizes the merged weight.
    EXPECT_LT((merged - before).abs().max().item<double>(), std::string(format) == "float" ? 1e-4 : 0.1) << format;
    EXPECT_LT((after - before).abs().max().item<double>(), 1e-5) << format;
  }
}

TEST_F(LoraTest, AdapterWeightsAndGradientsStayFloat32OnABfloat16Base) {
  BloomModel model = make_random_bloom(config(), torch::TensorOptions().dtype(torch::kBFloat16), 4);
  LoraConfig lora;
  apply_lora(*model, lora);
  for (const auto& [name, parameter] : trainable_parameters(*model))
    EXPECT_EQ(parameter.scalar_type(), torch::kFloat32);
  const torch::Tensor hidden = model->forward(torch::tensor({{4, 5, 6}}), torch::ones({1, 3}, torch::kInt64));
  EXPECT_EQ(hidden.scalar_type(), torch::kBFloat16);
  hidden.to(torch::kFloat32).sum().backward();
  for (const auto& [name, parameter] : trainable_parameters(*model)) {
    ASSERT_TRUE(parameter.grad().defined()) << name;
    EXPECT_EQ(parameter.grad().scalar_type(), torch::kFloat32);
  }
}

TEST(ModuleRegexBounds, PeftStylePatternsMatchAndSlowShapesAreRefused) {
  const ModuleRegex attention(".*\\.(query_key_value|dense)", "cfg");
  EXPECT_TRUE(attention.full_match("h.3.self_attention.query_key_value"));
  EXPECT_TRUE(attention.full_match("h.3.self_attention.dense"));
  EXPECT_FALSE(attention.full_match("h.3.mlp.dense_h_to_4h"));
  EXPECT_TRUE(ModuleRegex("(.*\\.)?h\\.[0-9]+\\.mlp\\..*", "cfg").full_match("h.11.mlp.dense_4h_to_h"));
  EXPECT_FALSE(ModuleRegex("h.*", "cfg").full_match(std::string(600, 'h')));  // names are bounded too
  const auto refused = [](const std::string& pattern, const std::string& expected) {
    try {
      ModuleRegex regex(pattern, "adapter_config.json");
      ADD_FAILURE() << pattern << " was accepted";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find(expected), std::string::npos) << pattern << ": " << e.what();
    }
  };
  refused("(a*)*b", "repeats a group that itself repeats or alternates");
  refused("(a|a)+b", "repeats a group that itself repeats or alternates");
  refused("((x+)y){2,}", "repeats a group that itself repeats or alternates");
  refused(".*.*.*.*.*x", "more than 4 unbounded repetitions");
  refused(std::string(300, 'a'), "300 characters long");
  refused("(unclosed", "is invalid");
  refused("a{99999999999999999999}", "more than 999 times");
  refused("(a*)\\1", "backreference");
  refused("a)", "unmatched ')'");
  // Found by the adapter_config fuzzer: 40 stacked '?' took more than 15 s to fail on one name.
  refused("h\\.self_attenti" + std::string(40, '?') + "on", "repetition right after another");
  refused("a**", "repetition right after another");
  refused("a{2}{3}", "repetition right after another");
  EXPECT_TRUE(ModuleRegex("h\\.[0-9]+?\\.mlp\\..*", "cfg").full_match("h.1.mlp.dense"));  // a lazy '+?' is one
}

TEST_F(LoraTest, RankBeyondTheProjectionIsRefusedBeforeAllocating) {
  BloomModel model = load_bloom(test::fixture("tiny-bloom-a"));
  LoraConfig lora;
  lora.r = 1000000000;  // 10^9 rows of adapter A would not fit anywhere
  try {
    apply_lora(*model, lora, /*initialize=*/true);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("LoRA rank r=1000000000 exceeds what projection 'h.0.self_attention."
                                         "query_key_value'"),
              std::string::npos)
        << e.what();
  }
  // An adapter whose config claims another rank than its weights: refused before adapters exist.
  const fs::path source = test::fixture("tiny-bloom-a/adapter");
  fs::create_directories(dir_ / "claims");
  fs::copy_file(source / "adapter_model.safetensors", dir_ / "claims" / "adapter_model.safetensors");
  Json config = read_json_file(source / "adapter_config.json");
  config["r"] = 4096;
  write_json_file(dir_ / "claims" / "adapter_config.json", config);
  BloomModel fresh = load_bloom(test::fixture("tiny-bloom-a"));
  try {
    load_adapter(*fresh, dir_ / "claims");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("adapter_config.json gives rank r=4096"), std::string::npos) << e.what();
  }
  EXPECT_TRUE(lora_layers(*fresh).empty());
}

}  // namespace
}  // namespace lacos
