// Reading JSON files with errors that name the file and the key.
#pragma once

#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>

namespace lacos {

using Json = nlohmann::json;

// Parses a whole JSON file; a missing file or a syntax error names the path (and the byte offset).
Json read_json_file(const std::filesystem::path& path);

// Parses JSON text; `origin` names where it came from in error messages. Nesting deeper than
// kMaxJsonDepth is refused (config.json, tokenizer.json and adapter configs nest a few levels).
inline constexpr int kMaxJsonDepth = 128;
Json parse_json(const std::string& text, const std::string& origin);

// Writes `value` pretty-printed (indent 2) with a trailing newline.
void write_json_file(const std::filesystem::path& path, const Json& value);

// Typed access with errors of the form "<origin>: key 'k' must be <what>, got <value>".
const Json& require_key(const Json& object, const std::string& key, const std::string& origin);
std::int64_t require_int(const Json& object, const std::string& key, const std::string& origin);
double require_number(const Json& object, const std::string& key, const std::string& origin);
bool require_bool(const Json& object, const std::string& key, const std::string& origin);
std::string require_string(const Json& object, const std::string& key, const std::string& origin);

// Optional variants: `fallback` when the key is absent or null; a wrong type is still an error.
double optional_number(const Json& object, const std::string& key, double fallback, const std::string& origin);
bool optional_bool(const Json& object, const std::string& key, bool fallback, const std::string& origin);

}  // namespace lacos
