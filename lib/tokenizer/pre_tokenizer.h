// Regex pre-tokenizers of byte-level BPE vocabularies (tokenizer.ggml.pre). Each applies a sequence of
// regexes: every regex splits each current piece into its matches and the gaps between them (both kept),
// seeing only that piece, so `$` and lookaheads stop at the piece's end. Patterns are compiled once with
// PCRE2 (UTF + Unicode properties, JIT when available); Split is safe to call concurrently.
#ifndef HEARTH_LIB_TOKENIZER_PRE_TOKENIZER_H_
#define HEARTH_LIB_TOKENIZER_PRE_TOKENIZER_H_

#include <memory>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace hearth::tokenizer {

class PreTokenizer {
 public:
  // `name` is the tokenizer.ggml.pre value; unknown names are errors.
  static absl::StatusOr<std::unique_ptr<PreTokenizer>> Create(std::string_view name);
  ~PreTokenizer();
  PreTokenizer(const PreTokenizer&) = delete;
  PreTokenizer& operator=(const PreTokenizer&) = delete;

  // Whether a piece that is already a whole vocabulary entry is emitted as is, skipping the merges
  // (Llama 3's tokenizer does this).
  bool ignore_merges() const { return ignore_merges_; }

  // Appends to `pieces` the consecutive, non-empty pieces of `text` (views into it) that cover it.
  void Split(std::string_view text, std::vector<std::string_view>* pieces) const;

  // The names Create accepts, for error messages and tests.
  static std::vector<std::string_view> KnownNames();

 private:
  struct Regex;
  PreTokenizer() = default;

  std::vector<std::unique_ptr<Regex>> regexes_;
  bool ignore_merges_ = false;
};

}  // namespace hearth::tokenizer

#endif  // HEARTH_LIB_TOKENIZER_PRE_TOKENIZER_H_
