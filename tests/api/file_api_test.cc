// hearth_file_* through the public header on the shared models and vocabulary files.
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "hearth/hearth.h"
#include "tests/test_support.h"

namespace {

using hearth::testing::SharedPath;

class FileApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    HEARTH_REQUIRE_SHARED_DATA();
    ASSERT_EQ(hearth_file_open(SharedPath("data/models/tiny-qwen2-Q8_0.gguf").c_str(), &file_), HEARTH_OK)
        << hearth_last_error();
  }
  void TearDown() override { hearth_file_free(file_); }
  hearth_file* file_ = nullptr;
};

TEST_F(FileApiTest, Basics) {
  EXPECT_EQ(hearth_file_version(file_), 3u);
  EXPECT_STREQ(hearth_file_architecture(file_), "qwen2");
  const int64_t n = hearth_file_metadata_count(file_);
  ASSERT_GT(n, 5);
  bool saw_arch = false;
  for (int64_t i = 0; i < n; ++i) {
    const char* key = hearth_file_metadata_key(file_, i);
    ASSERT_NE(key, nullptr);
    if (std::strcmp(key, "general.architecture") == 0) saw_arch = true;
  }
  EXPECT_TRUE(saw_arch);
  EXPECT_EQ(hearth_file_metadata_key(file_, n), nullptr);
  EXPECT_EQ(hearth_file_metadata_key(file_, -1), nullptr);
}

TEST_F(FileApiTest, MetadataTypes) {
  hearth_value_type type, element;
  uint64_t length = 0;
  ASSERT_EQ(hearth_file_metadata_type(file_, "qwen2.block_count", &type, &element, &length), HEARTH_OK);
  EXPECT_EQ(type, HEARTH_VALUE_UINT32);
  ASSERT_EQ(hearth_file_metadata_type(file_, "general.name", &type, nullptr, nullptr), HEARTH_OK);
  EXPECT_EQ(type, HEARTH_VALUE_STRING);
  ASSERT_EQ(hearth_file_metadata_type(file_, "qwen2.rope.freq_base", &type, nullptr, nullptr), HEARTH_OK);
  EXPECT_EQ(type, HEARTH_VALUE_FLOAT32);
  ASSERT_EQ(hearth_file_metadata_type(file_, "tokenizer.ggml.tokens", &type, &element, &length), HEARTH_OK);
  EXPECT_EQ(type, HEARTH_VALUE_ARRAY);
  EXPECT_EQ(element, HEARTH_VALUE_STRING);
  EXPECT_EQ(length, 50257u);
  EXPECT_EQ(hearth_file_metadata_type(file_, "no.such.key", &type, nullptr, nullptr), HEARTH_ERROR_NOT_FOUND);
  EXPECT_NE(std::string(hearth_last_error()).find("no.such.key"), std::string::npos);
}

TEST_F(FileApiTest, TypedReads) {
  int64_t i = 0;
  uint64_t u = 0;
  double f = 0;
  const char* s = nullptr;
  size_t n = 0;
  ASSERT_EQ(hearth_file_metadata_get_int(file_, "qwen2.block_count", &i), HEARTH_OK);
  EXPECT_EQ(i, 2);
  ASSERT_EQ(hearth_file_metadata_get_uint(file_, "qwen2.embedding_length", &u), HEARTH_OK);
  EXPECT_EQ(u, 256u);
  ASSERT_EQ(hearth_file_metadata_get_float(file_, "qwen2.rope.freq_base", &f), HEARTH_OK);
  EXPECT_DOUBLE_EQ(f, 1e6);
  ASSERT_EQ(hearth_file_metadata_get_string(file_, "general.architecture", &s, &n), HEARTH_OK);
  EXPECT_STREQ(s, "qwen2");
  EXPECT_EQ(n, 5u);
  ASSERT_EQ(hearth_file_metadata_get_string(file_, "general.name", &s, nullptr), HEARTH_OK);

  // Wrong types.
  EXPECT_EQ(hearth_file_metadata_get_int(file_, "general.name", &i), HEARTH_ERROR_WRONG_TYPE);
  EXPECT_NE(std::string(hearth_last_error()).find("general.name"), std::string::npos);
  EXPECT_EQ(hearth_file_metadata_get_float(file_, "qwen2.block_count", &f), HEARTH_ERROR_WRONG_TYPE);
  EXPECT_EQ(hearth_file_metadata_get_string(file_, "qwen2.block_count", &s, &n), HEARTH_ERROR_WRONG_TYPE);
  int32_t b = 0;
  EXPECT_EQ(hearth_file_metadata_get_bool(file_, "qwen2.block_count", &b), HEARTH_ERROR_WRONG_TYPE);
  EXPECT_EQ(hearth_file_metadata_get_int(file_, "tokenizer.ggml.tokens", &i), HEARTH_ERROR_WRONG_TYPE);
  EXPECT_EQ(hearth_file_metadata_get_int(file_, "missing", &i), HEARTH_ERROR_NOT_FOUND);
}

TEST_F(FileApiTest, ArrayReads) {
  const char* s = nullptr;
  size_t n = 0;
  ASSERT_EQ(hearth_file_metadata_array_get_string(file_, "tokenizer.ggml.tokens", 0, &s, &n), HEARTH_OK);
  EXPECT_STREQ(s, "!");
  EXPECT_EQ(n, 1u);
  ASSERT_EQ(hearth_file_metadata_array_get_string(file_, "tokenizer.ggml.tokens", 50256, &s, &n), HEARTH_OK);
  EXPECT_STREQ(s, "<|endoftext|>");
  int64_t type = 0;
  ASSERT_EQ(hearth_file_metadata_array_get_int(file_, "tokenizer.ggml.token_type", 0, &type), HEARTH_OK);
  EXPECT_EQ(type, 1);
  EXPECT_EQ(hearth_file_metadata_array_get_string(file_, "tokenizer.ggml.tokens", 50257, &s, &n),
            HEARTH_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(hearth_file_metadata_array_get_int(file_, "tokenizer.ggml.tokens", 0, &type), HEARTH_ERROR_WRONG_TYPE);
  double f = 0;
  EXPECT_EQ(hearth_file_metadata_array_get_float(file_, "qwen2.block_count", 0, &f), HEARTH_ERROR_WRONG_TYPE);
}

TEST_F(FileApiTest, ArrayElementsAreCStringsAndTypeChecked) {
  // Every string element is NUL-terminated where it is stored and stays put while the file is open.
  for (uint64_t index : {0u, 1u, 220u, 50256u}) {
    const char* s = nullptr;
    size_t n = 0;
    ASSERT_EQ(hearth_file_metadata_array_get_string(file_, "tokenizer.ggml.tokens", index, &s, &n), HEARTH_OK);
    EXPECT_EQ(std::strlen(s), n) << index;
    const char* again = nullptr;
    ASSERT_EQ(hearth_file_metadata_array_get_string(file_, "tokenizer.ggml.tokens", index, &again, nullptr),
              HEARTH_OK);
    EXPECT_EQ(again, s) << index;
  }
  // Wrong element types name the element type.
  const char* s = nullptr;
  size_t n = 0;
  int64_t i = 0;
  double f = 0;
  EXPECT_EQ(hearth_file_metadata_array_get_string(file_, "tokenizer.ggml.token_type", 0, &s, &n),
            HEARTH_ERROR_WRONG_TYPE);
  EXPECT_NE(std::string(hearth_last_error()).find("int32"), std::string::npos) << hearth_last_error();
  EXPECT_EQ(hearth_file_metadata_array_get_float(file_, "tokenizer.ggml.tokens", 0, &f), HEARTH_ERROR_WRONG_TYPE);
  EXPECT_NE(std::string(hearth_last_error()).find("string"), std::string::npos) << hearth_last_error();
  EXPECT_EQ(hearth_file_metadata_array_get_float(file_, "tokenizer.ggml.token_type", 0, &f),
            HEARTH_ERROR_WRONG_TYPE);
  EXPECT_EQ(hearth_file_metadata_array_get_int(file_, "tokenizer.ggml.merges", 0, &i), HEARTH_ERROR_WRONG_TYPE);
  EXPECT_EQ(hearth_file_metadata_array_get_int(file_, "general.architecture", 0, &i), HEARTH_ERROR_WRONG_TYPE);
  EXPECT_EQ(hearth_file_metadata_array_get_int(file_, "tokenizer.ggml.token_type", 0, nullptr),
            HEARTH_ERROR_INVALID_ARGUMENT);
}

TEST_F(FileApiTest, ToJsonBufferProtocol) {
  size_t length = 0;
  EXPECT_EQ(hearth_file_metadata_to_json(file_, "general.architecture", 0, nullptr, 0, &length),
            HEARTH_ERROR_BUFFER_TOO_SMALL);
  EXPECT_EQ(length, std::strlen("\"qwen2\""));
  std::vector<char> small(length);  // One byte short: no room for the NUL.
  EXPECT_EQ(hearth_file_metadata_to_json(file_, "general.architecture", 0, small.data(), small.size(), &length),
            HEARTH_ERROR_BUFFER_TOO_SMALL);
  EXPECT_EQ(small[0], '\0');
  std::vector<char> buffer(length + 1);
  ASSERT_EQ(hearth_file_metadata_to_json(file_, "general.architecture", 0, buffer.data(), buffer.size(), &length),
            HEARTH_OK);
  EXPECT_STREQ(buffer.data(), "\"qwen2\"");

  char out[256];
  ASSERT_EQ(hearth_file_metadata_to_json(file_, "tokenizer.ggml.tokens", 3, out, sizeof(out), &length), HEARTH_OK);
  EXPECT_STREQ(out, "[\"!\",\"\\\"\",\"#\",\"...\"]");
  ASSERT_EQ(hearth_file_metadata_to_json(file_, "qwen2.block_count", 0, out, sizeof(out), &length), HEARTH_OK);
  EXPECT_STREQ(out, "2");
  EXPECT_EQ(hearth_file_metadata_to_json(file_, "x", 0, out, sizeof(out), &length), HEARTH_ERROR_NOT_FOUND);
  EXPECT_EQ(hearth_file_metadata_to_json(file_, "qwen2.block_count", 0, nullptr, 5, &length),
            HEARTH_ERROR_INVALID_ARGUMENT);
}

TEST_F(FileApiTest, TensorInfo) {
  const int64_t n = hearth_file_tensor_count(file_);
  ASSERT_EQ(n, 26);
  bool saw_embd = false;
  for (int64_t i = 0; i < n; ++i) {
    hearth_tensor_info info;
    info.struct_size = sizeof(info);
    ASSERT_EQ(hearth_file_tensor_info(file_, i, &info), HEARTH_OK) << hearth_last_error();
    EXPECT_GT(info.n_bytes, 0u);
    EXPECT_GE(info.n_dims, 1);
    if (std::strcmp(info.name, "token_embd.weight") == 0) {
      saw_embd = true;
      EXPECT_EQ(info.type, 8u);
      EXPECT_STREQ(info.type_name, "Q8_0");
      EXPECT_EQ(info.n_dims, 2);
      EXPECT_EQ(info.shape[0], 256);
      EXPECT_EQ(info.shape[1], 50257);
      EXPECT_EQ(info.shape[2], 1);
      EXPECT_EQ(info.n_bytes, 256u / 32 * 34 * 50257);
      EXPECT_EQ(info.offset % 32, 0u);
    }
  }
  EXPECT_TRUE(saw_embd);
  hearth_tensor_info info;
  info.struct_size = sizeof(info);
  EXPECT_EQ(hearth_file_tensor_info(file_, n, &info), HEARTH_ERROR_INVALID_ARGUMENT);
  info.struct_size = 8;
  EXPECT_EQ(hearth_file_tensor_info(file_, 0, &info), HEARTH_ERROR_INVALID_ARGUMENT);
  EXPECT_NE(std::string(hearth_last_error()).find("struct_size"), std::string::npos);
  // A caller built against a newer header passes a larger struct: the known prefix is filled.
  struct {
    hearth_tensor_info info;
    uint64_t future_field;
  } larger;
  larger.info.struct_size = sizeof(larger);
  larger.future_field = 77;
  ASSERT_EQ(hearth_file_tensor_info(file_, 0, &larger.info), HEARTH_OK);
  EXPECT_EQ(larger.future_field, 77u);
  EXPECT_EQ(larger.info.struct_size, sizeof(larger));
}

TEST(FileApiErrors, MissingFile) {
  hearth_file* file = reinterpret_cast<hearth_file*>(0x1);
  EXPECT_EQ(hearth_file_open("/nonexistent/dir/model.gguf", &file), HEARTH_ERROR_NOT_FOUND);
  EXPECT_EQ(file, nullptr);
  EXPECT_NE(std::string(hearth_last_error()).find("model.gguf"), std::string::npos);
}

std::string WriteTemp(const std::string& name, const std::string& bytes) {
  const std::string path = ::testing::TempDir() + name;
  FILE* f = std::fopen(path.c_str(), "wb");
  EXPECT_NE(f, nullptr);
  std::fwrite(bytes.data(), 1, bytes.size(), f);
  std::fclose(f);
  return path;
}

TEST(FileApiErrors, MalformedFiles) {
  hearth_file* file = nullptr;
  const std::string cases[] = {
      std::string("NOPE\x03\x00\x00\x00", 8),                                   // Bad magic.
      std::string("GGUF\x03\x00\x00\x00\x01\x00", 10),                           // Truncated header.
      std::string("GGUF\x03\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\xff\xff\xff\xff\xff\xff\xff\x7f", 24),
      std::string(""),                                                           // Empty.
  };
  int i = 0;
  for (const std::string& bytes : cases) {
    const std::string path = WriteTemp("hearth_bad_" + std::to_string(i++) + ".gguf", bytes);
    EXPECT_EQ(hearth_file_open(path.c_str(), &file), HEARTH_ERROR_INVALID_FILE) << "case " << i;
    EXPECT_EQ(file, nullptr);
    EXPECT_STRNE(hearth_last_error(), "");
    std::remove(path.c_str());
  }
}

TEST(FileApiErrors, TruncatedModel) {
  HEARTH_REQUIRE_SHARED_DATA();
  FILE* f = std::fopen(SharedPath("data/models/tiny-llama-Q4_0.gguf").c_str(), "rb");
  ASSERT_NE(f, nullptr);
  std::string bytes(4096, '\0');
  bytes.resize(std::fread(&bytes[0], 1, bytes.size(), f));
  std::fclose(f);
  const std::string path = WriteTemp("hearth_truncated.gguf", bytes);
  hearth_file* file = nullptr;
  EXPECT_EQ(hearth_file_open(path.c_str(), &file), HEARTH_ERROR_INVALID_FILE);
  EXPECT_STRNE(hearth_last_error(), "");
  std::remove(path.c_str());
}

TEST(FileApiShared, EveryModelAndVocab) {
  HEARTH_REQUIRE_SHARED_DATA();
  const char* names[] = {"models/tiny-llama-F16.gguf", "models/tiny-qwen3-Q4_K_M.gguf",
                         "vocab/ggml-vocab-llama-spm.gguf", "vocab/ggml-vocab-bert-bge.gguf",
                         "vocab/ggml-vocab-gpt-2.gguf"};
  for (const char* name : names) {
    hearth_file* file = nullptr;
    ASSERT_EQ(hearth_file_open(SharedPath(std::string("data/") + name).c_str(), &file), HEARTH_OK)
        << name << ": " << hearth_last_error();
    EXPECT_GT(hearth_file_metadata_count(file), 0);
    EXPECT_NE(hearth_file_architecture(file), nullptr);
    for (int64_t i = 0; i < hearth_file_metadata_count(file); ++i) {
      size_t length = 0;
      const hearth_status s =
          hearth_file_metadata_to_json(file, hearth_file_metadata_key(file, i), 4, nullptr, 0, &length);
      EXPECT_EQ(s, HEARTH_ERROR_BUFFER_TOO_SMALL);
      std::vector<char> buffer(length + 1);
      EXPECT_EQ(hearth_file_metadata_to_json(file, hearth_file_metadata_key(file, i), 4, buffer.data(),
                                             buffer.size(), &length),
                HEARTH_OK);
    }
    hearth_file_free(file);
  }
}

}  // namespace
