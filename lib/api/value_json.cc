#include "lib/api/value_json.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace hearth::api {
namespace {

// Length of the valid UTF-8 sequence starting at s[i], or 0 if the bytes there are not one.
size_t Utf8SequenceLength(std::string_view s, size_t i) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = byte(i);
  size_t n;
  uint32_t cp;
  if (c < 0x80) return 1;
  if ((c & 0xE0) == 0xC0) {
    n = 2;
    cp = c & 0x1F;
  } else if ((c & 0xF0) == 0xE0) {
    n = 3;
    cp = c & 0x0F;
  } else if ((c & 0xF8) == 0xF0) {
    n = 4;
    cp = c & 0x07;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (byte(i + k) & 0x3F);
  }
  // Reject overlong forms, surrogates and values past U+10FFFF.
  static constexpr uint32_t kMin[5] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMin[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return n;
}

// Shortest decimal that reads back as the same number (float32 values are tried at float precision).
std::string FormatFloat(double v, bool is_float32) {
  if (!std::isfinite(v)) return "null";
  char buf[40];
  for (int precision = is_float32 ? 6 : 15; precision <= 17; ++precision) {
    std::snprintf(buf, sizeof(buf), "%.*g", precision, v);
    const double back = std::strtod(buf, nullptr);
    if (is_float32 ? static_cast<float>(back) == static_cast<float>(v) : back == v) break;
  }
  std::string s(buf);
  // Keep floats recognizable as floats ("1.0", not "1").
  if (s.find_first_of(".eEn") == std::string::npos) s += ".0";
  return s;
}

}  // namespace

void AppendJsonString(std::string_view text, std::string* out) {
  out->push_back('"');
  for (size_t i = 0; i < text.size();) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == '"' || c == '\\') {
      out->push_back('\\');
      out->push_back(static_cast<char>(c));
      ++i;
    } else if (c < 0x20) {
      switch (c) {
        case '\n': *out += "\\n"; break;
        case '\r': *out += "\\r"; break;
        case '\t': *out += "\\t"; break;
        case '\b': *out += "\\b"; break;
        case '\f': *out += "\\f"; break;
        default: {
          char buf[8];
          std::snprintf(buf, sizeof(buf), "\\u%04x", c);
          *out += buf;
        }
      }
      ++i;
    } else if (c < 0x80) {
      out->push_back(static_cast<char>(c));
      ++i;
    } else {
      const size_t n = Utf8SequenceLength(text, i);
      if (n == 0) {
        *out += "\\ufffd";
        ++i;
      } else {
        out->append(text.substr(i, n));
        i += n;
      }
    }
  }
  out->push_back('"');
}

void AppendJsonValue(const gguf::Value& value, uint64_t max_elements, std::string* out) {
  using gguf::ValueType;
  switch (value.type()) {
    case ValueType::kUint8:
    case ValueType::kUint16:
    case ValueType::kUint32:
    case ValueType::kUint64:
      *out += std::to_string(value.raw_uint());
      return;
    case ValueType::kInt8:
    case ValueType::kInt16:
    case ValueType::kInt32:
    case ValueType::kInt64:
      *out += std::to_string(value.raw_int());
      return;
    case ValueType::kFloat32:
    case ValueType::kFloat64:
      *out += FormatFloat(value.raw_float(), value.type() == ValueType::kFloat32);
      return;
    case ValueType::kBool:
      *out += value.raw_uint() != 0 ? "true" : "false";
      return;
    case ValueType::kString:
      AppendJsonString(value.raw_string(), out);
      return;
    case ValueType::kArray: {
      out->push_back('[');
      size_t shown = value.size();
      if (max_elements != 0 && shown > max_elements) shown = static_cast<size_t>(max_elements);
      for (size_t i = 0; i < shown; ++i) {
        if (i > 0) out->push_back(',');
        // Strings and nested arrays by reference; a scalar element is copied without allocating.
        if (value.elements_boxed()) {
          AppendJsonValue(value.array_element(i), max_elements, out);
        } else if (value.element_type() == ValueType::kString) {
          AppendJsonString(value.string_element(i), out);
        } else {
          AppendJsonValue(value.element(i), max_elements, out);
        }
      }
      if (shown < value.size()) *out += shown > 0 ? ",\"...\"" : "\"...\"";
      out->push_back(']');
      return;
    }
  }
  *out += "null";
}

}  // namespace hearth::api
