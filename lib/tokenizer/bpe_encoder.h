// The merge loops of the two BPE flavours. Both keep the word as a linked list of symbols and a heap of
// candidate pairs, so a word of n characters costs O(n log n) rather than O(n^2) string rebuilding.
#ifndef HEARTH_LIB_TOKENIZER_BPE_ENCODER_H_
#define HEARTH_LIB_TOKENIZER_BPE_ENCODER_H_

#include <cstdint>
#include <string_view>
#include <vector>

#include "lib/tokenizer/vocab.h"

namespace hearth::tokenizer {

// Byte-level BPE: `word` is one pre-tokenizer piece already spelled in the byte-level alphabet. Merges
// the adjacent pair of lowest merge rank (leftmost on ties) until none applies, then appends the ids of
// the symbols. With `ignore_merges`, a word that is itself a vocabulary entry is emitted whole.
void EncodeBpeWord(const Vocab& vocab, std::string_view word, bool ignore_merges, std::vector<int32_t>* out);

// SentencePiece BPE: `text` is already "▁"-escaped. Merges the adjacent pair whose concatenation is the
// vocabulary entry of highest score (leftmost on ties); characters left without a token fall back to
// their bytes' <0xXX> tokens.
void EncodeSpm(const Vocab& vocab, std::string_view text, std::vector<int32_t>* out);

}  // namespace hearth::tokenizer

#endif  // HEARTH_LIB_TOKENIZER_BPE_ENCODER_H_
