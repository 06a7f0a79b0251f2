// Behaviour beyond the reference cases: special tokens, BOS/EOS, end-of-generation, pieces, errors,
// streaming hold-back, long and malformed input, concurrent use.
#include "lib/tokenizer/tokenizer.h"

#include <algorithm>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "lib/gguf/gguf_file.h"
#include "lib/tokenizer/detokenizer.h"
#include "tests/test_support.h"

namespace hearth::tokenizer {
namespace {

std::unique_ptr<Tokenizer> Load(const std::string& name) {
  auto file = gguf::GgufFile::Open(testing::SharedPath("data/vocab/ggml-vocab-" + name + ".gguf"));
  EXPECT_TRUE(file.ok()) << file.status();
  if (!file.ok()) return nullptr;
  auto tok = Tokenizer::Create((*file)->metadata());
  EXPECT_TRUE(tok.ok()) << tok.status();
  return tok.ok() ? std::move(*tok) : nullptr;
}

bool Contains(const std::vector<int32_t>& ids, int32_t id) {
  return std::find(ids.begin(), ids.end(), id) != ids.end();
}

TEST(TokenizerTest, ParseSpecialMatchesControlTokensOnlyWhenAsked) {
  HEARTH_REQUIRE_SHARED_DATA();
  auto tok = Load("qwen2");
  ASSERT_NE(tok, nullptr);
  const std::string text = "<|im_start|>user\nHi<|im_end|>";
  const std::vector<int32_t> parsed = tok->Encode(text, false, true);
  ASSERT_FALSE(parsed.empty());
  EXPECT_EQ(parsed.front(), 151644);
  EXPECT_EQ(parsed.back(), 151645);
  const std::vector<int32_t> plain = tok->Encode(text, false, false);
  EXPECT_FALSE(Contains(plain, 151644));
  EXPECT_FALSE(Contains(plain, 151645));
  EXPECT_EQ(tok->Decode(plain, false), text);
  // Rendering control tokens is opt-in.
  EXPECT_EQ(tok->Decode(parsed, false), "user\nHi");
  EXPECT_EQ(tok->Decode(parsed, true), text);
}

TEST(TokenizerTest, UserDefinedTokensAreAlwaysMatched) {
  HEARTH_REQUIRE_SHARED_DATA();
  auto tok = Load("qwen2");
  ASSERT_NE(tok, nullptr);
  const std::vector<int32_t> ids = tok->Encode("a<think>b", false, false);
  EXPECT_TRUE(Contains(ids, 151667));
  EXPECT_EQ(tok->TokenToPiece(151667, false), "<think>");
}

TEST(TokenizerTest, AddSpecialFollowsMetadata) {
  HEARTH_REQUIRE_SHARED_DATA();
  auto spm = Load("llama-spm");
  ASSERT_NE(spm, nullptr);
  EXPECT_TRUE(spm->add_bos());
  std::vector<int32_t> ids = spm->Encode("Hello", true, false);
  ASSERT_GE(ids.size(), 2u);
  EXPECT_EQ(ids[0], 1);
  EXPECT_EQ(spm->Encode("", true, false), std::vector<int32_t>{1});
  EXPECT_TRUE(spm->Encode("", false, false).empty());

  auto llama3 = Load("llama-bpe");
  ASSERT_NE(llama3, nullptr);
  EXPECT_EQ(llama3->Encode("Hello", true, false).front(), 128000);

  auto qwen = Load("qwen2");
  ASSERT_NE(qwen, nullptr);
  EXPECT_FALSE(qwen->add_bos());
  EXPECT_EQ(qwen->Encode("Hello", true, false), qwen->Encode("Hello", false, false));
}

TEST(TokenizerTest, EndOfGeneration) {
  HEARTH_REQUIRE_SHARED_DATA();
  auto qwen = Load("qwen2");
  ASSERT_NE(qwen, nullptr);
  EXPECT_EQ(qwen->eos(), 151645);
  EXPECT_TRUE(qwen->IsEndOfGeneration(151645));  // <|im_end|>
  EXPECT_TRUE(qwen->IsEndOfGeneration(151643));  // <|endoftext|>
  EXPECT_FALSE(qwen->IsEndOfGeneration(151644));
  EXPECT_FALSE(qwen->IsEndOfGeneration(9707));

  auto llama3 = Load("llama-bpe");
  ASSERT_NE(llama3, nullptr);
  EXPECT_TRUE(llama3->IsEndOfGeneration(128001));  // <|end_of_text|>
  EXPECT_TRUE(llama3->IsEndOfGeneration(128009));  // <|eot_id|>
  EXPECT_EQ(llama3->eot(), 128009);

  auto spm = Load("llama-spm");
  ASSERT_NE(spm, nullptr);
  EXPECT_TRUE(spm->IsEndOfGeneration(2));
  EXPECT_FALSE(spm->IsEndOfGeneration(1));
}

TEST(TokenizerTest, TokenPieces) {
  HEARTH_REQUIRE_SHARED_DATA();
  auto spm = Load("llama-spm");
  ASSERT_NE(spm, nullptr);
  EXPECT_EQ(spm->TokenToPiece(13, false), "\n");  // <0x0A>
  EXPECT_EQ(spm->TokenToPiece(1, false), "");
  EXPECT_EQ(spm->TokenToPiece(1, true), "<s>");
  EXPECT_EQ(spm->TokenToPiece(-1, true), "");
  EXPECT_EQ(spm->TokenToPiece(spm->n_vocab(), true), "");
  EXPECT_EQ(spm->Decode(spm->Encode(" Hello world", true, false), false), " Hello world");

  auto gpt2 = Load("gpt-2");
  ASSERT_NE(gpt2, nullptr);
  EXPECT_EQ(gpt2->TokenToPiece(220, false), " ");  // "Ġ"
  EXPECT_EQ(gpt2->TokenToPiece(50256, false), "");
  EXPECT_EQ(gpt2->TokenToPiece(50256, true), "<|endoftext|>");
}

TEST(DetokenizerTest, HoldsBackSplitCharacters) {
  HEARTH_REQUIRE_SHARED_DATA();
  auto spm = Load("llama-spm");
  ASSERT_NE(spm, nullptr);
  // "🦙" is not in the Llama vocabulary: it becomes four byte-fallback tokens.
  const std::vector<int32_t> ids = spm->Encode("a🦙", false, false);
  ASSERT_EQ(ids.size(), 5u);  // "▁a", then <0xF0> <0x9F> <0xA6> <0x99>.
  Detokenizer detok(spm.get(), false, spm->strips_leading_space());
  EXPECT_EQ(detok.Append(ids[0]), "a");
  EXPECT_EQ(detok.Append(ids[1]), "");
  EXPECT_EQ(detok.Append(ids[2]), "");
  EXPECT_EQ(detok.Append(ids[3]), "");
  EXPECT_EQ(detok.pending(), 3u);
  EXPECT_EQ(detok.Append(ids[4]), "🦙");
  EXPECT_EQ(detok.Flush(), "");

  // A stream that ends inside a character gives the held bytes back on Flush.
  Detokenizer cut(spm.get());
  EXPECT_EQ(cut.Append(ids[1]), "");
  EXPECT_EQ(cut.Append(ids[2]), "");
  EXPECT_EQ(cut.Flush(), "\xF0\x9F");
  EXPECT_EQ(cut.pending(), 0u);
}

TEST(TokenizerTest, MalformedUtf8RoundTrips) {
  HEARTH_REQUIRE_SHARED_DATA();
  const std::string text = "ok \xFF\xFE bad \xC3 tail \x80 \xF0\x9F";
  // Only vocabularies with a plain token for every byte: falcon has none for 0xF8..0xFF (those bytes are
  // dropped, as in the reference) and deepseek spells them only as user-defined tokens, whose pieces are
  // their plain text.
  for (const std::string name : {"gpt-2", "qwen2", "llama-bpe", "llama-spm", "phi-3"}) {
    auto tok = Load(name);
    ASSERT_NE(tok, nullptr);
    EXPECT_EQ(tok->Decode(tok->Encode(text, false, false), false), text) << name;
  }
}

TEST(TokenizerTest, LongInputs) {
  HEARTH_REQUIRE_SHARED_DATA();
  std::string prose;
  while (prose.size() < 10000)
    prose += "The quick brown fox, 12345 jumps over the lazy dog! Ünïcödé 日本語 🦙\n";
  const std::string spaces(20000, ' ');
  const std::string digits(20000, '7');
  for (const std::string name : {"gpt-2", "qwen2", "llama-bpe", "deepseek-llm", "falcon", "llama-spm"}) {
    auto tok = Load(name);
    ASSERT_NE(tok, nullptr);
    for (const std::string& text : {prose, spaces, digits, "x" + spaces + "y"}) {
      const std::vector<int32_t> ids = tok->Encode(text, false, false);
      EXPECT_FALSE(ids.empty());
      EXPECT_EQ(tok->Decode(ids, false), text) << name;
    }
  }
}

TEST(TokenizerTest, ConcurrentEncodeIsConsistent) {
  HEARTH_REQUIRE_SHARED_DATA();
  auto tok = Load("llama-bpe");
  ASSERT_NE(tok, nullptr);
  const std::string text = "Hello, y'all! How are you 😁 ?我想在apple工作1314151天～ <|eot_id|>";
  const std::vector<int32_t> expected = tok->Encode(text, true, true);
  std::vector<std::thread> threads;
  std::vector<int> mismatches(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) mismatches[t] += tok->Encode(text, true, true) != expected;
    });
  }
  for (auto& th : threads) th.join();
  for (int m : mismatches) EXPECT_EQ(m, 0);
}

gguf::Metadata MinimalMetadata(const std::string& model, const std::string& pre) {
  gguf::Metadata md;
  md.Add("tokenizer.ggml.model", gguf::Value::String(model));
  if (!pre.empty()) md.Add("tokenizer.ggml.pre", gguf::Value::String(pre));
  std::vector<gguf::Value> tokens;
  for (const char* t : {"a", "b", "ab"}) tokens.push_back(gguf::Value::String(t));
  md.Add("tokenizer.ggml.tokens", gguf::Value::Array(gguf::ValueType::kString, std::move(tokens)));
  std::vector<gguf::Value> merges;
  merges.push_back(gguf::Value::String("a b"));
  md.Add("tokenizer.ggml.merges", gguf::Value::Array(gguf::ValueType::kString, std::move(merges)));
  return md;
}

TEST(TokenizerErrorsTest, UnknownPreTokenizerIsAnError) {
  auto tok = Tokenizer::Create(MinimalMetadata("gpt2", "no-such-pre"));
  ASSERT_FALSE(tok.ok());
  EXPECT_NE(tok.status().message().find("'no-such-pre'"), std::string::npos) << tok.status();
}

TEST(TokenizerErrorsTest, UnknownModelIsAnError) {
  auto tok = Tokenizer::Create(MinimalMetadata("rwkv", ""));
  ASSERT_FALSE(tok.ok());
  EXPECT_NE(tok.status().message().find("unsupported tokenizer model 'rwkv'"), std::string::npos)
      << tok.status();
  gguf::Metadata empty;
  EXPECT_FALSE(Tokenizer::Create(empty).ok());
}

TEST(TokenizerErrorsTest, MinimalBpeVocabularyWorks) {
  auto tok = Tokenizer::Create(MinimalMetadata("gpt2", "gpt-2"));
  ASSERT_TRUE(tok.ok()) << tok.status();
  EXPECT_EQ((*tok)->Encode("abab", false, false), (std::vector<int32_t>{2, 2}));
}

TEST(TokenizerErrorsTest, BadTokenTypeAndIdsAreErrors) {
  gguf::Metadata md = MinimalMetadata("gpt2", "gpt-2");
  md.Add("tokenizer.ggml.eos_token_id", gguf::Value::Uint(gguf::ValueType::kUint32, 7));
  auto tok = Tokenizer::Create(md);
  ASSERT_FALSE(tok.ok());
  EXPECT_NE(tok.status().message().find("eos_token_id"), std::string::npos) << tok.status();

  gguf::Metadata md2 = MinimalMetadata("gpt2", "gpt-2");
  std::vector<gguf::Value> types;
  for (int t : {1, 1, 9}) types.push_back(gguf::Value::Int(gguf::ValueType::kInt32, t));
  md2.Add("tokenizer.ggml.token_type", gguf::Value::Array(gguf::ValueType::kInt32, std::move(types)));
  EXPECT_FALSE(Tokenizer::Create(md2).ok());
}

}  // namespace
}  // namespace hearth::tokenizer
