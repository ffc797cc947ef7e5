#include "experiment/model_source.h"

#include "core/error.h"
#include "core/path_status.h"
#include "model/random_init.h"
#include "tokenizer/synthetic_tokenizer.h"

namespace lacos {

namespace fs = std::filesystem;

bool uses_random_stand_in(const ModelSource& source) {
  return !is_folder(source.path) && source.random_init_if_missing;
}

void check_model_available(const ModelSource& source, const std::string& origin) {
  if (is_folder(source.path) || source.random_init_if_missing) return;
  const std::string hub_id =
      source.hub_id.empty() && source.name.rfind("bloom-", 0) == 0 ? "bigscience/" + source.name : source.hub_id;
  const std::string hint = hub_id.empty()
      ? "set model.root (or LACOS_MODELS) to the folder that holds it"
      : fmt::format(
            "get the weights with: huggingface-cli download {} --local-dir {} (or set "
            "model.root / LACOS_MODELS to where they are)",
            hub_id, source.path.string());
  fail("{}: model '{}' not found: no folder {}; {}", origin, source.name, source.path.string(), hint);
}

namespace {

BloomConfig stand_in_shape(const ModelSource& source) {
  BloomConfig shape = source.random_shape;
  if (shape.hidden_size == 0 && source.name.rfind("bloom-", 0) == 0) return BloomConfig::preset(source.name);
  if (shape.hidden_size <= 0 || shape.n_layer <= 0 || shape.n_head <= 0 || shape.vocab_size <= 0) {
    fail("model '{}': model.random_init_if_missing needs model.shape.{{hidden_size, n_layer, n_head, vocab_size}}",
         source.name);
  }
  shape.bos_token_id = 1;
  shape.eos_token_id = 2;
  shape.pad_token_id = 3;
  return shape;
}

}  // namespace

SentenceEncoder open_model(const RunSettings& settings, const std::vector<std::string>& corpus) {
  const ModelSource& source = settings.model;
  if (!uses_random_stand_in(source)) return SentenceEncoder::from_folder(source.path, settings.load, settings.encoder);
  const BloomConfig shape = stand_in_shape(source);
  std::fprintf(stderr,
               "lacos-exp: NOTICE: model folder %s not found; using a random-initialised BLOOM of the same shape "
               "(hidden %lld, %lld layers, %lld heads, vocab %lld) with a tokenizer learned from this run's text. "
               "Scores mean nothing; set LACOS_MODELS to the folder holding %s for real results.\n",
               source.path.string().c_str(), static_cast<long long>(shape.hidden_size),
               static_cast<long long>(shape.n_layer), static_cast<long long>(shape.n_head),
               static_cast<long long>(shape.vocab_size), source.name.c_str());
  SyntheticTokenizerOptions tokenizer_options;
  tokenizer_options.vocab_size = static_cast<std::size_t>(shape.vocab_size);
  tokenizer_options.seed = settings.seed;
  auto tokenizer = std::make_shared<const Tokenizer>(Tokenizer::from_json_text(
      make_synthetic_bloom_tokenizer(corpus, tokenizer_options), "random stand-in tokenizer"));
  BloomModel model =
      make_random_bloom(shape, torch::TensorOptions().dtype(settings.load.dtype).device(settings.load.device),
                        settings.seed, settings.load.base_weights);
  return SentenceEncoder(model, tokenizer, settings.encoder);
}

}  // namespace lacos
