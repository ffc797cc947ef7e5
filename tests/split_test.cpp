#include "test_support.h"
#include "tokenizer/bloom_split.h"

#include <string>
#include <vector>

namespace lacos {
namespace {

std::vector<std::string> pieces(const std::string& text) {
  std::vector<std::string_view> views;
  split_bloom_pieces(text, views);
  return {views.begin(), views.end()};
}

using Pieces = std::vector<std::string>;

TEST(BloomSplit, OptionalSpaceJoinsTheFollowingWord) {
  EXPECT_EQ(pieces("Hello world"), (Pieces{"Hello", " world"}));
  EXPECT_EQ(pieces(" Hello"), (Pieces{" Hello"}));
  EXPECT_EQ(pieces(""), Pieces{});
  EXPECT_EQ(pieces(" "), (Pieces{" "}));
}

TEST(BloomSplit, GapsBetweenMatchesArePiecesOfTheirOwn) {
  // Only the last space before a word joins it; the rest of a whitespace run is one gap piece.
  EXPECT_EQ(pieces("a  b"), (Pieces{"a", " ", " b"}));
  EXPECT_EQ(pieces("  two\tand\n\nx "), (Pieces{" ", " two", "\t", "and", "\n\n", "x", " "}));
  EXPECT_EQ(pieces("Hi. \n there"), (Pieces{"Hi", ". \n", " there"}));
  EXPECT_EQ(pieces("Hi!! there"), (Pieces{"Hi", "!!", " there"}));
}

TEST(BloomSplit, PunctuationSetAndBrackets) {
  EXPECT_EQ(pieces("(a|b)"), (Pieces{"(", "a", "|", "b", ")"}));
  EXPECT_EQ(pieces("[x]"), (Pieces{"[x]"}));  // [ and ] are ordinary characters
  EXPECT_EQ(pieces("4.5 3,000"), (Pieces{"4", ".", "5", " 3", ",", "000"}));
  EXPECT_EQ(pieces("\xe7\x94\xb7\xef\xbc\x8c\xe5\xa5\xb3\xe3\x80\x82"),  // 男，女。
            (Pieces{"\xe7\x94\xb7", "\xef\xbc\x8c", "\xe5\xa5\xb3", "\xe3\x80\x82"}));
  EXPECT_EQ(pieces("a\xe2\x80\xa6"
                   "b"),
            (Pieces{"a", "\xe2\x80\xa6", "b"}));  // …
}

TEST(BloomSplit, UnicodeWhitespaceSeparatesButOnlyU0020Joins) {
  // NBSP and U+3000 are \s: they separate, and do not join the next word as ' ' does.
  EXPECT_EQ(pieces("a\xc2\xa0"
                   "b"),
            (Pieces{"a", "\xc2\xa0", "b"}));
  EXPECT_EQ(pieces("a\xe3\x80\x80"
                   "b"),
            (Pieces{"a", "\xe3\x80\x80", "b"}));
}

}  // namespace
}  // namespace lacos
