// Reading valid files built by the writer, and writer round trips.
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "lib/gguf/gguf_file.h"
#include "lib/gguf/gguf_writer.h"
#include "tests/lib/gguf/gguf_test_util.h"

namespace hearth::gguf {
namespace {

using ::hearth::gguf::testing::AsBytes;
using ::hearth::gguf::testing::SmallFileData;
using ::hearth::gguf::testing::SmallValidFile;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(GgufReaderTest, ReadsEveryValueType) {
  SmallFileData data;
  const std::string bytes = SmallValidFile(data);
  ASSERT_FALSE(bytes.empty());
  auto file = GgufFile::Parse(AsBytes(bytes));
  ASSERT_TRUE(file.ok()) << file.status();
  const GgufFile& f = **file;
  EXPECT_EQ(f.version(), 3u);
  EXPECT_EQ(f.alignment(), kDefaultAlignment);
  EXPECT_EQ(f.architecture(), "llama");
  EXPECT_EQ(f.file_size(), bytes.size());
  const Metadata& m = f.metadata();
  EXPECT_EQ(m.entries()[0].first, "general.architecture");
  EXPECT_EQ(*m.GetString("general.name"), "tiny test");
  EXPECT_EQ(m.Find("test.u8")->type(), ValueType::kUint8);
  EXPECT_EQ(*m.GetUint("test.u8"), 200u);
  EXPECT_EQ(*m.GetInt("test.i8"), -100);
  EXPECT_EQ(*m.GetUint("test.u16"), 60000u);
  EXPECT_EQ(*m.GetInt("test.i16"), -30000);
  EXPECT_EQ(*m.GetUint("test.u32"), 4000000000u);
  EXPECT_EQ(*m.GetInt("test.i32"), -2000000000);
  EXPECT_EQ(*m.GetUint("test.u64"), 18000000000000000000ull);
  EXPECT_EQ(*m.GetInt("test.i64"), -9000000000000000000ll);
  EXPECT_EQ(m.Find("test.f32")->type(), ValueType::kFloat32);
  EXPECT_DOUBLE_EQ(*m.GetFloat("test.f32"), 0.5);
  EXPECT_DOUBLE_EQ(*m.GetFloat("test.f64"), -1.25e300);
  EXPECT_TRUE(*m.GetBool("test.bool"));
  EXPECT_THAT(*m.GetStringArray("test.strings"), ElementsAre("a", "", "hello world"));
  EXPECT_THAT(*m.GetIntArray("test.ints"), ElementsAre(1, -2));
  EXPECT_THAT(*m.GetFloatArray("test.floats"), ElementsAre(1.5f, -3.0f));
  const Value* nested = m.Find("test.nested");
  ASSERT_NE(nested, nullptr);
  EXPECT_EQ(nested->element_type(), ValueType::kArray);
  ASSERT_EQ(nested->size(), 3u);
  EXPECT_EQ(nested->array_element(0).element_type(), ValueType::kUint8);
  EXPECT_EQ(*nested->array_element(0).element(0).AsUint(), 7u);
  EXPECT_EQ(*nested->array_element(1).element(0).AsString(), "x");
  EXPECT_EQ(nested->array_element(1).string_element(0), "x");
  EXPECT_EQ(nested->array_element(2).element_type(), ValueType::kBool);
  EXPECT_EQ(nested->array_element(2).size(), 0u);
  EXPECT_EQ(m.Find("test.empty")->size(), 0u);
}

TEST(GgufReaderTest, ArraysAreParsedCompactly) {
  SmallFileData data;
  const std::string bytes = SmallValidFile(data);
  auto file = GgufFile::Parse(AsBytes(bytes));
  ASSERT_TRUE(file.ok()) << file.status();
  const Metadata& m = (*file)->metadata();
  const Value* strings = m.Find("test.strings");
  ASSERT_NE(strings, nullptr);
  EXPECT_FALSE(strings->elements_boxed());
  ASSERT_EQ(strings->size(), 3u);
  for (size_t i = 0; i < strings->size(); ++i) {
    const std::string_view s = strings->string_element(i);
    EXPECT_EQ(s.data()[s.size()], '\0') << i;
    EXPECT_EQ(std::strlen(s.data()), s.size()) << i;
  }
  EXPECT_EQ(strings->string_element(2), "hello world");
  const Value* ints = m.Find("test.ints");
  ASSERT_NE(ints, nullptr);
  EXPECT_FALSE(ints->elements_boxed());
  EXPECT_EQ(ints->raw_int_element(1), -2);
  EXPECT_EQ(ints->element(1).type(), ValueType::kInt32);
  EXPECT_DOUBLE_EQ(m.Find("test.floats")->raw_float_element(1), -3.0);
  EXPECT_TRUE(m.Find("test.nested")->elements_boxed());
}

TEST(GgufReaderTest, TensorsPointIntoTheBuffer) {
  SmallFileData data;
  const std::string bytes = SmallValidFile(data);
  auto file = GgufFile::Parse(AsBytes(bytes));
  ASSERT_TRUE(file.ok()) << file.status();
  const GgufFile& f = **file;
  ASSERT_EQ(f.tensors().size(), 3u);
  EXPECT_EQ(f.data_offset() % f.alignment(), 0u);
  const auto* base = reinterpret_cast<const uint8_t*>(bytes.data());
  for (const TensorInfo& t : f.tensors()) {
    EXPECT_EQ(t.offset % f.alignment(), 0u) << t.name;
    EXPECT_EQ(t.data, base + f.data_offset() + t.offset) << t.name;
    EXPECT_EQ(f.FindTensor(t.name), &t);
  }
  const TensorInfo* q = f.FindTensor("blk.0.attn_q.weight");
  ASSERT_NE(q, nullptr);
  EXPECT_EQ(q->type, GgmlType::kQ8_0);
  EXPECT_THAT(q->shape, ElementsAre(64, 3));
  EXPECT_EQ(q->n_elements, 192u);
  EXPECT_EQ(q->row_elems(), 64);
  EXPECT_EQ(q->rows(), 3);
  EXPECT_EQ(q->row_bytes(), 68u);
  EXPECT_EQ(q->n_bytes, data.q8_mat.size());
  EXPECT_EQ(std::vector<uint8_t>(q->data, q->data + q->n_bytes), data.q8_mat);
  const TensorInfo* h = f.FindTensor("blk.0.ffn.weight");
  ASSERT_NE(h, nullptr);
  EXPECT_EQ(h->rows(), 6);
  EXPECT_EQ(h->n_bytes, 48u);
  EXPECT_EQ(std::vector<uint8_t>(h->data, h->data + h->n_bytes), data.f16_mat);
  const TensorInfo* v = f.FindTensor("output_norm.weight");
  ASSERT_NE(v, nullptr);
  EXPECT_EQ(v->rows(), 1);
  EXPECT_EQ(std::vector<uint8_t>(v->data, v->data + v->n_bytes), data.f32_vec);
  EXPECT_EQ(v->data + v->n_bytes, base + bytes.size());  // The last tensor ends the file.
  EXPECT_EQ(f.FindTensor("nope"), nullptr);
}

TEST(GgufReaderTest, RoundTripIsAFixedPoint) {
  for (uint32_t version : {2u, 3u}) {
    SmallFileData data;
    const std::string bytes = SmallValidFile(data, version);
    auto file = GgufFile::Parse(AsBytes(bytes));
    ASSERT_TRUE(file.ok()) << file.status();
    EXPECT_EQ((*file)->version(), version);
    auto writer = GgufWriter::FromFile(**file);
    ASSERT_TRUE(writer.ok()) << writer.status();
    auto again = writer->Serialize();
    ASSERT_TRUE(again.ok()) << again.status();
    EXPECT_EQ(*again, bytes);
  }
}

TEST(GgufReaderTest, CustomAlignment) {
  std::vector<uint8_t> a(12, 1), b(8, 2);
  GgufWriter w;
  w.SetValue("general.architecture", Value::String("qwen3"));
  w.SetValue("general.alignment", Value::Uint(ValueType::kUint32, 256));
  ASSERT_TRUE(w.AddTensor("a", GgmlType::kF32, {3}, a).ok());
  ASSERT_TRUE(w.AddTensor("b", GgmlType::kI8, {8}, b).ok());
  auto bytes = w.Serialize();
  ASSERT_TRUE(bytes.ok()) << bytes.status();
  auto file = GgufFile::Parse(AsBytes(*bytes));
  ASSERT_TRUE(file.ok()) << file.status();
  EXPECT_EQ((*file)->alignment(), 256u);
  EXPECT_EQ((*file)->data_offset() % 256, 0u);
  EXPECT_EQ((*file)->FindTensor("b")->offset, 256u);
  EXPECT_EQ((*file)->FindTensor("b")->data[0], 2);
  EXPECT_EQ(bytes->size(), (*file)->data_offset() + 512);
}

TEST(GgufReaderTest, FileWithoutTensorsEndsAfterHeader) {
  GgufWriter w;
  w.SetValue("general.architecture", Value::String("bert"));
  auto bytes = w.Serialize();
  ASSERT_TRUE(bytes.ok());
  // magic, version, counts, then one string kv: 8 + len + 4 + 8 + len.
  EXPECT_EQ(bytes->size(), 24u + 8 + 20 + 4 + 8 + 4);
  auto file = GgufFile::Parse(AsBytes(*bytes));
  ASSERT_TRUE(file.ok()) << file.status();
  EXPECT_TRUE((*file)->tensors().empty());
  EXPECT_EQ((*file)->architecture(), "bert");
}

TEST(GgufReaderTest, WriteFileThenOpen) {
  SmallFileData data;
  const std::string bytes = SmallValidFile(data);
  auto parsed = GgufFile::Parse(AsBytes(bytes));
  ASSERT_TRUE(parsed.ok());
  auto writer = GgufWriter::FromFile(**parsed);
  ASSERT_TRUE(writer.ok());
  const std::string path = ::testing::TempDir() + "/gguf_reader_test.gguf";
  ASSERT_TRUE(writer->WriteFile(path).ok());
  auto file = GgufFile::Open(path);
  ASSERT_TRUE(file.ok()) << file.status();
  EXPECT_EQ((*file)->path(), path);
  EXPECT_EQ((*file)->bytes().size(), bytes.size());
  EXPECT_EQ(std::string(reinterpret_cast<const char*>((*file)->bytes().data()), bytes.size()), bytes);
  const TensorInfo* t = (*file)->FindTensor("output_norm.weight");
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t->data, (*file)->bytes().data() + (*file)->data_offset() + t->offset);
  std::remove(path.c_str());
}

TEST(GgufReaderTest, OpenErrorsNameThePath) {
  auto missing = GgufFile::Open("/nonexistent/model.gguf");
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  const std::string path = ::testing::TempDir() + "/gguf_reader_test_bad.gguf";
  FILE* f = std::fopen(path.c_str(), "wb");
  ASSERT_NE(f, nullptr);
  std::fputs("not a gguf file at all", f);
  std::fclose(f);
  auto bad = GgufFile::Open(path);
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(std::string(bad.status().message()), HasSubstr(path));
  EXPECT_THAT(std::string(bad.status().message()), HasSubstr("magic"));
  std::remove(path.c_str());
}

TEST(GgufWriterTest, RejectsInvalidTensors) {
  std::vector<uint8_t> buf(64);
  GgufWriter w;
  EXPECT_FALSE(w.AddTensor("t", GgmlType::kF32, {}, {}).ok());
  EXPECT_FALSE(w.AddTensor("t", GgmlType::kF32, {1, 1, 1, 1, 1}, absl::MakeConstSpan(buf).first(4)).ok());
  EXPECT_FALSE(w.AddTensor("t", GgmlType::kF32, {0}, {}).ok());
  EXPECT_FALSE(w.AddTensor("t", GgmlType::kF32, {-2}, {}).ok());
  EXPECT_FALSE(w.AddTensor("t", GgmlType::kQ8_0, {16}, absl::MakeConstSpan(buf).first(17)).ok());
  EXPECT_FALSE(w.AddTensor("t", GgmlType::kF32, {4}, absl::MakeConstSpan(buf).first(15)).ok());
  EXPECT_FALSE(w.AddTensor("t", static_cast<GgmlType>(4), {4}, absl::MakeConstSpan(buf).first(16)).ok());
  EXPECT_FALSE(w.AddTensor("t", GgmlType::kF32, {INT64_MAX, 4}, buf).ok());
  EXPECT_FALSE(w.AddTensor("t", GgmlType::kF32, {int64_t{1} << 62}, buf).ok());  // Bytes overflow.
  ASSERT_TRUE(w.AddTensor("t", GgmlType::kF32, {4}, absl::MakeConstSpan(buf).first(16)).ok());
  EXPECT_EQ(w.AddTensor("t", GgmlType::kF32, {4}, absl::MakeConstSpan(buf).first(16)).code(),
            absl::StatusCode::kAlreadyExists);
}

TEST(GgufWriterTest, RejectsInvalidMetadata) {
  GgufWriter bad_alignment;
  bad_alignment.SetValue("general.alignment", Value::Uint(ValueType::kUint32, 24));
  EXPECT_FALSE(bad_alignment.Serialize().ok());
  GgufWriter alignment_type;
  alignment_type.SetValue("general.alignment", Value::Uint(ValueType::kUint64, 32));
  EXPECT_FALSE(alignment_type.Serialize().ok());
  GgufWriter mixed;
  mixed.SetValue("k", Value::Array(ValueType::kUint8, {Value::String("x")}));
  auto s = mixed.Serialize();
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(std::string(s.status().message()), HasSubstr("'k'"));
  GgufWriter range;
  range.SetValue("k", Value::Uint(ValueType::kUint8, 256));
  EXPECT_FALSE(range.Serialize().ok());
  GgufWriter version(1);
  EXPECT_FALSE(version.Serialize().ok());
  EXPECT_FALSE(GgufWriter().WriteFile("/nonexistent/dir/x.gguf").ok());
}

TEST(GgufWriterTest, SetValueReplaces) {
  GgufWriter w(2);
  w.SetValue("general.architecture", Value::String("gpt2"));
  w.SetValue("general.name", Value::String("a"));
  w.SetValue("general.architecture", Value::String("llama"));
  auto bytes = w.Serialize();
  ASSERT_TRUE(bytes.ok());
  auto file = GgufFile::Parse(AsBytes(*bytes));
  ASSERT_TRUE(file.ok()) << file.status();
  EXPECT_EQ((*file)->version(), 2u);
  EXPECT_EQ((*file)->architecture(), "llama");
  EXPECT_EQ((*file)->metadata().size(), 2u);
  EXPECT_EQ((*file)->metadata().entries()[0].first, "general.architecture");
}

}  // namespace
}  // namespace hearth::gguf
