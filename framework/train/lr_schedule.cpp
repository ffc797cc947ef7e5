#include "train/lr_schedule.h"

#include "core/error.h"

#include <algorithm>
#include <cmath>

namespace lacos {

LrSchedule::Kind LrSchedule::parse_kind(const std::string& name, const std::string& key) {
  if (name == "constant") return Kind::Constant;
  if (name == "linear") return Kind::Linear;
  if (name == "cosine") return Kind::Cosine;
  fail("{}: unknown schedule '{}' (expected constant, linear or cosine)", key, name);
}

double LrSchedule::factor(std::int64_t step) const {
  const double s = static_cast<double>(step);
  const double warm = warmup_steps > 0 ? (s + 1) / static_cast<double>(warmup_steps) : 1.0;
  const double decay_steps = static_cast<double>(std::max<std::int64_t>(1, total_steps - warmup_steps));
  switch (kind) {
    case Kind::Constant: return std::min(warm, 1.0);
    case Kind::Linear: return std::max(0.0, std::min(warm, (static_cast<double>(total_steps) - s) / decay_steps));
    case Kind::Cosine:
      if (step < warmup_steps) return warm;
      return 0.5 * (1.0 + std::cos(M_PI * std::min(1.0, (s - warmup_steps) / decay_steps)));
  }
  return 1.0;
}

}  // namespace lacos
