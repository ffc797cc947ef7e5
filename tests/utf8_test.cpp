#include "tokenizer/utf8.h"
#include "test_support.h"

namespace lacos {
namespace {

TEST(Utf8, FindsFirstInvalidByte) {
  EXPECT_EQ(find_invalid_utf8("plain ascii"), std::string::npos);
  EXPECT_EQ(find_invalid_utf8("caf\xc3\xa9 \xe4\xb8\x80 \xf0\x9f\x8e\xb8"), std::string::npos);
  EXPECT_EQ(find_invalid_utf8("ab\xff"), 2u);
  EXPECT_EQ(find_invalid_utf8("ab\xc3"), 2u);        // truncated sequence
  EXPECT_EQ(find_invalid_utf8("\xed\xa0\x80"), 0u);  // UTF-16 surrogate
  EXPECT_EQ(find_invalid_utf8("\xc0\xaf"), 0u);      // overlong
}

TEST(Utf8, LossyReplacesMaximalSubparts) {
  // As Rust's from_utf8_lossy: a truncated 3-byte sequence is one U+FFFD, lone bytes one each.
  EXPECT_EQ(utf8_lossy("a\xe4\xb8"
                       "b"),
            "a\xef\xbf\xbd"
            "b");
  EXPECT_EQ(utf8_lossy("\xff\xfe"), "\xef\xbf\xbd\xef\xbf\xbd");
  EXPECT_EQ(utf8_lossy("ok \xc3\xa9"), "ok \xc3\xa9");
}

TEST(Utf8, WhiteSpaceIsTheUnicodeProperty) {
  for (char32_t c : {U' ', U'\t', U'\n', U'\v', U'\f', U'\r', U'\u0085', U'\u00a0', U'\u1680', U'\u2000', U'\u200a',
                     U'\u2028', U'\u2029', U'\u202f', U'\u205f', U'\u3000'}) {
    EXPECT_TRUE(is_unicode_white_space(c)) << static_cast<std::uint32_t>(c);
  }
  for (char32_t c : {U'a', U'\u200b', U'\u180e', U'\ufeff', U'_', U'\u0000'}) {
    EXPECT_FALSE(is_unicode_white_space(c)) << static_cast<std::uint32_t>(c);
  }
}

}  // namespace
}  // namespace lacos
