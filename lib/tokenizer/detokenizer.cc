#include "lib/tokenizer/detokenizer.h"

#include <utility>

#include "lib/tokenizer/unicode_util.h"

namespace hearth::tokenizer {

std::string Detokenizer::Append(int32_t id) {
  std::string piece = tokenizer_->TokenToPiece(id, render_special_);
  if (piece.empty()) return {};
  if (strip_) {
    if (piece[0] == ' ') piece.erase(0, 1);
    strip_ = false;
  }
  pending_.append(piece);
  const size_t complete = CompleteUtf8Prefix(pending_);
  std::string out = pending_.substr(0, complete);
  pending_.erase(0, complete);
  return out;
}

std::string Detokenizer::Flush() {
  std::string out = std::move(pending_);
  pending_.clear();
  return out;
}

}  // namespace hearth::tokenizer
