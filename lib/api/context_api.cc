// hearth_context_*: one sequence's KV cache and logits over a shared model.
#include <algorithm>
#include <memory>
#include <thread>

#include "absl/strings/str_cat.h"
#include "hearth/hearth.h"
#include "lib/api/api_internal.h"
#include "lib/api/handles.h"

using hearth::api::Fail;
using hearth::api::Guard;
using hearth::api::InvalidArgument;

namespace {

constexpr uint32_t kDefaultMaxCtx = 4096;
constexpr uint32_t kDefaultBatch = 512;

}  // namespace

extern "C" {

void hearth_context_params_init(hearth_context_params* params) {
  if (params == nullptr) return;
  *params = hearth_context_params{};
  params->struct_size = sizeof(*params);
}

hearth_status hearth_context_create(hearth_model* model, const hearth_context_params* params,
                                    hearth_context** out_context) {
  return Guard([&]() -> hearth_status {
    if (out_context == nullptr) return InvalidArgument("out_context is NULL");
    *out_context = nullptr;
    if (model == nullptr) return InvalidArgument("model is NULL");
    hearth_context_params defaults;
    hearth_context_params_init(&defaults);
    hearth_context_params p = defaults;
    if (params != nullptr) {
      if (hearth_status s = hearth::api::CheckStructSize(params, sizeof(hearth_context_params), "params");
          s != HEARTH_OK) {
        return s;
      }
      p = hearth::api::CopyKnownPrefix(params, defaults);
    }
    if (model->model == nullptr) {
      return InvalidArgument("the model was loaded with vocab_only and has no weights to run");
    }
    if (p.n_threads < 0) return InvalidArgument(absl::StrCat("n_threads is negative (", p.n_threads, ")"));
    const int64_t n_ctx_train = model->model->config().n_ctx_train;
    hearth::model::ContextParams cp;
    cp.n_ctx = p.n_ctx != 0 ? p.n_ctx : std::min<int64_t>(n_ctx_train, kDefaultMaxCtx);
    cp.max_batch = p.n_batch != 0 ? p.n_batch : kDefaultBatch;
    cp.n_threads = p.n_threads != 0 ? p.n_threads : std::max(1u, std::thread::hardware_concurrency());
    cp.all_logits = p.logits_all != 0;
    auto ctx = hearth::model::InferenceContext::Create(*model->model, cp);
    if (!ctx.ok()) return hearth::api::Report(ctx.status());
    auto context = std::make_unique<hearth_context>();
    context->model = model;
    context->ctx = std::move(ctx).value();
    context->logits_all = cp.all_logits;
    *out_context = context.release();
    return HEARTH_OK;
  });
}

void hearth_context_free(hearth_context* context) { delete context; }

uint32_t hearth_context_size(const hearth_context* context) {
  if (context == nullptr) {
    InvalidArgument("context is NULL");
    return 0;
  }
  return static_cast<uint32_t>(context->ctx->n_ctx());
}

uint32_t hearth_context_position(const hearth_context* context) {
  if (context == nullptr) {
    InvalidArgument("context is NULL");
    return 0;
  }
  return static_cast<uint32_t>(context->ctx->n_past());
}

hearth_status hearth_context_eval(hearth_context* context, const hearth_token* tokens, size_t count,
                                  int32_t logits_mode) {
  return Guard([&]() -> hearth_status {
    if (context == nullptr) return InvalidArgument("context is NULL");
    if (tokens == nullptr) return InvalidArgument("tokens is NULL");
    if (count == 0) return InvalidArgument("count is 0");
    if (logits_mode != HEARTH_LOGITS_LAST && logits_mode != HEARTH_LOGITS_ALL) {
      return InvalidArgument(absl::StrCat("unknown logits_mode ", logits_mode));
    }
    if (logits_mode == HEARTH_LOGITS_ALL && !context->logits_all) {
      return InvalidArgument("HEARTH_LOGITS_ALL needs a context created with logits_all set");
    }
    hearth::model::InferenceContext& ctx = *context->ctx;
    // Check everything first so that a rejected batch changes nothing.
    if (static_cast<uint64_t>(count) > static_cast<uint64_t>(ctx.n_ctx() - ctx.n_past())) {
      return Fail(HEARTH_ERROR_CONTEXT_FULL,
                  absl::StrCat(count, " tokens do not fit: the context holds ", ctx.n_past(), " of ", ctx.n_ctx(),
                               " positions"));
    }
    const int64_t n_vocab = ctx.n_vocab();
    for (size_t i = 0; i < count; ++i) {
      if (tokens[i] < 0 || tokens[i] >= n_vocab) {
        return InvalidArgument(
            absl::StrCat("token ", tokens[i], " at index ", i, " is outside the vocabulary of ", n_vocab));
      }
    }
    context->batch_count = 0;
    context->batch_rows = 0;
    context->joined = false;
    const bool all = logits_mode == HEARTH_LOGITS_ALL;
    const size_t step = static_cast<size_t>(ctx.max_batch());
    context->joined = all && count > step;
    if (context->joined) context->joined_logits.resize(count * static_cast<size_t>(n_vocab));
    for (size_t begin = 0; begin < count; begin += step) {
      const size_t n = std::min(step, count - begin);
      absl::Status status = ctx.Eval(absl::MakeConstSpan(tokens + begin, n));
      if (!status.ok()) return hearth::api::Report(status);
      if (context->joined) {
        for (size_t r = 0; r < n; ++r) {
          const auto row = ctx.logits(static_cast<int64_t>(r));
          std::copy(row.begin(), row.end(), context->joined_logits.begin() + (begin + r) * n_vocab);
        }
      }
    }
    context->batch_count = static_cast<int64_t>(count);
    context->batch_rows = all ? static_cast<int64_t>(count) : 1;
    return HEARTH_OK;
  });
}

const float* hearth_context_logits(const hearth_context* context, int32_t index) {
  if (context == nullptr) {
    InvalidArgument("context is NULL");
    return nullptr;
  }
  const int64_t count = context->batch_count;
  int64_t i = index < 0 ? count + index : index;
  if (count == 0 || i < 0 || i >= count) return nullptr;
  // Rows kept: all of them (ALL), or only the last (LAST).
  const int64_t first_kept = count - context->batch_rows;
  if (i < first_kept) return nullptr;
  const int64_t row = i - first_kept;
  const int64_t n_vocab = context->ctx->n_vocab();
  if (context->joined) return context->joined_logits.data() + row * n_vocab;
  // Without joining, the rows live in the inference context: the last slice's rows, or its last token.
  const auto& ctx = *context->ctx;
  const int64_t in_slice = ctx.n_logits() - (count - i);
  if (in_slice < 0) return nullptr;
  return ctx.logits(in_slice).data();
}

hearth_status hearth_context_truncate(hearth_context* context, uint32_t position) {
  return Guard([&]() -> hearth_status {
    if (context == nullptr) return InvalidArgument("context is NULL");
    absl::Status status = context->ctx->Truncate(position);
    if (!status.ok()) return hearth::api::Report(status);
    context->batch_count = 0;
    context->batch_rows = 0;
    context->joined = false;
    return HEARTH_OK;
  });
}

void hearth_context_cancel(hearth_context* context) {
  if (context != nullptr) context->ctx->RequestCancel();
}

}  // extern "C"
