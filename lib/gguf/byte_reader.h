// A bounds-checked little-endian reader over a byte span that tracks its offset, so that every error can
// name the byte position where the input went wrong.
#ifndef HEARTH_LIB_GGUF_BYTE_READER_H_
#define HEARTH_LIB_GGUF_BYTE_READER_H_

#include <cstdint>
#include <cstring>
#include <string_view>
#include <type_traits>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/types/span.h"

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "hearth's GGUF reader assumes a little-endian host"
#endif

namespace hearth::gguf {

class ByteReader {
 public:
  explicit ByteReader(absl::Span<const uint8_t> bytes) : bytes_(bytes) {}

  uint64_t offset() const { return offset_; }
  uint64_t size() const { return bytes_.size(); }
  uint64_t remaining() const { return bytes_.size() - offset_; }

  // Reads a little-endian scalar (integers, float, double).
  template <typename T>
  absl::StatusOr<T> Read() {
    static_assert(std::is_arithmetic_v<T>);
    if (remaining() < sizeof(T)) return Truncated(sizeof(T));
    T value;
    std::memcpy(&value, bytes_.data() + offset_, sizeof(T));
    offset_ += sizeof(T);
    return value;
  }

  // A GGUF string: uint64 byte length, then that many bytes (no terminator). The view points into the input.
  absl::StatusOr<std::string_view> ReadString() {
    const uint64_t start = offset_;
    auto length = Read<uint64_t>();
    if (!length.ok()) return length.status();
    if (*length > remaining()) {
      offset_ = start;
      return absl::InvalidArgumentError(absl::StrCat("string length ", *length, " at offset ", start,
                                                     " exceeds the ", remaining(),
                                                     " bytes remaining (file size ", size(), ")"));
    }
    std::string_view s(reinterpret_cast<const char*>(bytes_.data() + offset_), *length);
    offset_ += *length;
    return s;
  }

  // Checks, before anything is reserved or looped over, that `count` items of at least `min_item_bytes`
  // each can fit in what remains; a huge count in a small file is an error, not an allocation.
  absl::Status CheckCount(uint64_t count, uint64_t min_item_bytes, std::string_view what) const {
    if (min_item_bytes != 0 && count > remaining() / min_item_bytes) {
      return absl::InvalidArgumentError(absl::StrCat(absl::string_view(what.data(), what.size()), " ", count,
                                                     " (before offset ", offset_, ") needs at least ",
                                                     min_item_bytes, " bytes each, but only ", remaining(),
                                                     " bytes remain (file size ", size(), ")"));
    }
    return absl::OkStatus();
  }

 private:
  absl::Status Truncated(size_t need) const {
    return absl::InvalidArgumentError(absl::StrCat("unexpected end of file at offset ", offset_, ": need ",
                                                   need, " bytes, ", remaining(), " remain (file size ",
                                                   size(), ")"));
  }

  absl::Span<const uint8_t> bytes_;
  uint64_t offset_ = 0;
};

}  // namespace hearth::gguf

#endif  // HEARTH_LIB_GGUF_BYTE_READER_H_
