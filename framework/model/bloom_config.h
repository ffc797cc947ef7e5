// BLOOM's architecture settings, read from a HF config.json.
#pragma once

#include "core/json_file.h"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace lacos {

// The largest sizes a config.json may give (BLOOM-176B: vocabulary 250880, hidden 14336, 70
// layers): with them every parameter count fits in int64.
inline constexpr std::int64_t kMaxVocabSize = std::int64_t{1} << 24;
inline constexpr std::int64_t kMaxHiddenSize = std::int64_t{1} << 20;
inline constexpr std::int64_t kMaxLayers = 10000;

struct BloomConfig {
  std::int64_t vocab_size = 0;
  std::int64_t hidden_size = 0;
  std::int64_t n_layer = 0;
  std::int64_t n_head = 0;
  double layer_norm_epsilon = 1e-5;
  // When true the residual added back in both sub-blocks is the LayerNorm output, not its input
  // (it is still a pre-LN transformer).
  bool apply_residual_connection_post_layernorm = false;
  double hidden_dropout = 0.0;
  double attention_dropout = 0.0;
  double initializer_range = 0.02;
  std::optional<std::int64_t> pad_token_id;
  std::optional<std::int64_t> bos_token_id;
  std::optional<std::int64_t> eos_token_id;

  std::int64_t head_dim() const { return hidden_size / n_head; }
  // Parameters of the transformer (lm_head is tied, so not counted), and the same without the
  // word-embedding matrix (its LayerNorm counts), as the models' README tables count them.
  std::int64_t parameter_count() const;
  std::int64_t non_embedding_parameter_count() const;

  // Accepts both spellings HF has used: hidden_size/n_embed, n_layer/num_hidden_layers,
  // n_head/num_attention_heads. Extra keys are ignored; missing required ones and impossible
  // values are errors naming `origin` and the key.
  static BloomConfig from_json(const Json& json, const std::string& origin);
  static BloomConfig from_file(const std::filesystem::path& path);
  // The shapes of the released BLOOM family: bloom-560m, bloom-1b1, bloom-1b7, bloom-3b, bloom-7b1.
  static BloomConfig preset(const std::string& name);

  // HF's config.json for a BloomModel with these settings.
  Json to_json() const;
};

}  // namespace lacos
