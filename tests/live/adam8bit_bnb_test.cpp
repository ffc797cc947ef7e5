// lacos' 8-bit AdamW against bitsandbytes' AdamW8bit, run on its CPU backend by
// tests/live/python_stack.py, 20 steps on the same gradients, every state compared after each.
//
// bitsandbytes quantizes differently on its two backends. Its CUDA kernels (what LACoS-BLOOM ran)
// take the nearest map entry (dQuantize: a binary search, then the nearer neighbour); its CPU
// backend rounds the normalised value to a 65,536-point grid first and looks the code up in a
// table, so values closer together than 2/65535 (most of the map's entries near zero) can get a
// code several entries away. lacos quantizes as the CUDA kernels do. So:
//  - against bitsandbytes with the CUDA kernel's quantizer transcribed into its CPU step (the
//    script's `cuda.` run), the state codes and absmax are identical and the parameters agree to
//    float32 rounding: the update is the same algebra rounded differently,
//      bnb CPU:  p = p (1 - lr wd) - lr / c1 * m / (sqrt(v) / c2 + eps)
//      lacos:    p = (p - lr c2 / c1 * m / (sqrt(v) + c2 eps)) (1 - lr wd)   (bnb's CUDA kernel)
//  - against bitsandbytes' CPU backend as shipped (`cpu.`), the maps are identical and the codes
//    differ where its table rounding does; the trajectories stay close.
#include "io/torch_safetensors.h"
#include "live_support.h"
#include "optim/adam.h"
#include "optim/dynamic_map.h"
#include "test_support.h"

namespace lacos {
namespace {

struct Divergence {
  std::int64_t codes_compared = 0, codes_differing = 0;
  double worst_code_step = 0, worst_absmax = 0, worst_small_state = 0, worst_param = 0, largest_move = 0;
  double lr = 0;
  int steps = 0;
};

// Runs lacos' AdamW8bit on the recorded gradients and compares with the run whose keys start with `run`.
Divergence follow(const std::map<std::string, torch::Tensor>& ref, const std::string& run) {
  Divergence d;
  const torch::Tensor settings = ref.at("options");
  d.lr = settings[0].item<double>();
  AdamOptions options = AdamOptions::from_name("adamw8bit");
  options.weight_decay = settings[1].item<double>();
  d.steps = static_cast<int>(settings[2].item<double>());
  torch::Tensor big = ref.at("init.big").clone().requires_grad_(true);
  torch::Tensor small = ref.at("init.small").clone().requires_grad_(true);
  Adam adam({{"big", big}, {"small", small}}, options);
  EXPECT_DOUBLE_EQ(adam.fraction_8bit(), 5000.0 / (5000.0 + 600.0));  // `small` keeps 32-bit state, as in bnb
  for (int t = 0; t < d.steps; ++t) {
    const std::string s = std::to_string(t);
    big.mutable_grad() = ref.at("grad." + s + ".big");
    small.mutable_grad() = ref.at("grad." + s + ".small");
    adam.step(d.lr);
    std::map<std::string, torch::Tensor> state;
    for (auto& [name, tensor] : adam.state()) state[name] = tensor;
    for (const auto& [ours, theirs, absmax_ours, absmax_theirs] :
         {std::tuple{"big.exp_avg.codes", "state1.", "big.exp_avg.absmax", "absmax1."},
          std::tuple{"big.exp_avg_sq.codes", "state2.", "big.exp_avg_sq.absmax", "absmax2."}}) {
      const torch::Tensor diff =
          (state.at(ours).to(torch::kInt32) - ref.at(run + theirs + s + ".big").to(torch::kInt32)).abs();
      d.codes_compared += diff.numel();
      d.codes_differing += diff.nonzero().size(0);
      d.worst_code_step = std::max(d.worst_code_step, diff.max().item<double>());
      const torch::Tensor expected = ref.at(run + absmax_theirs + s + ".big");
      d.worst_absmax =
          std::max(d.worst_absmax, ((state.at(absmax_ours) - expected).abs() / expected.abs()).max().item<double>());
    }
    for (const auto& [ours, theirs] :
         {std::pair{"small.exp_avg", "state1."}, std::pair{"small.exp_avg_sq", "state2."}}) {
      const torch::Tensor expected = ref.at(run + theirs + s + ".small");
      d.worst_small_state = std::max(d.worst_small_state,
                                     live::max_error(state.at(ours), expected) / expected.abs().max().item<double>());
    }
    for (const auto& [name, tensor] : {std::pair{"big", big}, std::pair{"small", small}}) {
      d.worst_param =
          std::max(d.worst_param, live::max_error(tensor.detach(), ref.at(run + "param." + s + "." + name)));
      d.largest_move = std::max(d.largest_move, live::max_error(tensor.detach(), ref.at("init." + std::string(name))));
    }
  }
  std::printf(
      "[adam8bit vs bitsandbytes, %s quantizer] %d steps: %lld of %lld state codes differ (max %.0f code "
      "steps), max absmax rel. error %.3g, 32-bit state rel. error %.3g, max |param - bnb| %.3g (lr %.3g, "
      "largest move %.3g)\n",
      run == "cuda." ? "CUDA" : "CPU", d.steps, static_cast<long long>(d.codes_differing),
      static_cast<long long>(d.codes_compared), d.worst_code_step, d.worst_absmax, d.worst_small_state, d.worst_param,
      d.lr, d.largest_move);
  return d;
}

class Adam8bitAgainstBitsandbytes : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::filesystem::path file = live::live_dir() / "adam8bit.safetensors";
    live::require_reference(file);
    if (IsSkipped() || HasFatalFailure()) return;
    ref_ = load_safetensors(file);
  }
  std::map<std::string, torch::Tensor> ref_;
};

TEST_F(Adam8bitAgainstBitsandbytes, SameDynamicMaps) {
  if (ref_.empty()) return;
  EXPECT_TRUE(torch::equal(dynamic_map(/*is_signed=*/true), ref_.at("qmap1"))) << "signed dynamic map differs";
  EXPECT_TRUE(torch::equal(dynamic_map(/*is_signed=*/false), ref_.at("qmap2"))) << "unsigned dynamic map differs";
}

TEST_F(Adam8bitAgainstBitsandbytes, IdenticalStateWithTheCudaKernelsQuantizer) {
  if (ref_.empty()) return;
  const Divergence d = follow(ref_, "cuda.");
  EXPECT_EQ(d.codes_differing, 0);
  EXPECT_LT(d.worst_absmax, 1e-6);
  EXPECT_LT(d.worst_small_state, 1e-6);
  EXPECT_LT(d.worst_param, 1e-6);  // float32 rounding of values ~1, after moves of many lr
  EXPECT_GT(d.largest_move, 5 * d.lr);
}

TEST_F(Adam8bitAgainstBitsandbytes, CloseToItsCpuBackendAsShipped) {
  if (ref_.empty()) return;
  const Divergence d = follow(ref_, "cpu.");
  // Its table rounding moves a few percent of the codes (see above); the parameters stay within a
  // fraction of their total movement.
  EXPECT_LT(static_cast<double>(d.codes_differing), 0.05 * static_cast<double>(d.codes_compared));
  EXPECT_LT(d.worst_small_state, 1e-6);  // the 32-bit path has no quantizer
  EXPECT_LT(d.worst_param, 0.5 * d.largest_move);
}

}  // namespace
}  // namespace lacos
