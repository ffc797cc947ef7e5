#include "model/bloom_config.h"

#include "core/error.h"

#include <fmt/ranges.h>

namespace lacos {

namespace {

// The value under the first of `keys` present; error naming all spellings when none is.
std::int64_t int_under_any(const Json& json, std::initializer_list<const char*> keys, const std::string& origin) {
  for (const char* key : keys) {
    if (json.contains(key) && !json[key].is_null()) return require_int(json, key, origin);
  }
  fail("{}: required key '{}' is missing", origin, fmt::join(keys, "' or '"));
}

std::optional<std::int64_t> optional_id(const Json& json, const char* key, const std::string& origin) {
  if (!json.contains(key) || json[key].is_null()) return std::nullopt;
  return require_int(json, key, origin);
}

void require_positive(std::int64_t value, const char* key, const std::string& origin) {
  if (value <= 0) fail("{}: '{}' must be positive, got {}", origin, key, value);
}

// Sizes far beyond any BLOOM (176B: hidden 14336, 70 layers, 250880 tokens) are refused, so that
// parameter counts cannot overflow and nothing is allocated for a size a crafted config.json
// claims (found by the bloom_config fuzzer: hidden_size 4.4e13 overflowed the count).
void require_at_most(std::int64_t value, std::int64_t limit, const char* key, const std::string& origin) {
  if (value > limit) fail("{}: '{}' is {}; lacos accepts at most {}", origin, key, value, limit);
}

void require_probability(double value, const char* key, const std::string& origin) {
  if (!(value >= 0.0 && value < 1.0)) fail("{}: '{}' must be in [0, 1), got {}", origin, key, value);
}

}  // namespace

std::int64_t BloomConfig::non_embedding_parameter_count() const {
  const std::int64_t h = hidden_size;
  const std::int64_t per_layer = 2 * 2 * h     // two LayerNorms
      + 3 * h * h + 3 * h                      // query_key_value
      + h * h + h                              // dense
      + 4 * h * h + 4 * h                      // dense_h_to_4h
      + 4 * h * h + h;                         // dense_4h_to_h
  return n_layer * per_layer + 2 * h + 2 * h;  // + ln_f + word_embeddings_layernorm
}

std::int64_t BloomConfig::parameter_count() const { return non_embedding_parameter_count() + vocab_size * hidden_size; }

BloomConfig BloomConfig::from_json(const Json& json, const std::string& origin) {
  if (!json.is_object()) fail("{}: config must be a JSON object", origin);
  if (json.contains("model_type") && json["model_type"].is_string() && json["model_type"] != "bloom") {
    fail("{}: model_type is '{}', expected 'bloom'", origin, json["model_type"].get<std::string>());
  }
  BloomConfig config;
  config.vocab_size = require_int(json, "vocab_size", origin);
  config.hidden_size = int_under_any(json, {"hidden_size", "n_embed"}, origin);
  config.n_layer = int_under_any(json, {"n_layer", "num_hidden_layers"}, origin);
  config.n_head = int_under_any(json, {"n_head", "num_attention_heads"}, origin);
  config.layer_norm_epsilon = optional_number(json, "layer_norm_epsilon", 1e-5, origin);
  config.apply_residual_connection_post_layernorm =
      optional_bool(json, "apply_residual_connection_post_layernorm", false, origin);
  config.hidden_dropout = optional_number(json, "hidden_dropout", 0.0, origin);
  config.attention_dropout = optional_number(json, "attention_dropout", 0.0, origin);
  config.initializer_range = optional_number(json, "initializer_range", 0.02, origin);
  config.pad_token_id = optional_id(json, "pad_token_id", origin);
  config.bos_token_id = optional_id(json, "bos_token_id", origin);
  config.eos_token_id = optional_id(json, "eos_token_id", origin);

  require_positive(config.vocab_size, "vocab_size", origin);
  require_positive(config.hidden_size, "hidden_size", origin);
  require_positive(config.n_layer, "n_layer", origin);
  require_positive(config.n_head, "n_head", origin);
  require_at_most(config.vocab_size, kMaxVocabSize, "vocab_size", origin);
  require_at_most(config.hidden_size, kMaxHiddenSize, "hidden_size", origin);
  require_at_most(config.n_layer, kMaxLayers, "n_layer", origin);
  if (config.hidden_size % config.n_head != 0) {
    fail("{}: hidden_size {} is not divisible by n_head {}", origin, config.hidden_size, config.n_head);
  }
  if (!(config.layer_norm_epsilon > 0)) fail("{}: 'layer_norm_epsilon' must be positive", origin);
  require_probability(config.hidden_dropout, "hidden_dropout", origin);
  require_probability(config.attention_dropout, "attention_dropout", origin);
  if (json.contains("pretraining_tp") && json.contains("slow_but_exact") && json["slow_but_exact"] == true &&
      json["pretraining_tp"].is_number_integer() && json["pretraining_tp"].get<int>() > 1) {
    fail("{}: slow_but_exact=true with pretraining_tp>1 is not supported (it only reorders float sums)", origin);
  }
  return config;
}

BloomConfig BloomConfig::from_file(const std::filesystem::path& path) {
  return from_json(read_json_file(path), path.string());
}

BloomConfig BloomConfig::preset(const std::string& name) {
  struct Shape {
    const char* name;
    std::int64_t hidden, layers, heads;
  };
  static constexpr Shape kShapes[] = {{"bloom-560m", 1024, 24, 16},
                                      {"bloom-1b1", 1536, 24, 16},
                                      {"bloom-1b7", 2048, 24, 16},
                                      {"bloom-3b", 2560, 30, 32},
                                      {"bloom-7b1", 4096, 30, 32}};
  for (const Shape& shape : kShapes) {
    if (name == shape.name) {
      BloomConfig config;
      config.vocab_size = 250880;
      config.hidden_size = shape.hidden;
      config.n_layer = shape.layers;
      config.n_head = shape.heads;
      config.bos_token_id = 1;
      config.eos_token_id = 2;
      config.pad_token_id = 3;
      return config;
    }
  }
  fail("unknown BLOOM shape '{}' (expected bloom-560m, bloom-1b1, bloom-1b7, bloom-3b or bloom-7b1)", name);
}

Json BloomConfig::to_json() const {
  Json json = {{"architectures", {"BloomModel"}},
               {"model_type", "bloom"},
               {"vocab_size", vocab_size},
               {"hidden_size", hidden_size},
               {"n_layer", n_layer},
               {"n_head", n_head},
               {"layer_norm_epsilon", layer_norm_epsilon},
               {"apply_residual_connection_post_layernorm", apply_residual_connection_post_layernorm},
               {"hidden_dropout", hidden_dropout},
               {"attention_dropout", attention_dropout},
               {"initializer_range", initializer_range},
               {"pretraining_tp", 1},
               {"slow_but_exact", false},
               {"tie_word_embeddings", true},
               {"use_cache", true}};
  json["pad_token_id"] = pad_token_id ? Json(*pad_token_id) : Json(nullptr);
  json["bos_token_id"] = bos_token_id ? Json(*bos_token_id) : Json(nullptr);
  json["eos_token_id"] = eos_token_id ? Json(*eos_token_id) : Json(nullptr);
  return json;
}

}  // namespace lacos
