// BPE merge order and unknown-character handling, on hand-made vocabularies whose results can be
// worked out by hand (tokenizers' BPE::merge_word and Word::merge_all semantics).
#include "tokenizer/bpe_model.h"
#include "test_support.h"

namespace lacos {
namespace {

using Ids = std::vector<std::int32_t>;

Ids encode(const BpeModel& model, const std::string& piece) {
  Ids ids;
  model.encode_piece(piece, ids);
  return ids;
}

std::unordered_map<std::string, std::int32_t> vocab(std::initializer_list<std::string> tokens) {
  std::unordered_map<std::string, std::int32_t> out;
  for (const auto& token : tokens) out.emplace(token, static_cast<std::int32_t>(out.size()));
  return out;
}

TEST(BpeModel, MergesApplyByRankNotByPosition) {
  // "abc": (b,c) has the better rank, so bc forms first and (a,bc) is no merge.
  const BpeModel model(vocab({"a", "b", "c", "ab", "bc"}), {{"b", "c"}, {"a", "b"}}, {}, "test");
  EXPECT_EQ(encode(model, "abc"), (Ids{0, 4}));
  // "abab": both (a,b) pairs merge, leftmost first.
  EXPECT_EQ(encode(model, "abab"), (Ids{3, 3}));
}

TEST(BpeModel, ChainedMerges) {
  const BpeModel model(vocab({"a", "b", "c", "ab", "abc"}), {{"a", "b"}, {"ab", "c"}}, {}, "test");
  EXPECT_EQ(encode(model, "abc"), (Ids{4}));
  EXPECT_EQ(encode(model, "abca"), (Ids{4, 0}));
  EXPECT_EQ(encode(model, "aaa"), (Ids{0, 0, 0}));
}

TEST(BpeModel, UnknownCharactersAreDroppedWithoutUnkToken) {
  const BpeModel model(vocab({"a", "b", "ab"}), {{"a", "b"}}, {}, "test");
  EXPECT_EQ(encode(model, "abd"), (Ids{2}));
}

TEST(BpeModel, UnknownCharactersBecomeUnkFusedOrNot) {
  BpeOptions options;
  options.unk_token = "<unk>";
  const BpeModel plain(vocab({"a", "b", "ab", "<unk>"}), {{"a", "b"}}, options, "test");
  EXPECT_EQ(encode(plain, "abdd"), (Ids{2, 3, 3}));
  options.fuse_unk = true;
  const BpeModel fused(vocab({"a", "b", "ab", "<unk>"}), {{"a", "b"}}, options, "test");
  EXPECT_EQ(encode(fused, "abdda"), (Ids{2, 3, 0}));
}

TEST(BpeModel, ByteFallbackUsesHexTokens) {
  BpeOptions options;
  options.byte_fallback = true;
  const BpeModel model(vocab({"a", "<0x64>"}), {}, options, "test");
  EXPECT_EQ(encode(model, "ad"), (Ids{0, 1}));
}

TEST(BpeModel, IgnoreMergesTakesWholePieceFromVocabulary) {
  BpeOptions options;
  options.ignore_merges = true;
  const BpeModel whole(vocab({"a", "b", "d", "abd"}), {}, options, "test");
  EXPECT_EQ(encode(whole, "abd"), (Ids{3}));
  const BpeModel split(vocab({"a", "b", "d", "abd"}), {}, {}, "test");
  EXPECT_EQ(encode(split, "abd"), (Ids{0, 1, 2}));
}

TEST(BpeModel, SpaceIsTheByteLevelCharacter) {
  // ' ' (0x20) is byte-level U+0120 'Ġ'.
  const BpeModel model(vocab({"\xc4\xa0", "a",
                              "\xc4\xa0"
                              "a"}),
                       {{"\xc4\xa0", "a"}}, {}, "test");
  EXPECT_EQ(encode(model, " a"), (Ids{2}));
}

TEST(BpeModel, MergeOutsideTheVocabularyIsAnError) {
  EXPECT_ERROR_CONTAINS(BpeModel(vocab({"a", "b"}), {{"a", "b"}}, {}, "tok.json"),
                        "tok.json: merge 0 ('a' 'b') uses token 'ab', which is not in the vocabulary");
  EXPECT_ERROR_CONTAINS(BpeModel(vocab({"a"}), {{"a", "z"}}, {}, "tok.json"), "uses token 'z'");
}

TEST(BpeModel, UnkTokenMustExist) {
  BpeOptions options;
  options.unk_token = "<unk>";
  EXPECT_ERROR_CONTAINS(BpeModel(vocab({"a"}), {}, options, "tok.json"), "unk_token '<unk>' is not in the vocabulary");
}

}  // namespace
}  // namespace lacos
