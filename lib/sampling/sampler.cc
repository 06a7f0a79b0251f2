#include "lib/sampling/sampler.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "absl/status/status.h"
#include "absl/strings/str_format.h"
#include "lib/util/status_macros.h"

namespace hearth::sampling {
namespace {

constexpr float kNegInf = -std::numeric_limits<float>::infinity();
constexpr float kMaxFloat = std::numeric_limits<float>::max();

// Working logits are finite or -inf (banned): NaN bans, +inf clamps so differences stay finite.
float Sanitize(float l) { return std::isnan(l) ? kNegInf : std::min(l, kMaxFloat); }

// A strict total order (logit descending, then id ascending), so sorting results do not depend on
// the standard library's algorithm.
struct MoreLikely {
  template <typename C>
  bool operator()(const C& a, const C& b) const {
    return a.logit > b.logit || (a.logit == b.logit && a.id < b.id);
  }
};

}  // namespace

absl::StatusOr<Sampler> Sampler::Create(const SamplerParams& params, int32_t n_vocab) {
  if (n_vocab <= 0) {
    return absl::InvalidArgumentError(absl::StrFormat("n_vocab must be > 0, got %d", n_vocab));
  }
  HEARTH_RETURN_IF_ERROR(params.Validate(n_vocab));
  return Sampler(params, n_vocab);
}

Sampler::Sampler(const SamplerParams& params, int32_t n_vocab)
    : params_(params), n_vocab_(n_vocab), rng_(params.seed) {
  const size_t n = static_cast<size_t>(n_vocab);
  logits_.resize(n);
  candidates_.resize(n);
  weights_.resize(n);
  if (params_.top_p < 1.0f) {  // Top-k may keep fewer than n_vocab, or be off.
    scratch_.resize(n);
    bucket_mass_.resize(kTopPBuckets);
  }
  if (penalties_enabled()) {
    counts_.assign(n, 0);
    distinct_pos_.assign(n, -1);
    if (params_.penalty_last_n > 0) {
      window_.resize(static_cast<size_t>(params_.penalty_last_n));
      distinct_.reserve(std::min(n, window_.size()));
    }
  }
}

bool Sampler::penalties_enabled() const {
  return params_.penalty_last_n != 0 &&
         (params_.repeat_penalty != 1.0f || params_.frequency_penalty != 0.0f ||
          params_.presence_penalty != 0.0f);
}

void Sampler::Reset() {
  rng_.Seed(params_.seed);
  for (int32_t id : distinct_) {
    counts_[id] = 0;
    distinct_pos_[id] = -1;
  }
  distinct_.clear();
  window_head_ = 0;
  window_fill_ = 0;
}

void Sampler::Accept(int32_t id) {
  if (id < 0 || id >= n_vocab_ || !penalties_enabled()) return;
  if (!window_.empty()) {
    if (window_fill_ == window_.size()) {
      RemoveFromHistory(window_[window_head_]);
    } else {
      ++window_fill_;
    }
    window_[window_head_] = id;
    window_head_ = (window_head_ + 1) % window_.size();
  }
  if (counts_[id]++ == 0) {
    distinct_pos_[id] = static_cast<int32_t>(distinct_.size());
    distinct_.push_back(id);
  }
}

void Sampler::RemoveFromHistory(int32_t id) {
  if (--counts_[id] > 0) return;
  // Swap-remove from the distinct list.
  const int32_t pos = distinct_pos_[id];
  const int32_t last = distinct_.back();
  distinct_[pos] = last;
  distinct_pos_[last] = pos;
  distinct_.pop_back();
  distinct_pos_[id] = -1;
}

void Sampler::PrepareLogits(absl::Span<const float> logits) {
  for (size_t i = 0; i < logits.size(); ++i) {
    logits_[i] = Sanitize(logits[i]);
  }
  for (const auto& [id, bias] : params_.logit_bias) logits_[id] = Sanitize(logits_[id] + bias);
  // Penalties as llama.cpp defines them, once per distinct id in the window.
  for (int32_t id : distinct_) {
    float& l = logits_[id];
    l = l <= 0.0f ? l * params_.repeat_penalty : l / params_.repeat_penalty;
    l = Sanitize(l - (static_cast<float>(counts_[id]) * params_.frequency_penalty +
                      params_.presence_penalty));
  }
}

int32_t Sampler::Argmax() const {
  int32_t best = kNoToken;
  float best_logit = kNegInf;
  for (int32_t i = 0; i < n_vocab_; ++i) {
    if (logits_[i] > best_logit) {  // Strict: ties keep the lowest id.
      best_logit = logits_[i];
      best = i;
    }
  }
  return best;
}

int32_t Sampler::Sample(absl::Span<const float> logits) {
  if (logits.size() != static_cast<size_t>(n_vocab_)) return kNoToken;
  PrepareLogits(logits);
  if (params_.temperature <= 0.0f) return Argmax();

  // Candidates in id order; banned (-inf) tokens never enter.
  size_t n = 0;
  for (int32_t i = 0; i < n_vocab_; ++i) {
    if (logits_[i] > kNegInf) candidates_[n++] = {logits_[i], i};
  }
  if (n == 0) return kNoToken;

  bool sorted = false;
  if (params_.top_k > 0 && static_cast<size_t>(params_.top_k) < n) {
    // O(n log k): the k best, sorted, are all later stages look at.
    const size_t k = static_cast<size_t>(params_.top_k);
    std::partial_sort(candidates_.begin(), candidates_.begin() + k, candidates_.begin() + n,
                      MoreLikely());
    n = k;
    sorted = true;
  }
  if (params_.top_p < 1.0f) n = ApplyTopP(n, sorted);
  if (params_.min_p > 0.0f) n = ApplyMinP(n);
  return Draw(n);
}

size_t Sampler::ApplyTopP(size_t n, bool sorted) {
  float max_logit = kNegInf;
  float min_logit = -kNegInf;
  for (size_t i = 0; i < n; ++i) {
    max_logit = std::max(max_logit, candidates_[i].logit);
    min_logit = std::min(min_logit, candidates_[i].logit);
  }
  // Unnormalized probabilities by candidate position.
  double total = 0.0;
  for (size_t i = 0; i < n; ++i) {
    weights_[i] = std::exp(double{candidates_[i].logit} - max_logit);
    total += weights_[i];
  }
  const double target = double{params_.top_p} * total;

  double cumulative = 0.0;
  if (sorted) {
    for (size_t i = 0; i < n; ++i) {
      cumulative += weights_[i];
      if (cumulative >= target) return i + 1;
    }
    return n;  // Rounding left the sum short of target: keep everything.
  }

  // Top-k is off, so this may be the whole vocabulary (in id order). Rather than sorting it,
  // bucket the logits (bucket 0 holds the largest; the mapping is monotonic, so buckets follow the
  // sort order), find the bucket where the mass crosses target, and sort only that bucket.
  const double range = double{max_logit} - min_logit;
  const double scale = range > 0.0 ? kTopPBuckets / range : 0.0;
  auto bucket_of = [&](float logit) {
    return std::min<size_t>(kTopPBuckets - 1,
                            static_cast<size_t>((double{max_logit} - logit) * scale));
  };
  std::fill(bucket_mass_.begin(), bucket_mass_.end(), 0.0);
  for (size_t i = 0; i < n; ++i) bucket_mass_[bucket_of(candidates_[i].logit)] += weights_[i];
  size_t crossing = kTopPBuckets;
  for (size_t b = 0; b < kTopPBuckets; ++b) {
    if (cumulative + bucket_mass_[b] >= target) {
      crossing = b;
      break;
    }
    cumulative += bucket_mass_[b];
  }
  if (crossing == kTopPBuckets) return n;  // Rounding: keep everything.

  size_t members = 0;
  for (size_t i = 0; i < n; ++i) {
    if (bucket_of(candidates_[i].logit) == crossing) scratch_[members++] = candidates_[i];
  }
  std::sort(scratch_.begin(), scratch_.begin() + members, MoreLikely());
  Candidate last = scratch_[members - 1];  // Rounding: keep the whole bucket.
  for (size_t i = 0; i < members; ++i) {
    cumulative += std::exp(double{scratch_[i].logit} - max_logit);
    if (cumulative >= target) {
      last = scratch_[i];
      break;
    }
  }
  // Keep everything at least as likely as `last`, in id order (canonical for the draw).
  size_t kept = 0;
  for (size_t i = 0; i < n; ++i) {
    if (candidates_[i].id == last.id || MoreLikely()(candidates_[i], last)) {
      candidates_[kept++] = candidates_[i];
    }
  }
  return kept;
}

size_t Sampler::ApplyMinP(size_t n) {
  // p >= min_p * p_max  <=>  logit >= max_logit + log(min_p); independent of normalization.
  float max_logit = kNegInf;
  for (size_t i = 0; i < n; ++i) max_logit = std::max(max_logit, candidates_[i].logit);
  const double threshold = double{max_logit} + std::log(double{params_.min_p});
  size_t kept = 0;
  for (size_t i = 0; i < n; ++i) {  // Stable: keeps the canonical order.
    if (double{candidates_[i].logit} >= threshold) {
      candidates_[kept++] = candidates_[i];
    }
  }
  return kept;
}

int32_t Sampler::Draw(size_t n) {
  float max_logit = kNegInf;
  for (size_t i = 0; i < n; ++i) max_logit = std::max(max_logit, candidates_[i].logit);
  const double inv_temp = 1.0 / double{params_.temperature};
  double total = 0.0;
  for (size_t i = 0; i < n; ++i) {
    // The max gets weight 1 exactly (0 * inf would be NaN for a denormal temperature).
    const double delta = double{candidates_[i].logit} - max_logit;
    weights_[i] = delta == 0.0 ? 1.0 : std::exp(delta * inv_temp);
    total += weights_[i];
  }
  const double target = rng_.UniformDouble() * total;
  double cumulative = 0.0;
  int32_t last_positive = candidates_[0].id;  // The max has weight 1, so one exists.
  for (size_t i = 0; i < n; ++i) {
    if (weights_[i] <= 0.0) continue;
    cumulative += weights_[i];
    last_positive = candidates_[i].id;
    if (target < cumulative) return candidates_[i].id;
  }
  return last_positive;
}

}  // namespace hearth::sampling
