// A tokenizer vocabulary as stored in GGUF metadata (tokenizer.ggml.*): token texts, scores and types,
// BPE merges, special token ids and the add-BOS/EOS/space-prefix flags.
#ifndef HEARTH_LIB_TOKENIZER_VOCAB_H_
#define HEARTH_LIB_TOKENIZER_VOCAB_H_

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "lib/gguf/gguf_file.h"

namespace hearth::tokenizer {

// Values of tokenizer.ggml.token_type.
enum class TokenType : int32_t {
  kUndefined = 0,
  kNormal = 1,
  kUnknown = 2,
  kControl = 3,
  kUserDefined = 4,
  kUnused = 5,
  kByte = 6,
};

enum class VocabModel {
  kSpm,  // tokenizer.ggml.model "llama": SentencePiece BPE over "▁"-escaped text with byte fallback.
  kBpe,  // tokenizer.ggml.model "gpt2": byte-level BPE after a regex pre-tokenizer.
};

// Everything a Vocab is built from; tests may fill it by hand (FromMetadata reads GGUF directly). The token
// and merge texts are copied into the Vocab's compact tables.
struct VocabData {
  VocabModel model = VocabModel::kBpe;
  std::string pre = "default";  // tokenizer.ggml.pre (BPE only).
  std::vector<std::string> tokens;
  std::vector<float> scores;        // Empty means all zero.
  std::vector<TokenType> types;     // Empty means all normal.
  std::vector<std::string> merges;  // "left right", in rank order (BPE only).
  int32_t bos = -1, eos = -1, eot = -1, eom = -1, unk = -1, pad = -1;
  bool add_bos = false;
  bool add_eos = false;
  bool add_space_prefix = false;
};

// Strings back to back in one buffer with their end offsets: 4 bytes per string instead of a 32-byte
// std::string (plus its heap block when long). Vocabularies hold ~150k tokens and as many merges.
class StringTable {
 public:
  // Fails if the strings do not fit 32-bit offsets; `what` names the array in the error.
  absl::Status Assign(absl::Span<const std::string_view> strings, std::string_view what);
  size_t size() const { return ends_.size(); }
  std::string_view operator[](size_t i) const {
    const uint32_t begin = i == 0 ? 0 : ends_[i - 1];
    return std::string_view(chars_.data() + begin, ends_[i] - begin);
  }

 private:
  std::string chars_;
  std::vector<uint32_t> ends_;
};

class Vocab {
 public:
  // Reads tokenizer.ggml.* keys. Unknown models (e.g. "bert") are errors.
  static absl::StatusOr<std::unique_ptr<Vocab>> FromMetadata(const gguf::Metadata& metadata);
  // Validates `data` (array lengths, ids in range) and builds the lookup tables.
  static absl::StatusOr<std::unique_ptr<Vocab>> Build(VocabData data);

  Vocab(const Vocab&) = delete;
  Vocab& operator=(const Vocab&) = delete;

  VocabModel model() const { return data_.model; }
  const std::string& pre() const { return data_.pre; }
  int32_t size() const { return static_cast<int32_t>(tokens_.size()); }
  bool IsValid(int32_t id) const { return id >= 0 && id < size(); }
  std::string_view text(int32_t id) const { return tokens_[id]; }
  float score(int32_t id) const { return data_.scores.empty() ? 0.0f : data_.scores[id]; }
  TokenType type(int32_t id) const { return data_.types.empty() ? TokenType::kNormal : data_.types[id]; }

  // Id of the token spelled `text`, or -1. When texts repeat, the lowest id wins.
  int32_t Find(std::string_view text) const;
  // Rank of the merge "left right", or -1.
  int32_t MergeRank(std::string_view left, std::string_view right) const;
  // SPM byte-fallback token for byte b ("<0xXX>"), else the single-byte token, else unk (may be -1).
  int32_t ByteToken(uint8_t b) const { return byte_tokens_[b]; }

  int32_t bos() const { return data_.bos; }
  int32_t eos() const { return data_.eos; }
  int32_t eot() const { return data_.eot; }
  int32_t eom() const { return data_.eom; }
  int32_t unk() const { return data_.unk; }
  int32_t pad() const { return data_.pad; }
  bool add_bos() const { return data_.add_bos; }
  bool add_eos() const { return data_.add_eos; }
  bool add_space_prefix() const { return data_.add_space_prefix; }
  bool IsEndOfGeneration(int32_t id) const { return eog_.contains(id); }

  // Control, user-defined and unknown tokens: the ones matched verbatim in input text, longest first.
  const std::vector<int32_t>& special_tokens() const { return special_tokens_; }

 private:
  // The lookup sets hold only 4-byte ids and ranks; their hash and equality read the texts from the tables
  // (transparently, so a lookup by text or by (left, right) builds no key).
  struct TokenHash {
    using is_transparent = void;
    size_t operator()(std::string_view text) const;
    size_t operator()(int32_t id) const { return (*this)(vocab->text(id)); }
    const Vocab* vocab = nullptr;
  };
  struct TokenEq {
    using is_transparent = void;
    bool operator()(int32_t a, int32_t b) const { return vocab->text(a) == vocab->text(b); }
    bool operator()(std::string_view a, int32_t b) const { return a == vocab->text(b); }
    bool operator()(int32_t a, std::string_view b) const { return vocab->text(a) == b; }
    const Vocab* vocab = nullptr;
  };
  struct MergePair {
    std::string_view left;
    std::string_view right;
  };
  struct MergeHash {
    using is_transparent = void;
    size_t operator()(MergePair pair) const;
    size_t operator()(int32_t rank) const { return (*this)(vocab->merge(rank)); }
    const Vocab* vocab = nullptr;
  };
  struct MergeEq {
    using is_transparent = void;
    bool operator()(int32_t a, int32_t b) const { return vocab->merges_[a] == vocab->merges_[b]; }
    bool operator()(MergePair a, int32_t b) const { return Same(a, vocab->merge(b)); }
    bool operator()(int32_t a, MergePair b) const { return Same(vocab->merge(a), b); }
    static bool Same(MergePair a, MergePair b) { return a.left == b.left && a.right == b.right; }
    const Vocab* vocab = nullptr;
  };

  explicit Vocab(VocabData data);
  // Builds the vocabulary from `data` (whose tokens and merges are ignored) and the texts.
  static absl::StatusOr<std::unique_ptr<Vocab>> Create(VocabData data, absl::Span<const std::string_view> tokens,
                                                       absl::Span<const std::string_view> merges);
  absl::Status Init(absl::Span<const std::string_view> tokens, absl::Span<const std::string_view> merges);
  // Merge `rank` split into its parts (validated by Init).
  MergePair merge(int32_t rank) const;

  VocabData data_;  // Without tokens and merges, which live in the tables below.
  StringTable tokens_;
  StringTable merges_;  // "left right", in rank order.
  absl::flat_hash_set<int32_t, TokenHash, TokenEq> token_ids_;
  absl::flat_hash_set<int32_t, MergeHash, MergeEq> merge_ranks_;
  std::array<int32_t, 256> byte_tokens_{};
  std::vector<int32_t> special_tokens_;
  absl::flat_hash_set<int32_t> eog_;
};

}  // namespace hearth::tokenizer

#endif  // HEARTH_LIB_TOKENIZER_VOCAB_H_
