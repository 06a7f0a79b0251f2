#include "lib/model/inference_context.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "lib/util/status_macros.h"

namespace hearth::model {

absl::StatusOr<std::unique_ptr<InferenceContext>> InferenceContext::Create(
    const Model& model, const ContextParams& params) {
  const ModelConfig& c = model.config();
  if (params.n_ctx <= 0 || params.n_ctx > c.n_ctx_train) {
    return absl::InvalidArgumentError(absl::StrCat("context length ", params.n_ctx,
                                                   " must be in [1, ", c.n_ctx_train,
                                                   "] (the model's context_length)"));
  }
  if (params.max_batch <= 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("max batch ", params.max_batch, " must be positive"));
  }
  if (params.n_threads <= 0 || params.n_threads > 1024) {
    return absl::InvalidArgumentError(
        absl::StrCat("thread count ", params.n_threads, " must be in [1, 1024]"));
  }
  ContextParams p = params;
  p.max_batch = std::min(p.max_batch, p.n_ctx);
  HEARTH_ASSIGN_OR_RETURN(KvCache cache, KvCache::Create(c, p.n_ctx));
  return std::unique_ptr<InferenceContext>(new InferenceContext(model, p, std::move(cache)));
}

InferenceContext::InferenceContext(const Model& model, const ContextParams& params, KvCache cache)
    : model_(model),
      params_(params),
      cache_(std::move(cache)),
      scratch_(model.view(), params.max_batch),
      pool_(params.n_threads) {
  const int64_t rows = params.all_logits ? params.max_batch : 1;
  logits_.resize(static_cast<size_t>(rows * model.config().n_vocab));
}

absl::Status InferenceContext::Eval(absl::Span<const int32_t> tokens) {
  const int64_t n = static_cast<int64_t>(tokens.size());
  if (n == 0) return absl::InvalidArgumentError("Eval needs at least one token");
  if (n > params_.max_batch) {
    return absl::InvalidArgumentError(absl::StrCat("batch of ", n, " tokens exceeds the max batch of ",
                                                   params_.max_batch));
  }
  if (n > params_.n_ctx - n_past_) {
    return absl::OutOfRangeError(absl::StrCat("batch of ", n, " tokens at position ", n_past_,
                                              " exceeds the context length ", params_.n_ctx));
  }
  const int64_t n_vocab = model_.config().n_vocab;
  for (int64_t i = 0; i < n; ++i) {
    const int32_t id = tokens[static_cast<size_t>(i)];
    if (id < 0 || id >= n_vocab) {
      return absl::InvalidArgumentError(absl::StrCat("token id ", id, " at batch index ", i,
                                                     " is outside the vocabulary [0, ", n_vocab, ")"));
    }
  }
  ForwardRequest request;
  request.tokens = tokens;
  request.pos0 = n_past_;
  request.all_logits = params_.all_logits;
  request.logits = logits_.data();
  request.cancel = &cancel_;
  n_logits_ = 0;
  absl::Status status = Forward(model_.view(), request, cache_, scratch_, pool_);
  if (absl::IsCancelled(status)) cancel_.store(false, std::memory_order_relaxed);
  HEARTH_RETURN_IF_ERROR(status);
  n_past_ += n;
  n_logits_ = params_.all_logits ? n : 1;
  return absl::OkStatus();
}

absl::Span<const float> InferenceContext::logits(int64_t i) const {
  if (i < 0 || i >= n_logits_) return {};
  const int64_t n_vocab = model_.config().n_vocab;
  return absl::Span<const float>(logits_.data() + i * n_vocab, static_cast<size_t>(n_vocab));
}

absl::Status InferenceContext::Truncate(int64_t n) {
  if (n < 0 || n > n_past_) {
    return absl::InvalidArgumentError(absl::StrCat("cannot truncate to ", n, " tokens: the context holds ",
                                                   n_past_));
  }
  n_past_ = n;
  n_logits_ = 0;
  return absl::OkStatus();
}

}  // namespace hearth::model
