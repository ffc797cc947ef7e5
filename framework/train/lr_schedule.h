// Learning-rate schedules, as a multiplier of the base rate at 0-based step s of T steps with W
// warmup steps:
//   constant:  min((s + 1) / W, 1)
//   linear:    min((s + 1) / W, (T - s) / (T - W))          (the reference recipe, W = 40, T = 400)
//   cosine:    (s + 1) / W while s < W, then 0.5 (1 + cos(pi (s - W) / (T - W)))
// With W = 0 the warmup term is 1.
#pragma once

#include <cstdint>
#include <string>

namespace lacos {

struct LrSchedule {
  enum class Kind { Constant, Linear, Cosine };
  Kind kind = Kind::Linear;
  std::int64_t warmup_steps = 0;
  std::int64_t total_steps = 1;

  static Kind parse_kind(const std::string& name, const std::string& key = "--schedule");
  double factor(std::int64_t step) const;
};

}  // namespace lacos
