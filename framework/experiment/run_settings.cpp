#include "experiment/run_settings.h"

#include "config/config_schema.h"
#include "core/dtype.h"
#include "core/error.h"

#include <algorithm>

namespace lacos {

namespace {

std::vector<std::filesystem::path> under(const std::filesystem::path& root, const std::vector<std::string>& files) {
  std::vector<std::filesystem::path> paths;
  for (const std::string& file : files)
    paths.push_back(std::filesystem::path(file).is_absolute() ? std::filesystem::path(file) : root / file);
  return paths;
}

// Turns a library error about a value into one that names the configuration key and where it was set.
template <typename Parse>
auto keyed(const ConfigNode& config, const std::string& key, Parse&& parse) {
  try {
    return parse(config_string(config, key));
  } catch (const Error& e) {
    fail("{}: key '{}': {}", find_path(config, key)->origin, key, e.what());
  }
}

}  // namespace

RunSettings read_run_settings(const ConfigNode& c) {
  RunSettings s;
  s.experiment = config_string(c, "experiment.name");
  s.seed = static_cast<std::uint64_t>(config_int(c, "experiment.seed"));
  s.threads = static_cast<int>(config_int(c, "experiment.threads"));
  s.progress = config_bool(c, "experiment.progress");
  for (const auto& [key, value] : find_path(c, "experiment.tags")->entries) s.tags[key] = value.scalar;

  s.model.name = config_string(c, "model.name");
  s.model.path = config_string(c, "model.path");
  s.model.hub_id = config_string(c, "model.hub_id");
  s.model.random_init_if_missing = config_bool(c, "model.random_init_if_missing");
  s.model.random_shape.hidden_size = config_int(c, "model.shape.hidden_size");
  s.model.random_shape.n_layer = config_int(c, "model.shape.n_layer");
  s.model.random_shape.n_head = config_int(c, "model.shape.n_head");
  s.model.random_shape.vocab_size = config_int(c, "model.shape.vocab_size");

  s.load.device = keyed(c, "model.device", [](const std::string& v) { return parse_device(v); });
  s.load.dtype = keyed(c, "model.dtype",
                       [&](const std::string& v) { return parse_compute_dtype_for(v, s.load.device, "model.dtype"); });
  s.load.base_weights =
      keyed(c, "model.base_weights", [](const std::string& v) { return WeightFormat::parse(v, "model.base_weights"); });
  s.encoder.pooling =
      keyed(c, "encoder.pooling", [](const std::string& v) { return parse_pooling(v, "encoder.pooling"); });
  s.encoder.max_length = config_int(c, "train.max_length");
  s.encoder.batch_size = config_int(c, "encoder.batch_size");

  s.lora.r = config_int(c, "lora.r");
  s.lora.alpha = config_float(c, "lora.alpha");
  s.lora.dropout = config_float(c, "lora.dropout");
  s.lora.target_modules = config_string_list(c, "lora.targets");
  s.lora.use_rslora = config_bool(c, "lora.rslora");
  s.lora.base_model_class = config_string(c, "lora.save_for");
  s.lora.validate("lora.*");

  TrainerOptions& t = s.trainer;
  t.optimizer = keyed(c, "optim.name", [](const std::string& v) { return AdamOptions::from_name(v, "optim.name"); });
  t.optimizer.beta1 = config_float(c, "optim.beta1");
  t.optimizer.beta2 = config_float(c, "optim.beta2");
  t.optimizer.eps = config_float(c, "optim.eps");
  t.optimizer.weight_decay = config_float(c, "optim.weight_decay");
  t.optimizer.min_8bit_size = config_int(c, "optim.min_8bit_size");
  t.optimizer.block_size = config_int(c, "optim.block_size");
  t.learning_rate = config_float(c, "optim.lr");
  t.schedule.kind = LrSchedule::parse_kind(config_string(c, "optim.schedule"), "optim.schedule");
  t.schedule.warmup_steps = config_int(c, "optim.warmup_steps");
  t.max_grad_norm = config_float(c, "optim.max_grad_norm");
  t.steps = config_int(c, "train.steps");
  t.batching.batch_size = config_int(c, "train.batch_size");
  t.batching.shuffle = config_bool(c, "data.shuffle");
  t.batching.no_duplicates = config_bool(c, "data.no_duplicates");
  t.batching.seed = s.seed;
  t.mini_batch_size = config_int(c, "train.mini_batch");
  t.eval_every = config_int(c, "train.eval_every");
  t.mnr.scale = config_float(c, "train.mnr_scale");
  t.mnr.symmetric = config_bool(c, "train.symmetric");
  t.use_hard_negatives = config_bool(c, "data.hard_negatives");
  t.progress = s.progress;
  s.activation_checkpointing = config_bool(c, "train.activation_checkpointing");
  t.log_every = config_int(c, "train.log_every");
  t.checkpoint_every = config_int(c, "train.checkpoint_every");
  s.keep_checkpoints = config_int(c, "train.keep_checkpoints");
  s.best_metric = config_string(c, "train.best_metric");

  s.data_root = config_string(c, "data.root");
  s.pair_files = under(s.data_root, config_string_list(c, "data.pairs"));
  s.nli_files = under(s.data_root, config_string_list(c, "data.nli"));
  s.remove_eval_overlap = config_bool(c, "data.remove_eval_overlap");
  s.eval_paths = under(s.data_root, config_string_list(c, "eval.sets"));
  s.bootstrap.resamples = static_cast<int>(std::min<std::int64_t>(config_int(c, "eval.bootstrap_resamples"), 1 << 30));
  s.bootstrap.seed = static_cast<std::uint64_t>(config_int(c, "eval.bootstrap_seed"));
  s.bootstrap.level = config_float(c, "eval.confidence");
  if (s.bootstrap.resamples > 100000) {
    fail("{}: eval.bootstrap_resamples is {}; at most 100000 (1000 gives intervals good to a few hundredths)",
         find_path(c, "eval.bootstrap_resamples")->origin, config_int(c, "eval.bootstrap_resamples"));
  }
  if (!(s.bootstrap.level > 0.0 && s.bootstrap.level < 1.0)) {
    fail("{}: eval.confidence is {}; it must lie strictly between 0 and 1 (e.g. 0.95)",
         find_path(c, "eval.confidence")->origin, s.bootstrap.level);
  }
  s.dist.backend = config_string(c, "dist.backend");
  s.dist.global_negatives = config_bool(c, "dist.global_negatives");
  s.dist.check_every = config_int(c, "dist.check_every");
  s.dist.timeout_seconds = config_float(c, "dist.timeout_s");
  s.dist.stop_grace_seconds = config_float(c, "dist.stop_grace_s");
  s.dist.bucket_megabytes = config_int(c, "dist.bucket_mb");
  s.dist.force_collectives = config_bool(c, "dist.force_collectives");
  t.dist = s.dist;
  if (t.steps > 0 && s.pair_files.empty() && s.nli_files.empty()) {
    fail(
        "{}: train.steps is {} but neither data.pairs nor data.nli names a training file (set train.steps=0 to "
        "evaluate the base model only)",
        find_path(c, "train.steps")->origin, t.steps);
  }
  return s;
}

std::filesystem::path sweep_folder(const ConfigNode& config) { return config_string(config, "experiment.output_dir"); }

}  // namespace lacos
