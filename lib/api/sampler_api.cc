// hearth_sampler_*: the token sampler over a context's logits.
#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"
#include "hearth/hearth.h"
#include "lib/api/api_internal.h"
#include "lib/api/handles.h"

using hearth::api::Fail;
using hearth::api::Guard;
using hearth::api::InvalidArgument;

extern "C" {

void hearth_sampler_params_init(hearth_sampler_params* params) {
  if (params == nullptr) return;
  const hearth::sampling::SamplerParams d;  // The library's defaults live in one place.
  *params = hearth_sampler_params{};
  params->struct_size = sizeof(*params);
  params->temperature = d.temperature;
  params->top_k = d.top_k;
  params->top_p = d.top_p;
  params->min_p = d.min_p;
  params->repeat_penalty = d.repeat_penalty;
  params->frequency_penalty = d.frequency_penalty;
  params->presence_penalty = d.presence_penalty;
  params->penalty_last_n = d.penalty_last_n;
  params->seed = d.seed;
}

hearth_status hearth_sampler_create(const hearth_model* model, const hearth_sampler_params* params,
                                    hearth_sampler** out_sampler) {
  return Guard([&]() -> hearth_status {
    if (out_sampler == nullptr) return InvalidArgument("out_sampler is NULL");
    *out_sampler = nullptr;
    if (model == nullptr) return InvalidArgument("model is NULL");
    hearth_sampler_params defaults;
    hearth_sampler_params_init(&defaults);
    hearth_sampler_params p = defaults;
    if (params != nullptr) {
      if (hearth_status s = hearth::api::CheckStructSize(params, sizeof(hearth_sampler_params), "params");
          s != HEARTH_OK) {
        return s;
      }
      p = hearth::api::CopyKnownPrefix(params, defaults);
    }
    if (p.logit_bias == nullptr && p.n_logit_bias > 0) return InvalidArgument("logit_bias is NULL");
    hearth::sampling::SamplerParams sp;
    sp.temperature = p.temperature;
    sp.top_k = p.top_k;
    sp.top_p = p.top_p;
    sp.min_p = p.min_p;
    sp.repeat_penalty = p.repeat_penalty;
    sp.frequency_penalty = p.frequency_penalty;
    sp.presence_penalty = p.presence_penalty;
    sp.penalty_last_n = p.penalty_last_n;
    sp.seed = p.seed;
    for (size_t i = 0; i < p.n_logit_bias; ++i) sp.logit_bias.emplace_back(p.logit_bias[i].token, p.logit_bias[i].bias);
    const int32_t n_vocab = model->info.n_vocab;
    if (n_vocab <= 0) return InvalidArgument("the model has no vocabulary to sample from");
    auto sampler = hearth::sampling::Sampler::Create(sp, n_vocab);
    if (!sampler.ok()) return hearth::api::Report(sampler.status());
    auto handle = std::make_unique<hearth_sampler>();
    handle->model = model;
    handle->sampler = std::make_unique<hearth::sampling::Sampler>(std::move(sampler).value());
    *out_sampler = handle.release();
    return HEARTH_OK;
  });
}

void hearth_sampler_free(hearth_sampler* sampler) { delete sampler; }

hearth_status hearth_sampler_sample(hearth_sampler* sampler, const hearth_context* context, int32_t index,
                                    hearth_token* out_token) {
  return Guard([&]() -> hearth_status {
    if (sampler == nullptr) return InvalidArgument("sampler is NULL");
    if (context == nullptr) return InvalidArgument("context is NULL");
    if (out_token == nullptr) return InvalidArgument("out_token is NULL");
    *out_token = HEARTH_TOKEN_NULL;
    if (context->model != sampler->model) {
      return InvalidArgument("the sampler and the context belong to different models");
    }
    const float* logits = hearth_context_logits(context, index);
    if (logits == nullptr) {
      return InvalidArgument(absl::StrCat("the last batch kept no logits for index ", index));
    }
    const int32_t token = sampler->sampler->Sample(absl::MakeConstSpan(logits, sampler->sampler->n_vocab()));
    if (token == hearth::sampling::Sampler::kNoToken) {
      return InvalidArgument("no token can be sampled: every token is banned");
    }
    sampler->sampler->Accept(token);
    *out_token = token;
    return HEARTH_OK;
  });
}

void hearth_sampler_accept(hearth_sampler* sampler, hearth_token token) {
  if (sampler == nullptr) {
    InvalidArgument("sampler is NULL");
    return;
  }
  hearth::api::GuardValue(0, [&] {
    sampler->sampler->Accept(token);
    return 0;
  });
}

void hearth_sampler_reset(hearth_sampler* sampler) {
  if (sampler == nullptr) {
    InvalidArgument("sampler is NULL");
    return;
  }
  sampler->sampler->Reset();
}

}  // extern "C"
