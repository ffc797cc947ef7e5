// 8-bit Adam: bitsandbytes' dynamic maps, blockwise quantization error, trajectories against
// float32 Adam, state size, skipped steps and exact state round trips.
#include "optim/adam.h"
#include "optim/dynamic_map.h"
#include "test_support.h"

namespace lacos {
namespace {

TEST(DynamicMap, HasTheDocumented256Values) {
  const torch::Tensor signed_map = dynamic_map(true);
  const torch::Tensor unsigned_map = dynamic_map(false);
  for (const torch::Tensor& map : {signed_map, unsigned_map}) {
    ASSERT_EQ(map.numel(), 256);
    EXPECT_TRUE(torch::equal(map, std::get<0>(map.sort())));  // sorted
    EXPECT_FLOAT_EQ(map.max().item<float>(), 1.0f);
    EXPECT_EQ((map == 0).sum().item<std::int64_t>(), 1);
  }
  // Signed: 127 negative values mirroring 127 positive ones below 1, then 0 and 1.
  EXPECT_EQ((signed_map < 0).sum().item<std::int64_t>(), 127);
  EXPECT_TRUE(torch::equal(signed_map.narrow(0, 0, 127).neg().flip(0), signed_map.narrow(0, 128, 127)));
  // Unsigned: 254 positive values below 1, then 0 and 1.
  EXPECT_EQ((unsigned_map < 0).sum().item<std::int64_t>(), 0);
  // The smallest magnitude is the mean of linspace(0.1, 1, 2) in the 1e-6 decade.
  EXPECT_NEAR(signed_map[128].item<double>(), 0.55e-6, 1e-12);
  EXPECT_NEAR(unsigned_map[1].item<double>(), 0.325e-6, 1e-12);  // linspace(0.1, 1, 3): means 0.325, 0.775
  // Each decade 10^(i-6) holds 2^i (signed) or 2^(i+1) (unsigned) values.
  EXPECT_EQ(((signed_map > 0.1) & (signed_map < 1)).sum().item<std::int64_t>(), 64);
  EXPECT_EQ(((unsigned_map > 0.1) & (unsigned_map < 1)).sum().item<std::int64_t>(), 128);
}

TEST(DynamicMap, BlockwiseRoundTripStaysWithinTheMapSpacing) {
  torch::manual_seed(0);
  const torch::Tensor values = torch::randn({1000}) * torch::logspace(-4, 1, 1000);
  for (bool is_signed : {true, false}) {
    const torch::Tensor map = dynamic_map(is_signed);
    const torch::Tensor input = is_signed ? values : values.abs();
    const BlockwiseCodes q = quantize_blockwise(input, map, 256);
    EXPECT_EQ(q.absmax.numel(), 4);  // 1000 = 3 x 256 + 232
    const torch::Tensor back = dequantize_blockwise(q.codes, q.absmax, map, 256);
    // The error is at most half the gap to the neighbouring map entry, times the block's absmax.
    const torch::Tensor index = q.codes.to(torch::kInt64);
    const torch::Tensor below = map.index_select(0, (index - 1).clamp_min(0));
    const torch::Tensor above = map.index_select(0, (index + 1).clamp_max(255));
    const torch::Tensor gap = torch::maximum(map.index_select(0, index) - below, above - map.index_select(0, index));
    const torch::Tensor scale = q.absmax.repeat_interleave(256).narrow(0, 0, 1000);
    EXPECT_TRUE(((back - input).abs() <= gap * scale / 2 * (1 + 1e-5) + 1e-12).all().item<bool>())
        << "signed " << is_signed;
    // The map holds 1 (but not -1: the signed map stops at -0.9929), so a positive block maximum
    // comes back exactly.
    if (!is_signed) EXPECT_FLOAT_EQ(back.max().item<float>(), input.max().item<float>());
  }
}

// Least squares on a fixed random problem; returns the trained weight.
torch::Tensor optimize(const AdamOptions& options, int steps, double lr) {
  torch::manual_seed(1);
  const torch::Tensor x = torch::randn({256, 64});
  const torch::Tensor target = x.matmul(torch::randn({64, 32}));
  torch::Tensor weight = torch::zeros({64, 32}, torch::requires_grad());
  Adam adam({{"w", weight}}, options);
  for (int i = 0; i < steps; ++i) {
    torch::mse_loss(x.matmul(weight), target).backward();
    adam.step(lr);
    adam.zero_grad();
  }
  return weight.detach();
}

TEST(Adam8bit, TrajectoryStaysCloseToFloat32) {
  AdamOptions float32 = AdamOptions::from_name("adamw8bit");
  float32.eight_bit = false;
  AdamOptions eight = AdamOptions::from_name("adamw8bit");
  eight.min_8bit_size = 0;
  const torch::Tensor a = optimize(float32, 300, 0.01);
  const torch::Tensor b = optimize(eight, 300, 0.01);
  const double relative = ((a - b).norm() / a.norm()).item<double>();
  std::printf("[adam8bit] relative distance to the float32 trajectory after 300 steps: %.4f\n", relative);
  EXPECT_LT(relative, 0.05);
}

TEST(AdamW, Float32MatchesLibTorchAdamW) {
  torch::manual_seed(2);
  torch::Tensor ours = torch::randn({10, 4}, torch::requires_grad());
  torch::Tensor theirs = ours.detach().clone().requires_grad_(true);
  AdamOptions options;
  options.weight_decay = 0.01;
  Adam adam({{"w", ours}}, options);
  torch::optim::AdamW reference({theirs}, torch::optim::AdamWOptions(0.05).weight_decay(0.01));
  for (int i = 0; i < 20; ++i) {
    const torch::Tensor g = torch::randn({10, 4});
    ours.mutable_grad() = g.clone();
    theirs.mutable_grad() = g.clone();
    adam.step(0.05);
    reference.step();
  }
  EXPECT_TRUE(torch::allclose(ours, theirs, 1e-6, 1e-6));
}

TEST(Adam8bit, StateIsAboutTwoBytesPerParameter) {
  torch::Tensor big = torch::zeros({1000, 1000}, torch::requires_grad());
  torch::Tensor small = torch::zeros({100}, torch::requires_grad());
  Adam adam({{"big", big}, {"small", small}}, AdamOptions::from_name("adamw8bit"));
  // 2 bytes of codes + 2 float32 absmax per 256 elements for `big`; float32 state for `small` (< 4096).
  const double per_parameter = static_cast<double>(adam.state_bytes()) / (big.numel() + small.numel());
  EXPECT_NEAR(per_parameter, 2.0 + 8.0 / 256, 0.01);
  EXPECT_NEAR(adam.fraction_8bit(), 1e6 / (1e6 + 100), 1e-9);
}

TEST(Adam8bit, NonFiniteGradientSkipsTheStep) {
  torch::Tensor weight = torch::ones({5000}, torch::requires_grad());
  Adam adam({{"w", weight}}, AdamOptions::from_name("adam8bit"));
  torch::Tensor grad = torch::ones({5000});
  grad[7] = std::numeric_limits<float>::quiet_NaN();
  weight.mutable_grad() = grad;
  EXPECT_FALSE(adam.step(0.1).item<bool>());
  EXPECT_TRUE(torch::equal(weight, torch::ones({5000})));
  EXPECT_EQ(adam.steps_skipped(), 1);
  EXPECT_EQ(adam.steps_taken(), 0);
  weight.mutable_grad() = torch::ones({5000});
  EXPECT_TRUE(adam.step(0.1).item<bool>());
  EXPECT_EQ(adam.steps_taken(), 1);
}

TEST(Adam8bit, StateSavesAndLoadsExactly) {
  for (const char* name : {"adamw8bit", "adamw"}) {
    torch::manual_seed(3);
    torch::Tensor weight = torch::randn({70, 70}, torch::requires_grad());
    Adam adam({{"w", weight}}, AdamOptions::from_name(name));
    const auto grads = torch::randn({10, 70, 70});
    for (int i = 0; i < 5; ++i) {
      weight.mutable_grad() = grads[i].clone();
      adam.step(0.01);
    }
    std::map<std::string, torch::Tensor> saved;
    for (const auto& [key, tensor] : adam.state()) saved[key] = tensor.clone();
    const torch::Tensor weight_at_5 = weight.detach().clone();
    for (int i = 5; i < 10; ++i) {
      weight.mutable_grad() = grads[i].clone();
      adam.step(0.01);
    }
    torch::Tensor resumed = weight_at_5.clone().requires_grad_(true);
    Adam again({{"w", resumed}}, AdamOptions::from_name(name));
    again.load_state(saved);
    EXPECT_EQ(again.steps_taken(), 5);
    for (int i = 5; i < 10; ++i) {
      resumed.mutable_grad() = grads[i].clone();
      again.step(0.01);
    }
    EXPECT_TRUE(torch::equal(resumed, weight)) << name;
  }
  Adam empty({{"w", torch::zeros({3}, torch::requires_grad())}}, {});
  EXPECT_ERROR_CONTAINS(empty.load_state({}), "tensor 'step' is missing");
  EXPECT_ERROR_CONTAINS(AdamOptions::from_name("sgd"), "unknown optimizer 'sgd'");
}

// All tensors in a few flat buffers give each tensor exactly what an optimizer of its own would:
// blocks never span two tensors, and a tensor without a gradient is left alone.
TEST(Adam, MultiTensorStepEqualsOnePerTensor) {
  for (const char* name : {"adamw8bit", "adamw", "adam8bit", "adam"}) {
    torch::manual_seed(4);
    AdamOptions options = AdamOptions::from_name(name);
    options.weight_decay = 0.01;
    options.min_8bit_size = 300;  // 8-bit state for the two larger tensors, float32 for the others
    const std::vector<std::vector<std::int64_t>> shapes = {{20, 30}, {7}, {513}, {3, 5}};
    std::vector<torch::Tensor> together, alone;
    std::vector<std::pair<std::string, torch::Tensor>> named;
    std::vector<std::unique_ptr<Adam>> singles;
    for (std::size_t i = 0; i < shapes.size(); ++i) {
      together.push_back(torch::randn(shapes[i]).requires_grad_(true));
      alone.push_back(together.back().detach().clone().requires_grad_(true));
      named.emplace_back("p" + std::to_string(i), together.back());
      singles.push_back(
          std::make_unique<Adam>(std::vector<std::pair<std::string, torch::Tensor>>{{"p", alone.back()}}, options));
    }
    Adam adam(named, options);
    for (int step = 0; step < 6; ++step) {
      for (std::size_t i = 0; i < shapes.size(); ++i) {
        if (i == 1 && step % 2 == 0) continue;  // no gradient on some steps: that tensor is left alone
        const torch::Tensor g = torch::randn(shapes[i]);
        together[i].mutable_grad() = g.clone();
        alone[i].mutable_grad() = g.clone();
      }
      const torch::Tensor before = together[1].detach().clone();
      EXPECT_TRUE(adam.step(0.01).item<bool>());
      if (step % 2 == 0) EXPECT_TRUE(torch::equal(together[1], before)) << name << ": moved without a gradient";
      for (std::size_t i = 0; i < shapes.size(); ++i) {
        if (alone[i].grad().defined()) singles[i]->step(0.01);
      }
      adam.zero_grad();
      for (auto& single : singles) single->zero_grad();
    }
    // Tensor 1 (a gradient every other step) counts steps with the others, as before: not compared.
    for (std::size_t i : {0, 2, 3}) {
      EXPECT_TRUE(torch::allclose(together[i], alone[i], 1e-6, 1e-7)) << name << " tensor " << i;
    }
    EXPECT_EQ(adam.steps_taken(), 6) << name;
  }
}

}  // namespace
}  // namespace lacos
