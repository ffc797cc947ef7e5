// The fused attention (scaled_dot_product_attention) against the explicit path, forward and
// backward, with padded rows and float ALiBi masks, at L = 64 (L % 128 == 64: where cuDNN's
// attention backward gave NaN in LibTorch 2.11) and L = 100. On the CPU this is LibTorch's CPU
// kernel; lacos-check-device runs the same comparison on a GPU.
#include "lora/apply_lora.h"
#include "model/bloom_attention.h"
#include "model/pooling.h"
#include "model/random_init.h"
#include "test_support.h"

namespace lacos {
namespace {

std::vector<torch::Tensor> run_with(BloomModel& model, const torch::Tensor& ids, const torch::Tensor& mask,
                                    AttentionKernel kernel) {
  set_attention_kernel(kernel);
  const torch::Tensor hidden = model->forward(ids, mask);
  pool(hidden, mask, Pooling::Mean).pow(2).sum().backward();
  std::vector<torch::Tensor> out = {hidden.detach().to(torch::kFloat32)};
  for (auto& [name, parameter] : trainable_parameters(*model)) {
    out.push_back(parameter.grad().clone());
    parameter.mutable_grad() = torch::Tensor();
  }
  set_attention_kernel(AttentionKernel::automatic);
  return out;
}

TEST(AttentionKernel, FusedMatchesExplicitForwardAndBackwardWithPaddingMasks) {
  for (std::int64_t length : {64, 100}) {
    BloomModel model = make_random_bloom(test::bloom_config(300, 64, 2, 4), torch::TensorOptions(), /*seed=*/3);
    torch::manual_seed(3);
    apply_lora(*model, LoraConfig{});
    {
      torch::NoGradGuard no_grad;  // B starts at zero, which would leave A without gradient
      for (auto& [name, parameter] : trainable_parameters(*model)) parameter.normal_(0, 0.02);
    }
    const torch::Tensor ids = torch::randint(4, 300, {3, length}, torch::kInt64);
    torch::Tensor mask = torch::ones({3, length}, torch::kInt64);
    mask[1].narrow(0, length / 2, length - length / 2).zero_();
    mask[2].narrow(0, 0, length / 3).zero_();
    const auto math = run_with(model, ids, mask, AttentionKernel::math);
    const auto fused = run_with(model, ids, mask, AttentionKernel::fused);
    ASSERT_EQ(math.size(), fused.size());
    ASSERT_GT(math.size(), 1u);
    for (std::size_t i = 0; i < math.size(); ++i) {
      ASSERT_TRUE(torch::isfinite(fused[i]).all().item<bool>()) << "L " << length << " tensor " << i;
      const double scale = math[i].abs().max().item<double>();
      EXPECT_GT(scale, 0.0) << i;
      EXPECT_LT(((fused[i] - math[i]).abs().max() / scale).item<double>(), 1e-4) << "L " << length << " tensor " << i;
    }
  }
}

}  // namespace
}  // namespace lacos
