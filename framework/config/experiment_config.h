// An experiment file: which models to run and how. This is the schema lacos-exp reads today
// (base-model STS evaluation over a list of models); see docs/experiments.md.
//
//   experiment: quickstart                       # name of the sweep
//   models_root: ${env:LACOS_MODELS,models}      # where model folders live
//   data_root: ${env:LACOS_DATA,data}            # where datasets live
//   output_dir: results/quickstart               # sweep folders are made inside
//   models: [lacos-tiny-1, lacos-tiny-2]         # folder names under models_root
//   encoder: {dtype: float32, device: auto, pooling: mean, base_weights: float, max_length: 64, batch_size: 64}
//   eval: [derived/sts-eval/stsb-test.tsv]       # STS TSVs under data_root
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace lacos {

struct EncoderSettings {
  std::string dtype = "float32";
  std::string device = "auto";
  std::string pooling = "mean";
  std::string base_weights = "float";  // float | int8 | int8-rowwise | int8-block<N>
  std::int64_t max_length = 512;
  std::int64_t batch_size = 32;
};

struct ExperimentConfig {
  std::filesystem::path file;
  std::string experiment;
  std::filesystem::path models_root;
  std::filesystem::path data_root;
  std::filesystem::path output_dir;
  std::vector<std::string> models;
  EncoderSettings encoder;
  std::vector<std::string> eval;

  std::string to_yaml() const;  // the resolved settings, as written next to the results
};

ExperimentConfig load_experiment(const std::filesystem::path& file);

}  // namespace lacos
