#include "core/json_file.h"

#include "core/error.h"
#include "core/file_io.h"

#include <algorithm>
#include <fstream>

namespace lacos {

namespace {

// The deepest nesting of arrays and objects in JSON text, counted in one pass over the bytes
// (brackets inside strings do not count). Cheaper than nlohmann's parser callback, which
// added about 9% to loading a tokenizer.json (0.76 s against 0.70 s, lacos-bench-tokenizer).
int nesting_depth(const std::string& text) {
  int depth = 0, deepest = 0;
  bool in_string = false, escaped = false;
  for (const char c : text) {
    if (in_string) {
      if (escaped)
        escaped = false;
      else if (c == '\\')
        escaped = true;
      else if (c == '"')
        in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      deepest = std::max(deepest, ++depth);
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return deepest;
}

}  // namespace

Json parse_json(const std::string& text, const std::string& origin) {
  // Nesting is bounded: a value nested thousands deep would overflow the stack when it is later
  // printed (dump() recurses) in an error message.
  if (nesting_depth(text) > kMaxJsonDepth) fail("{}: JSON nested deeper than {} levels", origin, kMaxJsonDepth);
  try {
    return Json::parse(text);
  } catch (const Json::parse_error& e) {
    fail("{}: not valid JSON (at byte {}): {}", origin, e.byte, e.what());
  } catch (const Json::exception& e) {  // e.g. a number beyond double's range (1e400)
    fail("{}: not valid JSON: {}", origin, e.what());
  }
}

Json read_json_file(const std::filesystem::path& path) {
  // BLOOM's tokenizer.json, the largest JSON lacos reads, is 14 MB.
  constexpr std::uint64_t kMaxJsonFileBytes = std::uint64_t{1} << 30;
  return parse_json(read_file_bytes(path, "JSON file", kMaxJsonFileBytes), path.string());
}

void write_json_file(const std::filesystem::path& path, const Json& value) {
  write_file_bytes(path, value.dump(2) + "\n");
}

const Json& require_key(const Json& object, const std::string& key, const std::string& origin) {
  if (!object.is_object()) fail("{}: expected a JSON object, got {}", origin, object.type_name());
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) fail("{}: required key '{}' is missing", origin, key);
  return *it;
}

namespace {
[[noreturn]] void wrong_type(const std::string& origin, const std::string& key, const char* expected,
                             const Json& value) {
  fail("{}: key '{}' must be {}, got {}", origin, key, expected, value.dump());
}
}  // namespace

std::int64_t require_int(const Json& object, const std::string& key, const std::string& origin) {
  const Json& value = require_key(object, key, origin);
  if (!value.is_number_integer()) wrong_type(origin, key, "an integer", value);
  return value.get<std::int64_t>();
}

double require_number(const Json& object, const std::string& key, const std::string& origin) {
  const Json& value = require_key(object, key, origin);
  if (!value.is_number()) wrong_type(origin, key, "a number", value);
  return value.get<double>();
}

bool require_bool(const Json& object, const std::string& key, const std::string& origin) {
  const Json& value = require_key(object, key, origin);
  if (!value.is_boolean()) wrong_type(origin, key, "true or false", value);
  return value.get<bool>();
}

std::string require_string(const Json& object, const std::string& key, const std::string& origin) {
  const Json& value = require_key(object, key, origin);
  if (!value.is_string()) wrong_type(origin, key, "a string", value);
  return value.get<std::string>();
}

namespace {
bool absent(const Json& object, const std::string& key, const std::string& origin) {
  if (!object.is_object()) fail("{}: expected a JSON object, got {}", origin, object.type_name());
  auto it = object.find(key);
  return it == object.end() || it->is_null();
}
}  // namespace

double optional_number(const Json& object, const std::string& key, double fallback, const std::string& origin) {
  return absent(object, key, origin) ? fallback : require_number(object, key, origin);
}

bool optional_bool(const Json& object, const std::string& key, bool fallback, const std::string& origin) {
  return absent(object, key, origin) ? fallback : require_bool(object, key, origin);
}

}  // namespace lacos
