#include "lib/tokenizer/unicode_util.h"

#include <array>

namespace hearth::tokenizer {
namespace {

// Sequence length announced by a lead byte; 0 for bytes that cannot start a sequence.
int LeadLength(uint8_t b) {
  if (b < 0x80) return 1;
  if (b >= 0xC2 && b <= 0xDF) return 2;
  if (b >= 0xE0 && b <= 0xEF) return 3;
  if (b >= 0xF0 && b <= 0xF4) return 4;
  return 0;
}

bool IsContinuation(uint8_t b) { return (b & 0xC0) == 0x80; }

struct ByteLevelTables {
  std::array<std::string, 256> byte_to_utf8;
  std::array<int16_t, 512> cp_to_byte;  // Every mapped code point is below 0x144.
};

// GPT-2's bytes_to_unicode(): printable Latin-1 bytes map to themselves, the other 68 bytes to 256+n in
// byte order.
const ByteLevelTables& Tables() {
  static const ByteLevelTables* tables = [] {
    auto* t = new ByteLevelTables();
    t->cp_to_byte.fill(-1);
    int n = 0;
    for (int b = 0; b < 256; ++b) {
      const bool printable = (b >= 0x21 && b <= 0x7E) || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
      const uint32_t cp = printable ? static_cast<uint32_t>(b) : static_cast<uint32_t>(256 + n++);
      AppendUtf8(cp, &t->byte_to_utf8[b]);
      t->cp_to_byte[cp] = static_cast<int16_t>(b);
    }
    return t;
  }();
  return *tables;
}

}  // namespace

size_t Utf8CharLen(std::string_view s, size_t pos) {
  const int len = LeadLength(static_cast<uint8_t>(s[pos]));
  if (len <= 1 || pos + len > s.size()) return 1;
  for (int i = 1; i < len; ++i) {
    if (!IsContinuation(static_cast<uint8_t>(s[pos + i]))) return 1;
  }
  return static_cast<size_t>(len);
}

void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

size_t CompleteUtf8Prefix(std::string_view s) {
  const size_t n = s.size();
  // Only the last three bytes can belong to an unfinished character.
  for (size_t back = 1; back <= 3 && back <= n; ++back) {
    const uint8_t b = static_cast<uint8_t>(s[n - back]);
    if (IsContinuation(b)) continue;
    const int len = LeadLength(b);
    if (len > 1 && static_cast<size_t>(len) > back) {
      // The continuation bytes seen so far must be genuine for the character to still be completable.
      return n - back;
    }
    return n;
  }
  return n;
}

std::string_view ByteToUnicode(uint8_t b) { return Tables().byte_to_utf8[b]; }

void AppendByteLevel(std::string_view bytes, std::string* out) {
  const auto& table = Tables().byte_to_utf8;
  for (char c : bytes) out->append(table[static_cast<uint8_t>(c)]);
}

void AppendFromByteLevel(std::string_view text, std::string* out) {
  const auto& cp_to_byte = Tables().cp_to_byte;
  size_t pos = 0;
  while (pos < text.size()) {
    const size_t len = Utf8CharLen(text, pos);
    uint32_t cp = 0x110000;  // Not in the map.
    const uint8_t b0 = static_cast<uint8_t>(text[pos]);
    if (len == 1 && b0 < 0x80) {
      cp = b0;
    } else if (len == 2) {
      cp = ((b0 & 0x1Fu) << 6) | (static_cast<uint8_t>(text[pos + 1]) & 0x3Fu);
    }
    if (cp < cp_to_byte.size() && cp_to_byte[cp] >= 0) {
      out->push_back(static_cast<char>(cp_to_byte[cp]));
    } else {
      out->append(text.substr(pos, len));
    }
    pos += len;
  }
}

}  // namespace hearth::tokenizer
