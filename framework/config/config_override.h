// Command-line overrides, as Hydra writes them:
//   a.b=value     set an existing key (the value is YAML: 1e-3, true, [a, b], 'text')
//   +a.b=value    add a key that is not set yet
//   ++a.b=value   set or add
//   ~a.b, ~a.b=v  remove a key (it falls back to its schema default), optionally only if it equals v
//   group=option  choose a config group option (model=bloom-1b7 loads conf/model/bloom-1b7.yaml)
// With -m (multirun), a value may list several choices: a,b,c or range(start, stop[, step]).
#pragma once

#include "config/config_node.h"

#include <string>
#include <vector>

namespace lacos {

struct ConfigOverride {
  enum class Kind { Set, Add, ForceAdd, Delete };
  Kind kind = Kind::Set;
  std::string key;
  std::string value;       // raw text after '='
  bool has_value = false;  // '=' given (always for Set/Add/ForceAdd)
  std::string text;        // as typed, for messages and the run's overrides file
};

ConfigOverride parse_override(const std::string& text);

// Splits a sweep value into its choices: "a,b" -> {a, b}; "range(0.1,0.4,0.1)" -> numbers
// (stop exclusive, as Python's range; integers stay integers); anything else -> {value}.
// Commas inside brackets or quotes do not split ("[a,b]" is one list value).
std::vector<std::string> sweep_choices(const std::string& value, const std::string& where);

// The override value as a config node (YAML; "" is an empty string).
ConfigNode override_value(const ConfigOverride& override_);

// Applies a value override (not a group choice) to `root`; errors name the override and
// suggest the closest existing key.
void apply_override(ConfigNode& root, const ConfigOverride& override_);

}  // namespace lacos
