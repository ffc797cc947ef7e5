// lacos-make-model: writes a random-initialised BLOOM of any shape as a HF model folder, for
// benchmarks, tests and offline runs where no checkpoint can be downloaded.
#include "apps/app_main.h"
#include "core/dtype.h"
#include "model/hf_folder_writer.h"
#include "model/random_init.h"

#include <CLI/CLI.hpp>

int main(int argc, char** argv) {
  return lacos::run_main("lacos-make-model", [&] {
    std::string out, shape, dtype = "float16", tokenizer;
    std::int64_t vocab = 0, hidden = 0, layers = 0, heads = 0;
    std::uint64_t seed = 0;
    double shard_mb = 0;
    CLI::App app{"Write a random BLOOM as a HF model folder", "lacos-make-model"};
    app.add_option("--out", out, "folder to write")->required();
    app.add_option("--shape", shape, "bloom-560m | bloom-1b1 | bloom-1b7 | bloom-3b | bloom-7b1");
    app.add_option("--vocab-size", vocab, "with --hidden-size etc. instead of --shape");
    app.add_option("--hidden-size", hidden);
    app.add_option("--layers", layers);
    app.add_option("--heads", heads);
    app.add_option("--dtype", dtype, "storage dtype (float32 | bfloat16 | float16)")->capture_default_str();
    app.add_option("--shard-mb", shard_mb, "split into shards of at most this many MB (0: one file)");
    app.add_option("--tokenizer", tokenizer, "tokenizer.json to copy into the folder");
    app.add_option("--seed", seed, "random seed");
    CLI11_PARSE(app, argc, argv);
    lacos::BloomConfig config;
    if (!shape.empty()) {
      config = lacos::BloomConfig::preset(shape);
    } else {
      config = lacos::BloomConfig::from_json(
          {{"vocab_size", vocab}, {"hidden_size", hidden}, {"n_layer", layers}, {"n_head", heads}}, "arguments");
    }
    // Built directly in the storage dtype, so a 7b1 folder needs no float32 copy in memory.
    const torch::ScalarType storage = lacos::parse_compute_dtype(dtype);
    lacos::BloomModel model = lacos::make_random_bloom(config, torch::TensorOptions().dtype(storage), seed);
    lacos::HfFolderOptions options;
    options.max_shard_bytes = static_cast<std::uint64_t>(shard_mb * 1e6);
    if (!tokenizer.empty()) options.tokenizer_json = tokenizer;
    lacos::write_hf_folder(*model, out, options);
    std::fprintf(stderr, "wrote %s: %lld parameters in %s\n", out.c_str(),
                 static_cast<long long>(config.parameter_count()), dtype.c_str());
    return 0;
  });
}
