// Every malformed input is an InvalidArgument error naming the field and offset, never a crash.
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "lib/gguf/gguf_file.h"
#include "tests/lib/gguf/gguf_test_util.h"

namespace hearth::gguf {
namespace {

using ::hearth::gguf::testing::AsBytes;
using ::hearth::gguf::testing::ParseStatus;
using ::hearth::gguf::testing::RawGguf;
using ::hearth::gguf::testing::SmallFileData;
using ::hearth::gguf::testing::SmallValidFile;
using ::testing::AllOf;
using ::testing::HasSubstr;

constexpr uint32_t kF32 = 0;
constexpr uint32_t kQ8_0 = 8;

std::string ErrorOf(const RawGguf& raw) {
  absl::Status s = ParseStatus(raw);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << s;
  return std::string(s.message());
}

// A file with the architecture key and one tensor described by the arguments, followed by `data_bytes`.
RawGguf OneTensor(const std::vector<uint64_t>& dims, uint32_t type, uint64_t offset, size_t data_bytes) {
  RawGguf raw;
  raw.Header(1, 1).Arch().TensorInfo("blk.0.attn_q.weight", dims, type, offset).PadTo(32).Zeros(data_bytes);
  return raw;
}

TEST(GgufMalformedTest, ValidBaselineParses) {
  EXPECT_TRUE(ParseStatus(OneTensor({8}, kF32, 0, 32)).ok());
  RawGguf raw;
  raw.Header(0, 1).Arch();
  EXPECT_TRUE(ParseStatus(raw).ok());
}

TEST(GgufMalformedTest, EveryTruncationFailsCleanly) {
  SmallFileData data;
  const std::string bytes = SmallValidFile(data);
  ASSERT_FALSE(bytes.empty());
  ASSERT_TRUE(ParseStatus(AsBytes(bytes)).ok());
  for (size_t n = 0; n < bytes.size(); ++n) {
    // A fresh heap copy of exactly n bytes, so that ASan catches any read past the end.
    std::vector<uint8_t> prefix(bytes.begin(), bytes.begin() + n);
    absl::Status s = ParseStatus(absl::MakeConstSpan(prefix.data(), n));
    ASSERT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << "truncated to " << n << " bytes: " << s;
    ASSERT_FALSE(s.message().empty());
  }
}

TEST(GgufMalformedTest, TruncationErrorsNameTheOffset) {
  SmallFileData data;
  const std::string bytes = SmallValidFile(data);
  std::vector<uint8_t> prefix(bytes.begin(), bytes.begin() + 30);
  absl::Status s = ParseStatus(absl::MakeConstSpan(prefix));
  EXPECT_THAT(std::string(s.message()), AllOf(HasSubstr("offset 24"), HasSubstr("file size 30")));
  std::vector<uint8_t> no_last_bytes(bytes.begin(), bytes.end() - 1);
  s = ParseStatus(absl::MakeConstSpan(no_last_bytes));
  EXPECT_THAT(std::string(s.message()),
              AllOf(HasSubstr("'output_norm.weight'"), HasSubstr("extends past end of file")));
}

TEST(GgufMalformedTest, BadMagicAndVersions) {
  RawGguf magic;
  magic.U32(0x46554746).U32(3).U64(0).U64(0);
  EXPECT_THAT(ErrorOf(magic), HasSubstr("magic"));
  RawGguf v1;
  v1.Header(0, 1, 1).Arch();
  EXPECT_THAT(ErrorOf(v1), HasSubstr("version 1"));
  RawGguf v4;
  v4.Header(0, 1, 4).Arch();
  EXPECT_THAT(ErrorOf(v4), HasSubstr("unsupported GGUF version 4"));
  RawGguf big_endian;
  big_endian.Header(0, 0, 0x03000000);
  EXPECT_THAT(ErrorOf(big_endian), HasSubstr("big-endian"));
  RawGguf big_endian_v2;
  big_endian_v2.Header(0, 0, 0x02000000);
  EXPECT_THAT(ErrorOf(big_endian_v2), HasSubstr("big-endian"));
}

TEST(GgufMalformedTest, HugeCounts) {
  RawGguf tensors;
  tensors.Header(UINT64_MAX, 1).Arch();
  EXPECT_THAT(ErrorOf(tensors), HasSubstr("tensor count 18446744073709551615"));
  RawGguf kvs;
  kvs.Header(0, uint64_t{1} << 60).Arch();
  EXPECT_THAT(ErrorOf(kvs), AllOf(HasSubstr("metadata kv count"), HasSubstr("offset 24")));
  // A tensor count that fits the whole file but not what the metadata leaves over.
  RawGguf after_kv;
  after_kv.Header(2, 1).Arch().Zeros(40);
  EXPECT_THAT(ErrorOf(after_kv), HasSubstr("tensor count 2"));
}

TEST(GgufMalformedTest, HugeStringAndArrayLengths) {
  RawGguf key;
  key.Header(0, 1).U64(uint64_t{1} << 62).Zeros(16);
  EXPECT_THAT(ErrorOf(key), AllOf(HasSubstr("metadata key 0"), HasSubstr("string length 4611686018427387904"),
                                  HasSubstr("offset 24")));
  RawGguf value;
  value.Header(0, 2).Arch().Str("general.name").U32(8).U64(UINT64_MAX).Zeros(4);
  EXPECT_THAT(ErrorOf(value), AllOf(HasSubstr("'general.name'"), HasSubstr("string length")));
  RawGguf array;
  array.Header(0, 2).Arch().Str("tokenizer.ggml.tokens").U32(9).U32(8).U64(uint64_t{1} << 40).Zeros(64);
  EXPECT_THAT(ErrorOf(array), AllOf(HasSubstr("'tokenizer.ggml.tokens'"), HasSubstr("element count")));
  // Each string element needs 8 bytes: 10 elements do not fit in 64 bytes.
  RawGguf strings;
  strings.Header(0, 2).Arch().Str("k").U32(9).U32(8).U64(10).Zeros(64);
  EXPECT_THAT(ErrorOf(strings), HasSubstr("element count 10"));
  RawGguf tensor_name;
  tensor_name.Header(1, 1).Arch().U64(UINT64_MAX).Zeros(40);
  EXPECT_THAT(ErrorOf(tensor_name), AllOf(HasSubstr("tensor 0 name"), HasSubstr("string length")));
}

TEST(GgufMalformedTest, UnknownValueTypes) {
  RawGguf kv;
  kv.Header(0, 2).Arch().Str("k").U32(13).U32(0);
  EXPECT_THAT(ErrorOf(kv), AllOf(HasSubstr("'k'"), HasSubstr("unknown value type 13")));
  RawGguf element;
  element.Header(0, 2).Arch().Str("k").U32(9).U32(0x7fffffff).U64(1).U32(0);
  EXPECT_THAT(ErrorOf(element), HasSubstr("unknown element type 2147483647"));
}

TEST(GgufMalformedTest, InvalidBool) {
  RawGguf raw;
  raw.Header(0, 2).Arch().Str("flag").U32(7).U8(2);
  EXPECT_THAT(ErrorOf(raw), AllOf(HasSubstr("'flag'"), HasSubstr("not 0 or 1")));
}

TEST(GgufMalformedTest, UnknownTensorTypes) {
  for (uint32_t type : {4u, 5u, 31u, 32u, 33u, 36u, 37u, 38u, 42u, 1000u, 0xffffffffu}) {
    EXPECT_THAT(
        ErrorOf(OneTensor({32}, type, 0, 256)),
        AllOf(HasSubstr("'blk.0.attn_q.weight'"), HasSubstr("unknown tensor type " + std::to_string(type))));
  }
}

TEST(GgufMalformedTest, DataPastTheEnd) {
  EXPECT_THAT(ErrorOf(OneTensor({8}, kF32, 0, 31)),
              AllOf(HasSubstr("tensor 0 'blk.0.attn_q.weight': data [offset"), HasSubstr("+0, 32 bytes)"),
                    HasSubstr("extends past end of file")));
  EXPECT_THAT(ErrorOf(OneTensor({8}, kF32, 32, 32)), HasSubstr("extends past end of file"));
  EXPECT_THAT(ErrorOf(OneTensor({8}, kF32, uint64_t{1} << 63, 32)), HasSubstr("extends past end of file"));
  EXPECT_THAT(ErrorOf(OneTensor({8}, kF32, UINT64_MAX - 31, 32)), HasSubstr("extends past end of file"));
  EXPECT_THAT(ErrorOf(OneTensor({1u << 20, 1u << 20}, kQ8_0, 0, 64)), HasSubstr("extends past end of file"));
}

TEST(GgufMalformedTest, DimensionOverflow) {
  // 2^32 * 2^32 overflows uint64.
  EXPECT_THAT(ErrorOf(OneTensor({uint64_t{1} << 32, uint64_t{1} << 32}, kF32, 0, 32)),
              AllOf(HasSubstr("overflows int64"), HasSubstr("dimension 1")));
  // 2^62 * 2 fits uint64 but not int64.
  EXPECT_THAT(ErrorOf(OneTensor({uint64_t{1} << 62, 2}, kF32, 0, 32)), HasSubstr("overflows int64"));
  // 2^62 F32 elements fit int64 but their bytes overflow uint64.
  EXPECT_THAT(ErrorOf(OneTensor({uint64_t{1} << 62}, kF32, 0, 32)), HasSubstr("byte size overflows"));
  // A dimension above INT64_MAX (negative as int64).
  EXPECT_THAT(ErrorOf(OneTensor({UINT64_MAX}, kF32, 0, 32)), HasSubstr("must be positive"));
}

TEST(GgufMalformedTest, BadDimensionCounts) {
  RawGguf zero;
  zero.Header(1, 1).Arch().TensorInfo("t", {}, kF32, 0).Zeros(64);
  EXPECT_THAT(ErrorOf(zero), AllOf(HasSubstr("'t'"), HasSubstr("n_dims 0")));
  EXPECT_THAT(ErrorOf(OneTensor({1, 1, 1, 1, 8}, kF32, 0, 64)), HasSubstr("n_dims 5"));
  RawGguf huge;
  huge.Header(1, 1).Arch().Str("t").U32(0xffffffff).Zeros(64);
  EXPECT_THAT(ErrorOf(huge), HasSubstr("n_dims 4294967295"));
  // Four dimensions is the maximum and is fine.
  EXPECT_TRUE(ParseStatus(OneTensor({2, 1, 2, 2}, kF32, 0, 32)).ok());
}

TEST(GgufMalformedTest, NonPositiveDimensions) {
  // Zero-sized dimensions are rejected (ggml allows empty tensors, but no model file needs them).
  EXPECT_THAT(ErrorOf(OneTensor({8, 0}, kF32, 0, 32)), AllOf(HasSubstr("dimension 1"), HasSubstr("is 0")));
  EXPECT_THAT(ErrorOf(OneTensor({static_cast<uint64_t>(-8)}, kF32, 0, 32)), HasSubstr("is -8"));
}

TEST(GgufMalformedTest, RowNotAMultipleOfTheBlock) {
  EXPECT_THAT(ErrorOf(OneTensor({16, 2}, kQ8_0, 0, 64)),
              HasSubstr("not a multiple of the Q8_0 block size 32"));
}

TEST(GgufMalformedTest, MisalignedOffset) {
  RawGguf raw;
  raw.Header(2, 1).Arch().TensorInfo("a", {4}, kF32, 0).TensorInfo("b", {4}, kF32, 16).PadTo(32).Zeros(64);
  EXPECT_THAT(ErrorOf(raw), AllOf(HasSubstr("tensor 1 'b'"), HasSubstr("data offset 16"),
                                  HasSubstr("not a multiple of the alignment 32")));
}

TEST(GgufMalformedTest, DuplicateNames) {
  RawGguf tensors;
  tensors.Header(2, 1)
      .Arch()
      .TensorInfo("a", {8}, kF32, 0)
      .TensorInfo("a", {8}, kF32, 32)
      .PadTo(32)
      .Zeros(64);
  EXPECT_THAT(ErrorOf(tensors), AllOf(HasSubstr("tensor 1 'a'"), HasSubstr("duplicate tensor name")));
  RawGguf keys;
  keys.Header(0, 3).Arch().KvU32("x", 1).KvU32("x", 2);
  EXPECT_THAT(ErrorOf(keys), AllOf(HasSubstr("metadata key 2 'x'"), HasSubstr("duplicate key")));
}

TEST(GgufMalformedTest, OverlappingTensors) {
  RawGguf raw;
  raw.Header(2, 1).Arch().TensorInfo("a", {16}, kF32, 0).TensorInfo("b", {8}, kF32, 32).PadTo(32).Zeros(64);
  EXPECT_THAT(ErrorOf(raw), AllOf(HasSubstr("'b'"), HasSubstr("overlaps tensor 0 'a'")));
}

TEST(GgufMalformedTest, BadAlignment) {
  for (uint32_t alignment : {0u, 3u, 48u, 0x80000001u}) {
    RawGguf raw;
    raw.Header(0, 2).Arch().KvU32("general.alignment", alignment);
    EXPECT_THAT(ErrorOf(raw), AllOf(HasSubstr("general.alignment " + std::to_string(alignment)),
                                    HasSubstr("power of two")));
  }
  RawGguf u64;
  u64.Header(0, 2).Arch().Str("general.alignment").U32(10).U64(32);
  EXPECT_THAT(ErrorOf(u64), HasSubstr("general.alignment has type uint64, expected uint32"));
  RawGguf text;
  text.Header(0, 2).Arch().KvString("general.alignment", "32");
  EXPECT_THAT(ErrorOf(text), HasSubstr("general.alignment has type string"));
  // A valid alignment is honored: offset 64 is aligned to 64 but a 32-aligned offset is not.
  RawGguf ok;
  ok.Header(1, 2).Arch().KvU32("general.alignment", 64).TensorInfo("t", {8}, kF32, 64).PadTo(64).Zeros(128);
  EXPECT_TRUE(ParseStatus(ok).ok()) << ParseStatus(ok);
  RawGguf misaligned;
  misaligned.Header(1, 2)
      .Arch()
      .KvU32("general.alignment", 64)
      .TensorInfo("t", {8}, kF32, 32)
      .PadTo(64)
      .Zeros(128);
  EXPECT_THAT(ErrorOf(misaligned), HasSubstr("alignment 64"));
}

TEST(GgufMalformedTest, Architecture) {
  RawGguf missing;
  missing.Header(0, 1).KvString("general.name", "x");
  EXPECT_THAT(ErrorOf(missing), HasSubstr("'general.architecture' is missing"));
  RawGguf wrong_type;
  wrong_type.Header(0, 1).KvU32("general.architecture", 1);
  EXPECT_THAT(ErrorOf(wrong_type), HasSubstr("general.architecture has type uint32, expected string"));
  RawGguf unknown;
  unknown.Header(0, 1).Arch("x");
  EXPECT_THAT(ErrorOf(unknown), HasSubstr("unknown architecture 'x'"));
}

// An array of arrays nested `levels` deep, innermost holding one uint8.
RawGguf Nested(int levels) {
  RawGguf raw;
  raw.Header(0, 2).Arch().Str("deep").U32(9);
  for (int i = 0; i < levels - 1; ++i) raw.U32(9).U64(1);
  raw.U32(0).U64(1).U8(42);
  return raw;
}

TEST(GgufMalformedTest, NestingDepth) {
  auto ok = GgufFile::Parse(absl::MakeConstSpan(Nested(8).bytes()));
  ASSERT_TRUE(ok.ok()) << ok.status();
  const Value* v = (*ok)->metadata().Find("deep");
  for (int i = 0; i < 7; ++i) v = &v->array_element(0);
  EXPECT_EQ(*v->element(0).AsUint(), 42u);
  EXPECT_THAT(ErrorOf(Nested(9)), HasSubstr("nested more than 8 levels"));
  EXPECT_THAT(ErrorOf(Nested(100000)), HasSubstr("nested more than 8 levels"));
}

TEST(GgufMalformedTest, PatchedValidFile) {
  SmallFileData data;
  std::string bytes = SmallValidFile(data);
  auto file = GgufFile::Parse(AsBytes(bytes));
  ASSERT_TRUE(file.ok());
  // Patch the tensor type of the last tensor info (12 bytes before the data padding: type, then offset).
  const std::string name = "output_norm.weight";
  const size_t at = bytes.rfind(name);
  ASSERT_NE(at, std::string::npos);
  const size_t type_at = at + name.size() + 4 + 8;  // n_dims, one dim.
  uint32_t type = 5;
  std::memcpy(&bytes[type_at], &type, 4);
  absl::Status s = ParseStatus(AsBytes(bytes));
  EXPECT_THAT(std::string(s.message()),
              AllOf(HasSubstr("tensor 2 'output_norm.weight'"), HasSubstr("unknown tensor type 5"),
                    HasSubstr("at offset " + std::to_string(type_at))));
}

}  // namespace
}  // namespace hearth::gguf
