#include "lib/util/mapped_file.h"

#include <cstdio>
#include <string>

#include "gtest/gtest.h"

namespace hearth {
namespace {

TEST(MappedFileTest, MapsContents) {
  const std::string path = ::testing::TempDir() + "/mapped_file_test.bin";
  FILE* f = std::fopen(path.c_str(), "wb");
  ASSERT_NE(f, nullptr);
  std::fputs("hello", f);
  std::fclose(f);
  auto mapped = MappedFile::Open(path);
  ASSERT_TRUE(mapped.ok()) << mapped.status();
  EXPECT_EQ(std::string(reinterpret_cast<const char*>((*mapped)->data()), (*mapped)->size()), "hello");
}

TEST(MappedFileTest, MissingFileIsNotFound) {
  auto mapped = MappedFile::Open("/nonexistent/hearth/file.gguf");
  EXPECT_EQ(mapped.status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(mapped.status().message().find("/nonexistent/hearth/file.gguf"), std::string::npos);
}

TEST(MappedFileTest, DirectoryIsRejected) {
  auto mapped = MappedFile::Open("/tmp");
  EXPECT_EQ(mapped.status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace hearth
