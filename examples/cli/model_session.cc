#include "examples/cli/model_session.h"

#include "examples/cli/commands.h"

namespace hearth_cli {

int LoadModel(const std::string& path, bool vocab_only, ModelPtr* out, uint64_t flags) {
  hearth_model_params params;
  hearth_model_params_init(&params);
  params.vocab_only = vocab_only ? 1 : 0;
  params.flags = flags;
  hearth_model* model = nullptr;
  const hearth_status status = hearth_model_load(path.c_str(), &params, &model);
  if (status != HEARTH_OK) return ApiError("cannot load the model", status);  // The message names the path.
  out->reset(model);
  return 0;
}

int CreateContext(hearth_model* model, uint32_t n_ctx, int32_t n_threads, uint32_t n_batch, bool logits_all,
                  ContextPtr* out) {
  hearth_context_params params;
  hearth_context_params_init(&params);
  params.n_ctx = n_ctx;
  params.n_threads = n_threads;
  params.n_batch = n_batch;
  params.logits_all = logits_all ? 1 : 0;
  hearth_context* context = nullptr;
  const hearth_status status = hearth_context_create(model, &params, &context);
  if (status != HEARTH_OK) return ApiError("cannot create a context", status);
  out->reset(context);
  return 0;
}

}  // namespace hearth_cli
