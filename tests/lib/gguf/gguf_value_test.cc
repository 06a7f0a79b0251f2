#include "lib/gguf/gguf_value.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "lib/gguf/gguf_file.h"

namespace hearth::gguf {
namespace {

using ::testing::HasSubstr;

std::string Message(const absl::Status& s) { return std::string(s.message()); }

TEST(ValueTest, TypedReads) {
  EXPECT_EQ(*Value::Uint(ValueType::kUint32, 7).AsUint(), 7u);
  EXPECT_EQ(*Value::Uint(ValueType::kUint8, 7).AsInt(), 7);
  EXPECT_EQ(*Value::Int(ValueType::kInt16, -3).AsInt(), -3);
  EXPECT_EQ(*Value::Int(ValueType::kInt64, 5).AsUint(), 5u);
  EXPECT_DOUBLE_EQ(*Value::Float(ValueType::kFloat32, 0.25).AsFloat(), 0.25);
  EXPECT_TRUE(*Value::Bool(true).AsBool());
  EXPECT_EQ(*Value::String("abc").AsString(), "abc");
  EXPECT_TRUE(Value::Int(ValueType::kInt8, 1).is_integer());
  EXPECT_FALSE(Value::Float(ValueType::kFloat64, 1).is_integer());
  EXPECT_TRUE(Value::Float(ValueType::kFloat64, 1).is_float());
}

TEST(ValueTest, WrongTypesAreErrorsNamingBothTypes) {
  auto s = Value::String("x").AsUint();
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(Message(s.status()), HasSubstr("string"));
  EXPECT_THAT(Message(s.status()), HasSubstr("integer"));
  EXPECT_FALSE(Value::Uint(ValueType::kUint32, 1).AsFloat().ok());
  EXPECT_FALSE(Value::Uint(ValueType::kUint8, 1).AsBool().ok());
  EXPECT_FALSE(Value::Bool(true).AsString().ok());
  EXPECT_FALSE(Value::Array(ValueType::kUint8, {}).AsInt().ok());
  auto f = Value::Int(ValueType::kInt32, 1).AsFloat();
  EXPECT_THAT(Message(f.status()), HasSubstr("int32"));
}

TEST(ValueTest, OutOfRangeIntegerConversions) {
  EXPECT_FALSE(Value::Int(ValueType::kInt32, -1).AsUint().ok());
  EXPECT_FALSE(Value::Uint(ValueType::kUint64, UINT64_MAX).AsInt().ok());
  EXPECT_EQ(*Value::Uint(ValueType::kUint64, UINT64_MAX).AsUint(), UINT64_MAX);
}

TEST(ValueTest, ArraysAndDebugString) {
  Value a = Value::Array(ValueType::kString, {Value::String("a"), Value::String("b")});
  EXPECT_EQ(a.type(), ValueType::kArray);
  EXPECT_EQ(a.element_type(), ValueType::kString);
  ASSERT_EQ(a.size(), 2u);
  EXPECT_EQ(*a.element(1).AsString(), "b");
  EXPECT_EQ(a.DebugString(), "string[2] [\"a\", \"b\"]");
  std::vector<Value> many(20, Value::Uint(ValueType::kUint8, 1));
  EXPECT_THAT(Value::Array(ValueType::kUint8, many).DebugString(4), HasSubstr("..."));
  EXPECT_EQ(Value::Bool(false).DebugString(), "false");
  EXPECT_EQ(Value::Int(ValueType::kInt8, -4).DebugString(), "-4");
}

TEST(ValueTest, CompactStringArrays) {
  Value a = Value::Array(ValueType::kString, {Value::String("ab"), Value::String(""), Value::String("c d")});
  EXPECT_FALSE(a.elements_boxed());
  ASSERT_EQ(a.size(), 3u);
  EXPECT_EQ(a.string_element(0), "ab");
  EXPECT_EQ(a.string_element(1), "");
  EXPECT_EQ(a.string_element(2), "c d");
  for (size_t i = 0; i < a.size(); ++i) {
    const std::string_view s = a.string_element(i);
    EXPECT_EQ(s.data()[s.size()], '\0') << i;  // Storage is NUL-terminated: usable as a C string.
    EXPECT_EQ(a.element(i).type(), ValueType::kString);
    EXPECT_EQ(*a.element(i).AsString(), s);
  }
  EXPECT_EQ(a.string_element(0).data() + 3, a.string_element(1).data());  // One buffer.

  Value built = Value::EmptyArray(ValueType::kString);
  built.Reserve(2, 6);
  built.AppendString("xy");
  built.Append(Value::String("z"));
  EXPECT_EQ(built.DebugString(), "string[2] [\"xy\", \"z\"]");
  EXPECT_EQ(Value().size(), 0u);
  EXPECT_EQ(Value::String("scalar").size(), 0u);
}

TEST(ValueTest, CompactScalarArrays) {
  Value ints = Value::Array(ValueType::kInt8, {Value::Int(ValueType::kInt8, -3), Value::Int(ValueType::kInt8, 5)});
  EXPECT_FALSE(ints.elements_boxed());
  ASSERT_EQ(ints.size(), 2u);
  EXPECT_EQ(ints.raw_int_element(0), -3);
  EXPECT_EQ(ints.element(0).type(), ValueType::kInt8);
  EXPECT_EQ(*ints.element(0).AsInt(), -3);
  EXPECT_FALSE(ints.element(0).AsUint().ok());
  EXPECT_EQ(*ints.element(1).AsUint(), 5u);
  Value floats = Value::Array(ValueType::kFloat32, {Value::Float(ValueType::kFloat32, 0.5)});
  EXPECT_DOUBLE_EQ(floats.raw_float_element(0), 0.5);
  EXPECT_DOUBLE_EQ(*floats.element(0).AsFloat(), 0.5);
  Value big = Value::Array(ValueType::kUint64, {Value::Uint(ValueType::kUint64, UINT64_MAX)});
  EXPECT_EQ(big.raw_uint_element(0), UINT64_MAX);
  Value bools = Value::EmptyArray(ValueType::kBool);
  bools.Append(Value::Bool(true));
  EXPECT_TRUE(*bools.element(0).AsBool());
  EXPECT_EQ(bools.DebugString(), "bool[1] [true]");

  // Element types are still checked on every read.
  EXPECT_FALSE(ints.element(0).AsString().ok());
  EXPECT_FALSE(bools.element(0).AsInt().ok());
  EXPECT_THAT(Message(floats.element(0).AsInt().status()), HasSubstr("float32"));
}

TEST(ValueTest, MismatchedAndNestedArraysAreBoxed) {
  Value mixed = Value::Array(ValueType::kUint8, {Value::Uint(ValueType::kUint8, 1), Value::String("x")});
  EXPECT_TRUE(mixed.elements_boxed());
  ASSERT_EQ(mixed.size(), 2u);
  EXPECT_EQ(mixed.array_element(0).type(), ValueType::kUint8);
  EXPECT_EQ(mixed.element(1).type(), ValueType::kString);
  EXPECT_EQ(mixed.DebugString(), "uint8[2] [1, \"x\"]");
  Value nested = Value::Array(ValueType::kArray, {Value::Array(ValueType::kString, {Value::String("s")})});
  EXPECT_TRUE(nested.elements_boxed());
  EXPECT_EQ(nested.array_element(0).string_element(0), "s");
  EXPECT_TRUE(Value::EmptyArray(ValueType::kArray).elements_boxed());
}

TEST(ValueTest, TypeNames) {
  EXPECT_EQ(ValueTypeName(ValueType::kFloat64), "float64");
  EXPECT_EQ(ValueTypeName(ValueType::kArray), "array");
  EXPECT_TRUE(IsValidValueType(12));
  EXPECT_FALSE(IsValidValueType(13));
}

TEST(MetadataTest, AccessorsAndErrors) {
  Metadata m;
  m.Add("u", Value::Uint(ValueType::kUint32, 3));
  m.Add("s", Value::String("text"));
  m.Add("f", Value::Float(ValueType::kFloat32, 1.5));
  m.Add("b", Value::Bool(false));
  m.Add("tokens", Value::Array(ValueType::kString, {Value::String("x"), Value::String("y")}));
  m.Add("ids", Value::Array(ValueType::kUint32, {Value::Uint(ValueType::kUint32, 9)}));
  m.Add("scores", Value::Array(ValueType::kFloat32, {Value::Float(ValueType::kFloat32, -1)}));
  EXPECT_EQ(m.size(), 7u);
  EXPECT_EQ(*m.GetUint("u"), 3u);
  EXPECT_EQ(*m.GetInt("u"), 3);
  EXPECT_EQ(*m.GetString("s"), "text");
  EXPECT_DOUBLE_EQ(*m.GetFloat("f"), 1.5);
  EXPECT_FALSE(*m.GetBool("b"));
  EXPECT_THAT(*m.GetStringArray("tokens"), ::testing::ElementsAre("x", "y"));
  EXPECT_THAT(*m.GetIntArray("ids"), ::testing::ElementsAre(9));
  EXPECT_THAT(*m.GetFloatArray("scores"), ::testing::ElementsAre(-1.0f));
  EXPECT_TRUE(m.Contains("s"));
  EXPECT_EQ(m.Find("missing"), nullptr);

  auto missing = m.GetUint("missing");
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(Message(missing.status()), HasSubstr("'missing'"));
  auto wrong = m.GetUint("s");
  EXPECT_EQ(wrong.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Message(wrong.status()), HasSubstr("'s'"));
  EXPECT_THAT(Message(wrong.status()), HasSubstr("string"));
  EXPECT_FALSE(m.GetStringArray("ids").ok());
  EXPECT_FALSE(m.GetIntArray("tokens").ok());
  EXPECT_FALSE(m.GetFloatArray("ids").ok());
  EXPECT_FALSE(m.GetStringArray("s").ok());
  EXPECT_THAT(Message(m.GetFloatArray("u").status()), HasSubstr("uint32"));
  EXPECT_THAT(Message(m.GetStringArray("ids").status()), HasSubstr("array of uint32, not of string"));
  EXPECT_THAT(Message(m.GetIntArray("scores").status()), HasSubstr("array of float32, not of integers"));

  // An element that does not fit int64 names its index.
  m.Add("big", Value::Array(ValueType::kUint64, {Value::Uint(ValueType::kUint64, 1),
                                                 Value::Uint(ValueType::kUint64, UINT64_MAX)}));
  auto big = m.GetIntArray("big");
  EXPECT_EQ(big.status().code(), absl::StatusCode::kOutOfRange);
  EXPECT_THAT(Message(big.status()), HasSubstr("'big[1]'"));
}

TEST(MetadataTest, SetReplacesInPlace) {
  Metadata m;
  m.Add("a", Value::Uint(ValueType::kUint8, 1));
  m.Add("b", Value::Uint(ValueType::kUint8, 2));
  m.Set("a", Value::String("new"));
  m.Set("c", Value::Bool(true));
  ASSERT_EQ(m.size(), 3u);
  EXPECT_EQ(m.entries()[0].first, "a");
  EXPECT_EQ(*m.GetString("a"), "new");
  EXPECT_EQ(m.entries()[2].first, "c");
}

TEST(ArchitectureTest, KnownNames) {
  for (const char* name :
       {"llama", "qwen2", "qwen3", "qwen35", "falcon", "gpt2", "gptneox", "mpt", "starcoder", "starcoder2",
        "refact", "bert", "phi3", "baichuan", "deepseek2", "gemma3", "command-r"}) {
    EXPECT_TRUE(IsKnownArchitecture(name)) << name;
  }
  EXPECT_FALSE(IsKnownArchitecture("x"));
  EXPECT_FALSE(IsKnownArchitecture(""));
  EXPECT_FALSE(IsKnownArchitecture("LLAMA"));
}

}  // namespace
}  // namespace hearth::gguf
