#include "config/config_schema.h"

#include "config/did_you_mean.h"
#include "core/error.h"

#include <fmt/ranges.h>
#include <cerrno>
#include <cmath>
#include <cstdlib>

namespace lacos {

namespace {

using V = ValueType;

// One line per key. Defaults that stand in for unknown paper settings are marked in the
// experiment files, not here: these are the library's own defaults.
const std::vector<SchemaEntry> kSchema = {
    {"experiment.name", V::String, "experiment", "sweep name (default: the experiment file's stem)"},
    {"experiment.output_dir", V::String, "results/${experiment.name}/${now:%Y-%m-%d_%H-%M-%S}",
     "sweep folder; each run writes into <output_dir>/<run-name>/"},
    {"experiment.seed", V::Int, "0", "seeds LoRA init, dropout and shuffling", {}, 0},
    {"experiment.threads", V::Int, "0", "CPU threads per rank (0: the cores this rank may use)", {}, 0},
    {"experiment.progress", V::Bool, "true", "progress bars on stderr"},
    {"experiment.tags", V::Map, "{}", "free-form labels copied into run.h5 (add with +experiment.tags.k=v)"},

    {"model.name", V::String, "???", "model folder name under model.root (e.g. bloom-560m)"},
    {"model.root", V::String, "${env:LACOS_MODELS,models}", "folder that holds model folders"},
    {"model.path", V::String, "${model.root}/${model.name}", "the HF model folder"},
    {"model.hub_id", V::String, "", "Hugging Face id, for the download hint when the folder is missing"},
    {"model.random_init_if_missing", V::Bool, "false",
     "use a random-initialised model of model.shape (with a notice) when the folder is missing"},
    {"model.shape.hidden_size", V::Int, "0", "shape of the random stand-in", {}, 0},
    {"model.shape.n_layer", V::Int, "0", "shape of the random stand-in", {}, 0},
    {"model.shape.n_head", V::Int, "0", "shape of the random stand-in", {}, 0},
    {"model.shape.vocab_size", V::Int, "0", "shape of the random stand-in", {}, 0},
    {"model.dtype",
     V::String,
     "float32",
     "compute dtype (auto: bfloat16 on CUDA, and on a CPU where bfloat16 is native "
     "and measured faster than float32, else float32)",
     {"float32", "bfloat16", "float16", "auto"}},
    {"model.device", V::String, "auto", "auto | cpu | cuda | cuda:N"},
    {"model.base_weights", V::String, "int8",
     "frozen base weights: float | int8 (= int8-block64) | int8-rowwise | int8-block<64..4096>"},

    {"lora.r", V::Int, "8", "adapter rank", {}, 1},
    {"lora.alpha", V::Float, "16", "adapter scaling numerator (alpha / r)", {}, 0},
    {"lora.dropout", V::Float, "0.0", "dropout on the adapter input", {}, 0},
    {"lora.targets", V::StringList, "[query_key_value]", "Linear layers that get adapters"},
    {"lora.rslora", V::Bool, "false", "scale by alpha / sqrt(r)"},
    {"lora.save_for",
     V::String,
     "BloomModel",
     "transformers class PEFT loads the saved adapter onto (key form)",
     {"BloomModel", "BloomForCausalLM"}},

    {"optim.name", V::String, "adamw8bit", "optimizer", {"adamw", "adam", "adamw8bit", "adam8bit"}},
    {"optim.lr", V::Float, "1e-3", "peak learning rate", {}, 0},
    {"optim.weight_decay", V::Float, "0.0", "decoupled weight decay (AdamW)", {}, 0},
    {"optim.beta1", V::Float, "0.9", "", {}, 0},
    {"optim.beta2", V::Float, "0.999", "", {}, 0},
    {"optim.eps", V::Float, "1e-8", "", {}, 0},
    {"optim.min_8bit_size", V::Int, "4096", "tensors with fewer elements keep float32 state", {}, 0},
    {"optim.block_size", V::Int, "256", "8-bit state block (256, or 2048 as bitsandbytes < 0.44)", {}, 1},
    {"optim.schedule", V::String, "linear", "learning-rate schedule", {"constant", "linear", "cosine"}},
    {"optim.warmup_steps", V::Int, "0", "", {}, 0},
    {"optim.max_grad_norm", V::Float, "0.0", "gradient clipping (0: off)", {}, 0},

    {"data.root", V::String, "${env:LACOS_DATA,data}", "folder that holds the datasets"},
    {"data.pairs", V::StringList, "[]", "pair files under data.root: anchor TAB positive [TAB negative], .gz allowed"},
    {"data.nli", V::StringList, "[]", "NLI files under data.root (any format of docs/training.md)"},
    {"data.hard_negatives", V::Bool, "false", "use each premise's contradiction as a hard negative"},
    {"data.shuffle", V::Bool, "false", "shuffle each epoch (default: file order)"},
    {"data.no_duplicates", V::Bool, "false", "never put a text twice in one batch"},
    {"data.remove_eval_overlap", V::Bool, "true", "drop training pairs that share a text with an eval set"},

    {"train.steps", V::Int, "400", "optimizer steps (0: evaluate the base model only)", {}, 0},
    {"train.batch_size", V::Int, "64", "pairs per step", {}, 1},
    {"train.mini_batch", V::Int, "0", "GradCache mini-batch in sentences (0: off)", {}, 0},
    {"train.max_length", V::Int, "64", "truncation in tokens (training and evaluation)", {}, 1},
    {"train.activation_checkpointing", V::Bool, "false", "recompute block activations in backward"},
    {"train.eval_every", V::Int, "0", "evaluate every N steps (0: at the end only)", {}, 0},
    {"train.log_every",
     V::Int,
     "10",
     "log (read loss and gradient norm back from the device, write a /train row) "
     "every N steps and at the last; the steps between never wait for the device",
     {},
     1},
    {"train.mnr_scale", V::Float, "20", "MNR similarity scale", {}, 0},
    {"train.symmetric", V::Bool, "false", "symmetric MNR loss"},
    {"train.checkpoint_every",
     V::Int,
     "100",
     "write a checkpoint every N steps (also at the end and when stopped)",
     {},
     0},
    {"train.keep_checkpoints", V::Int, "2", "how many of the latest checkpoints to keep", {}, 1},
    {"train.best_metric", V::String, "",
     "eval set whose score (Spearman; accuracy for a bitext set) picks checkpoint-best.h5 (e.g. stsb-dev; empty: "
     "none)"},

    {"encoder.pooling", V::String, "mean", "pooling", {"mean", "weightedmean", "lasttoken"}},
    {"encoder.batch_size", V::Int, "64", "sentences per evaluation batch", {}, 1},

    {"eval.sets", V::StringList, "[]",
     "STS files, SemEval year folders or bitext-mining files (in a folder named bitext) under data.root"},
    {"eval.bitext_dir", V::String, "derived/bitext",
     "where eval/xnli-bitext finds xnli-<lang>-en.tsv (under data.root unless absolute; lacos-prepare-data --only "
     "bitext)"},
    {"eval.bootstrap_resamples",
     V::Int,
     "1000",
     "resamples of each set's pairs for the confidence interval of every score (0: none)",
     {},
     0},
    {"eval.bootstrap_seed",
     V::Int,
     "0",
     "seeds the resamples; the same in every run, so runs compare on the same resamples",
     {},
     0},
    {"eval.confidence", V::Float, "0.95", "coverage of the confidence intervals (between 0 and 1)", {}, 0},

    {"dist.backend",
     V::String,
     "auto",
     "collectives: auto (NCCL for a CUDA model with several ranks, else MPI; "
     "none on one rank) | none | mpi | nccl",
     {"auto", "none", "mpi", "nccl"}},
    {"dist.global_negatives", V::Bool, "true", "MNR over the embeddings of all ranks (the global batch)"},
    {"dist.check_every",
     V::Int,
     "100",
     "steps between checks that all ranks hold the same adapter (0: at the end)",
     {},
     0},
    {"dist.timeout_s", V::Float, "600", "a collective waiting longer than this ends the job", {}, 1},
    {"dist.stop_grace_s",
     V::Float,
     "5",
     "after SIGINT/SIGTERM, how long a collective still waits for a rank that is checkpointing or "
     "evaluating (keep it below the launcher's SIGKILL delay)",
     {},
     0},
    {"dist.bucket_mb", V::Int, "64", "gradient all-reduce bucket cap in MiB", {}, 1},
    {"dist.force_collectives", V::Bool, "false",
     "run every collective even with one rank (with dist.backend=nccl: "
     "checks the NCCL path on a single GPU)"},
};

const char* type_name(ValueType type) {
  switch (type) {
    case V::String: return "a string";
    case V::Int: return "an integer";
    case V::Float: return "a number";
    case V::Bool: return "true or false";
    case V::StringList: return "a list of strings";
    case V::Map: return "a mapping";
  }
  return "?";
}

std::vector<std::string> schema_keys() {
  std::vector<std::string> keys;
  for (const SchemaEntry& entry : kSchema) keys.push_back(entry.key);
  return keys;
}

bool is_section(const std::string& path) {
  for (const SchemaEntry& entry : kSchema) {
    if (entry.key.size() > path.size() && entry.key.compare(0, path.size(), path) == 0 && entry.key[path.size()] == '.')
      return true;
  }
  return false;
}

void check_keys_below(const ConfigNode& node, const std::string& prefix) {
  for (const auto& [key, value] : node.entries) {
    const std::string path = prefix.empty() ? key : prefix + "." + key;
    const SchemaEntry* entry = find_schema_entry(path);
    if (entry != nullptr) continue;
    if (is_section(path)) {
      if (!value.is_map())
        fail("{}: key '{}' must be a mapping of settings, got '{}'", value.origin, path, value.scalar);
      check_keys_below(value, path);
      continue;
    }
    const std::string suggestion = closest_word(path, schema_keys());
    fail("{}: unknown key '{}'{} (docs/experiments.md lists every key; lacos-exp --help-config prints them)",
         value.origin, path, suggestion.empty() ? "" : fmt::format("; did you mean '{}'?", suggestion));
  }
}

bool parse_bool(const std::string& text, bool& value) {
  for (const char* yes : {"true", "True", "TRUE", "yes", "on"}) {
    if (text == yes) {
      value = true;
      return true;
    }
  }
  for (const char* no : {"false", "False", "FALSE", "no", "off"}) {
    if (text == no) {
      value = false;
      return true;
    }
  }
  return false;
}

[[noreturn]] void type_error(const ConfigNode& node, const SchemaEntry& entry, const std::string& detail) {
  fail("{}: key '{}': expected {}{}", node.origin, entry.key, type_name(entry.type), detail);
}

const ConfigNode& checked_node(const ConfigNode& root, const std::string& key) {
  const ConfigNode* node = find_path(root, key);
  if (node == nullptr) fail("configuration key '{}' is missing", key);
  return *node;
}

const SchemaEntry& checked_entry(const std::string& key) {
  const SchemaEntry* entry = find_schema_entry(key);
  if (entry == nullptr) fail("internal: '{}' is not in the configuration schema", key);
  return *entry;
}

std::int64_t parse_int(const ConfigNode& node, const SchemaEntry& entry) {
  if (!node.is_scalar()) type_error(node, entry, "");
  errno = 0;
  char* end = nullptr;
  const long long value = std::strtoll(node.scalar.c_str(), &end, 10);
  if (node.scalar.empty() || *end != '\0' || errno != 0)
    type_error(node, entry, fmt::format(", got '{}'", node.scalar));
  return value;
}

double parse_float(const ConfigNode& node, const SchemaEntry& entry) {
  if (!node.is_scalar()) type_error(node, entry, "");
  char* end = nullptr;
  const double value = std::strtod(node.scalar.c_str(), &end);
  if (node.scalar.empty() || *end != '\0') type_error(node, entry, fmt::format(", got '{}'", node.scalar));
  // nan and inf parse, but mean nothing here (dist.timeout_s=nan would switch the timeout off).
  if (!std::isfinite(value))
    fail("{}: key '{}': must be a finite number, got '{}'", node.origin, entry.key, node.scalar);
  return value;
}

void check_value(const ConfigNode& node, const SchemaEntry& entry) {
  if (node.is_scalar() && node.scalar == "???" && !node.quoted) {
    fail("{}: key '{}' is required (marked \?\?\?) and has no value; set it, e.g. on the command line: {}=...",
         node.origin, entry.key, entry.key);
  }
  switch (entry.type) {
    case V::String:
      if (node.is_null()) return;  // `key:` with nothing after it: the empty string
      if (!node.is_scalar()) type_error(node, entry, "");
      if (!entry.choices.empty()) {
        for (const std::string& choice : entry.choices)
          if (choice == node.scalar) return;
        const std::string suggestion = closest_word(node.scalar, entry.choices);
        fail("{}: key '{}': '{}' is not one of {}{}", node.origin, entry.key, node.scalar,
             fmt::join(entry.choices, ", "), suggestion.empty() ? "" : fmt::format("; did you mean '{}'?", suggestion));
      }
      return;
    case V::Int: {
      const std::int64_t value = parse_int(node, entry);
      if (static_cast<double>(value) < entry.minimum)
        fail("{}: key '{}': must be at least {}, got {}", node.origin, entry.key, entry.minimum, value);
      return;
    }
    case V::Float: {
      const double value = parse_float(node, entry);
      if (value < entry.minimum)
        fail("{}: key '{}': must be at least {}, got {}", node.origin, entry.key, entry.minimum, value);
      return;
    }
    case V::Bool: {
      bool value = false;
      if (!node.is_scalar() || !parse_bool(node.scalar, value))
        type_error(node, entry, fmt::format(", got '{}'", node.scalar));
      return;
    }
    case V::StringList:
      if (node.is_null()) return;  // `key:` with nothing after it: the empty list
      if (!node.is_list())
        type_error(node, entry,
                   node.is_scalar() ? fmt::format(", got '{}' (write [{}])", node.scalar, node.scalar) : "");
      for (const ConfigNode& item : node.items) {
        if (!item.is_scalar()) fail("{}: key '{}': every entry must be a string", item.origin, entry.key);
      }
      return;
    case V::Map:
      if (!node.is_map()) type_error(node, entry, "");
      for (const auto& [key, value] : node.entries) {
        if (!value.is_scalar()) fail("{}: key '{}.{}': tags must be plain values", value.origin, entry.key, key);
      }
      return;
  }
}

ConfigNode parse_schema_defaults() {
  ConfigNode root = ConfigNode::make_map("schema default");
  for (const SchemaEntry& entry : kSchema) {
    ConfigNode value = entry.default_yaml.empty() ? ConfigNode::make_scalar("", "schema default", /*quoted=*/true)
                                                  : parse_config_text(entry.default_yaml, "schema default");
    value.origin = "schema default";
    for (ConfigNode& item : value.items) item.origin = "schema default";
    if (entry.type == V::Map && value.is_null()) value = ConfigNode::make_map("schema default");
    set_path(root, entry.key, value);
  }
  return root;
}

}  // namespace

const std::vector<SchemaEntry>& experiment_schema() { return kSchema; }

const SchemaEntry* find_schema_entry(const std::string& key) {
  for (const SchemaEntry& entry : kSchema)
    if (entry.key == key) return &entry;
  return nullptr;
}

ConfigNode schema_defaults() {
  // Parsed once: every compose starts from the defaults (twice), and parsing each entry's YAML
  // again cost more than the rest of compose, which --dry-run repeats for every run of a sweep.
  static const ConfigNode defaults = parse_schema_defaults();
  return defaults;
}

void check_known_keys(const ConfigNode& root) {
  if (!root.is_map()) fail("{}: the configuration must be a mapping", root.origin);
  check_keys_below(root, "");
}

void check_types(const ConfigNode& root) {
  for (const SchemaEntry& entry : kSchema) check_value(checked_node(root, entry.key), entry);
}

std::string describe_schema() {
  std::string out;
  for (const SchemaEntry& entry : kSchema) {
    std::string line = fmt::format(
        "  {:<34} {:<9} {:<22} {}", entry.key,
        entry.type == V::StringList  ? "list"
            : entry.type == V::Map   ? "map"
            : entry.type == V::Int   ? "int"
            : entry.type == V::Float ? "float"
            : entry.type == V::Bool  ? "bool"
                                     : "string",
        entry.default_yaml.size() > 22 ? entry.default_yaml.substr(0, 19) + "..." : entry.default_yaml, entry.help);
    if (!entry.choices.empty()) line += fmt::format(" ({})", fmt::join(entry.choices, "|"));
    out += line + "\n";
  }
  return out;
}

std::string config_string(const ConfigNode& root, const std::string& key) {
  const ConfigNode& node = checked_node(root, key);
  check_value(node, checked_entry(key));
  return node.scalar;
}

std::int64_t config_int(const ConfigNode& root, const std::string& key) {
  return parse_int(checked_node(root, key), checked_entry(key));
}

double config_float(const ConfigNode& root, const std::string& key) {
  return parse_float(checked_node(root, key), checked_entry(key));
}

bool config_bool(const ConfigNode& root, const std::string& key) {
  const ConfigNode& node = checked_node(root, key);
  bool value = false;
  if (!node.is_scalar() || !parse_bool(node.scalar, value)) type_error(node, checked_entry(key), "");
  return value;
}

std::vector<std::string> config_string_list(const ConfigNode& root, const std::string& key) {
  const ConfigNode& node = checked_node(root, key);
  check_value(node, checked_entry(key));
  std::vector<std::string> values;
  for (const ConfigNode& item : node.items) values.push_back(item.scalar);
  return values;
}

}  // namespace lacos
