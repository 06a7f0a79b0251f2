// TEMPORARY: model, context, sampler and generation entry points until lib/model and lib/tokenizer land.
#include "hearth/hearth.h"
#include "lib/api/api_internal.h"

using hearth::api::Fail;

namespace {
hearth_status Pending() { return Fail(HEARTH_ERROR_UNSUPPORTED, "not implemented yet"); }
}  // namespace

extern "C" {
void hearth_model_params_init(hearth_model_params* params) {
  if (params == nullptr) return;
  *params = hearth_model_params{};
  params->struct_size = sizeof(*params);
}
hearth_status hearth_model_load(const char*, const hearth_model_params*, hearth_model** out) {
  if (out) *out = nullptr;
  return Pending();
}
void hearth_model_free(hearth_model*) {}
const hearth_file* hearth_model_file(const hearth_model*) { return nullptr; }
hearth_status hearth_model_get_info(const hearth_model*, hearth_model_info*) { return Pending(); }
hearth_status hearth_model_tokenize(const hearth_model*, const char*, size_t, int32_t, int32_t, hearth_token*,
                                    size_t, size_t*) { return Pending(); }
hearth_status hearth_model_token_to_piece(const hearth_model*, hearth_token, int32_t, char*, size_t, size_t*) {
  return Pending();
}
hearth_status hearth_model_detokenize(const hearth_model*, const hearth_token*, size_t, int32_t, char*, size_t,
                                      size_t*) { return Pending(); }
hearth_token hearth_model_token_bos(const hearth_model*) { return HEARTH_TOKEN_NULL; }
hearth_token hearth_model_token_eos(const hearth_model*) { return HEARTH_TOKEN_NULL; }
int32_t hearth_model_token_is_end(const hearth_model*, hearth_token) { return 0; }
void hearth_context_params_init(hearth_context_params* params) {
  if (params == nullptr) return;
  *params = hearth_context_params{};
  params->struct_size = sizeof(*params);
}
hearth_status hearth_context_create(hearth_model*, const hearth_context_params*, hearth_context** out) {
  if (out) *out = nullptr;
  return Pending();
}
void hearth_context_free(hearth_context*) {}
uint32_t hearth_context_size(const hearth_context*) { return 0; }
uint32_t hearth_context_position(const hearth_context*) { return 0; }
hearth_status hearth_context_eval(hearth_context*, const hearth_token*, size_t, int32_t) { return Pending(); }
const float* hearth_context_logits(const hearth_context*, int32_t) { return nullptr; }
hearth_status hearth_context_truncate(hearth_context*, uint32_t) { return Pending(); }
void hearth_context_cancel(hearth_context*) {}
void hearth_sampler_params_init(hearth_sampler_params* params) {
  if (params == nullptr) return;
  *params = hearth_sampler_params{};
  params->struct_size = sizeof(*params);
  params->temperature = 0.8f;
  params->top_k = 40;
  params->top_p = 0.95f;
  params->min_p = 0.05f;
  params->repeat_penalty = 1.0f;
  params->penalty_last_n = 64;
}
hearth_status hearth_sampler_create(const hearth_model*, const hearth_sampler_params*, hearth_sampler** out) {
  if (out) *out = nullptr;
  return Pending();
}
void hearth_sampler_free(hearth_sampler*) {}
hearth_status hearth_sampler_sample(hearth_sampler*, const hearth_context*, int32_t, hearth_token*) {
  return Pending();
}
void hearth_sampler_accept(hearth_sampler*, hearth_token) {}
void hearth_sampler_reset(hearth_sampler*) {}
void hearth_generate_params_init(hearth_generate_params* params) {
  if (params == nullptr) return;
  *params = hearth_generate_params{};
  params->struct_size = sizeof(*params);
  params->max_tokens = 128;
  params->add_special = 1;
  params->parse_special = 1;
}
hearth_status hearth_context_generate(hearth_context*, hearth_sampler*, const char*, const hearth_generate_params*,
                                      hearth_generate_result*) { return Pending(); }
}
