// Every shared model and vocabulary file opens, and the writer reproduces each one byte for byte.
#include <dirent.h>

#include <algorithm>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "lib/gguf/gguf_file.h"
#include "lib/gguf/gguf_writer.h"
#include "tests/test_support.h"

namespace hearth::gguf {
namespace {

// The .gguf files in a shared directory whose names start with `prefix`, sorted.
std::vector<std::string> GgufFiles(const std::string& dir, const std::string& prefix) {
  std::vector<std::string> out;
  const std::string path = hearth::testing::SharedPath(dir);
  DIR* d = opendir(path.c_str());
  if (d == nullptr) return out;
  while (dirent* e = readdir(d)) {
    const std::string name = e->d_name;
    if (name.rfind(prefix, 0) == 0 && name.size() > 5 && name.compare(name.size() - 5, 5, ".gguf") == 0) {
      out.push_back(path + "/" + name);
    }
  }
  closedir(d);
  std::sort(out.begin(), out.end());
  return out;
}

void CheckFile(const std::string& path, bool expect_tensors) {
  SCOPED_TRACE(path);
  auto file = GgufFile::Open(path);
  ASSERT_TRUE(file.ok()) << file.status();
  const GgufFile& f = **file;
  EXPECT_TRUE(IsKnownArchitecture(f.architecture()));
  EXPECT_EQ(f.version(), 3u);
  EXPECT_EQ(f.tensors().empty(), !expect_tensors);
  for (const TensorInfo& t : f.tensors()) {
    EXPECT_GE(t.data, f.bytes().data() + f.data_offset()) << t.name;
    EXPECT_LE(t.data + t.n_bytes, f.bytes().data() + f.bytes().size()) << t.name;
    EXPECT_EQ(t.n_bytes, t.row_bytes() * static_cast<uint64_t>(t.rows())) << t.name;
  }
  if (expect_tensors) {
    EXPECT_NE(f.FindTensor("token_embd.weight"), nullptr);
    EXPECT_NE(f.FindTensor("output_norm.weight"), nullptr);
    EXPECT_TRUE(f.metadata().GetUint(std::string(f.architecture()) + ".block_count").ok());
  }
  EXPECT_TRUE(f.metadata().GetStringArray("tokenizer.ggml.tokens").ok());

  auto writer = GgufWriter::FromFile(f);
  ASSERT_TRUE(writer.ok()) << writer.status();
  auto bytes = writer->Serialize();
  ASSERT_TRUE(bytes.ok()) << bytes.status();
  ASSERT_EQ(bytes->size(), f.bytes().size());
  // Byte-identical: llama.cpp and gguf-py lay files out exactly as the writer does.
  const auto mismatch = std::mismatch(bytes->begin(), bytes->end(), f.bytes().begin(),
                                      [](char a, uint8_t b) { return static_cast<uint8_t>(a) == b; });
  EXPECT_TRUE(mismatch.first == bytes->end())
      << "first difference at byte " << (mismatch.first - bytes->begin());
}

TEST(GgufSharedFilesTest, ModelsOpenAndRoundTrip) {
  HEARTH_REQUIRE_SHARED_DATA();
  const std::vector<std::string> files = GgufFiles("data/models", "");
  ASSERT_GE(files.size(), 9u);
  for (const std::string& path : files) CheckFile(path, /*expect_tensors=*/true);
}

TEST(GgufSharedFilesTest, VocabulariesOpenAndRoundTrip) {
  HEARTH_REQUIRE_SHARED_DATA();
  const std::vector<std::string> files = GgufFiles("data/vocab", "ggml-vocab-");
  ASSERT_GE(files.size(), 14u);
  for (const std::string& path : files) CheckFile(path, /*expect_tensors=*/false);
}

TEST(GgufSharedFilesTest, TinyLlamaContents) {
  HEARTH_REQUIRE_SHARED_DATA();
  auto file = GgufFile::Open(hearth::testing::SharedPath("data/models/tiny-llama-Q4_K_M.gguf"));
  ASSERT_TRUE(file.ok()) << file.status();
  const GgufFile& f = **file;
  EXPECT_EQ(f.architecture(), "llama");
  EXPECT_EQ(f.tensors().size(), 20u);
  EXPECT_EQ(f.data_offset(), 725056u);
  EXPECT_EQ(*f.metadata().GetUint("llama.embedding_length"), 256u);
  EXPECT_EQ(f.metadata().GetStringArray("tokenizer.ggml.tokens")->size(), 32000u);
  const TensorInfo* embd = f.FindTensor("token_embd.weight");
  ASSERT_NE(embd, nullptr);
  EXPECT_EQ(embd->type, GgmlType::kQ6_K);
  EXPECT_EQ(embd->shape, (std::vector<int64_t>{256, 32000}));
  EXPECT_EQ(embd->n_bytes, 32000u * 210);
}

}  // namespace
}  // namespace hearth::gguf
