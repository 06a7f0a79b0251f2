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

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
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

// Everything a Vocab is built from; FromMetadata fills it from GGUF, tests may fill it by hand.
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
  int32_t size() const { return static_cast<int32_t>(data_.tokens.size()); }
  bool IsValid(int32_t id) const { return id >= 0 && id < size(); }
  const std::string& text(int32_t id) const { return data_.tokens[id]; }
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
  explicit Vocab(VocabData data) : data_(std::move(data)) {}
  absl::Status Init();

  VocabData data_;
  // Views into data_.tokens / data_.merges, which never change after Init().
  absl::flat_hash_map<std::string_view, int32_t> token_ids_;
  absl::flat_hash_map<std::pair<std::string_view, std::string_view>, int32_t> merge_ranks_;
  std::array<int32_t, 256> byte_tokens_{};
  std::vector<int32_t> special_tokens_;
  absl::flat_hash_set<int32_t> eog_;
};

}  // namespace hearth::tokenizer

#endif  // HEARTH_LIB_TOKENIZER_VOCAB_H_
