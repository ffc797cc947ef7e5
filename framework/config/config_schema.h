// What an experiment's resolved configuration may contain: every key, its type, its default
// and what it means. The schema is the lowest layer of the documented priority order
//   schema defaults < defaults: list (config groups, in order) < experiment file < command line
// and the check that rejects unknown keys (with a "did you mean") and wrong types, naming the
// file and line that set the value.
#pragma once

#include "config/config_node.h"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace lacos {

enum class ValueType { String, Int, Float, Bool, StringList, Map };

struct SchemaEntry {
  SchemaEntry(std::string key_, ValueType type_, std::string default_yaml_, std::string help_,
              std::vector<std::string> choices_ = {}, double minimum_ = -1e300)
      : key(std::move(key_)),
        type(type_),
        default_yaml(std::move(default_yaml_)),
        help(std::move(help_)),
        choices(std::move(choices_)),
        minimum(minimum_) {}

  std::string key;  // dotted path
  ValueType type;
  std::string default_yaml;  // YAML text of the default ("???" = required)
  std::string help;
  std::vector<std::string> choices;  // allowed strings (String only), empty = any
  double minimum;                    // Int and Float
};

const std::vector<SchemaEntry>& experiment_schema();
const SchemaEntry* find_schema_entry(const std::string& key);

// The defaults layer: every schema key with its default.
ConfigNode schema_defaults();

// Unknown keys anywhere in `root` are errors naming where they were set, with the closest known key.
void check_known_keys(const ConfigNode& root);
// Every value parses as its declared type and lies in its range; `???` left anywhere is an error.
void check_types(const ConfigNode& root);

// A table of every key for --help and docs: "key  type  default  help".
std::string describe_schema();

// Typed reads of a checked tree (keys must be in the schema).
std::string config_string(const ConfigNode& root, const std::string& key);
std::int64_t config_int(const ConfigNode& root, const std::string& key);
double config_float(const ConfigNode& root, const std::string& key);
bool config_bool(const ConfigNode& root, const std::string& key);
std::vector<std::string> config_string_list(const ConfigNode& root, const std::string& key);

}  // namespace lacos
