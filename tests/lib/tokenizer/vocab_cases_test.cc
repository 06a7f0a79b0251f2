// Every vocabulary in shared/data/vocab against llama.cpp's reference cases: each string of NAME.gguf.inp
// must encode (no BOS/EOS, special tokens not parsed) to exactly the ids on the matching line of
// NAME.gguf.out, decode back to itself, and stream through the Detokenizer in complete UTF-8 chunks.
#include <dirent.h>

#include <algorithm>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "lib/gguf/gguf_file.h"
#include "lib/tokenizer/detokenizer.h"
#include "lib/tokenizer/tokenizer.h"
#include "lib/tokenizer/unicode_util.h"
#include "tests/test_support.h"

namespace hearth::tokenizer {
namespace {

std::string VocabPath(const std::string& name) {
  return testing::SharedPath(absl::StrCat("data/vocab/ggml-vocab-", name, ".gguf"));
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct Case {
  std::string text;
  std::vector<int32_t> ids;
};

// The .inp file is the concatenation of "<text>\n__ggml_vocab_test__\n" for every case.
std::vector<Case> LoadCases(const std::string& name) {
  const std::string inp = ReadFile(VocabPath(name) + ".inp");
  const std::string out = ReadFile(VocabPath(name) + ".out");
  std::vector<std::string> texts = absl::StrSplit(inp, "\n__ggml_vocab_test__\n");
  if (!texts.empty() && texts.back().empty()) texts.pop_back();
  std::vector<std::string> lines = absl::StrSplit(out, '\n');
  if (!lines.empty() && lines.back().empty()) lines.pop_back();
  EXPECT_EQ(texts.size(), lines.size()) << name;
  std::vector<Case> cases;
  for (size_t i = 0; i < texts.size() && i < lines.size(); ++i) {
    Case c{texts[i], {}};
    for (const std::string& tok :
         std::vector<std::string>(absl::StrSplit(lines[i], ' ', absl::SkipEmpty()))) {
      c.ids.push_back(std::stoi(tok));
    }
    cases.push_back(std::move(c));
  }
  return cases;
}

absl::StatusOr<std::unique_ptr<Tokenizer>> LoadTokenizer(const std::string& name) {
  auto file = gguf::GgufFile::Open(VocabPath(name));
  if (!file.ok()) return file.status();
  return Tokenizer::Create((*file)->metadata());
}

std::string Escape(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  return out;
}

class VocabCasesTest : public ::testing::TestWithParam<std::string> {};

TEST_P(VocabCasesTest, MatchesReferenceIds) {
  HEARTH_REQUIRE_SHARED_DATA();
  const std::string name = GetParam();
  auto tok = LoadTokenizer(name);
  ASSERT_TRUE(tok.ok()) << tok.status();
  const std::vector<Case> cases = LoadCases(name);
  ASSERT_FALSE(cases.empty());
  int passed = 0;
  for (const Case& c : cases) {
    const std::vector<int32_t> ids = (*tok)->Encode(c.text, /*add_special=*/false, /*parse_special=*/false);
    EXPECT_EQ(ids, c.ids) << name << " case '" << Escape(c.text) << "'\n  got:  " << absl::StrJoin(ids, " ")
                          << "\n  want: " << absl::StrJoin(c.ids, " ");
    passed += ids == c.ids;
  }
  std::cout << "[vocab " << name << "] " << passed << "/" << cases.size() << " cases match\n";
}

TEST_P(VocabCasesTest, DecodeRoundTrips) {
  HEARTH_REQUIRE_SHARED_DATA();
  const std::string name = GetParam();
  auto tok = LoadTokenizer(name);
  ASSERT_TRUE(tok.ok()) << tok.status();
  for (const Case& c : LoadCases(name)) {
    EXPECT_EQ((*tok)->Decode(c.ids, /*render_special=*/false), c.text)
        << name << " case '" << Escape(c.text) << "'";
  }
}

TEST_P(VocabCasesTest, StreamingReleasesOnlyCompleteUtf8) {
  HEARTH_REQUIRE_SHARED_DATA();
  const std::string name = GetParam();
  auto tok = LoadTokenizer(name);
  ASSERT_TRUE(tok.ok()) << tok.status();
  for (const Case& c : LoadCases(name)) {
    Detokenizer detok(tok->get(), /*render_special=*/false, (*tok)->strips_leading_space());
    std::string streamed;
    for (int32_t id : c.ids) {
      const std::string chunk = detok.Append(id);
      EXPECT_EQ(CompleteUtf8Prefix(chunk), chunk.size()) << name << " case '" << Escape(c.text) << "'";
      streamed += chunk;
    }
    streamed += detok.Flush();
    EXPECT_EQ(streamed, c.text) << name << " case '" << Escape(c.text) << "'";
  }
}

INSTANTIATE_TEST_SUITE_P(AllVocabs, VocabCasesTest,
                         ::testing::Values("gpt-2", "qwen2", "llama-bpe", "starcoder", "deepseek-coder",
                                           "deepseek-llm", "falcon", "mpt", "refact", "llama-spm", "phi-3"),
                         [](const ::testing::TestParamInfo<std::string>& param_info) {
                           std::string n = param_info.param;
                           for (char& ch : n) {
                             if (ch == '-') ch = '_';
                           }
                           return n;
                         });

// Vocabularies without reference cases still load and round-trip the strings of another vocabulary.
TEST(VocabFilesTest, VocabsWithoutCasesLoadAndRoundTrip) {
  HEARTH_REQUIRE_SHARED_DATA();
  const std::vector<Case> cases = LoadCases("gpt-2");
  for (const std::string name : {"gpt-neox", "baichuan"}) {
    auto tok = LoadTokenizer(name);
    ASSERT_TRUE(tok.ok()) << name << ": " << tok.status();
    for (const Case& c : cases) {
      const std::vector<int32_t> ids = (*tok)->Encode(c.text, false, false);
      EXPECT_EQ((*tok)->Decode(ids, false), c.text) << name << " case '" << Escape(c.text) << "'";
    }
  }
}

TEST(VocabFilesTest, BertIsRejectedClearly) {
  HEARTH_REQUIRE_SHARED_DATA();
  auto tok = LoadTokenizer("bert-bge");
  ASSERT_FALSE(tok.ok());
  EXPECT_NE(tok.status().message().find("unsupported tokenizer model 'bert'"), std::string::npos)
      << tok.status();
}

// Every vocabulary file shipped in shared/ is covered by one of the tests above.
TEST(VocabFilesTest, EveryVocabFileIsCovered) {
  HEARTH_REQUIRE_SHARED_DATA();
  const std::vector<std::string> covered = {
      "gpt-2", "qwen2",  "llama-bpe", "starcoder", "deepseek-coder", "deepseek-llm", "falcon",
      "mpt",   "refact", "llama-spm", "phi-3",     "gpt-neox",       "baichuan",     "bert-bge"};
  DIR* dir = opendir(testing::SharedPath("data/vocab").c_str());
  ASSERT_NE(dir, nullptr);
  while (dirent* e = readdir(dir)) {
    const std::string f = e->d_name;
    const std::string prefix = "ggml-vocab-";
    const std::string suffix = ".gguf";
    if (f.size() <= prefix.size() + suffix.size() || f.compare(0, prefix.size(), prefix) != 0 ||
        f.compare(f.size() - suffix.size(), suffix.size(), suffix) != 0) {
      continue;
    }
    const std::string name = f.substr(prefix.size(), f.size() - prefix.size() - suffix.size());
    EXPECT_NE(std::find(covered.begin(), covered.end(), name), covered.end()) << "untested vocab " << name;
  }
  closedir(dir);
}

}  // namespace
}  // namespace hearth::tokenizer
