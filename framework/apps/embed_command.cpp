#include "apps/embed_command.h"

#include "core/dtype.h"
#include "core/error.h"
#include "data/text_lines.h"
#include "distributed/process_placement.h"
#include "embed/model_reference.h"
#include "embed/sentence_encoder.h"
#include "io/embeddings_h5.h"

#include <CLI/CLI.hpp>

namespace lacos {

namespace {

struct EmbedArguments {
  std::string model;
  std::string input;
  std::string output;
  std::string pooling = "mean";
  std::string dtype = "float32";
  std::string device = "auto";
  std::string padding_side = "right";
  std::string base_weights = "float";
  std::string adapter;
  std::int64_t batch_size = 32;
  std::int64_t max_length = 512;
  int threads = 0;
  bool quiet = false;
};

// Sentences are embedded in chunks so memory stays bounded on inputs of any size.
constexpr std::size_t kChunkSentences = 16384;
// Inputs at least this long get a progress bar.
constexpr std::size_t kProgressThreshold = 512;

}  // namespace

int run_embed_command(int argc, char** argv) {
  EmbedArguments args;
  CLI::App app{"Embed sentences with a BLOOM model folder (config.json, safetensors, tokenizer.json).", "lacos-embed"};
  app.add_option("--model", args.model, "HF model folder, or a sentence-transformers folder exported by lacos-exp")
      ->required();
  app.add_option("--input", args.input, "UTF-8 text file, one sentence per line")->required();
  app.add_option("--output", args.output, "HDF5 file to write (dataset /embeddings)")->required();
  app.add_option("--pooling", args.pooling, "mean | weightedmean | lasttoken")->capture_default_str();
  app.add_option("--batch-size", args.batch_size, "sentences per forward pass")->capture_default_str();
  app.add_option("--max-length", args.max_length, "truncate to this many tokens")->capture_default_str();
  app.add_option("--dtype", args.dtype, "float32 | bfloat16 | float16 (CUDA only)")->capture_default_str();
  app.add_option("--device", args.device, "auto | cpu | cuda | cuda:N")->capture_default_str();
  app.add_option("--padding-side", args.padding_side, "right | left")->capture_default_str();
  app.add_option("--base-weights", args.base_weights, "float | int8 | int8-rowwise | int8-block64 ... int8-block4096")
      ->capture_default_str();
  app.add_option("--adapter", args.adapter, "PEFT LoRA adapter folder to apply");
  app.add_option("--threads", args.threads, "CPU threads (default: this rank's cores)");
  app.add_flag("--quiet", args.quiet, "no progress bar");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }

  const ThreadSetup threads = configure_threads_for_this_rank(args.threads);
  if (!threads.note.empty() && !args.quiet) std::fprintf(stderr, "lacos-embed: %s\n", threads.note.c_str());
  EncoderOptions options;
  options.pooling = parse_pooling(args.pooling);
  options.batch_size = args.batch_size;
  options.max_length = args.max_length;
  options.padding_side = parse_padding_side(args.padding_side);
  ModelLoadOptions load;
  load.dtype = parse_compute_dtype(args.dtype);
  load.device = parse_device(args.device);
  load.base_weights = WeightFormat::parse(args.base_weights);

  const std::vector<std::string> sentences = read_text_lines(args.input);
  if (sentences.empty()) fail("{}: no sentences (the file is empty)", args.input);
  // An exported run folder brings its adapter, pooling and max_length; flags given still win.
  const ModelReference reference = resolve_model_reference(args.model);
  std::optional<std::filesystem::path> adapter;
  if (!args.adapter.empty()) adapter = args.adapter;
  apply_model_reference(reference, app.count("--pooling") > 0, app.count("--max-length") > 0, options, adapter);
  SentenceEncoder encoder = SentenceEncoder::from_folder(reference.model, load, options, adapter);

  EmbeddingsH5Writer writer(args.output, static_cast<std::int64_t>(sentences.size()),
                            encoder.model()->config().hidden_size,
                            {{"model", args.model},
                             {"pooling", pooling_name(options.pooling)},
                             {"dtype", dtype_name(load.dtype)},
                             {"max_length", std::to_string(options.max_length)},
                             {"padding_side", args.padding_side},
                             {"base_weights", load.base_weights.name()},
                             {"adapter", args.adapter},
                             {"input", args.input}});
  ProgressBar progress("lacos-embed", static_cast<std::int64_t>(sentences.size()), "sent",
                       !args.quiet && sentences.size() >= kProgressThreshold);
  for (std::size_t start = 0; start < sentences.size(); start += kChunkSentences) {
    const std::size_t end = std::min(sentences.size(), start + kChunkSentences);
    const std::vector<std::string> chunk(sentences.begin() + start, sentences.begin() + end);
    writer.write_rows(static_cast<std::int64_t>(start), encoder.encode(chunk, &progress));
  }
  progress.finish();
  writer.commit();
  return 0;
}

}  // namespace lacos
