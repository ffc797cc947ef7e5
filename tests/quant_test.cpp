// int8 weights: quantization error bounds, the int8 Linear's forward and backward against its
// dequantized float twin, embeddings, loading checkpoints as int8, and the memory a training
// step saves for backward.
#include "core/cpu_memory.h"
#include "lora/apply_lora.h"
#include "model/checkpoint_loader.h"
#include "model/hf_folder_writer.h"
#include "model/linear.h"
#include "model/pooling.h"
#include "model/random_init.h"
#include "quant/int8_embedding.h"
#include "quant/int8_linear.h"
#include "quant/int8_rows.h"
#include "test_support.h"

namespace lacos {
namespace {

TEST(Int8Rows, CpuKernelEqualsConvertingThenScaling) {
  // The vectorized float32 CPU kernel must give exactly codes * (absmax / 127), block by block.
  const torch::Tensor weight = torch::randn({37, 200}) * torch::linspace(0.01, 3.0, 37).unsqueeze(1);
  for (std::int64_t block : {0, 64, 128}) {  // 200 = 3 x 64 + 8: a partial last block
    const Int8Rows q = quantize_int8_rows(weight, block);
    const torch::Tensor scale =
        (q.absmax * (1.0 / 127.0)).repeat_interleave(block == 0 ? 200 : block, 1).narrow(1, 0, 200);
    const torch::Tensor expected = q.codes.to(torch::kFloat32) * scale;
    EXPECT_TRUE(torch::equal(dequantize_int8_rows(q.codes, q.absmax, block, torch::kFloat32), expected))
        << "block " << block;
    // ... and the bfloat16 path (LibTorch ops) agrees to bfloat16's rounding.
    const torch::Tensor bf16 = dequantize_int8_rows(q.codes, q.absmax, block, torch::kBFloat16).to(torch::kFloat32);
    EXPECT_TRUE(torch::allclose(bf16, expected, /*rtol=*/1e-2, /*atol=*/1e-6)) << "block " << block;
  }
}

TEST(Int8Rows, RoundTripErrorIsAtMostHalfAStep) {
  const torch::Tensor weight = torch::randn({16, 200}) * torch::linspace(0.01, 3.0, 16).unsqueeze(1);
  for (std::int64_t block : {0, 64, 128}) {  // 200 = 3 x 64 + 8: a partial last block
    const Int8Rows q = quantize_int8_rows(weight, block);
    EXPECT_EQ(q.codes.scalar_type(), torch::kInt8);
    EXPECT_EQ(q.absmax.size(1), int8_blocks_per_row(200, block));
    const torch::Tensor back = dequantize_int8_rows(q.codes, q.absmax, block, torch::kFloat32);
    // Each element's step is absmax / 127 of its block: the error is at most half of it.
    const torch::Tensor step = (q.absmax / 127.0).repeat_interleave(block == 0 ? 200 : block, 1).narrow(1, 0, 200);
    EXPECT_TRUE(((back - weight).abs() <= step / 2 + 1e-7).all().item<bool>()) << "block " << block;
    EXPECT_LE(q.codes.abs().max().item<int>(), 127);
  }
  // Smaller blocks follow the data more closely.
  const double rowwise = (dequantize_int8_rows(quantize_int8_rows(weight, 0).codes,
                                               quantize_int8_rows(weight, 0).absmax, 0, torch::kFloat32) -
                          weight)
                             .abs()
                             .mean()
                             .item<double>();
  const Int8Rows b64 = quantize_int8_rows(weight, 64);
  const double blockwise =
      (dequantize_int8_rows(b64.codes, b64.absmax, 64, torch::kFloat32) - weight).abs().mean().item<double>();
  EXPECT_LT(blockwise, rowwise);
  // A zero row stays zero (no division by zero).
  const Int8Rows zero = quantize_int8_rows(torch::zeros({1, 8}), 0);
  EXPECT_TRUE(torch::equal(dequantize_int8_rows(zero.codes, zero.absmax, 0, torch::kFloat32), torch::zeros({1, 8})));
}

TEST(Int8Linear, ForwardAndBackwardMatchTheDequantizedFloatLayer) {
  torch::manual_seed(0);
  Int8LinearImpl int8(40, 24, /*bias=*/true, /*block_size=*/64, torch::TensorOptions());
  int8.set_weight_rows(0, torch::randn({24, 40}));
  {
    torch::NoGradGuard no_grad;
    int8.bias.normal_();
  }
  LinearImpl dense(40, 24, true, torch::TensorOptions());
  {
    torch::NoGradGuard no_grad;
    dense.weight.copy_(int8.dequantized_weight(torch::kFloat32));
    dense.bias.copy_(int8.bias);
  }
  const torch::Tensor x = torch::randn({3, 5, 40}, torch::requires_grad());
  const torch::Tensor x2 = x.detach().clone().requires_grad_(true);
  const torch::Tensor y = int8.forward(x);
  const torch::Tensor y2 = dense.forward(x2);
  EXPECT_TRUE(torch::allclose(y, y2, 1e-5, 1e-5));
  const torch::Tensor g = torch::randn_like(y);
  y.backward(g);
  y2.backward(g);
  EXPECT_TRUE(torch::allclose(x.grad(), x2.grad(), 1e-5, 1e-5));
  EXPECT_FALSE(int8.bias.requires_grad());  // frozen
  EXPECT_EQ(int8.stored_bytes(), 24 * 40 + 24 * 1 * 4);
}

TEST(Int8Embedding, LooksUpRowsThenDequantizes) {
  Int8EmbeddingImpl table(50, 8, torch::TensorOptions().dtype(torch::kBFloat16));
  const torch::Tensor weight = torch::randn({50, 8});
  table.set_weight_rows(0, weight);
  const torch::Tensor ids = torch::tensor({{3, 49}, {0, 3}});
  const torch::Tensor rows = table.forward(ids);
  EXPECT_EQ(rows.sizes(), (std::vector<std::int64_t>{2, 2, 8}));
  EXPECT_EQ(rows.scalar_type(), torch::kBFloat16);
  const torch::Tensor full = table.dequantized_weight(torch::kBFloat16);
  EXPECT_TRUE(torch::equal(rows[0][1], full[49]));
  EXPECT_LT((full.to(torch::kFloat32) - weight).abs().max().item<double>(), weight.abs().max().item<double>() / 100);
}

TEST(WeightFormat, Names) {
  EXPECT_EQ(WeightFormat::parse("int8-rowwise").name(), "int8-rowwise");
  EXPECT_EQ(WeightFormat::parse("int8-block256").block_size, 256);
  EXPECT_TRUE(WeightFormat::parse("int8").int8);
  EXPECT_FALSE(WeightFormat::parse("float").int8);
  EXPECT_ERROR_CONTAINS(WeightFormat::parse("int8-block100"), "power of two from 64 to 4096");
  EXPECT_ERROR_CONTAINS(WeightFormat::parse("int4"), "unknown weight format 'int4'");
}

class Int8Model : public ::testing::TestWithParam<std::string> {};

TEST_P(Int8Model, LoadsCheckpointsAsInt8CloseToFloat) {
  ModelLoadOptions options;
  options.base_weights = WeightFormat::parse(GetParam());
  BloomModel int8 = load_bloom(test::fixture("tiny-bloom-b"), options);
  BloomModel float32 = load_bloom(test::fixture("tiny-bloom-b"));
  std::int64_t codes = 0;
  for (const auto& buffer : int8->named_buffers()) {
    if (buffer.key().find("weight_codes") != std::string::npos) codes += buffer.value().numel();
  }
  EXPECT_EQ(codes, 2000 * 96 + 3 * 12 * 96 * 96);  // embedding + 3 layers' four matrices
  torch::NoGradGuard no_grad;
  const torch::Tensor ids = torch::tensor({{10, 20, 30, 40, 50}, {60, 70, 80, 3, 3}});
  const torch::Tensor mask = torch::tensor({{1, 1, 1, 1, 1}, {1, 1, 1, 0, 0}});
  const torch::Tensor a = pool(int8->forward(ids, mask), mask, Pooling::Mean);
  const torch::Tensor b = pool(float32->forward(ids, mask), mask, Pooling::Mean);
  EXPECT_GT(torch::cosine_similarity(a, b, 1).min().item<double>(), 0.99) << GetParam();
  // Writing an int8 model gives its dequantized weights back as a float HF folder.
  test::TempDir dir;
  write_hf_folder(*int8, dir / "out");
  BloomModel reloaded = load_bloom(dir / "out");
  EXPECT_LT((pool(reloaded->forward(ids, mask), mask, Pooling::Mean) - a).abs().max().item<double>(), 1e-5);
}

INSTANTIATE_TEST_SUITE_P(Layouts, Int8Model, ::testing::Values("int8-rowwise", "int8-block64"),
                         [](const auto& info) { return info.param == "int8-rowwise" ? "rowwise" : "block64"; });

TEST(Int8Model, SameSeedGivesTheQuantizedSameModel) {
  const BloomConfig config = test::bloom_config(64, 32, 1, 2);
  BloomModel dense = make_random_bloom(config, torch::TensorOptions(), 5);
  BloomModel int8 = make_random_bloom(config, torch::TensorOptions(), 5, WeightFormat::parse("int8-rowwise"));
  const auto slots = int8->projections();
  const auto* q = dynamic_cast<Int8LinearImpl*>(slots[0].module.get());
  ASSERT_NE(q, nullptr);
  const torch::Tensor original = dense->named_parameters()["h.0.self_attention.query_key_value.weight"];
  EXPECT_LT((q->dequantized_weight(torch::kFloat32) - original).abs().max().item<double>(),
            original.abs().max().item<double>() / 127);
}

// Peak CPU tensor memory of one LoRA training step (forward + backward) on a model whose weights
// dominate memory.
std::int64_t training_step_peak(const WeightFormat& format) {
  CpuMemoryTracker& tracker = CpuMemoryTracker::instance();
  const BloomConfig config = test::bloom_config(4096, 256, 4, 4);
  const std::int64_t before = tracker.current_bytes();
  BloomModel model = make_random_bloom(config, torch::TensorOptions(), 0, format);
  LoraConfig lora;
  apply_lora(*model, lora);
  model->train();
  tracker.reset_peak();
  const torch::Tensor ids = torch::randint(4, 4096, {4, 16}, torch::kInt64);
  const torch::Tensor mask = torch::ones({4, 16}, torch::kInt64);
  pool(model->forward(ids, mask), mask, Pooling::Mean).pow(2).sum().backward();
  return tracker.peak_bytes() - before;
}

TEST(Int8Model, TrainingStepPeakMemoryIsWellBelowFloat32) {
  const std::int64_t float_peak = training_step_peak(WeightFormat{});
  const std::int64_t int8_peak = training_step_peak(WeightFormat::parse("int8-rowwise"));
  std::printf("[memory] LoRA training step peak (model included): float32 base %.2f MB, int8 base %.2f MB (%.2fx)\n",
              float_peak / 1e6, int8_peak / 1e6, static_cast<double>(int8_peak) / float_peak);
  // Weights are 3.1M float32 parameters plus a 1M-row embedding: int8 keeps a quarter of them.
  EXPECT_LT(int8_peak, float_peak / 2);
}

}  // namespace
}  // namespace lacos
