// Text <-> token ids for a GGUF model's vocabulary: byte-level BPE (tokenizer.ggml.model "gpt2") with the
// pre-tokenizer named by tokenizer.ggml.pre, or SentencePiece BPE ("llama") with byte fallback.
// Immutable after Create; all methods are safe to call concurrently.
#ifndef HEARTH_LIB_TOKENIZER_TOKENIZER_H_
#define HEARTH_LIB_TOKENIZER_TOKENIZER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "lib/gguf/gguf_file.h"
#include "lib/tokenizer/pre_tokenizer.h"
#include "lib/tokenizer/vocab.h"

namespace hearth::tokenizer {

class Tokenizer {
 public:
  static absl::StatusOr<std::unique_ptr<Tokenizer>> Create(const gguf::Metadata& metadata);
  static absl::StatusOr<std::unique_ptr<Tokenizer>> Create(std::unique_ptr<Vocab> vocab);

  // add_special: prepend BOS / append EOS as the vocabulary asks (tokenizer.ggml.add_bos_token /
  // add_eos_token). parse_special: control (and unknown) token texts in `text` become their ids; when
  // false they are plain text. User-defined tokens are always matched, as in the reference tokenizer.
  std::vector<int32_t> Encode(std::string_view text, bool add_special, bool parse_special) const;

  // The bytes token `id` stands for (possibly an incomplete UTF-8 sequence). Control tokens give "" unless
  // render_special. Ids outside the vocabulary give "".
  std::string TokenToPiece(int32_t id, bool render_special) const;
  // Concatenated pieces; for SentencePiece vocabularies with add_space_prefix, the space that encoding
  // prepends is removed from the first non-empty piece.
  std::string Decode(absl::Span<const int32_t> ids, bool render_special) const;
  // Whether Decode removes the leading space of the first piece.
  bool strips_leading_space() const {
    return vocab_->model() == VocabModel::kSpm && vocab_->add_space_prefix();
  }

  int32_t n_vocab() const { return vocab_->size(); }
  int32_t bos() const { return vocab_->bos(); }
  int32_t eos() const { return vocab_->eos(); }
  int32_t eot() const { return vocab_->eot(); }
  bool add_bos() const { return vocab_->add_bos(); }
  bool add_eos() const { return vocab_->add_eos(); }
  bool IsEndOfGeneration(int32_t id) const { return vocab_->IsEndOfGeneration(id); }
  bool IsControl(int32_t id) const { return vocab_->IsValid(id) && vocab_->type(id) == TokenType::kControl; }
  const Vocab& vocab() const { return *vocab_; }

 private:
  // A stretch of input: either a token matched verbatim or a range of raw text.
  struct Fragment {
    int32_t token;  // -1 for raw text.
    size_t offset;
    size_t length;
  };

  Tokenizer() = default;
  std::vector<Fragment> Partition(std::string_view text, bool parse_special) const;
  void EncodeRaw(std::string_view text, bool after_special, std::vector<int32_t>* out) const;

  std::unique_ptr<Vocab> vocab_;
  std::unique_ptr<PreTokenizer> pre_;  // BPE only.
};

}  // namespace hearth::tokenizer

#endif  // HEARTH_LIB_TOKENIZER_TOKENIZER_H_
