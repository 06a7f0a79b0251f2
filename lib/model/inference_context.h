// One conversation's state over a shared Model: the KV cache, preallocated scratch for batches of up to
// max_batch tokens, a thread pool, and the logits of the last Eval. Not thread-safe itself (one thread
// drives a context), except RequestCancel, which any thread may call.
#ifndef HEARTH_LIB_MODEL_INFERENCE_CONTEXT_H_
#define HEARTH_LIB_MODEL_INFERENCE_CONTEXT_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "lib/model/forward.h"
#include "lib/model/kv_cache.h"
#include "lib/model/model.h"
#include "lib/util/thread_pool.h"

namespace hearth::model {

struct ContextParams {
  int64_t n_ctx = 0;        // Positions the KV cache holds; 1 .. the model's training context length.
  int64_t max_batch = 512;  // Most tokens one Eval may take (clamped to n_ctx).
  int n_threads = 1;        // Threads per Eval, including the calling one.
  bool all_logits = false;  // Keep logits for every token of a batch, else only for the last.
};

class InferenceContext {
 public:
  // The model must outlive the context.
  static absl::StatusOr<std::unique_ptr<InferenceContext>> Create(const Model& model,
                                                                  const ContextParams& params);

  InferenceContext(const InferenceContext&) = delete;
  InferenceContext& operator=(const InferenceContext&) = delete;

  // Runs `tokens` at positions [n_past, n_past + size), appending to the KV cache. Errors (nothing is
  // changed): empty batch, more than max_batch tokens, not enough context left, a token id outside the
  // vocabulary. Returns Cancelled (and clears the request) if RequestCancel was called; the positions of
  // a cancelled batch are not kept.
  absl::Status Eval(absl::Span<const int32_t> tokens);

  // Logits of batch row i of the last Eval (all_logits), or of its last token (i = n_logits() - 1).
  absl::Span<const float> logits(int64_t i) const;
  absl::Span<const float> last_logits() const { return logits(n_logits_ - 1); }
  int64_t n_logits() const { return n_logits_; }

  int64_t n_past() const { return n_past_; }
  int64_t n_ctx() const { return params_.n_ctx; }
  int64_t max_batch() const { return params_.max_batch; }
  int64_t n_vocab() const { return model_.config().n_vocab; }
  const Model& model() const { return model_; }

  // Forgets positions >= n (n <= n_past), so generation can resume from an earlier point.
  absl::Status Truncate(int64_t n);
  void Reset() { Truncate(0).IgnoreError(); }

  // Makes the running (or next) Eval stop between layers with a Cancelled error.
  void RequestCancel() { cancel_.store(true, std::memory_order_relaxed); }
  std::atomic<bool>& cancel_flag() { return cancel_; }

 private:
  InferenceContext(const Model& model, const ContextParams& params, KvCache cache);

  const Model& model_;
  const ContextParams params_;
  KvCache cache_;
  ForwardScratch scratch_;
  ThreadPool pool_;
  std::vector<float> logits_;  // [max_batch or 1][n_vocab]
  int64_t n_logits_ = 0;
  int64_t n_past_ = 0;
  std::atomic<bool> cancel_{false};
};

}  // namespace hearth::model

#endif  // HEARTH_LIB_MODEL_INFERENCE_CONTEXT_H_
