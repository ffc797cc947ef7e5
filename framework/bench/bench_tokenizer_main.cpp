// lacos-bench-tokenizer: load time and single-core encoding speed of a tokenizer.json on a
// corpus. Prints numbers; asserts nothing.
#include "apps/app_main.h"
#include "tokenizer/synthetic_tokenizer.h"
#include "tokenizer/tokenizer.h"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <chrono>

namespace {
double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}
}  // namespace

int main(int argc, char** argv) {
  return lacos::run_main("lacos-bench-tokenizer", [&] {
    std::string tokenizer_path;
    std::vector<std::string> corpus;
    int loads = 3;
    int passes = 3;
    CLI::App app{"Measure tokenizer load time and encoding speed (one thread)", "lacos-bench-tokenizer"};
    app.add_option("--tokenizer", tokenizer_path, "tokenizer.json")->required();
    app.add_option("--corpus", corpus, "text or TSV files to encode")->required();
    app.add_option("--loads", loads, "times to load the tokenizer");
    app.add_option("--passes", passes, "passes over the corpus");
    CLI11_PARSE(app, argc, argv);

    std::vector<double> load_times;
    for (int i = 0; i < loads; ++i) {
      const auto start = std::chrono::steady_clock::now();
      lacos::Tokenizer loaded = lacos::Tokenizer::from_file(tokenizer_path);
      load_times.push_back(seconds_since(start));
    }
    const lacos::Tokenizer tokenizer = lacos::Tokenizer::from_file(tokenizer_path);
    std::vector<std::filesystem::path> files(corpus.begin(), corpus.end());
    const auto lines = lacos::read_corpus_lines(files);
    std::size_t bytes = 0;
    for (const auto& line : lines) bytes += line.size();
    std::printf("tokenizer: %s (%zu entries, %zu merges)\n", tokenizer_path.c_str(), tokenizer.vocab_size(),
                tokenizer.model().merge_count());
    std::printf(
        "load: best %.3f s, mean %.3f s over %d loads\n", *std::min_element(load_times.begin(), load_times.end()),
        [&] {
          double s = 0;
          for (double t : load_times) s += t;
          return s / load_times.size();
        }(),
        loads);
    std::printf("corpus: %zu lines, %.1f MB\n", lines.size(), bytes / 1e6);
    std::vector<std::int32_t> ids;
    for (int pass = 0; pass < passes; ++pass) {
      std::size_t tokens = 0;
      const auto start = std::chrono::steady_clock::now();
      for (const auto& line : lines) {
        ids.clear();
        tokenizer.encode_into(line, ids);
        tokens += ids.size();
      }
      const double elapsed = seconds_since(start);
      std::printf("encode pass %d (%s cache): %zu tokens in %.3f s = %.2f M tokens/s, %.1f MB/s, %.2f bytes/token\n",
                  pass + 1, pass == 0 ? "cold" : "warm", tokens, elapsed, tokens / elapsed / 1e6, bytes / elapsed / 1e6,
                  static_cast<double>(bytes) / tokens);
    }
    return 0;
  });
}
