#include "lib/tokenizer/unicode_util.h"

#include <string>

#include "gtest/gtest.h"

namespace hearth::tokenizer {
namespace {

TEST(Utf8CharLenTest, ValidAndInvalidSequences) {
  EXPECT_EQ(Utf8CharLen("a", 0), 1u);
  EXPECT_EQ(Utf8CharLen("\xC3\xA4", 0), 2u);
  EXPECT_EQ(Utf8CharLen("\xE2\x96\x81", 0), 3u);
  EXPECT_EQ(Utf8CharLen("\xF0\x9F\xA6\x99", 0), 4u);
  EXPECT_EQ(Utf8CharLen("\xF0\x9F\xA6", 0), 1u);  // Truncated.
  EXPECT_EQ(Utf8CharLen("\xC3x", 0), 1u);         // Bad continuation.
  EXPECT_EQ(Utf8CharLen("\x80", 0), 1u);          // Stray continuation.
  EXPECT_EQ(Utf8CharLen("\xFF", 0), 1u);
}

TEST(CompleteUtf8PrefixTest, HoldsBackOnlyUnfinishedCharacters) {
  EXPECT_EQ(CompleteUtf8Prefix(""), 0u);
  EXPECT_EQ(CompleteUtf8Prefix("abc"), 3u);
  EXPECT_EQ(CompleteUtf8Prefix("ab\xF0"), 2u);
  EXPECT_EQ(CompleteUtf8Prefix("ab\xF0\x9F"), 2u);
  EXPECT_EQ(CompleteUtf8Prefix("ab\xF0\x9F\xA6"), 2u);
  EXPECT_EQ(CompleteUtf8Prefix("ab\xF0\x9F\xA6\x99"), 6u);
  EXPECT_EQ(CompleteUtf8Prefix("\xC3\xA4\xE2\x96"), 2u);
  EXPECT_EQ(CompleteUtf8Prefix("x\x80\x80"), 3u);  // Stray continuation bytes are never completed.
  EXPECT_EQ(CompleteUtf8Prefix("x\xFF"), 2u);
}

TEST(ByteLevelTest, AllBytesRoundTrip) {
  std::string all;
  for (int b = 0; b < 256; ++b) all.push_back(static_cast<char>(b));
  std::string spelled;
  AppendByteLevel(all, &spelled);
  std::string back;
  AppendFromByteLevel(spelled, &back);
  EXPECT_EQ(back, all);
  EXPECT_EQ(ByteToUnicode(' '), "\xC4\xA0");   // "Ġ"
  EXPECT_EQ(ByteToUnicode('\n'), "\xC4\x8A");  // "Ċ"
  EXPECT_EQ(ByteToUnicode('A'), "A");
}

}  // namespace
}  // namespace hearth::tokenizer
