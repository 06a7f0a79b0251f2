// Vocab lookups over its compact tables: repeated texts and merges, merges whose left part starts with a
// space, and malformed merges.
#include "lib/tokenizer/vocab.h"

#include <memory>
#include <string>
#include <utility>

#include "gtest/gtest.h"

namespace hearth::tokenizer {
namespace {

std::unique_ptr<Vocab> BuildOrDie(VocabData data) {
  auto vocab = Vocab::Build(std::move(data));
  EXPECT_TRUE(vocab.ok()) << vocab.status();
  return vocab.ok() ? std::move(*vocab) : nullptr;
}

TEST(VocabTest, FindAndText) {
  VocabData data;
  // A long text (past any small-string buffer) and a repeated text, whose lowest id wins.
  data.tokens = {"a", "b", "ab", "", "a", std::string(40, 'x')};
  std::unique_ptr<Vocab> vocab = BuildOrDie(std::move(data));
  ASSERT_NE(vocab, nullptr);
  EXPECT_EQ(vocab->size(), 6);
  EXPECT_EQ(vocab->text(2), "ab");
  EXPECT_EQ(vocab->text(3), "");
  EXPECT_EQ(vocab->text(5), std::string(40, 'x'));
  EXPECT_EQ(vocab->Find("a"), 0);
  EXPECT_EQ(vocab->Find("ab"), 2);
  EXPECT_EQ(vocab->Find(""), 3);
  EXPECT_EQ(vocab->Find(std::string(40, 'x')), 5);
  EXPECT_EQ(vocab->Find("ba"), -1);
  EXPECT_EQ(vocab->Find(std::string(39, 'x')), -1);
}

TEST(VocabTest, MergeRanks) {
  VocabData data;
  data.tokens = {"a", "b", "ab", " a"};
  // The left part may start with a space; a repeated merge keeps its first rank.
  data.merges = {"a b", "ab a", " a b", "a b", "a b c"};
  std::unique_ptr<Vocab> vocab = BuildOrDie(std::move(data));
  ASSERT_NE(vocab, nullptr);
  EXPECT_EQ(vocab->MergeRank("a", "b"), 0);
  EXPECT_EQ(vocab->MergeRank("ab", "a"), 1);
  EXPECT_EQ(vocab->MergeRank(" a", "b"), 2);
  EXPECT_EQ(vocab->MergeRank("a", "b c"), 4);  // Split at the first space after the first byte.
  EXPECT_EQ(vocab->MergeRank("a b", "c"), -1);
  EXPECT_EQ(vocab->MergeRank("b", "a"), -1);
  EXPECT_EQ(vocab->MergeRank("", "a b"), -1);
  EXPECT_EQ(vocab->MergeRank("a", ""), -1);
}

TEST(VocabTest, MalformedMergeIsAnError) {
  VocabData data;
  data.tokens = {"a"};
  data.merges = {"a b", "ab"};
  auto vocab = Vocab::Build(std::move(data));
  ASSERT_FALSE(vocab.ok());
  EXPECT_NE(vocab.status().message().find("tokenizer.ggml.merges[1] = 'ab'"), std::string::npos)
      << vocab.status();
  EXPECT_FALSE(Vocab::Build(VocabData()).ok());  // No tokens.
}

}  // namespace
}  // namespace hearth::tokenizer
