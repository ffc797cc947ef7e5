// What `--model` may name: a Hugging Face model folder, or a sentence-transformers-style folder
// exported from a lacos run (modules.json, 1_Pooling/config.json, sentence_bert_config.json and
// the PEFT adapter, whose adapter_config.json names the base model). The latter brings its
// adapter, pooling and max_length along; explicit command-line flags still win.
#pragma once

#include "embed/sentence_encoder.h"
#include "model/pooling.h"

#include <cstdint>
#include <filesystem>
#include <optional>

namespace lacos {

struct ModelReference {
  std::filesystem::path model;  // the HF folder with config.json, weights, tokenizer.json
  std::optional<std::filesystem::path> adapter;
  std::optional<Pooling> pooling;
  std::optional<std::int64_t> max_length;
};

ModelReference resolve_model_reference(const std::filesystem::path& folder);

// Fills `options` and `adapter` from the reference where the command line left them unset.
void apply_model_reference(const ModelReference& reference, bool pooling_given, bool max_length_given,
                           EncoderOptions& options, std::optional<std::filesystem::path>& adapter);

// Writes the sentence-transformers-style folder for a trained adapter (a PEFT folder).
void write_sentence_transformers_folder(const std::filesystem::path& out, const std::filesystem::path& adapter_dir,
                                        Pooling pooling, std::int64_t max_length, std::int64_t hidden_size);

}  // namespace lacos
