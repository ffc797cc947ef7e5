// lacos-bench-quant: what int8 storage costs and saves, per layout: resident bytes per frozen
// parameter, how close int8-base embeddings stay to float32 ones (mean cosine over an STS file's
// sentences), and the embedding time ratio against float32 on this machine.
#include "apps/app_main.h"
#include "data/sts_file.h"
#include "distributed/process_placement.h"
#include "embed/sentence_encoder.h"
#include "model/weight_targets.h"

#include <CLI/CLI.hpp>

#include <chrono>
#include <set>

namespace {

// Bytes held by the model's parameters and buffers, and the number of frozen weights they store.
std::pair<double, double> resident_bytes_and_parameters(lacos::BloomModelImpl& model) {
  double bytes = 0;
  double parameters = 0;
  for (const auto& p : model.parameters()) bytes += p.numel() * p.element_size();
  for (const auto& b : model.buffers()) bytes += b.numel() * b.element_size();
  for (const auto& target : lacos::weight_targets(model)) {
    std::int64_t count = 1;
    for (std::int64_t d : target.shape()) count *= d;
    parameters += count;
  }
  return {bytes, parameters};
}

}  // namespace

int main(int argc, char** argv) {
  return lacos::run_main("lacos-bench-quant", [&] {
    std::string model_dir, sts_file;
    std::vector<std::string> layouts = {"int8-rowwise", "int8-block64", "int8-block256", "int8-block4096"};
    int repeats = 2;
    CLI::App app{"Compare int8 base-weight layouts against float32", "lacos-bench-quant"};
    app.add_option("--model", model_dir, "HF model folder (e.g. lacos-tiny-4)")->required();
    app.add_option("--sts", sts_file, "STS TSV whose sentences are embedded")->required();
    app.add_option("--layouts", layouts, "int8 layouts to compare")->capture_default_str();
    app.add_option("--repeats", repeats, "timed passes per layout (best is kept)")->capture_default_str();
    CLI11_PARSE(app, argc, argv);
    const lacos::ThreadSetup threads = lacos::configure_threads_for_this_rank();

    const lacos::StsSet set = lacos::read_sts_tsv(sts_file);
    std::set<std::string> unique;
    for (const auto& pair : set.pairs) {
      unique.insert(pair.sentence1);
      unique.insert(pair.sentence2);
    }
    const std::vector<std::string> sentences(unique.begin(), unique.end());
    lacos::EncoderOptions options;
    options.max_length = 64;
    options.batch_size = 64;

    const auto run = [&](const std::string& format, torch::Tensor* embeddings) {
      lacos::ModelLoadOptions load;
      load.base_weights = lacos::WeightFormat::parse(format);
      lacos::SentenceEncoder encoder = lacos::SentenceEncoder::from_folder(model_dir, load, options);
      double best = 1e30;
      for (int i = 0; i < repeats; ++i) {
        const auto start = std::chrono::steady_clock::now();
        *embeddings = encoder.encode(sentences);
        best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
      }
      const auto [bytes, parameters] = resident_bytes_and_parameters(*encoder.model());
      return std::make_tuple(best, bytes, parameters);
    };

    torch::Tensor reference;
    const auto [float_seconds, float_bytes, parameters] = run("float", &reference);
    std::printf("%s: %zu distinct sentences of %s, %d threads, max_length 64, batch 64\n", model_dir.c_str(),
                sentences.size(), sts_file.c_str(), threads.threads);
    std::printf(
        "| base weights | bytes / frozen parameter | mean cosine to float32 | min cosine | time (s) | time / float32 |\n");
    std::printf("|---|---|---|---|---|---|\n");
    std::printf("| float32 | %.3f | 1 | 1 | %.3f | 1.00 |\n", float_bytes / parameters, float_seconds);
    for (const std::string& layout : layouts) {
      torch::Tensor embeddings;
      const auto [seconds, bytes, count] = run(layout, &embeddings);
      const torch::Tensor cosine = torch::cosine_similarity(embeddings, reference, 1);
      std::printf("| %s | %.3f | %.5f | %.5f | %.3f | %.2f |\n", layout.c_str(), bytes / count,
                  cosine.mean().item<double>(), cosine.min().item<double>(), seconds, seconds / float_seconds);
    }
    return 0;
  });
}
