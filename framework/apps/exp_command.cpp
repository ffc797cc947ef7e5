#include "apps/exp_command.h"

#include "config/experiment_config.h"
#include "core/dtype.h"
#include "core/error.h"
#include "core/threads.h"
#include "data/sts_file.h"
#include "dist/build_info.h"
#include "dist/mpi_environment.h"
#include "eval/sts_evaluator.h"
#include "io/h5_record.h"

#include <CLI/CLI.hpp>

#include <chrono>
#include <ctime>
#include <fstream>
#include <iostream>

namespace lacos {

namespace fs = std::filesystem;

namespace {

std::string timestamp() {
  const std::time_t now = std::time(nullptr);
  std::tm local{};
  localtime_r(&now, &local);
  char text[32];
  std::strftime(text, sizeof(text), "%Y-%m-%d_%H-%M-%S", &local);
  return text;
}

// Fails before any work when a model folder is missing, saying where it looked and how to get it.
fs::path model_folder(const ExperimentConfig& config, const std::string& model) {
  const fs::path folder = config.models_root / model;
  if (fs::is_directory(folder)) return folder;
  std::string hint = "set LACOS_MODELS or models_root to the folder that holds it";
  if (model.rfind("bloom-", 0) == 0) {
    hint = fmt::format("download it with: huggingface-cli download bigscience/{} --local-dir {}", model, folder.string());
  }
  fail("{}: model '{}' not found at {} (models_root = {}); {}", config.file.string(), model, folder.string(),
       config.models_root.string(), hint);
}

fs::path data_file(const ExperimentConfig& config, const std::string& relative) {
  const fs::path path = config.data_root / relative;
  if (!fs::exists(path)) {
    fail("{}: eval file {} not found (data_root = {}; set LACOS_DATA or data_root)", config.file.string(),
         path.string(), config.data_root.string());
  }
  return path;
}

void write_text(const fs::path& path, const std::string& text) {
  std::ofstream out(path);
  out << text;
  if (!out.flush()) fail("{}: write failed", path.string());
}

}  // namespace

int run_exp_command(int argc, char** argv) {
  MpiEnvironment mpi(&argc, &argv);
  std::string experiment_file;
  std::string output_dir;
  int threads_requested = 0;
  bool print_config = false;
  bool version = false;
  CLI::App app{"Run a lacos experiment file.", "lacos-exp"};
  app.add_option("experiment", experiment_file, "experiment YAML (e.g. experiments/quickstart.yaml)");
  app.add_option("--output-dir", output_dir, "put the sweep folder here instead of the file's output_dir");
  app.add_option("--threads", threads_requested, "CPU threads per rank (default: this rank's cores)");
  app.add_flag("--cfg", print_config, "print the resolved configuration and exit");
  app.add_flag("--version", version, "print what this build was compiled against and exit");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  if (version) {
    std::cout << build_info();
    return 0;
  }
  if (experiment_file.empty()) fail("no experiment file given (try lacos-exp experiments/quickstart.yaml)");
  if (mpi.size() > 1) fail("lacos-exp runs on one rank for now; launch it with mpirun -n 1");

  ExperimentConfig config = load_experiment(experiment_file);
  if (!output_dir.empty()) config.output_dir = output_dir;
  if (print_config) {
    std::cout << config.to_yaml();
    return 0;
  }
  const ThreadSetup threads = configure_torch_threads(threads_requested);
  if (!threads.note.empty()) std::fprintf(stderr, "lacos-exp: %s\n", threads.note.c_str());

  // Check everything the sweep needs before the first model runs.
  std::vector<fs::path> folders;
  for (const std::string& model : config.models) folders.push_back(model_folder(config, model));
  std::vector<StsSet> sets;
  for (const std::string& file : config.eval) sets.push_back(read_sts_tsv(data_file(config, file)));
  ModelLoadOptions load;
  load.dtype = parse_compute_dtype(config.encoder.dtype, "encoder.dtype");
  load.device = parse_device(config.encoder.device);
  load.base_weights = WeightFormat::parse(config.encoder.base_weights, "encoder.base_weights");
  check_dtype_supported(load.dtype, load.device);
  EncoderOptions encoder_options;
  encoder_options.pooling = parse_pooling(config.encoder.pooling, "encoder.pooling");
  encoder_options.max_length = config.encoder.max_length;
  encoder_options.batch_size = config.encoder.batch_size;

  const fs::path sweep = config.output_dir / timestamp();
  fs::create_directories(sweep);
  write_text(sweep / "config.yaml", config.to_yaml());
  std::fprintf(stderr, "lacos-exp: %zu model(s) x %zu eval set(s), %d thread(s), results in %s\n",
               config.models.size(), sets.size(), threads.threads, sweep.string().c_str());

  std::string table = "| model | parameters |";
  for (const StsSet& set : sets) table += " " + set.name + " |";
  table += " tokens/s |\n|---|---|";
  for (std::size_t i = 0; i < sets.size(); ++i) table += "---|";
  table += "---|\n";
  for (std::size_t m = 0; m < config.models.size(); ++m) {
    const std::string& model = config.models[m];
    const fs::path run_dir = sweep / model;
    fs::create_directories(run_dir);
    const auto start = std::chrono::steady_clock::now();
    SentenceEncoder encoder = SentenceEncoder::from_folder(folders[m], load, encoder_options);
    const BloomConfig& shape = encoder.model()->config();

    H5Record record(run_dir / "run.h5");
    record.set("/", "model", model);
    record.set("/", "model_path", folders[m].string());
    record.set("/", "parameters", shape.parameter_count());
    record.set("/", "non_embedding_parameters", shape.non_embedding_parameter_count());
    record.set("/", "dtype", dtype_name(load.dtype));
    record.set("/", "pooling", pooling_name(encoder_options.pooling));
    record.set("/", "base_weights", load.base_weights.name());
    record.set("/", "max_length", encoder_options.max_length);
    std::int64_t tokens = 0;
    double seconds = 0;
    table += fmt::format("| {} | {} |", model, shape.parameter_count());
    for (const StsSet& set : sets) {
      ProgressBar progress(fmt::format("{} {}", model, set.name), static_cast<std::int64_t>(set.pairs.size() * 2),
                           "sent");
      const StsResult result = evaluate_sts(encoder, set, &progress);
      progress.finish();
      const std::string group = "/eval/" + set.name;
      record.set(group, "spearman", result.spearman);
      record.set(group, "pearson", result.pearson);
      record.set(group, "pairs", static_cast<std::int64_t>(result.pairs));
      record.set(group, "file", set.path.string());
      tokens += result.tokens;
      seconds += result.seconds;
      table += fmt::format(" {:.2f} |", result.spearman);
    }
    const double tokens_per_second = seconds > 0 ? tokens / seconds : 0.0;
    record.set("/", "embedding_tokens_per_second", tokens_per_second);
    record.set("/", "wall_seconds",
               std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    record.set("/", "status", std::string("completed"));
    record.commit();
    table += fmt::format(" {:.0f} |\n", tokens_per_second);
  }
  write_text(sweep / "summary.md", table);
  std::cout << "Spearman x100 of cosine similarity (base models, no fine-tuning):\n" << table;
  return 0;
}

}  // namespace lacos
