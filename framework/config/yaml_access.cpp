#include "config/yaml_access.h"

#include "core/error.h"

#include <algorithm>
#include <cstdlib>

namespace lacos {

std::string yaml_position(const YamlContext& context, const YAML::Node& node) {
  if (!node.IsDefined()) return context.file;  // an absent key has no position
  const YAML::Mark mark = node.Mark();
  if (mark.line >= 0) return fmt::format("{}:{}", context.file, mark.line + 1);
  return context.file;
}

std::string yaml_where(const YamlContext& context, const YAML::Node& node, const std::string& key) {
  return fmt::format("{}: key '{}'", yaml_position(context, node), key);
}

std::string expand_env(const std::string& text, const std::string& where) {
  std::string out;
  std::size_t pos = 0;
  while (true) {
    const std::size_t open = text.find("${env:", pos);
    if (open == std::string::npos) break;
    const std::size_t close = text.find('}', open);
    if (close == std::string::npos) fail("{}: unterminated '${{env:' in '{}'", where, text);
    out += text.substr(pos, open - pos);
    const std::string body = text.substr(open + 6, close - open - 6);
    const std::size_t comma = body.find(',');
    const std::string name = body.substr(0, comma);
    const char* value = std::getenv(name.c_str());
    if (value != nullptr && *value != '\0') {
      out += value;
    } else if (comma != std::string::npos) {
      out += body.substr(comma + 1);
    } else {
      fail("{}: environment variable {} is not set and '{}' gives no default (write ${{env:{},default}})", where,
           name, text, name);
    }
    pos = close + 1;
  }
  return out + text.substr(pos);
}

std::string yaml_string(const YamlContext& context, const YAML::Node& map, const std::string& key,
                        const std::string* fallback) {
  const YAML::Node node = map[key];
  if (!node || node.IsNull()) {
    if (fallback != nullptr) return expand_env(*fallback, fmt::format("{}: default of '{}'", context.file, key));
    fail("{}: required key '{}' is missing", context.file, key);
  }
  if (!node.IsScalar()) fail("{}: expected a string", yaml_where(context, node, key));
  return expand_env(node.as<std::string>(), yaml_where(context, node, key));
}

std::int64_t yaml_int(const YamlContext& context, const YAML::Node& map, const std::string& key,
                      std::int64_t fallback, std::int64_t minimum) {
  const YAML::Node node = map[key];
  if (!node || node.IsNull()) return fallback;
  std::int64_t value = 0;
  if (!node.IsScalar() || !YAML::convert<std::int64_t>::decode(node, value)) {
    fail("{}: expected an integer, got '{}'", yaml_where(context, node, key), node.IsScalar() ? node.Scalar() : "a collection");
  }
  if (value < minimum) fail("{}: must be at least {}, got {}", yaml_where(context, node, key), minimum, value);
  return value;
}

std::vector<std::string> yaml_string_list(const YamlContext& context, const YAML::Node& map, const std::string& key) {
  const YAML::Node node = map[key];
  if (!node || node.IsNull()) fail("{}: required key '{}' is missing", context.file, key);
  if (!node.IsSequence()) fail("{}: expected a list", yaml_where(context, node, key));
  std::vector<std::string> values;
  for (const YAML::Node& item : node) {
    if (!item.IsScalar()) fail("{}: every entry must be a string", yaml_where(context, item, key));
    values.push_back(expand_env(item.as<std::string>(), yaml_where(context, item, key)));
  }
  if (values.empty()) fail("{}: the list is empty", yaml_where(context, node, key));
  return values;
}

std::string closest_word(const std::string& word, const std::vector<std::string>& allowed) {
  std::string best;
  std::size_t best_distance = std::max<std::size_t>(2, word.size() / 3) + 1;
  for (const std::string& candidate : allowed) {
    std::vector<std::size_t> row(candidate.size() + 1);
    for (std::size_t j = 0; j <= candidate.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= word.size(); ++i) {
      std::size_t diagonal = row[0];
      row[0] = i;
      for (std::size_t j = 1; j <= candidate.size(); ++j) {
        const std::size_t above = row[j];
        row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (word[i - 1] == candidate[j - 1] ? 0 : 1)});
        diagonal = above;
      }
    }
    if (row.back() < best_distance) {
      best_distance = row.back();
      best = candidate;
    }
  }
  return best;
}

void reject_unknown_keys(const YamlContext& context, const YAML::Node& map, const std::string& prefix,
                         const std::vector<std::string>& allowed) {
  if (!map.IsMap()) fail("{}: '{}' must be a mapping", context.file, prefix.empty() ? "<top level>" : prefix);
  for (const auto& entry : map) {
    const std::string key = entry.first.as<std::string>();
    if (std::find(allowed.begin(), allowed.end(), key) != allowed.end()) continue;
    const std::string suggestion = closest_word(key, allowed);
    std::string known;
    for (const auto& name : allowed) known += (known.empty() ? "" : ", ") + name;
    fail("{}: unknown key '{}{}'{} (known keys: {})", yaml_position(context, entry.first), prefix, key,
         suggestion.empty() ? "" : fmt::format("; did you mean '{}'?", suggestion), known);
  }
}

}  // namespace lacos
