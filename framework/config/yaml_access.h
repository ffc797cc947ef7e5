// Typed, validated access to YAML nodes. Every error names the file, the line (as yaml-cpp
// reports it, 1-based) and the key, and says what was expected; unknown keys get a
// "did you mean" suggestion.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <string>
#include <vector>

namespace lacos {

struct YamlContext {
  std::string file;
};

// "file:line" of a node, and "file:line: key 'k'".
std::string yaml_position(const YamlContext& context, const YAML::Node& node);
std::string yaml_where(const YamlContext& context, const YAML::Node& node, const std::string& key);

// Expands ${env:VAR} and ${env:VAR,default} inside a string; an unset variable without a
// default is an error naming the key.
std::string expand_env(const std::string& text, const std::string& where);

std::string yaml_string(const YamlContext& context, const YAML::Node& map, const std::string& key,
                        const std::string* fallback = nullptr);
std::int64_t yaml_int(const YamlContext& context, const YAML::Node& map, const std::string& key,
                      std::int64_t fallback, std::int64_t minimum);
std::vector<std::string> yaml_string_list(const YamlContext& context, const YAML::Node& map, const std::string& key);

// Rejects keys of `map` outside `allowed`, suggesting the closest allowed key.
void reject_unknown_keys(const YamlContext& context, const YAML::Node& map, const std::string& prefix,
                         const std::vector<std::string>& allowed);

// The allowed word closest to `word` by edit distance, or "" when none is close.
std::string closest_word(const std::string& word, const std::vector<std::string>& allowed);

}  // namespace lacos
