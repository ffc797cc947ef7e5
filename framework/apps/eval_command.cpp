#include "apps/eval_command.h"

#include "core/dtype.h"
#include "distributed/process_placement.h"
#include "embed/model_reference.h"
#include "embed/sentence_encoder.h"
#include "eval/eval_suite.h"

#include <CLI/CLI.hpp>

#include <iostream>

namespace lacos {

int run_eval_command(int argc, char** argv) {
  std::string model, adapter, pooling = "mean", dtype = "float32", device = "auto", base_weights = "float";
  std::int64_t max_length = 512, batch_size = 32;
  std::vector<std::string> files;
  int threads = 0;
  CLI::App app{
      "Evaluate sentence embeddings on STS files ('sentence1 TAB sentence2 TAB score').\n"
      "Prints {\"<file stem>\": {\"spearman\": x, \"pearson\": y, \"pairs\": n}, ...} (x100).",
      "lacos-eval"};
  app.add_option("--model", model, "HF model folder, or a sentence-transformers folder exported by lacos-exp")
      ->required();
  app.add_option("--adapter", adapter, "PEFT LoRA adapter folder");
  app.add_option("--pooling", pooling, "mean | weightedmean | lasttoken")->capture_default_str();
  app.add_option("--max-length", max_length, "truncate to this many tokens")->capture_default_str();
  app.add_option("--batch-size", batch_size, "sentences per forward")->capture_default_str();
  app.add_option("--dtype", dtype, "float32 | bfloat16 | float16 (CUDA)")->capture_default_str();
  app.add_option("--device", device, "auto | cpu | cuda")->capture_default_str();
  app.add_option("--base-weights", base_weights, "float | int8 | int8-rowwise | int8-block<N>")->capture_default_str();
  app.add_option("--threads", threads, "CPU threads (default: this rank's cores)");
  app.add_option("files", files,
                 "STS files (any format of data/: TSV, STS-B, stsb_multi_mt CSV, STS.input.* with "
                 "gold, SICK) or SemEval year folders (STS12 ... STS16: subsets, .all and .mean)")
      ->required();
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  configure_threads_for_this_rank(threads);
  EncoderOptions options;
  options.pooling = parse_pooling(pooling);
  options.max_length = max_length;
  options.batch_size = batch_size;
  ModelLoadOptions load;
  load.dtype = parse_compute_dtype(dtype);
  load.device = parse_device(device);
  load.base_weights = WeightFormat::parse(base_weights);
  // Every file is read (and checked) before the model loads.
  const EvalSuite suite = EvalSuite::read(std::vector<std::filesystem::path>(files.begin(), files.end()));
  // An exported run folder brings its adapter, pooling and max_length; flags given still win.
  const ModelReference reference = resolve_model_reference(model);
  std::optional<std::filesystem::path> adapter_dir;
  if (!adapter.empty()) adapter_dir = adapter;
  apply_model_reference(reference, app.count("--pooling") > 0, app.count("--max-length") > 0, options, adapter_dir);
  SentenceEncoder encoder = SentenceEncoder::from_folder(reference.model, load, options, adapter_dir);
  const SuiteScores scores = suite.evaluate(encoder);
  Json json = sts_results_json(scores.sts);
  for (const BitextResult& result : scores.bitext) json[result.name] = bitext_result_json(result);
  std::cout << json.dump(2) << std::endl;
  return 0;
}

}  // namespace lacos
