#include "config/experiment_config.h"

#include "config/yaml_access.h"
#include "core/error.h"
#include "core/dtype.h"
#include "model/pooling.h"
#include "quant/weight_format.h"

namespace lacos {

namespace {

EncoderSettings read_encoder(const YamlContext& context, const YAML::Node& node) {
  EncoderSettings settings;
  if (!node || node.IsNull()) return settings;
  reject_unknown_keys(context, node, "encoder.", {"dtype", "device", "pooling", "base_weights", "max_length", "batch_size"});
  settings.dtype = yaml_string(context, node, "dtype", &settings.dtype);
  settings.device = yaml_string(context, node, "device", &settings.device);
  settings.pooling = yaml_string(context, node, "pooling", &settings.pooling);
  settings.base_weights = yaml_string(context, node, "base_weights", &settings.base_weights);
  settings.max_length = yaml_int(context, node, "max_length", settings.max_length, 1);
  settings.batch_size = yaml_int(context, node, "batch_size", settings.batch_size, 1);
  // Validate the names now, so a typo fails before any model is loaded.
  parse_compute_dtype(settings.dtype, yaml_where(context, node["dtype"], "encoder.dtype"));
  parse_pooling(settings.pooling, yaml_where(context, node["pooling"], "encoder.pooling"));
  WeightFormat::parse(settings.base_weights, yaml_where(context, node["base_weights"], "encoder.base_weights"));
  return settings;
}

}  // namespace

ExperimentConfig load_experiment(const std::filesystem::path& file) {
  YamlContext context{file.string()};
  YAML::Node root;
  try {
    root = YAML::LoadFile(file.string());
  } catch (const YAML::BadFile&) {
    fail("{}: cannot open experiment file", file.string());
  } catch (const YAML::ParserException& e) {
    fail("{}:{}:{}: YAML syntax error: {}", file.string(), e.mark.line + 1, e.mark.column + 1, e.msg);
  }
  if (!root.IsMap()) fail("{}: an experiment file must be a YAML mapping", file.string());
  reject_unknown_keys(context, root, "",
                      {"experiment", "models_root", "data_root", "output_dir", "models", "encoder", "eval"});
  ExperimentConfig config;
  config.file = file;
  const std::string default_name = file.stem().string();
  config.experiment = yaml_string(context, root, "experiment", &default_name);
  const std::string models_root = "${env:LACOS_MODELS,models}";
  const std::string data_root = "${env:LACOS_DATA,data}";
  const std::string output_dir = "results/" + config.experiment;
  config.models_root = yaml_string(context, root, "models_root", &models_root);
  config.data_root = yaml_string(context, root, "data_root", &data_root);
  config.output_dir = yaml_string(context, root, "output_dir", &output_dir);
  config.models = yaml_string_list(context, root, "models");
  config.encoder = read_encoder(context, root["encoder"]);
  config.eval = yaml_string_list(context, root, "eval");
  return config;
}

std::string ExperimentConfig::to_yaml() const {
  YAML::Emitter out;
  out << YAML::BeginMap;
  out << YAML::Key << "experiment" << YAML::Value << experiment;
  out << YAML::Key << "models_root" << YAML::Value << models_root.string();
  out << YAML::Key << "data_root" << YAML::Value << data_root.string();
  out << YAML::Key << "output_dir" << YAML::Value << output_dir.string();
  out << YAML::Key << "models" << YAML::Value << models;
  out << YAML::Key << "encoder" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "dtype" << YAML::Value << encoder.dtype;
  out << YAML::Key << "device" << YAML::Value << encoder.device;
  out << YAML::Key << "pooling" << YAML::Value << encoder.pooling;
  out << YAML::Key << "base_weights" << YAML::Value << encoder.base_weights;
  out << YAML::Key << "max_length" << YAML::Value << encoder.max_length;
  out << YAML::Key << "batch_size" << YAML::Value << encoder.batch_size;
  out << YAML::EndMap;
  out << YAML::Key << "eval" << YAML::Value << eval;
  out << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

}  // namespace lacos
