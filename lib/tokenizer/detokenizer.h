// Streaming detokenization: token pieces are appended one at a time and only complete UTF-8 is released,
// so a character split across tokens (byte-fallback or byte-level pieces) is never emitted half-way.
#ifndef HEARTH_LIB_TOKENIZER_DETOKENIZER_H_
#define HEARTH_LIB_TOKENIZER_DETOKENIZER_H_

#include <cstdint>
#include <string>

#include "lib/tokenizer/tokenizer.h"

namespace hearth::tokenizer {

class Detokenizer {
 public:
  // `tokenizer` must outlive this object. strip_leading_space removes one leading space from the first
  // non-empty piece (for SentencePiece output that starts a text; see Tokenizer::strips_leading_space()).
  explicit Detokenizer(const Tokenizer* tokenizer, bool render_special = false,
                       bool strip_leading_space = false)
      : tokenizer_(tokenizer), render_special_(render_special), strip_(strip_leading_space) {}

  // Adds the piece of `id` and returns the text that is now complete (possibly empty).
  std::string Append(int32_t id);
  // Returns whatever is held back (an unfinished character at the end of the stream) and resets.
  std::string Flush();
  // Bytes currently held back.
  size_t pending() const { return pending_.size(); }

 private:
  const Tokenizer* tokenizer_;
  bool render_special_;
  bool strip_;
  std::string pending_;
};

}  // namespace hearth::tokenizer

#endif  // HEARTH_LIB_TOKENIZER_DETOKENIZER_H_
