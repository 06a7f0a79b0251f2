#include "lib/tokenizer/bpe_encoder.h"

#include <queue>

#include "lib/tokenizer/unicode_util.h"

namespace hearth::tokenizer {
namespace {

// A symbol is a byte range [start, start + len) of the word; len == 0 marks a symbol merged away.
struct Symbol {
  uint32_t start;
  uint32_t len;
  int32_t prev;
  int32_t next;
};

// A candidate merge of symbols `left` and `right`. `len` is their combined length when the candidate
// was queued; if either side has changed since, the candidate is stale and skipped.
struct Candidate {
  float priority;  // Higher merges first (negated rank for BPE, score for SPM).
  int32_t left;
  int32_t right;
  uint32_t len;
};

struct CandidateOrder {
  bool operator()(const Candidate& a, const Candidate& b) const {
    if (a.priority != b.priority) return a.priority < b.priority;
    return a.left > b.left;  // Leftmost first on ties.
  }
};

std::vector<Symbol> SplitChars(std::string_view word) {
  std::vector<Symbol> symbols;
  symbols.reserve(word.size());
  for (size_t pos = 0; pos < word.size();) {
    const auto len = static_cast<uint32_t>(Utf8CharLen(word, pos));
    const auto index = static_cast<int32_t>(symbols.size());
    symbols.push_back({static_cast<uint32_t>(pos), len, index - 1, index + 1});
    pos += len;
  }
  if (!symbols.empty()) symbols.back().next = -1;
  return symbols;
}

// Runs the merge loop. `score(left, right)` returns false when the pair cannot merge, else sets the
// priority.
template <typename ScoreFn>
void MergeLoop(std::string_view word, std::vector<Symbol>& symbols, ScoreFn score) {
  std::priority_queue<Candidate, std::vector<Candidate>, CandidateOrder> queue;
  auto try_add = [&](int32_t left, int32_t right) {
    if (left < 0 || right < 0) return;
    const Symbol& l = symbols[left];
    const Symbol& r = symbols[right];
    float priority = 0;
    if (score(word.substr(l.start, l.len), word.substr(r.start, r.len), &priority)) {
      queue.push({priority, left, right, l.len + r.len});
    }
  };
  for (size_t i = 1; i < symbols.size(); ++i) try_add(static_cast<int32_t>(i - 1), static_cast<int32_t>(i));
  while (!queue.empty()) {
    const Candidate c = queue.top();
    queue.pop();
    Symbol& l = symbols[c.left];
    Symbol& r = symbols[c.right];
    if (l.len == 0 || r.len == 0 || l.next != c.right || l.len + r.len != c.len) continue;
    l.len += r.len;
    r.len = 0;
    l.next = r.next;
    if (r.next >= 0) symbols[r.next].prev = c.left;
    try_add(l.prev, c.left);
    try_add(c.left, l.next);
  }
}

}  // namespace

void EncodeBpeWord(const Vocab& vocab, std::string_view word, bool ignore_merges, std::vector<int32_t>* out) {
  if (word.empty()) return;
  if (ignore_merges) {
    const int32_t id = vocab.Find(word);
    if (id >= 0) {
      out->push_back(id);
      return;
    }
  }
  std::vector<Symbol> symbols = SplitChars(word);
  MergeLoop(word, symbols, [&](std::string_view a, std::string_view b, float* priority) {
    const int32_t rank = vocab.MergeRank(a, b);
    if (rank < 0) return false;
    *priority = -static_cast<float>(rank);
    return true;
  });
  for (int32_t i = 0; i >= 0; i = symbols[i].next) {
    const std::string_view piece = word.substr(symbols[i].start, symbols[i].len);
    const int32_t id = vocab.Find(piece);
    if (id >= 0) {
      out->push_back(id);
      continue;
    }
    // A merge result missing from the vocabulary (malformed vocab): emit what single bytes exist.
    for (char c : piece) {
      const int32_t byte_id = vocab.Find(std::string_view(&c, 1));
      if (byte_id >= 0) out->push_back(byte_id);
    }
  }
}

void EncodeSpm(const Vocab& vocab, std::string_view text, std::vector<int32_t>* out) {
  if (text.empty()) return;
  std::vector<Symbol> symbols = SplitChars(text);
  MergeLoop(text, symbols, [&](std::string_view a, std::string_view b, float* priority) {
    // Symbols are adjacent in `text`, so their concatenation is a contiguous view.
    const std::string_view both(a.data(), a.size() + b.size());
    const int32_t id = vocab.Find(both);
    if (id < 0) return false;
    *priority = vocab.score(id);
    return true;
  });
  for (int32_t i = 0; i >= 0; i = symbols[i].next) {
    const std::string_view piece = text.substr(symbols[i].start, symbols[i].len);
    const int32_t id = vocab.Find(piece);
    if (id >= 0) {
      out->push_back(id);
      continue;
    }
    for (char c : piece) {
      const int32_t byte_id = vocab.ByteToken(static_cast<uint8_t>(c));
      if (byte_id >= 0) out->push_back(byte_id);
    }
  }
}

}  // namespace hearth::tokenizer
