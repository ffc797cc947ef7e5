// Composes one run's configuration, in the documented priority order (docs/experiments.md):
//   1. schema defaults (config_schema.h)
//   2. the experiment file's `defaults:` list, in order: `group: option` loads
//      <experiment dir>/conf/<group>/<option>.yaml under the key <group>; a plain name loads
//      conf/<name>.yaml at the top; `_self_` marks where the file's own body goes (last if absent)
//   3. the experiment file's body
//   4. command-line overrides, left to right (group=option changes step 2)
// Maps merge key by key; anything else is replaced. Then unknown keys are rejected,
// ${...} interpolations resolved, and every value type-checked.
#pragma once

#include "config/config_node.h"
#include "config/config_override.h"

#include <ctime>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace lacos {

struct ComposedConfig {
  ConfigNode config;  // resolved and checked
};

class ExperimentComposer {
 public:
  // An empty path composes the schema defaults and the overrides alone (lacos-train).
  explicit ExperimentComposer(std::filesystem::path experiment_file);

  // `overrides` carry single values (sweeps are expanded before, see sweep_plan.h).
  ComposedConfig compose(const std::vector<ConfigOverride>& overrides, std::time_t now) const;

  // The groups this experiment can choose from (folders under conf/).
  bool is_group(const std::string& key) const;
  std::vector<std::string> group_options(const std::string& group) const;
  // The file's `sweep:` block as written (empty map when absent).
  const ConfigNode& sweep_block() const { return sweep_; }
  const std::filesystem::path& file() const { return file_; }

 private:
  struct DefaultEntry {
    std::string group;   // "" for `_self_` and plain names
    std::string option;  // option name, plain config name, or "_self_"
    std::string origin;
  };

  ConfigNode load_group_option(const DefaultEntry& entry) const;

  std::filesystem::path file_;
  std::filesystem::path conf_dir_;
  ConfigNode body_;
  ConfigNode sweep_;
  std::vector<DefaultEntry> defaults_;
};

}  // namespace lacos
