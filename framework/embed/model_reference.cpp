#include "embed/model_reference.h"

#include "core/error.h"
#include "core/json_file.h"
#include "core/path_status.h"

namespace lacos {

namespace fs = std::filesystem;

namespace {

const char* const kPoolingKeys[] = {"pooling_mode_mean_tokens", "pooling_mode_weightedmean_tokens",
                                    "pooling_mode_lasttoken"};
const Pooling kPoolings[] = {Pooling::Mean, Pooling::WeightedMean, Pooling::LastToken};

}  // namespace

ModelReference resolve_model_reference(const fs::path& folder) {
  ModelReference reference;
  reference.model = folder;
  if (!path_exists(folder / "modules.json")) return reference;
  const fs::path adapter_config = folder / "adapter_config.json";
  if (!path_exists(adapter_config)) {
    fail(
        "{}: a sentence-transformers folder without adapter_config.json; lacos reads the folders it exports "
        "(a LoRA adapter over a base model named by base_model_name_or_path)",
        folder.string());
  }
  const Json adapter = read_json_file(adapter_config);
  if (!adapter.contains("base_model_name_or_path") || !adapter["base_model_name_or_path"].is_string()) {
    fail("{}: key 'base_model_name_or_path' (the base model folder) is missing", adapter_config.string());
  }
  fs::path base = adapter["base_model_name_or_path"].get<std::string>();
  if (base.is_relative() && !path_exists(base)) base = folder / base;
  if (!is_folder(base)) {
    fail("{}: base model folder {} (base_model_name_or_path) not found", adapter_config.string(), base.string());
  }
  reference.model = base;
  reference.adapter = folder;
  const fs::path pooling_config = folder / "1_Pooling" / "config.json";
  if (path_exists(pooling_config)) {
    const Json pooling = read_json_file(pooling_config);
    for (std::size_t i = 0; i < 3; ++i) {
      if (pooling.value(kPoolingKeys[i], false)) reference.pooling = kPoolings[i];
    }
    if (!reference.pooling)
      fail("{}: no pooling mode lacos supports is set (mean, weightedmean, lasttoken)", pooling_config.string());
  }
  const fs::path st_config = folder / "sentence_bert_config.json";
  if (path_exists(st_config)) {
    const Json config = read_json_file(st_config);
    if (config.contains("max_seq_length") && config["max_seq_length"].is_number_integer()) {
      reference.max_length = config["max_seq_length"].get<std::int64_t>();
    }
  }
  return reference;
}

void apply_model_reference(const ModelReference& reference, bool pooling_given, bool max_length_given,
                           EncoderOptions& options, std::optional<fs::path>& adapter) {
  if (reference.pooling && !pooling_given) options.pooling = *reference.pooling;
  if (reference.max_length && !max_length_given) options.max_length = *reference.max_length;
  if (!adapter) adapter = reference.adapter;
}

void write_sentence_transformers_folder(const fs::path& out, const fs::path& adapter_dir, Pooling pooling,
                                        std::int64_t max_length, std::int64_t hidden_size) {
  fs::create_directories(out / "1_Pooling");
  for (const char* file : {"adapter_config.json", "adapter_model.safetensors"}) {
    fs::copy_file(adapter_dir / file, out / file, fs::copy_options::overwrite_existing);
  }
  write_json_file(
      out / "modules.json",
      Json::array(
          {{{"idx", 0}, {"name", "0"}, {"path", ""}, {"type", "sentence_transformers.models.Transformer"}},
           {{"idx", 1}, {"name", "1"}, {"path", "1_Pooling"}, {"type", "sentence_transformers.models.Pooling"}}}));
  write_json_file(out / "sentence_bert_config.json", {{"max_seq_length", max_length}, {"do_lower_case", false}});
  Json pooling_config = {{"word_embedding_dimension", hidden_size},
                         {"pooling_mode_cls_token", false},
                         {"pooling_mode_max_tokens", false},
                         {"pooling_mode_mean_sqrt_len_tokens", false},
                         {"include_prompt", true}};
  for (std::size_t i = 0; i < 3; ++i) pooling_config[kPoolingKeys[i]] = kPoolings[i] == pooling;
  write_json_file(out / "1_Pooling" / "config.json", pooling_config);
  write_json_file(out / "config_sentence_transformers.json",
                  {{"similarity_fn_name", "cosine"}, {"exported_by", "lacos"}});
}

}  // namespace lacos
