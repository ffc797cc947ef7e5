// lacos-make-tokenizer: writes a synthetic tokenizer.json of the released BLOOM tokenizer's size
// and shape, learned from a corpus (see synthetic_tokenizer.h).
#include "apps/app_main.h"
#include "tokenizer/synthetic_tokenizer.h"

#include <CLI/CLI.hpp>

#include <fstream>

int main(int argc, char** argv) {
  return lacos::run_main("lacos-make-tokenizer", [&] {
    std::string out;
    std::vector<std::string> corpus;
    lacos::SyntheticTokenizerOptions options;
    CLI::App app{"Generate a BLOOM-sized synthetic tokenizer.json", "lacos-make-tokenizer"};
    app.add_option("--out", out, "tokenizer.json to write")->required();
    app.add_option("--corpus", corpus, "text or TSV files to learn frequent pieces from")->required();
    app.add_option("--vocab-size", options.vocab_size, "entries (BLOOM: 250680)");
    app.add_option("--seed", options.seed, "seed for the random tail of the vocabulary");
    CLI11_PARSE(app, argc, argv);
    std::vector<std::filesystem::path> files(corpus.begin(), corpus.end());
    const std::string json = lacos::make_synthetic_bloom_tokenizer(lacos::read_corpus_lines(files), options);
    std::ofstream file(out, std::ios::binary);
    file << json;
    if (!file.flush()) lacos::fail("{}: write failed", out);
    std::fprintf(stderr, "wrote %s (%zu bytes)\n", out.c_str(), json.size());
    return 0;
  });
}
