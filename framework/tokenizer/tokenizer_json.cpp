// Loading tokenizer.json: every setting is checked against the pipeline lacos implements.
#include "core/error.h"
#include "core/file_io.h"
#include "core/json_file.h"
#include "tokenizer/bloom_split.h"
#include "tokenizer/tokenizer.h"

namespace lacos {

namespace {

std::string type_of(const Json& node) {
  auto it = node.find("type");
  return it != node.end() && it->is_string() ? it->get<std::string>() : std::string("<no type>");
}

void check_pre_tokenizer(const Json& root, const std::string& origin) {
  const std::string where = origin + ": pre_tokenizer";
  const Json& pre = require_key(root, "pre_tokenizer", origin);
  if (type_of(pre) != "Sequence") {
    fail("{}: type '{}' is not supported (lacos implements BLOOM's Sequence[Split, ByteLevel])", where, type_of(pre));
  }
  const Json& steps = require_key(pre, "pretokenizers", where);
  if (!steps.is_array() || steps.size() != 2 || type_of(steps[0]) != "Split" || type_of(steps[1]) != "ByteLevel") {
    fail("{}: pretokenizers must be [Split, ByteLevel] as in BLOOM, got {}", where, steps.dump().substr(0, 200));
  }
  const Json& split = steps[0];
  const std::string split_where = where + ".pretokenizers[0]";
  const Json& pattern = require_key(split, "pattern", split_where);
  if (!pattern.is_object() || !pattern.contains("Regex") || pattern["Regex"] != kBloomSplitPattern) {
    fail("{}: pattern {} is not supported (only BLOOM's Regex \"{}\")", split_where, pattern.dump(),
         kBloomSplitPattern);
  }
  if (require_string(split, "behavior", split_where) != "Isolated") {
    fail("{}: behavior '{}' is not supported (only Isolated)", split_where, split["behavior"].get<std::string>());
  }
  if (optional_bool(split, "invert", false, split_where)) fail("{}: invert=true is not supported", split_where);
  const Json& byte_level = steps[1];
  const std::string byte_where = where + ".pretokenizers[1]";
  if (optional_bool(byte_level, "add_prefix_space", false, byte_where)) {
    fail("{}: add_prefix_space=true is not supported (BLOOM uses false)", byte_where);
  }
  if (optional_bool(byte_level, "use_regex", true, byte_where)) {
    fail("{}: use_regex=true (GPT-2's regex) is not supported (BLOOM uses false)", byte_where);
  }
}

void check_optional_byte_level(const Json& root, const char* key, const std::string& origin) {
  auto it = root.find(key);
  if (it == root.end() || it->is_null()) return;
  if (type_of(*it) != "ByteLevel") {
    fail("{}: {} type '{}' is not supported (lacos implements ByteLevel, as BLOOM uses)", origin, key, type_of(*it));
  }
}

std::vector<std::pair<std::string, std::string>> read_merges(const Json& merges, const std::string& where) {
  if (!merges.is_array()) fail("{}: 'merges' must be an array", where);
  std::vector<std::pair<std::string, std::string>> result;
  result.reserve(merges.size());
  for (std::size_t rank = 0; rank < merges.size(); ++rank) {
    const Json& merge = merges[rank];
    if (merge.is_string()) {
      // Legacy form "a b": exactly one space separates the two tokens.
      const std::string& text = merge.get_ref<const std::string&>();
      const std::size_t space = text.find(' ');
      if (space == std::string::npos || text.find(' ', space + 1) != std::string::npos || space == 0 ||
          space + 1 == text.size()) {
        fail("{}: merges[{}] = \"{}\" is not of the form \"left right\"", where, rank, text);
      }
      result.emplace_back(text.substr(0, space), text.substr(space + 1));
    } else if (merge.is_array() && merge.size() == 2 && merge[0].is_string() && merge[1].is_string()) {
      result.emplace_back(merge[0].get<std::string>(), merge[1].get<std::string>());
    } else {
      fail("{}: merges[{}] must be \"left right\" or [\"left\", \"right\"], got {}", where, rank, merge.dump());
    }
  }
  return result;
}

std::optional<std::string> optional_token_setting(const Json& model, const char* key, const std::string& where) {
  auto it = model.find(key);
  if (it == model.end() || it->is_null()) return std::nullopt;
  if (!it->is_string()) fail("{}: '{}' must be a string or null, got {}", where, key, it->dump());
  return it->get<std::string>();
}

std::shared_ptr<const BpeModel> read_model(const Json& root, const std::string& origin) {
  const std::string where = origin + ": model";
  const Json& model = require_key(root, "model", origin);
  if (!model.is_object()) fail("{}: must be an object", where);
  if (model.contains("type") && type_of(model) != "BPE") {
    fail("{}: type '{}' is not supported (lacos implements BPE, as BLOOM uses)", where, type_of(model));
  }
  if (model.contains("dropout") && !model["dropout"].is_null() && model["dropout"] != 0.0) {
    fail("{}: dropout={} is not supported (BPE dropout makes encoding random)", where, model["dropout"].dump());
  }
  for (const char* key : {"continuing_subword_prefix", "end_of_word_suffix"}) {
    auto value = optional_token_setting(model, key, where);
    if (value && !value->empty()) fail("{}: {}='{}' is not supported", where, key, *value);
  }
  BpeOptions options;
  options.unk_token = optional_token_setting(model, "unk_token", where);
  options.fuse_unk = optional_bool(model, "fuse_unk", false, where);
  options.byte_fallback = optional_bool(model, "byte_fallback", false, where);
  options.ignore_merges = optional_bool(model, "ignore_merges", false, where);

  const Json& vocab_json = require_key(model, "vocab", where);
  if (!vocab_json.is_object()) fail("{}: 'vocab' must be an object of token -> id", where);
  std::unordered_map<std::string, std::int32_t> vocab;
  vocab.reserve(vocab_json.size());
  for (const auto& [token, id] : vocab_json.items()) {
    if (!id.is_number_integer() || id.get<std::int64_t>() < 0 || id.get<std::int64_t>() > INT32_MAX) {
      fail("{}: vocab['{}'] must be a non-negative 32-bit integer, got {}", where, token, id.dump());
    }
    vocab.emplace(token, static_cast<std::int32_t>(id.get<std::int64_t>()));
  }
  auto merges = model.contains("merges") ? read_merges(model["merges"], where)
                                         : std::vector<std::pair<std::string, std::string>>{};
  return std::make_shared<const BpeModel>(std::move(vocab), merges, options, origin);
}

AddedVocabulary read_added_tokens(const Json& root, const std::string& origin) {
  std::vector<AddedToken> tokens;
  auto it = root.find("added_tokens");
  if (it == root.end() || it->is_null()) return AddedVocabulary(tokens);
  if (!it->is_array()) fail("{}: 'added_tokens' must be an array", origin);
  for (std::size_t i = 0; i < it->size(); ++i) {
    const Json& entry = (*it)[i];
    const std::string where = fmt::format("{}: added_tokens[{}]", origin, i);
    AddedToken token;
    const std::int64_t id = require_int(entry, "id", where);
    if (id < 0 || id > INT32_MAX) fail("{}: id {} is out of range", where, id);
    token.id = static_cast<std::int32_t>(id);
    token.content = require_string(entry, "content", where);
    if (token.content.empty()) fail("{}: content must not be empty", where);
    token.lstrip = optional_bool(entry, "lstrip", false, where);
    token.rstrip = optional_bool(entry, "rstrip", false, where);
    token.special = optional_bool(entry, "special", false, where);
    if (optional_bool(entry, "single_word", false, where)) {
      fail("{}: single_word=true (token '{}') is not supported", where, token.content);
    }
    tokens.push_back(std::move(token));
  }
  return AddedVocabulary(std::move(tokens));
}

}  // namespace

Tokenizer Tokenizer::from_json_text(const std::string& text, const std::string& origin) {
  const Json root = parse_json(text, origin);
  if (!root.is_object()) fail("{}: tokenizer.json must hold a JSON object", origin);
  auto normalizer = root.find("normalizer");
  if (normalizer != root.end() && !normalizer->is_null()) {
    fail("{}: normalizer type '{}' is not supported (BLOOM has none)", origin, type_of(*normalizer));
  }
  check_pre_tokenizer(root, origin);
  check_optional_byte_level(root, "post_processor", origin);
  check_optional_byte_level(root, "decoder", origin);
  auto model = read_model(root, origin);
  return Tokenizer(std::move(model), read_added_tokens(root, origin), origin);
}

Tokenizer Tokenizer::from_file(const std::filesystem::path& path) {
  constexpr std::uint64_t kMaxTokenizerFileBytes = std::uint64_t{1} << 30;  // BLOOM's is 14 MB
  return from_json_text(read_file_bytes(path, "tokenizer file", kMaxTokenizerFileBytes), path.string());
}

}  // namespace lacos
