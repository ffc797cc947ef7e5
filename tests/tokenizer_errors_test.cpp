// Malformed or unsupported tokenizer.json files give one clear error naming the setting.
#include "core/json_file.h"
#include "test_support.h"
#include "tokenizer/tokenizer.h"

namespace lacos {
namespace {

Json base_json() { return read_json_file(test::fixture("tiny-bloom-b/tokenizer.json")); }

void expect_load_error(const Json& json, const std::string& fragment) {
  EXPECT_ERROR_CONTAINS(Tokenizer::from_json_text(json.dump(), "tok.json"), fragment);
}

TEST(TokenizerErrors, NotJson) {
  EXPECT_ERROR_CONTAINS(Tokenizer::from_json_text("{\"model\": ", "tok.json"), "tok.json: not valid JSON");
  EXPECT_ERROR_CONTAINS(Tokenizer::from_json_text("[1, 2]", "tok.json"), "must hold a JSON object");
}

TEST(TokenizerErrors, MissingFileNamesIt) {
  EXPECT_ERROR_CONTAINS(Tokenizer::from_file("/nonexistent/tokenizer.json"), "/nonexistent/tokenizer.json");
}

TEST(TokenizerErrors, UnsupportedNormalizer) {
  Json json = base_json();
  json["normalizer"] = {{"type", "NFKC"}};
  expect_load_error(json, "normalizer type 'NFKC' is not supported");
}

TEST(TokenizerErrors, UnsupportedPreTokenizers) {
  Json json = base_json();
  json["pre_tokenizer"] = {{"type", "Whitespace"}};
  expect_load_error(json, "pre_tokenizer: type 'Whitespace' is not supported");

  json = base_json();
  json["pre_tokenizer"]["pretokenizers"][0]["pattern"]["Regex"] = "\\w+";
  expect_load_error(json, "pattern {\"Regex\":\"\\\\w+\"} is not supported");

  json = base_json();
  json["pre_tokenizer"]["pretokenizers"][0]["behavior"] = "Removed";
  expect_load_error(json, "behavior 'Removed' is not supported");

  json = base_json();
  json["pre_tokenizer"]["pretokenizers"][1]["use_regex"] = true;
  expect_load_error(json, "use_regex=true");

  json = base_json();
  json["pre_tokenizer"]["pretokenizers"][1]["add_prefix_space"] = true;
  expect_load_error(json, "add_prefix_space=true is not supported");
}

TEST(TokenizerErrors, UnsupportedModelAndDecoder) {
  Json json = base_json();
  json["model"]["type"] = "WordPiece";
  expect_load_error(json, "model: type 'WordPiece' is not supported");

  json = base_json();
  json["model"]["dropout"] = 0.1;
  expect_load_error(json, "dropout=0.1 is not supported");

  json = base_json();
  json["model"]["continuing_subword_prefix"] = "##";
  expect_load_error(json, "continuing_subword_prefix='##' is not supported");

  json = base_json();
  json["decoder"] = {{"type", "Metaspace"}};
  expect_load_error(json, "decoder type 'Metaspace' is not supported");
}

TEST(TokenizerErrors, MalformedVocabAndMerges) {
  Json json = base_json();
  json["model"]["merges"][0] = "abc";
  expect_load_error(json, "merges[0] = \"abc\" is not of the form \"left right\"");

  json = base_json();
  json["model"]["merges"][1] = 42;
  expect_load_error(json, "merges[1] must be");

  json = base_json();
  json["model"]["vocab"]["e"] = "five";
  expect_load_error(json, "vocab['e'] must be a non-negative 32-bit integer");

  json = base_json();
  json["model"].erase("vocab");
  expect_load_error(json, "model: required key 'vocab' is missing");
}

TEST(TokenizerErrors, MissingOptionalKeysTakeDefaults) {
  // Older files lack byte_fallback, ignore_merges, fuse_unk...: they default to false.
  Json json = base_json();
  for (const char* key : {"byte_fallback", "ignore_merges", "fuse_unk", "dropout", "unk_token",
                          "continuing_subword_prefix", "end_of_word_suffix"}) {
    json["model"].erase(key);
  }
  const Tokenizer tokenizer = Tokenizer::from_json_text(json.dump(), "old.json");
  const Tokenizer reference = Tokenizer::from_file(test::fixture("tiny-bloom-b/tokenizer.json"));
  EXPECT_EQ(tokenizer.encode("A man is playing a guitar."), reference.encode("A man is playing a guitar."));
}

TEST(TokenizerErrors, AddedTokenSettings) {
  Json json = base_json();
  json["added_tokens"][0]["single_word"] = true;
  expect_load_error(json, "added_tokens[0]: single_word=true (token '<unk>') is not supported");
  json = base_json();
  json["added_tokens"][1].erase("id");
  expect_load_error(json, "added_tokens[1]: required key 'id' is missing");
}

}  // namespace
}  // namespace lacos
