// Live parity with the Python stack on randomly drawn (seeded) BLOOM shapes and PEFT adapters:
// head counts that are and are not powers of two, both residual modes, BloomModel and
// BloomForCausalLM checkpoints (and so both adapter key forms), sharded and single-file, rsLoRA,
// several targets and layer subsets; hidden states, the three poolings with right and left
// padding, the three MNR losses and every LoRA gradient, within 1e-4 in float32; bfloat16 against
// transformers in bfloat16; adapters both ways (lacos loads what PEFT saved, PEFT loads what lacos
// saves). The references are computed by tests/live/python_stack.py when ctest runs.
#include "io/torch_safetensors.h"
#include "live_support.h"
#include "lora/apply_lora.h"
#include "lora/peft_adapter.h"
#include "model/checkpoint_loader.h"
#include "model/pooling.h"
#include "test_support.h"
#include "train/mnr_loss.h"
#include "train/siamese_encoder.h"

namespace lacos {
namespace {

namespace fs = std::filesystem;

constexpr double kFloat32Tolerance = 1e-4;
const std::vector<std::string> kPoolings = {"mean", "weightedmean", "lasttoken"};
const std::vector<std::string> kSides = {"right", "left"};

class LiveParity : public ::testing::TestWithParam<int> {};

TEST_P(LiveParity, HiddenStatesAndPoolingsMatchTransformersAndSentenceTransformers) {
  LACOS_LIVE_CASE(dir, GetParam());
  const auto ref = load_safetensors(dir / "reference.safetensors");
  BloomModel model = load_bloom(dir / "model");
  torch::NoGradGuard no_grad;
  double base_error = 0, lora_error = 0;
  std::map<std::string, double> pooled_error;
  for (const std::string& side : kSides) {
    const torch::Tensor ids = ref.at(side + ".input_ids"), mask = ref.at(side + ".attention_mask");
    base_error =
        std::max(base_error,
                 test::max_error_on_real_tokens(model->forward(ids, mask), ref.at("base." + side + ".hidden"), mask));
  }
  const LoraConfig lora = load_adapter(*model, dir / "adapter");  // what PEFT saved
  for (const std::string& side : kSides) {
    const torch::Tensor ids = ref.at(side + ".input_ids"), mask = ref.at(side + ".attention_mask");
    const torch::Tensor hidden = model->forward(ids, mask);
    lora_error = std::max(lora_error, test::max_error_on_real_tokens(hidden, ref.at("lora." + side + ".hidden"), mask));
    for (const std::string& mode : kPoolings) {
      const double error =
          live::max_error(pool(hidden, mask, parse_pooling(mode)), ref.at("lora." + side + ".pooled." + mode));
      pooled_error[mode] = std::max(pooled_error[mode], error);
    }
  }
  std::printf(
      "[live parity] case %d (r %lld, scaling %.3g): max |hidden - HF| base %.3g, with adapter %.3g; "
      "pooled mean %.3g, weightedmean %.3g, lasttoken %.3g\n",
      GetParam(), static_cast<long long>(lora.r), lora.scaling(), base_error, lora_error, pooled_error["mean"],
      pooled_error["weightedmean"], pooled_error["lasttoken"]);
  EXPECT_LT(base_error, kFloat32Tolerance);
  EXPECT_LT(lora_error, kFloat32Tolerance);
  for (const auto& [mode, error] : pooled_error) EXPECT_LT(error, kFloat32Tolerance) << mode;
}

TEST_P(LiveParity, MnrLossesAndEveryLoraGradientMatchSentenceTransformersAndPeft) {
  LACOS_LIVE_CASE(dir, GetParam());
  const auto ref = load_safetensors(dir / "reference.safetensors");
  const Json drawn = read_json_file(dir / "case.json");
  BloomModel model = load_bloom(dir / "model");
  load_adapter(*model, dir / "adapter");
  SiameseEncoder encoder(model, parse_pooling(drawn.at("pooling").get<std::string>()), /*pad_id=*/3,
                         /*max_length=*/512);
  const auto column = [&](const std::string& name) {
    return test::rows_of(ref.at("pairs." + name + ".input_ids"), ref.at("pairs." + name + ".attention_mask"));
  };
  auto parameters = trainable_parameters(*model);
  ASSERT_EQ(static_cast<std::int64_t>(parameters.size()), drawn.at("lora_parameters").get<std::int64_t>());
  for (const std::string kind : {"plain", "symmetric", "hard"}) {
    for (auto& [name, parameter] : parameters) parameter.mutable_grad() = torch::Tensor();
    PairBatch batch;
    batch.anchors = column("anchor");
    batch.positives = column("positive");
    if (kind == "hard") batch.negatives = column("negative");
    const PairEmbeddings embeddings = encoder.embed_pairs(batch);
    MnrOptions options;
    options.symmetric = kind == "symmetric";
    torch::Tensor loss = mnr_loss(embeddings.anchors, embeddings.positives, embeddings.negatives, options);
    loss.backward();
    const double loss_error = std::abs(loss.item<double>() - ref.at("loss." + kind).item<double>());
    double grad_error = 0, grad_scale = 0;
    for (auto& [name, parameter] : parameters) {
      const std::string key = "grad." + kind + "." + name;
      ASSERT_TRUE(ref.count(key)) << "PEFT has no gradient for " << name;
      ASSERT_TRUE(parameter.grad().defined()) << name;
      grad_error = std::max(grad_error, live::max_error(parameter.grad(), ref.at(key)));
      grad_scale = std::max(grad_scale, ref.at(key).abs().max().item<double>());
    }
    std::printf(
        "[live parity] case %d %s MNR: loss %.6f, |loss - ST| %.3g, max |grad - PEFT| %.3g (max |grad| %.3g) "
        "over %zu LoRA weights\n",
        GetParam(), kind.c_str(), loss.item<double>(), loss_error, grad_error, grad_scale, parameters.size());
    EXPECT_LT(loss_error, kFloat32Tolerance) << kind;
    EXPECT_LT(grad_error, kFloat32Tolerance) << kind;
    EXPECT_GT(grad_scale, 0.0) << kind << ": a zero gradient would compare equal to anything";
  }
}

TEST_P(LiveParity, BFloat16AgreesWithTransformersInBFloat16) {
  LACOS_LIVE_CASE(dir, GetParam());
  const auto ref = load_safetensors(dir / "reference.safetensors");
  ModelLoadOptions options;
  options.dtype = torch::kBFloat16;
  BloomModel model = load_bloom(dir / "model", options);
  load_adapter(*model, dir / "adapter");
  torch::NoGradGuard no_grad;
  for (const std::string& side : kSides) {
    const torch::Tensor mask = ref.at(side + ".attention_mask");
    const torch::Tensor ours = pool(model->forward(ref.at(side + ".input_ids"), mask), mask, Pooling::Mean);
    const torch::Tensor theirs = ref.at("bf16." + side + ".pooled.mean");
    const torch::Tensor exact = ref.at("lora." + side + ".pooled.mean");
    const double scale = theirs.abs().max().item<double>();
    const double relative = live::max_error(ours, theirs) / scale;
    const double cosine = torch::cosine_similarity(ours, theirs, 1).min().item<double>();
    std::printf(
        "[live parity] case %d bfloat16 %s: max |lacos - HF| / max |HF| = %.3g, min cosine %.5f; "
        "against float32: lacos %.3g, HF %.3g\n",
        GetParam(), side.c_str(), relative, cosine, live::max_error(ours, exact) / scale,
        live::max_error(theirs, exact) / scale);
    EXPECT_LT(relative, 0.05) << side;
    EXPECT_GT(cosine, 0.999) << side;
  }
}

INSTANTIATE_TEST_SUITE_P(RandomShapes, LiveParity, ::testing::Range(0, live::kCases));

// The other direction: lacos saves (changed) adapters, PEFT loads them onto the same bases and
// must embed the same ids to the same vectors. One Python run covers every case.
TEST(LiveParityAdapters, PeftLoadsWhatLacosSaves) {
  LACOS_LIVE_CASE(first, 0);
  std::vector<std::pair<int, std::map<std::string, torch::Tensor>>> ours;
  for (int index = 0; index < live::kCases; ++index) {
    const fs::path dir = live::case_dir(index);
    const auto ref = load_safetensors(dir / "reference.safetensors");
    const Json drawn = read_json_file(dir / "case.json");
    BloomModel model = load_bloom(dir / "model");
    const LoraConfig config = load_adapter(*model, dir / "adapter");
    torch::manual_seed(index);
    torch::NoGradGuard no_grad;
    for (auto& [name, parameter] : trainable_parameters(*model)) parameter.add_(torch::randn_like(parameter) * 0.05);
    fs::remove_all(dir / "lacos-adapter");
    save_adapter(*model, config, dir / "lacos-adapter", (dir / "model").string());
    const Pooling pooling = parse_pooling(drawn.at("pooling").get<std::string>());
    std::map<std::string, torch::Tensor> embedded;
    std::vector<std::pair<std::string, torch::Tensor>> inputs;
    for (const std::string& side : kSides) {
      const torch::Tensor ids = ref.at(side + ".input_ids"), mask = ref.at(side + ".attention_mask");
      inputs.emplace_back(side + ".input_ids", ids);
      inputs.emplace_back(side + ".attention_mask", mask);
      embedded[side + ".pooled." + pooling_name(pooling)] = pool(model->forward(ids, mask), mask, pooling);
    }
    save_safetensors(dir / "lacos-embed.safetensors", inputs);
    ours.emplace_back(index, embedded);
  }
  live::run_python_stack("peft-embed --cases " + test::quoted(live::live_dir()));
  if (HasFatalFailure()) return;
  for (const auto& [index, embedded] : ours) {
    const auto theirs = load_safetensors(live::case_dir(index) / "peft-embed.safetensors");
    for (const auto& [key, tensor] : embedded) {
      ASSERT_TRUE(theirs.count(key)) << key;
      const double error = live::max_error(tensor, theirs.at(key));
      std::printf("[live parity] case %d: PEFT on lacos' saved adapter, %s: max |lacos - PEFT| = %.3g\n", index,
                  key.c_str(), error);
      EXPECT_LT(error, kFloat32Tolerance) << "case " << index << " " << key;
    }
  }
}

}  // namespace
}  // namespace lacos
