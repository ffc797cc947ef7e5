#include "config/sweep_plan.h"

#include "config/config_schema.h"
#include "config/did_you_mean.h"
#include "core/error.h"

#include <algorithm>
#include <limits>
#include <map>

namespace lacos {

namespace {

struct Axis {
  std::string key;
  std::vector<std::string> values;
};

bool lists_several(const std::string& value) {
  return value.rfind("range(", 0) == 0 || value.rfind("choice(", 0) == 0 || sweep_choices(value, "").size() > 1;
}

void check_axis_key(const ExperimentComposer& composer, const std::string& key, const std::string& origin) {
  if (composer.is_group(key) || find_schema_entry(key) != nullptr) return;
  std::vector<std::string> known;
  for (const SchemaEntry& entry : experiment_schema()) known.push_back(entry.key);
  const std::string suggestion = closest_word(key, known);
  fail("{}: sweep key '{}' is neither a config group nor a setting{}", origin, key,
       suggestion.empty() ? "" : fmt::format("; did you mean '{}'?", suggestion));
}

std::string scalar_text(const ConfigNode& node) {
  if (!node.is_scalar()) fail("{}: sweep values must be plain values", node.origin);
  return node.scalar;
}

// Like the 10,000 values one range() may list: each axis is bounded on its own, but their product
// is not, and two ranges of 10,000 make 10^8 runs. The product is counted before any run is made.
constexpr std::size_t kMaxSweepRuns = 10000;

void check_sweep_size(const std::vector<Axis>& axes) {
  std::size_t runs = 1;
  bool saturated = false;  // the exact product would overflow; it is far past the bound anyway
  std::string shape;
  for (const Axis& axis : axes) {
    shape += fmt::format("{}{} {}", shape.empty() ? "" : " x ", axis.values.size(), axis.key);
    if (saturated || axis.values.size() > std::numeric_limits<std::size_t>::max() / runs) {
      saturated = true;
    } else {
      runs *= axis.values.size();
    }
  }
  if (saturated || runs > kMaxSweepRuns) {
    fail("sweep: {} values make {} runs, more than {}; that is surely a mistake (pin an axis with key=value)", shape,
         saturated ? "too many" : std::to_string(runs), kMaxSweepRuns);
  }
}

std::string folder_safe(std::string text) {
  for (char& c : text)
    if (c == '/' || c == ' ') c = '_';
  return text;
}

}  // namespace

std::vector<PlannedRun> plan_sweep(const ExperimentComposer& composer, const std::vector<std::string>& overrides,
                                   bool multirun) {
  std::vector<Axis> axes;
  for (const auto& [key, value] : composer.sweep_block().entries) {
    check_axis_key(composer, key, value.origin);
    Axis axis{key, {}};
    if (value.is_list()) {
      for (const ConfigNode& item : value.items) axis.values.push_back(scalar_text(item));
    } else {
      axis.values = sweep_choices(scalar_text(value), value.origin + ": sweep." + key);
    }
    if (axis.values.empty()) fail("{}: sweep axis '{}' has no values", value.origin, key);
    axes.push_back(axis);
  }

  std::vector<ConfigOverride> fixed;
  for (const std::string& text : overrides) {
    ConfigOverride override_ = parse_override(text);
    auto axis = std::find_if(axes.begin(), axes.end(), [&](const Axis& a) { return a.key == override_.key; });
    const bool several = override_.kind != ConfigOverride::Kind::Delete && lists_several(override_.value);
    if (several && !multirun) {
      fail(
          "command line: '{}' lists several values; add -m (--multirun) to sweep over them, or write a list as "
          "{}=[{}]",
          text, override_.key, override_.value);
    }
    if (several) {
      check_axis_key(composer, override_.key, "command line: " + text);
      Axis replacement{override_.key, sweep_choices(override_.value, "command line: " + text)};
      if (axis != axes.end()) {
        *axis = replacement;
      } else {
        axes.push_back(replacement);
      }
      continue;
    }
    if (axis != axes.end()) axes.erase(axis);  // a single value pins the axis
    fixed.push_back(override_);
  }

  check_sweep_size(axes);
  std::vector<PlannedRun> runs(1);
  runs[0].overrides = fixed;
  for (const Axis& axis : axes) {
    std::vector<PlannedRun> expanded;
    expanded.reserve(runs.size() * axis.values.size());  // at most kMaxSweepRuns
    for (const PlannedRun& run : runs) {
      for (const std::string& value : axis.values) {
        PlannedRun next = run;
        next.axes.emplace_back(axis.key, value);
        next.overrides.push_back(parse_override(axis.key + "=" + value));
        expanded.push_back(next);
      }
    }
    runs = std::move(expanded);
  }
  std::map<std::string, int> seen;
  for (PlannedRun& run : runs) {
    for (const auto& [key, value] : run.axes)
      run.name += (run.name.empty() ? "" : ",") + key + "=" + folder_safe(value);
    if (run.name.empty()) run.name = "run";
    if (seen[run.name]++ > 0) fail("sweep: two runs would both be named '{}' (a value is listed twice)", run.name);
  }
  return runs;
}

std::vector<std::vector<std::string>> resolved_differences(const std::vector<ConfigNode>& configs) {
  std::vector<std::vector<std::string>> out(configs.size());
  if (configs.empty()) return out;
  for (const std::string& path : leaf_paths(configs[0])) {
    std::vector<std::string> values;
    for (const ConfigNode& config : configs) {
      const ConfigNode* node = find_path(config, path);
      values.push_back(node == nullptr ? "(unset)" : node->is_scalar() ? node->scalar : to_yaml(*node));
    }
    if (std::all_of(values.begin(), values.end(), [&](const std::string& v) { return v == values[0]; })) continue;
    for (std::size_t i = 0; i < configs.size(); ++i) {
      std::string value = values[i];
      if (!value.empty() && value.back() == '\n') value.pop_back();
      out[i].push_back(path + "=" + value);
    }
  }
  return out;
}

}  // namespace lacos
