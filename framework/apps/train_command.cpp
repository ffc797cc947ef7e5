#include "apps/train_command.h"

#include "apps/exp_command.h"
#include "config/config_schema.h"
#include "core/error.h"
#include "distributed/mpi_environment.h"

#include <fmt/ranges.h>
#include <CLI/CLI.hpp>

#include <filesystem>
#include <iostream>
#include <map>

namespace lacos {

namespace {

namespace fs = std::filesystem;

// How a flag's value becomes its key's value.
enum class FlagKind {
  value,  // --lr 1e-3           -> optim.lr=1e-3
  list,   // --lora-targets a b  -> lora.targets=['a','b']
  paths,  // --eval x.tsv y.tsv  -> eval.sets=['/abs/x.tsv','/abs/y.tsv'] (relative to the working folder)
  on,     // --rslora            -> lora.rslora=true
  off,    // --quiet             -> experiment.progress=false
};

struct Flag {
  const char* name;
  const char* key;
  FlagKind kind = FlagKind::value;
};

// Every flag and the key it sets; `lacos-train --help` shows each key's default from the schema.
const std::vector<Flag>& flags() {
  static const std::vector<Flag> table = {
      {"--train", "data.pairs", FlagKind::paths},
      {"--nli", "data.nli", FlagKind::paths},
      {"--eval", "eval.sets", FlagKind::paths},
      {"--steps", "train.steps"},
      {"--batch-size", "train.batch_size"},
      {"--lr", "optim.lr"},
      {"--schedule", "optim.schedule"},
      {"--warmup", "optim.warmup_steps"},
      {"--max-grad-norm", "optim.max_grad_norm"},
      {"--eval-every", "train.eval_every"},
      {"--seed", "experiment.seed"},
      {"--lora-r", "lora.r"},
      {"--lora-alpha", "lora.alpha"},
      {"--lora-dropout", "lora.dropout"},
      {"--lora-targets", "lora.targets", FlagKind::list},
      {"--rslora", "lora.rslora", FlagKind::on},
      {"--save-for", "lora.save_for"},
      {"--optimizer", "optim.name"},
      {"--weight-decay", "optim.weight_decay"},
      {"--beta1", "optim.beta1"},
      {"--beta2", "optim.beta2"},
      {"--eps", "optim.eps"},
      {"--min-8bit-size", "optim.min_8bit_size"},
      {"--optimizer-block-size", "optim.block_size"},
      {"--mnr-scale", "train.mnr_scale"},
      {"--symmetric", "train.symmetric", FlagKind::on},
      {"--hard-negatives", "data.hard_negatives", FlagKind::on},
      {"--mini-batch", "train.mini_batch"},
      {"--shuffle", "data.shuffle", FlagKind::on},
      {"--no-duplicates", "data.no_duplicates", FlagKind::on},
      {"--activation-checkpointing", "train.activation_checkpointing", FlagKind::on},
      {"--base-weights", "model.base_weights"},
      {"--dtype", "model.dtype"},
      {"--device", "model.device"},
      {"--pooling", "encoder.pooling"},
      {"--max-length", "train.max_length"},
      {"--checkpoint-every", "train.checkpoint_every"},
      {"--threads", "experiment.threads"},
      {"--quiet", "experiment.progress", FlagKind::off},
  };
  return table;
}

// A YAML single-quoted scalar: paths and values with spaces, commas or colons stay one value.
std::string quoted(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

std::string override_of(const Flag& flag, const std::vector<std::string>& values) {
  std::vector<std::string> items;
  switch (flag.kind) {
    case FlagKind::on: return fmt::format("{}=true", flag.key);
    case FlagKind::off: return fmt::format("{}=false", flag.key);
    case FlagKind::value: {  // strings quoted (a path may hold ': '), numbers as typed so they check as numbers
      const bool text = find_schema_entry(flag.key)->type == ValueType::String;
      return fmt::format("{}={}", flag.key, text ? quoted(values.back()) : values.back());
    }
    case FlagKind::list:
      for (const std::string& value : values) items.push_back(quoted(value));
      break;
    case FlagKind::paths:
      for (const std::string& value : values) items.push_back(quoted(fs::absolute(value).lexically_normal().string()));
      break;
  }
  return fmt::format("{}=[{}]", flag.key, fmt::join(items, ", "));
}

std::string help_of(const Flag& flag) {
  const SchemaEntry* entry = find_schema_entry(flag.key);
  if (entry == nullptr) fail("lacos-train: flag {} names unknown key {}", flag.name, flag.key);
  return fmt::format("{} ({}; default {})", entry->help, flag.key, entry->default_yaml);
}

}  // namespace

int run_train_command(int argc, char** argv) {
  MpiEnvironment mpi(&argc, &argv);
  CLI::App app{
      "Fine-tune LoRA adapters on a BLOOM with the multiple-negatives ranking loss: one lacos-exp run, "
      "configured by flags (each sets the configuration key it names; lacos-exp --help-config lists them all).",
      "lacos-train"};
  std::string model, output;
  std::vector<std::string> overrides;
  bool print_config = false;
  app.add_option("--model", model, "HF model folder (model.path)")->required();
  app.add_option("--output", output, "the run folder: run.h5, run.log, config.yaml, checkpoints, adapter/")->required();
  app.add_option("overrides", overrides, "further key=value overrides (lacos-exp syntax), applied after the flags");
  app.add_flag("--print-config", print_config, "print the resolved configuration and exit");
  std::map<std::string, std::vector<std::string>> given;
  std::map<std::string, bool> switched;
  for (const Flag& flag : flags()) {
    if (flag.kind == FlagKind::on || flag.kind == FlagKind::off) {
      app.add_flag(flag.name, switched[flag.name], help_of(flag));
    } else {
      CLI::Option* option = app.add_option(flag.name, given[flag.name], help_of(flag));
      // A repeated single-valued flag takes its last value, so scripts can append to a recipe.
      if (flag.kind == FlagKind::value) option->expected(1)->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
    }
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  SweepRequest request;
  request.run_folder = fs::absolute(output).lexically_normal();
  request.print_config = print_config;
  const fs::path model_path = fs::absolute(model).lexically_normal();
  request.overrides = {"experiment.name=lacos-train", "model.path=" + quoted(model_path.string()),
                       "model.name=" + quoted(model_path.filename().string())};
  for (const Flag& flag : flags()) {
    const bool set =
        (flag.kind == FlagKind::on || flag.kind == FlagKind::off) ? switched[flag.name] : !given[flag.name].empty();
    if (set) request.overrides.push_back(override_of(flag, given[flag.name]));
  }
  request.overrides.insert(request.overrides.end(), overrides.begin(), overrides.end());
  return run_sweep_on_every_rank(request, "lacos-train");
}

}  // namespace lacos
