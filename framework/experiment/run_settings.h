// One run's settings, read from its resolved configuration into the option structs the
// library already uses (model loading, LoRA, trainer, evaluation). Values are checked here,
// so a bad dtype or weight format fails naming its key before any work starts.
#pragma once

#include "config/config_node.h"
#include "distributed/dist_options.h"
#include "embed/sentence_encoder.h"
#include "eval/bootstrap.h"
#include "lora/lora_config.h"
#include "model/bloom_config.h"
#include "train/trainer.h"

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace lacos {

struct ModelSource {
  std::string name;
  std::filesystem::path path;
  std::string hub_id;
  bool random_init_if_missing = false;
  BloomConfig random_shape;  // used only for the random stand-in
};

struct RunSettings {
  std::string experiment;
  std::uint64_t seed = 0;
  int threads = 0;
  bool progress = true;
  std::map<std::string, std::string> tags;

  ModelSource model;
  ModelLoadOptions load;
  EncoderOptions encoder;
  LoraConfig lora;
  TrainerOptions trainer;  // trainer.steps == 0: evaluate the base model only
  bool activation_checkpointing = false;
  std::int64_t keep_checkpoints = 2;
  std::string best_metric;  // eval set name, or empty

  std::filesystem::path data_root;
  std::vector<std::filesystem::path> pair_files;
  std::vector<std::filesystem::path> nli_files;
  bool remove_eval_overlap = true;
  std::vector<std::filesystem::path> eval_paths;
  BootstrapOptions bootstrap;  // eval.bootstrap_resamples, eval.bootstrap_seed, eval.confidence

  DistOptions dist;
};

RunSettings read_run_settings(const ConfigNode& config);

// The sweep folder (experiment.output_dir) of a resolved configuration.
std::filesystem::path sweep_folder(const ConfigNode& config);

}  // namespace lacos
