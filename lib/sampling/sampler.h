// Token sampler: logit bias -> repetition/frequency/presence penalties -> top-k -> top-p -> min-p
// -> temperature -> softmax -> seeded draw (llama.cpp's common default chain). Temperature <= 0 is
// greedy: the argmax after bias and penalties, ties going to the lowest id.
//
// Determinism: candidate sets are ordered canonically (logit descending, then id ascending, or
// plain id order) and the draw uses our own PRNG, so the same seed and logits give the same tokens
// whatever the standard library. Buffers are sized to n_vocab at creation; sampling a token does not
// allocate (except the unbounded history of penalty_last_n = -1).
#ifndef HEARTH_LIB_SAMPLING_SAMPLER_H_
#define HEARTH_LIB_SAMPLING_SAMPLER_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "lib/sampling/rng.h"
#include "lib/sampling/sampler_params.h"

namespace hearth::sampling {

class Sampler {
 public:
  // Returned by Sample when no token can be drawn.
  static constexpr int32_t kNoToken = -1;

  // Validates `params` against `n_vocab` (> 0) and preallocates every buffer.
  static absl::StatusOr<Sampler> Create(const SamplerParams& params, int32_t n_vocab);

  // Picks a token from `logits` (one per vocabulary entry; NaN counts as banned). Returns kNoToken
  // if logits.size() != n_vocab() or every token is banned. Does not record the token: call Accept.
  int32_t Sample(absl::Span<const float> logits);

  // Records `id` in the penalty history (out-of-range ids are ignored). Prompt tokens may be
  // accepted too, so that penalties cover them.
  void Accept(int32_t id);

  // Clears the history and re-seeds the generator: the next Samples repeat the first ones.
  void Reset();

  const SamplerParams& params() const { return params_; }
  int32_t n_vocab() const { return n_vocab_; }

 private:
  struct Candidate {
    float logit;
    int32_t id;
  };

  // Logit buckets used to find the top-p cut without sorting the vocabulary.
  static constexpr size_t kTopPBuckets = 1024;

  Sampler(const SamplerParams& params, int32_t n_vocab);

  bool penalties_enabled() const;
  // Fills logits_ with `logits` plus bias and penalties (NaN -> -inf).
  void PrepareLogits(absl::Span<const float> logits);
  int32_t Argmax() const;
  // Keeps the smallest most-likely subset of candidates_[0, n) reaching top_p of the mass.
  // `sorted`: the candidates are sorted (MoreLikely); otherwise they are in id order.
  size_t ApplyTopP(size_t n, bool sorted);
  size_t ApplyMinP(size_t n);
  int32_t Draw(size_t n);
  void RemoveFromHistory(int32_t id);

  SamplerParams params_;
  int32_t n_vocab_;
  Xoshiro256 rng_;

  std::vector<float> logits_;         // n_vocab: working logits after bias and penalties.
  std::vector<Candidate> candidates_;  // n_vocab: finite-logit tokens being filtered.
  std::vector<double> weights_;        // n_vocab: unnormalized probabilities.
  std::vector<Candidate> scratch_;     // n_vocab when top-p is on: one logit bucket.
  std::vector<double> bucket_mass_;    // kTopPBuckets, likewise.

  // Penalty history: a ring of the last penalty_last_n ids (unused when -1: nothing is evicted),
  // per-token counts in that window, and the distinct ids with a non-zero count.
  std::vector<int32_t> window_;
  size_t window_head_ = 0;
  size_t window_fill_ = 0;
  std::vector<int32_t> counts_;
  std::vector<int32_t> distinct_;
  std::vector<int32_t> distinct_pos_;  // Index into distinct_, or -1.
};

}  // namespace hearth::sampling

#endif  // HEARTH_LIB_SAMPLING_SAMPLER_H_
