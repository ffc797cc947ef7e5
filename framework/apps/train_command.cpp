#include "apps/train_command.h"

#include <cstdlib>

#include "core/cpu_memory.h"
#include "core/dtype.h"
#include "core/error.h"
#include "core/threads.h"
#include "data/training_data.h"
#include "lora/apply_lora.h"
#include "lora/peft_adapter.h"
#include "train/trainer.h"

#include <CLI/CLI.hpp>

#include <iostream>

namespace lacos {

namespace {

struct TrainArguments {
  std::string model, train, output;
  std::vector<std::string> nli;
  std::vector<std::string> eval;
  std::string dtype = "float32", device = "auto", base_weights = "float", pooling = "mean";
  std::int64_t max_length = 64;
  std::int64_t eval_batch_size = 64;
  std::string optimizer = "adamw";
  std::string schedule = "linear";
  std::int64_t warmup = 0;
  std::uint64_t seed = 0;
  LoraConfig lora;
  TrainerOptions trainer;
  bool shuffle = false;
  bool no_duplicates = false;
  bool activation_checkpointing = false;
  int threads = 0;
  bool quiet = false;
};

Json steps_json(const std::vector<StepRecord>& steps) {
  Json out = Json::array();
  for (const StepRecord& s : steps) {
    out.push_back({{"step", s.step}, {"loss", s.loss}, {"lr", s.learning_rate}, {"grad_norm", s.grad_norm},
                   {"skipped", s.skipped}, {"tokens", s.tokens}, {"seconds", s.seconds}});
  }
  return out;
}

}  // namespace

int run_train_command(int argc, char** argv) {
  // Several ranks would each train alone and overwrite one another's output.
  for (const char* variable : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE"}) {
    const char* ranks = std::getenv(variable);
    if (ranks != nullptr && std::atoi(ranks) > 1) {
      fail("lacos-train runs on one rank (launched with {}={}); data-parallel training is lacos-exp's "
           "(docs/distributed.md)", variable, ranks);
    }
  }
  CpuMemoryTracker::instance();  // before the model exists, so its bytes count in the peak
  TrainArguments a;
  a.trainer.learning_rate = 1e-3;
  a.lora.target_modules = {"query_key_value"};
  CLI::App app{"Fine-tune LoRA adapters on a BLOOM with the multiple-negatives ranking loss.", "lacos-train"};
  app.add_option("--model", a.model, "HF model folder")->required();
  app.add_option("--train", a.train, "pairs TSV: anchor TAB positive [TAB hard negative] (.gz allowed)");
  app.add_option("--nli", a.nli, "NLI files (SNLI/MNLI JSONL, XNLI TSV or .tar.gz, CAD-SNLI, KorNLI, SICK) "
                 "turned into (premise, entailment) pairs");
  app.add_option("--output", a.output, "folder for adapter/ and metrics.json")->required();
  app.add_option("--eval", a.eval, "STS TSV files to evaluate on");
  app.add_option("--steps", a.trainer.steps, "optimizer steps")->capture_default_str();
  app.add_option("--batch-size", a.trainer.batching.batch_size, "pairs per step")->capture_default_str();
  app.add_option("--lr", a.trainer.learning_rate, "peak learning rate")->capture_default_str();
  app.add_option("--schedule", a.schedule, "constant | linear | cosine")->capture_default_str();
  app.add_option("--warmup", a.warmup, "warmup steps")->capture_default_str();
  app.add_option("--max-grad-norm", a.trainer.max_grad_norm, "gradient clipping (0: off)")->capture_default_str();
  app.add_option("--eval-every", a.trainer.eval_every, "evaluate every N steps (0: at the end)")->capture_default_str();
  app.add_option("--seed", a.seed, "seeds LoRA init, dropout and shuffling")->capture_default_str();
  app.add_option("--lora-r", a.lora.r, "LoRA rank")->capture_default_str();
  app.add_option("--lora-alpha", a.lora.alpha, "LoRA alpha")->capture_default_str();
  app.add_option("--lora-dropout", a.lora.dropout, "dropout on the adapter input")->capture_default_str();
  app.add_option("--lora-targets", a.lora.target_modules, "projections to adapt")->capture_default_str();
  app.add_flag("--rslora", a.lora.use_rslora, "scale by alpha / sqrt(r)");
  app.add_option("--optimizer", a.optimizer, "adamw | adam | adamw8bit | adam8bit")->capture_default_str();
  app.add_option("--weight-decay", a.trainer.optimizer.weight_decay)->capture_default_str();
  app.add_option("--beta1", a.trainer.optimizer.beta1)->capture_default_str();
  app.add_option("--beta2", a.trainer.optimizer.beta2)->capture_default_str();
  app.add_option("--eps", a.trainer.optimizer.eps)->capture_default_str();
  app.add_option("--min-8bit-size", a.trainer.optimizer.min_8bit_size, "smaller tensors keep float32 state")
      ->capture_default_str();
  app.add_option("--optimizer-block-size", a.trainer.optimizer.block_size, "8-bit state block (256 or 2048)")
      ->capture_default_str();
  app.add_option("--mnr-scale", a.trainer.mnr.scale)->capture_default_str();
  app.add_flag("--symmetric", a.trainer.mnr.symmetric, "symmetric MNR loss");
  app.add_flag("--hard-negatives", a.trainer.use_hard_negatives, "use the third column as hard negatives");
  app.add_option("--mini-batch", a.trainer.mini_batch_size, "GradCache mini-batch in sentences (0: off)")
      ->capture_default_str();
  app.add_flag("--shuffle", a.shuffle, "shuffle pairs each epoch (default: file order)");
  app.add_flag("--no-duplicates", a.no_duplicates, "never put a text twice in one batch");
  app.add_flag("--activation-checkpointing", a.activation_checkpointing, "recompute block activations in backward");
  app.add_option("--base-weights", a.base_weights, "float | int8 | int8-rowwise | int8-block<N>")->capture_default_str();
  app.add_option("--dtype", a.dtype, "float32 | bfloat16 | float16 (CUDA)")->capture_default_str();
  app.add_option("--device", a.device, "auto | cpu | cuda")->capture_default_str();
  app.add_option("--pooling", a.pooling, "mean | weightedmean | lasttoken")->capture_default_str();
  app.add_option("--max-length", a.max_length, "truncate to this many tokens")->capture_default_str();
  app.add_option("--threads", a.threads, "CPU threads (default: this rank's cores)");
  app.add_flag("--quiet", a.quiet, "no progress bar");
  // A repeated option takes its last value, so scripts can append overrides to a recipe.
  for (CLI::Option* option : app.get_options()) {
    if (option->get_expected_max() <= 1) option->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  configure_torch_threads(a.threads);

  const AdamOptions defaults = a.trainer.optimizer;
  a.trainer.optimizer = AdamOptions::from_name(a.optimizer);
  a.trainer.optimizer.beta1 = defaults.beta1;
  a.trainer.optimizer.beta2 = defaults.beta2;
  a.trainer.optimizer.eps = defaults.eps;
  a.trainer.optimizer.weight_decay = defaults.weight_decay;
  a.trainer.optimizer.min_8bit_size = defaults.min_8bit_size;
  a.trainer.optimizer.block_size = defaults.block_size;
  a.trainer.schedule.kind = LrSchedule::parse_kind(a.schedule);
  a.trainer.schedule.warmup_steps = a.warmup;
  a.trainer.batching.shuffle = a.shuffle;
  a.trainer.batching.no_duplicates = a.no_duplicates;
  a.trainer.batching.seed = a.seed;
  a.trainer.progress = !a.quiet;
  a.lora.validate("--lora-*");

  // Data first: a bad file fails before the model loads.
  if (a.train.empty() && a.nli.empty()) fail("give training data with --train and/or --nli");
  std::vector<std::filesystem::path> pair_files;
  if (!a.train.empty()) pair_files.push_back(a.train);
  TrainingData pairs = read_training_data(pair_files, std::vector<std::filesystem::path>(a.nli.begin(), a.nli.end()),
                                          a.trainer.use_hard_negatives);
  for (const std::string& note : pairs.notes) std::fprintf(stderr, "lacos-train: %s\n", note.c_str());
  const StsSuite eval_sets = StsSuite::read(std::vector<std::filesystem::path>(a.eval.begin(), a.eval.end()));
  const std::size_t removed = remove_evaluation_overlap(pairs.pairs, eval_sets);
  std::fprintf(stderr, "lacos-train: %zu training pairs (%zu malformed lines skipped, %zu pairs removed for "
               "sharing a text with an evaluation set)\n",
               pairs.pairs.size(), pairs.malformed, removed);

  ModelLoadOptions load;
  load.dtype = parse_compute_dtype(a.dtype);
  load.device = parse_device(a.device);
  load.base_weights = WeightFormat::parse(a.base_weights);
  EncoderOptions encoder_options;
  encoder_options.pooling = parse_pooling(a.pooling);
  encoder_options.max_length = a.max_length;
  encoder_options.batch_size = a.eval_batch_size;
  SentenceEncoder encoder = SentenceEncoder::from_folder(a.model, load, encoder_options);
  torch::manual_seed(a.seed);  // LoRA init and dropout, as torch.manual_seed before get_peft_model
  apply_lora(*encoder.model(), a.lora);
  encoder.model()->set_activation_checkpointing(a.activation_checkpointing);

  Trainer trainer(encoder, std::move(pairs.pairs), eval_sets, a.trainer);
  const TrainResult result = trainer.run();

  const std::filesystem::path output(a.output);
  save_adapter(*encoder.model(), a.lora, output / "adapter", a.model);
  Json evals = Json::array();
  for (const EvalRecord& record : result.evals) evals.push_back({{"step", record.step}, {"sts", sts_results_json(record.results)}});
  const Json metrics = {
      {"model", a.model},
      {"train", a.train},
      {"nli", a.nli},
      {"seed", a.seed},
      {"optimizer", a.trainer.optimizer.name()},
      {"base_weights", load.base_weights.name()},
      {"lora", a.lora.to_peft_json(a.model)},
      {"removed_pairs", removed},
      {"malformed_lines", pairs.malformed},
      {"train_seconds", result.train_seconds},
      {"tokens_per_second", result.tokens_per_second},
      {"peak_memory_bytes", result.peak_memory_bytes},
      {"skipped_steps", result.skipped_steps},
      {"optimizer_state_bytes", result.optimizer_state_bytes},
      {"optimizer_fraction_8bit", result.optimizer_fraction_8bit},
      {"evals", evals},
      {"steps", steps_json(result.steps)},
  };
  write_json_file(output / "metrics.json", metrics);
  std::fprintf(stderr,
               "lacos-train: %lld steps in %.1f s, %.0f tokens/s, peak tensor memory %.1f MB, %lld steps skipped "
               "(non-finite gradients), optimizer state %.2f MB (%.1f%% of it in 8 bits); adapter in %s\n",
               static_cast<long long>(result.steps_run), result.train_seconds, result.tokens_per_second,
               result.peak_memory_bytes / 1e6, static_cast<long long>(result.skipped_steps),
               result.optimizer_state_bytes / 1e6, 100.0 * result.optimizer_fraction_8bit,
               (output / "adapter").string().c_str());
  std::cout << (result.evals.empty() ? Json::object() : sts_results_json(result.evals.back().results)).dump(2)
            << std::endl;
  return 0;
}

}  // namespace lacos
