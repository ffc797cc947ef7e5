#include "config/config_override.h"

#include "config/did_you_mean.h"
#include "core/error.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>

namespace lacos {

namespace {

std::string trim(const std::string& text) {
  const std::size_t first = text.find_first_not_of(" \t");
  if (first == std::string::npos) return {};
  return text.substr(first, text.find_last_not_of(" \t") - first + 1);
}

bool valid_key(const std::string& key) {
  if (key.empty() || key.front() == '.' || key.back() == '.' || key.find("..") != std::string::npos) return false;
  for (char c : key) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.')) return false;
  }
  return true;
}

// Top-level commas only: not inside [], {}, () or quotes.
std::vector<std::string> split_top_level(const std::string& text) {
  std::vector<std::string> parts;
  int depth = 0;
  char quote = 0;
  std::string current;
  for (char c : text) {
    if (quote != 0) {
      if (c == quote) quote = 0;
    } else if (c == '\'' || c == '"') {
      quote = c;
    } else if (c == '[' || c == '{' || c == '(') {
      ++depth;
    } else if (c == ']' || c == '}' || c == ')') {
      --depth;
    } else if (c == ',' && depth == 0) {
      parts.push_back(trim(current));
      current.clear();
      continue;
    }
    current += c;
  }
  parts.push_back(trim(current));
  return parts;
}

std::string format_number(double value, bool integer) {
  if (integer) return std::to_string(static_cast<long long>(std::llround(value)));
  std::string text = fmt::format("{:.12g}", value);
  if (text.find_first_of(".eE") == std::string::npos) text += ".0";
  return text;
}

std::vector<std::string> expand_range(const std::string& arguments, const std::string& where) {
  const std::vector<std::string> parts = split_top_level(arguments);
  if (parts.size() < 1 || parts.size() > 3)
    fail("{}: range() takes 1 to 3 numbers (stop | start, stop | start, stop, step), got '{}'", where, arguments);
  std::vector<double> numbers;
  bool integers = true;
  for (const std::string& part : parts) {
    char* end = nullptr;
    const double value = std::strtod(part.c_str(), &end);
    if (part.empty() || *end != '\0' || !std::isfinite(value)) {
      fail("{}: range() argument '{}' is not a finite number", where, part);
    }
    // Integers stay integers while doubles hold them exactly (below 2^53).
    integers = integers && part.find_first_of(".eE") == std::string::npos && std::fabs(value) < 9007199254740992.0;
    numbers.push_back(value);
  }
  const double start = parts.size() == 1 ? 0.0 : numbers[0];
  const double stop = parts.size() == 1 ? numbers[0] : numbers[1];
  const double step = parts.size() == 3 ? numbers[2] : 1.0;
  if (step == 0) fail("{}: range() step must not be 0", where);
  std::vector<std::string> values;
  // Index-based, so 0.1 steps do not accumulate rounding (range(0.1,0.4,0.1) gives 3 values).
  // Counted before anything is generated: range(0,1e15) must not fill the memory first.
  const double count = std::ceil((stop - start) / step - 1e-9);
  if (!std::isfinite(count) || count > 10000) {
    fail("{}: range({}) has {:.0f} values; that is surely a mistake", where, arguments, count);
  }
  for (long long i = 0; i < static_cast<long long>(std::max(count, 0.0)); ++i)
    values.push_back(format_number(start + i * step, integers));
  if (values.empty()) fail("{}: range({}) is empty", where, arguments);
  return values;
}

}  // namespace

ConfigOverride parse_override(const std::string& text) {
  ConfigOverride out;
  out.text = text;
  std::string rest = text;
  if (rest.rfind("++", 0) == 0) {
    out.kind = ConfigOverride::Kind::ForceAdd;
    rest = rest.substr(2);
  } else if (rest.rfind("+", 0) == 0) {
    out.kind = ConfigOverride::Kind::Add;
    rest = rest.substr(1);
  } else if (rest.rfind("~", 0) == 0) {
    out.kind = ConfigOverride::Kind::Delete;
    rest = rest.substr(1);
  }
  const std::size_t equals = rest.find('=');
  out.key = trim(rest.substr(0, equals));
  if (equals != std::string::npos) {
    out.has_value = true;
    out.value = trim(rest.substr(equals + 1));
  }
  if (!valid_key(out.key)) {
    fail(
        "command line: '{}' is not an override; expected key=value, +key=value, ++key=value, ~key or group=option "
        "(keys are dotted names such as optim.lr)",
        text);
  }
  if (!out.has_value && out.kind != ConfigOverride::Kind::Delete) {
    fail("command line: override '{}' has no '='; write {}=VALUE (or ~{} to remove it)", text, out.key, out.key);
  }
  return out;
}

std::vector<std::string> sweep_choices(const std::string& value, const std::string& where) {
  const std::string text = trim(value);
  if (text.rfind("range(", 0) == 0 && text.back() == ')') return expand_range(text.substr(6, text.size() - 7), where);
  if (text.rfind("choice(", 0) == 0 && text.back() == ')') return split_top_level(text.substr(7, text.size() - 8));
  return split_top_level(text);
}

ConfigNode override_value(const ConfigOverride& override_) {
  const std::string origin = "command line: " + override_.text;
  if (override_.value.empty()) return ConfigNode::make_scalar("", origin, /*quoted=*/true);
  ConfigNode value;
  try {
    value = parse_config_text(override_.value, origin);
  } catch (const Error&) {
    return ConfigNode::make_scalar(override_.value, origin);  // not YAML: take the text as it is
  }
  value.origin = origin;
  for (ConfigNode& item : value.items) item.origin = origin;
  return value;
}

void apply_override(ConfigNode& root, const ConfigOverride& override_) {
  const ConfigNode* existing = find_path(root, override_.key);
  const std::string where = "command line: '" + override_.text + "'";
  auto missing = [&](const std::string& advice) {
    const std::string suggestion = closest_word(override_.key, leaf_paths(root));
    fail("{}: key '{}' is not in the configuration{}{}", where, override_.key,
         suggestion.empty() ? "" : fmt::format("; did you mean '{}'?", suggestion), advice);
  };
  switch (override_.kind) {
    case ConfigOverride::Kind::Set:
      if (existing == nullptr) missing(fmt::format(" (to add a new key write +{}={})", override_.key, override_.value));
      set_path(root, override_.key, override_value(override_));
      return;
    case ConfigOverride::Kind::Add:
      if (existing != nullptr)
        fail("{}: key '{}' is already set (to '{}' at {}); write {}={} to change it, or ++{}={}", where, override_.key,
             existing->is_scalar() ? existing->scalar : "a collection", existing->origin, override_.key,
             override_.value, override_.key, override_.value);
      set_path(root, override_.key, override_value(override_));
      return;
    case ConfigOverride::Kind::ForceAdd: set_path(root, override_.key, override_value(override_)); return;
    case ConfigOverride::Kind::Delete:
      if (existing == nullptr) missing("");
      if (override_.has_value) {
        const ConfigNode expected = override_value(override_);
        if (!existing->is_scalar() || existing->scalar != expected.scalar)
          fail("{}: key '{}' is '{}', not '{}', so it was not removed", where, override_.key,
               existing->is_scalar() ? existing->scalar : "a collection", override_.value);
      }
      erase_path(root, override_.key);
      return;
  }
}

}  // namespace lacos
