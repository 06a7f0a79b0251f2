#include "lib/sampling/stop_strings.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "lib/sampling/stop_conditions.h"

namespace hearth::sampling {
namespace {

// Feeds `pieces` and returns everything emitted (plus the flush when no stop string hit).
std::string FeedAll(StopStringMatcher& m, const std::vector<std::string>& pieces) {
  std::string out;
  for (const std::string& piece : pieces) out += m.Feed(piece).text;
  if (!m.stopped()) out += m.Flush();
  return out;
}

TEST(StopStringMatcherTest, NoStopStringPassesEverything) {
  StopStringMatcher none({});
  EXPECT_EQ(FeedAll(none, {"Hello", ", ", "world"}), "Hello, world");
  StopStringMatcher empty_only({""});
  EXPECT_EQ(FeedAll(empty_only, {"a", "b"}), "ab");
  StopStringMatcher unrelated({"</s>"});
  EXPECT_EQ(unrelated.Feed("Hello").text, "Hello");  // Nothing held: no prefix of "</s>".
  EXPECT_EQ(unrelated.held_bytes(), 0u);
}

TEST(StopStringMatcherTest, StopSpanningPieces) {
  StopStringMatcher m({"</s>"});
  StopStringMatcher::Result r = m.Feed("abc<");
  EXPECT_EQ(r.text, "abc");
  EXPECT_FALSE(r.stopped);
  EXPECT_EQ(m.held_bytes(), 1u);
  r = m.Feed("/");
  EXPECT_EQ(r.text, "");
  EXPECT_FALSE(r.stopped);
  r = m.Feed("s> trailing");
  EXPECT_EQ(r.text, "");
  EXPECT_TRUE(r.stopped);
  EXPECT_EQ(m.matched(), "</s>");
  // Once stopped, nothing more comes out.
  r = m.Feed("more");
  EXPECT_TRUE(r.stopped);
  EXPECT_EQ(r.text, "");
}

TEST(StopStringMatcherTest, TextBeforeStopInSamePieceIsEmitted) {
  StopStringMatcher m({"STOP"});
  EXPECT_EQ(FeedAll(m, {"one two", " threeSTOPfour"}), "one two three");
  EXPECT_TRUE(m.stopped());
}

TEST(StopStringMatcherTest, PartialPrefixIsHeldThenReleased) {
  StopStringMatcher m({"STOP"});
  StopStringMatcher::Result r = m.Feed("xST");
  EXPECT_EQ(r.text, "x");
  EXPECT_EQ(m.held_bytes(), 2u);
  r = m.Feed("O");
  EXPECT_EQ(r.text, "");
  r = m.Feed("ry");  // "STOry" is not a stop string after all.
  EXPECT_EQ(r.text, "STOry");
  EXPECT_FALSE(r.stopped);

  // At the end of generation the held prefix is released.
  StopStringMatcher end({"STOP"});
  EXPECT_EQ(end.Feed("abcST").text, "abc");
  EXPECT_EQ(end.Flush(), "ST");
}

TEST(StopStringMatcherTest, SelfOverlappingStopString) {
  StopStringMatcher m({"aab"});
  EXPECT_EQ(m.Feed("aa").text, "");
  StopStringMatcher::Result r = m.Feed("aab");  // Text "aaaab": the stop starts at 2.
  EXPECT_TRUE(r.stopped);
  EXPECT_EQ(r.text, "aa");
}

TEST(StopStringMatcherTest, EarliestOfSeveralStopsWins) {
  StopStringMatcher m({"world", "lo"});
  StopStringMatcher::Result r = m.Feed("hello world");
  EXPECT_TRUE(r.stopped);
  EXPECT_EQ(r.text, "hel");
  EXPECT_EQ(m.matched(), "lo");

  // Holds for the longest possible prefix among the stop strings.
  StopStringMatcher h({"<|im_end|>", "<|eot|>"});
  EXPECT_EQ(h.Feed("Hi<|e").text, "Hi");
  EXPECT_EQ(h.held_bytes(), 3u);
  StopStringMatcher::Result r2 = h.Feed("ot|>");
  EXPECT_TRUE(r2.stopped);
  EXPECT_EQ(h.matched(), "<|eot|>");
}

TEST(StopStringMatcherTest, CharacterByCharacterAndReset) {
  const std::string text = "The answer is 42.\n\nUser: next";
  StopStringMatcher m({"\nUser:"});
  std::string out;
  for (char c : text) {
    StopStringMatcher::Result r = m.Feed(std::string(1, c));
    out += r.text;
    if (r.stopped) break;
  }
  EXPECT_EQ(out, "The answer is 42.\n");
  m.Reset();
  EXPECT_FALSE(m.stopped());
  EXPECT_EQ(FeedAll(m, {"fine"}), "fine");
}

TEST(StopConditionsTest, EndTokensAndBudget) {
  StopConditions c;
  c.end_tokens = {2, 32000};
  c.max_tokens = 3;
  EXPECT_EQ(c.Check(5, 1), StopReason::kNone);
  EXPECT_EQ(c.Check(32000, 1), StopReason::kEndToken);
  EXPECT_EQ(c.Check(7, 3), StopReason::kMaxTokens);
  EXPECT_EQ(c.Check(2, 3), StopReason::kEndToken);  // The end token takes precedence.
  EXPECT_TRUE(c.IsEndToken(2));
  EXPECT_FALSE(c.IsEndToken(3));
  c.max_tokens = 0;  // Unlimited.
  EXPECT_EQ(c.Check(7, 1000000), StopReason::kNone);
  EXPECT_STREQ(StopReasonName(StopReason::kMaxTokens), "max_tokens");
}

}  // namespace
}  // namespace hearth::sampling
