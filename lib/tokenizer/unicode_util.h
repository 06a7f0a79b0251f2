// UTF-8 helpers and the GPT-2 byte<->unicode map used by byte-level BPE vocabularies.
#ifndef HEARTH_LIB_TOKENIZER_UNICODE_UTIL_H_
#define HEARTH_LIB_TOKENIZER_UNICODE_UTIL_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace hearth::tokenizer {

// Length in bytes of the UTF-8 character starting at s[pos]. Invalid or truncated sequences count as one
// byte, so that splitting any byte string into "characters" is total and lossless.
size_t Utf8CharLen(std::string_view s, size_t pos);

// Appends the UTF-8 encoding of `cp` (which must be <= 0x10FFFF).
void AppendUtf8(uint32_t cp, std::string* out);

// Length of the longest prefix of `s` that does not end inside an incomplete multi-byte character. Bytes
// that can never become valid (stray continuation bytes) are not held back.
size_t CompleteUtf8Prefix(std::string_view s);

// Byte-level BPE (GPT-2): every byte is spelled as one printable code point; vocab entries are written in
// that alphabet. ByteToUnicode(b) is the UTF-8 spelling of byte b.
std::string_view ByteToUnicode(uint8_t b);
// Appends the byte-level spelling of every byte of `bytes` to `out`.
void AppendByteLevel(std::string_view bytes, std::string* out);
// Reverses the map: appends the raw bytes that the byte-level spelling `text` stands for. Code points
// outside the map (vocabularies with non-byte-level entries) are copied through unchanged.
void AppendFromByteLevel(std::string_view text, std::string* out);

}  // namespace hearth::tokenizer

#endif  // HEARTH_LIB_TOKENIZER_UNICODE_UTIL_H_
