// Token ids must equal HF tokenizers' for every case in the fixtures, with both merge forms.
#include "core/json_file.h"
#include "test_support.h"
#include "tokenizer/tokenizer.h"

namespace lacos {
namespace {

class TokenizerParity : public ::testing::TestWithParam<std::string> {};

TEST_P(TokenizerParity, IdsEqualHuggingFaceForEveryCase) {
  const Tokenizer tokenizer = Tokenizer::from_file(test::fixture(GetParam() + "/tokenizer.json"));
  const Json cases = read_json_file(test::fixture("tiny-bloom-a/tokenizer_cases.json"));
  ASSERT_GE(cases.size(), 20u);
  for (const Json& item : cases) {
    const std::string text = item["text"];
    const auto expected = item["ids"].get<std::vector<std::int32_t>>();
    EXPECT_EQ(tokenizer.encode(text), expected) << "text: " << text;
  }
}

TEST_P(TokenizerParity, DecodeInvertsEncode) {
  const Tokenizer tokenizer = Tokenizer::from_file(test::fixture(GetParam() + "/tokenizer.json"));
  const Json cases = read_json_file(test::fixture("tiny-bloom-a/tokenizer_cases.json"));
  for (const Json& item : cases) {
    const std::string text = item["text"];
    EXPECT_EQ(tokenizer.decode(tokenizer.encode(text)), text);
  }
  EXPECT_EQ(tokenizer.decode({1, 285, 2}, /*skip_special_tokens=*/true), tokenizer.decode({285}));
}

INSTANTIATE_TEST_SUITE_P(BothMergeForms, TokenizerParity, ::testing::Values("tiny-bloom-a", "tiny-bloom-b"));

TEST(Tokenizer, MergeFormsLoadIdentically) {
  const Tokenizer list_form = Tokenizer::from_file(test::fixture("tiny-bloom-a/tokenizer.json"));
  const Tokenizer string_form = Tokenizer::from_file(test::fixture("tiny-bloom-b/tokenizer.json"));
  EXPECT_EQ(list_form.model().merge_count(), string_form.model().merge_count());
  EXPECT_EQ(list_form.vocab_size(), 2000u);
  EXPECT_EQ(list_form.pad_id(), 3);
  const std::string text = "Multilingual: Ein Mann, 一个男人, رجل, человек!";
  EXPECT_EQ(list_form.encode(text), string_form.encode(text));
}

TEST(Tokenizer, SpecialTokensMatchInRawText) {
  const Tokenizer tokenizer = Tokenizer::from_file(test::fixture("tiny-bloom-a/tokenizer.json"));
  const auto ids = tokenizer.encode("<s><pad></s>");
  EXPECT_EQ(ids, (std::vector<std::int32_t>{1, 3, 2}));
}

TEST(Tokenizer, InvalidUtf8IsAnError) {
  const Tokenizer tokenizer = Tokenizer::from_file(test::fixture("tiny-bloom-a/tokenizer.json"));
  EXPECT_ERROR_CONTAINS(tokenizer.encode("ok \xff bad"), "not valid UTF-8 (byte 3");
}

TEST(Tokenizer, UnknownIdInDecodeIsAnError) {
  const Tokenizer tokenizer = Tokenizer::from_file(test::fixture("tiny-bloom-a/tokenizer.json"));
  EXPECT_ERROR_CONTAINS(tokenizer.decode({5, 99999}), "token id 99999");
}

}  // namespace
}  // namespace lacos
