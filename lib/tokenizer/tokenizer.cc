#include "lib/tokenizer/tokenizer.h"

#include <utility>

#include "absl/status/status.h"
#include "lib/tokenizer/bpe_encoder.h"
#include "lib/tokenizer/unicode_util.h"
#include "lib/util/status_macros.h"

namespace hearth::tokenizer {
namespace {

constexpr std::string_view kSpmSpace = "\xE2\x96\x81";    // U+2581 "▁", SentencePiece's space.
constexpr std::string_view kSpmUnknown = "\xE2\x96\x85";  // U+2585 "▅", shown for <unk>.

// Parses "<0xXX>" into its byte value, or -1.
int ParseByteToken(std::string_view text) {
  if (text.size() != 6 || text.substr(0, 3) != "<0x" || text[5] != '>') return -1;
  int value = 0;
  for (char c : text.substr(3, 2)) {
    value <<= 4;
    if (c >= '0' && c <= '9') {
      value |= c - '0';
    } else if (c >= 'A' && c <= 'F') {
      value |= c - 'A' + 10;
    } else if (c >= 'a' && c <= 'f') {
      value |= c - 'a' + 10;
    } else {
      return -1;
    }
  }
  return value;
}

void AppendSpmUnescaped(std::string_view text, std::string* out) {
  size_t pos = 0;
  while (pos < text.size()) {
    const size_t hit = text.find(kSpmSpace, pos);
    if (hit == std::string_view::npos) {
      out->append(text.substr(pos));
      break;
    }
    out->append(text.substr(pos, hit - pos));
    out->push_back(' ');
    pos = hit + kSpmSpace.size();
  }
}

}  // namespace

absl::StatusOr<std::unique_ptr<Tokenizer>> Tokenizer::Create(const gguf::Metadata& metadata) {
  HEARTH_ASSIGN_OR_RETURN(std::unique_ptr<Vocab> vocab, Vocab::FromMetadata(metadata));
  return Create(std::move(vocab));
}

absl::StatusOr<std::unique_ptr<Tokenizer>> Tokenizer::Create(std::unique_ptr<Vocab> vocab) {
  if (vocab == nullptr) return absl::InvalidArgumentError("Tokenizer::Create: null vocabulary");
  std::unique_ptr<Tokenizer> tok(new Tokenizer());
  if (vocab->model() == VocabModel::kBpe) {
    HEARTH_ASSIGN_OR_RETURN(tok->pre_, PreTokenizer::Create(vocab->pre()));
  }
  tok->vocab_ = std::move(vocab);
  return tok;
}

std::vector<Tokenizer::Fragment> Tokenizer::Partition(std::string_view text, bool parse_special) const {
  std::vector<Fragment> fragments;
  if (text.empty()) return fragments;
  fragments.push_back({-1, 0, text.size()});
  // Longer tokens claim their occurrences first; shorter ones then search only the raw text left over.
  std::vector<Fragment> next;
  for (int32_t id : vocab_->special_tokens()) {
    const TokenType type = vocab_->type(id);
    if (!parse_special && type != TokenType::kUserDefined) continue;
    const std::string_view needle = vocab_->text(id);
    next.clear();
    bool changed = false;
    for (const Fragment& f : fragments) {
      if (f.token >= 0) {
        next.push_back(f);
        continue;
      }
      const std::string_view raw = text.substr(f.offset, f.length);
      size_t pos = 0;
      size_t hit;
      while ((hit = raw.find(needle, pos)) != std::string_view::npos) {
        if (hit > pos) next.push_back({-1, f.offset + pos, hit - pos});
        next.push_back({id, f.offset + hit, needle.size()});
        pos = hit + needle.size();
        changed = true;
      }
      if (pos < raw.size()) next.push_back({-1, f.offset + pos, raw.size() - pos});
    }
    if (changed) fragments.swap(next);
  }
  return fragments;
}

void Tokenizer::EncodeRaw(std::string_view text, bool after_special, std::vector<int32_t>* out) const {
  if (vocab_->model() == VocabModel::kSpm) {
    // SentencePiece sees spaces as "▁" and, like the reference, a leading space at the start of the
    // text and after every matched special token.
    std::string escaped;
    escaped.reserve(text.size() * 3 + 3);
    if (vocab_->add_space_prefix() && after_special) escaped.append(kSpmSpace);
    for (char c : text) {
      if (c == ' ') {
        escaped.append(kSpmSpace);
      } else {
        escaped.push_back(c);
      }
    }
    EncodeSpm(*vocab_, escaped, out);
    return;
  }
  std::vector<std::string_view> pieces;
  pre_->Split(text, &pieces);
  std::string word;
  for (std::string_view piece : pieces) {
    word.clear();
    AppendByteLevel(piece, &word);
    EncodeBpeWord(*vocab_, word, pre_->ignore_merges(), out);
  }
}

std::vector<int32_t> Tokenizer::Encode(std::string_view text, bool add_special, bool parse_special) const {
  std::vector<int32_t> out;
  if (add_special && vocab_->add_bos() && vocab_->bos() >= 0) out.push_back(vocab_->bos());
  bool after_special = true;
  for (const Fragment& f : Partition(text, parse_special)) {
    if (f.token >= 0) {
      out.push_back(f.token);
      after_special = true;
    } else {
      EncodeRaw(text.substr(f.offset, f.length), after_special, &out);
      after_special = false;
    }
  }
  if (add_special && vocab_->add_eos() && vocab_->eos() >= 0) out.push_back(vocab_->eos());
  return out;
}

std::string Tokenizer::TokenToPiece(int32_t id, bool render_special) const {
  std::string out;
  if (!vocab_->IsValid(id)) return out;
  const std::string_view text = vocab_->text(id);
  const bool spm = vocab_->model() == VocabModel::kSpm;
  switch (vocab_->type(id)) {
    case TokenType::kNormal:
    case TokenType::kUndefined:
      if (spm) {
        AppendSpmUnescaped(text, &out);
      } else {
        AppendFromByteLevel(text, &out);
      }
      break;
    case TokenType::kByte:
      if (const int b = ParseByteToken(text); b >= 0) {
        out.push_back(static_cast<char>(b));
      } else {
        AppendFromByteLevel(text, &out);
      }
      break;
    case TokenType::kUserDefined:
      out = text;  // Added tokens are stored as plain text in both vocabulary kinds.
      break;
    case TokenType::kControl:
      if (render_special) out = text;
      break;
    case TokenType::kUnknown:
      if (render_special) {
        out = text;
      } else if (spm) {
        out = std::string(kSpmUnknown);
      }
      break;
    case TokenType::kUnused:
      break;
  }
  return out;
}

std::string Tokenizer::Decode(absl::Span<const int32_t> ids, bool render_special) const {
  std::string out;
  bool strip = strips_leading_space();
  for (int32_t id : ids) {
    std::string piece = TokenToPiece(id, render_special);
    if (piece.empty()) continue;
    if (strip && piece[0] == ' ') piece.erase(0, 1);
    strip = false;
    out.append(piece);
  }
  return out;
}

}  // namespace hearth::tokenizer
