// libFuzzer target: parses arbitrary bytes as GGUF. Accepted files are fully inspected (every metadata
// accessor, every tensor byte) and must survive a writer round trip: re-serializing must produce a file
// that parses again and is a fixed point of FromFile + Serialize.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "absl/types/span.h"
#include "lib/gguf/gguf_file.h"
#include "lib/gguf/gguf_writer.h"

namespace {

using hearth::gguf::GgufFile;
using hearth::gguf::GgufWriter;
using hearth::gguf::Metadata;
using hearth::gguf::TensorInfo;
using hearth::gguf::Value;

volatile uint64_t g_sink;

void Touch(const Value& v) {
  uint64_t h = v.DebugString(4).size();
  if (auto u = v.AsUint(); u.ok()) h += *u;
  if (auto i = v.AsInt(); i.ok()) h += static_cast<uint64_t>(*i);
  if (auto f = v.AsFloat(); f.ok()) h += static_cast<uint64_t>(*f != 0);
  if (auto b = v.AsBool(); b.ok()) h += *b;
  if (auto s = v.AsString(); s.ok()) h += s->size();
  for (size_t i = 0; i < v.size(); ++i) {
    if (v.elements_boxed()) {
      Touch(v.array_element(i));
      continue;
    }
    if (v.element_type() == hearth::gguf::ValueType::kString) {
      const std::string_view s = v.string_element(i);
      if (s.data()[s.size()] != '\0') __builtin_trap();  // The C API hands these out as C strings.
      h += s.size();
    } else {
      h += v.raw_uint_element(i);
    }
    Touch(v.element(i));
  }
  g_sink = g_sink + h;
}

void TouchMetadata(const Metadata& m) {
  for (const auto& [key, value] : m.entries()) {
    if (m.Find(key) != &value) __builtin_trap();
    Touch(value);
    uint64_t h = 0;
    if (auto a = m.GetStringArray(key); a.ok()) h += a->size();
    if (auto a = m.GetIntArray(key); a.ok()) h += a->size();
    if (auto a = m.GetFloatArray(key); a.ok()) h += a->size();
    if (auto s = m.GetString(key); s.ok()) h += s->size();
    h += m.GetUint(key).ok() + m.GetInt(key).ok() + m.GetFloat(key).ok() + m.GetBool(key).ok();
    g_sink = g_sink + h;
  }
}

void TouchTensors(const GgufFile& f) {
  const uint8_t* begin = f.bytes().data();
  const uint8_t* end = begin + f.bytes().size();
  for (const TensorInfo& t : f.tensors()) {
    if (f.FindTensor(t.name) != &t) __builtin_trap();
    if (t.data < begin || t.n_bytes > static_cast<uint64_t>(end - t.data)) __builtin_trap();
    if (t.row_bytes() * static_cast<uint64_t>(t.rows()) != t.n_bytes) __builtin_trap();
    uint64_t h = 0;
    for (uint64_t i = 0; i < t.n_bytes; ++i) h += t.data[i];  // ASan checks every byte is readable.
    g_sink = g_sink + h;
  }
}

absl::Span<const uint8_t> AsBytes(const std::string& s) {
  return absl::MakeConstSpan(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto file = GgufFile::Parse(absl::MakeConstSpan(data, size));
  if (!file.ok()) {
    if (file.status().message().empty()) __builtin_trap();  // Every error must say what went wrong.
    return 0;
  }
  const GgufFile& f = **file;
  TouchMetadata(f.metadata());
  TouchTensors(f);

  auto writer = GgufWriter::FromFile(f);
  if (!writer.ok()) __builtin_trap();
  auto first = writer->Serialize();
  if (!first.ok()) __builtin_trap();
  auto reparsed = GgufFile::Parse(AsBytes(*first));
  if (!reparsed.ok()) __builtin_trap();
  auto writer2 = GgufWriter::FromFile(**reparsed);
  if (!writer2.ok()) __builtin_trap();
  auto second = writer2->Serialize();
  if (!second.ok() || *second != *first) __builtin_trap();
  return 0;
}
