// RAII holders for the CLI's hearth handles, and model/context setup shared by run and eval.
#ifndef HEARTH_EXAMPLES_CLI_MODEL_SESSION_H_
#define HEARTH_EXAMPLES_CLI_MODEL_SESSION_H_

#include <cstdint>
#include <memory>
#include <string>

#include "hearth/hearth.h"

namespace hearth_cli {

struct ModelDeleter {
  void operator()(hearth_model* m) const { hearth_model_free(m); }
};
struct ContextDeleter {
  void operator()(hearth_context* c) const { hearth_context_free(c); }
};
struct SamplerDeleter {
  void operator()(hearth_sampler* s) const { hearth_sampler_free(s); }
};
using ModelPtr = std::unique_ptr<hearth_model, ModelDeleter>;
using ContextPtr = std::unique_ptr<hearth_context, ContextDeleter>;
using SamplerPtr = std::unique_ptr<hearth_sampler, SamplerDeleter>;

// Loads `path`; on failure prints the error and returns a non-zero exit code.
int LoadModel(const std::string& path, bool vocab_only, ModelPtr* out, uint64_t flags = 0);
// Creates a context; n_ctx/n_threads/n_batch of 0 take the library defaults. logits_all allows
// HEARTH_LOGITS_ALL evals.
int CreateContext(hearth_model* model, uint32_t n_ctx, int32_t n_threads, uint32_t n_batch, bool logits_all,
                  ContextPtr* out);

}  // namespace hearth_cli

#endif  // HEARTH_EXAMPLES_CLI_MODEL_SESSION_H_
