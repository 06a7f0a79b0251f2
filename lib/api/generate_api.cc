// hearth_context_generate: prompt evaluation, then sample -> stream -> eval until a stop condition.
// Streamed text holds only whole UTF-8 characters and never any part of a stop string.
#include <chrono>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "hearth/hearth.h"
#include "lib/api/api_internal.h"
#include "lib/api/handles.h"
#include "lib/sampling/stop_strings.h"

using hearth::api::Fail;
using hearth::api::Guard;
using hearth::api::InvalidArgument;

namespace {

// Length of the longest prefix of `bytes` that ends on a UTF-8 character boundary: a trailing lead byte
// whose continuation bytes have not arrived yet is held back.
size_t CompleteUtf8Prefix(const std::string& bytes) {
  const size_t n = bytes.size();
  // Look back at most 3 bytes for the start of the last character.
  for (size_t back = 1; back <= 4 && back <= n; ++back) {
    const unsigned char c = static_cast<unsigned char>(bytes[n - back]);
    if ((c & 0xC0) == 0x80) continue;  // Continuation byte: keep looking for the lead.
    size_t need = 1;
    if ((c & 0xE0) == 0xC0) need = 2;
    else if ((c & 0xF0) == 0xE0) need = 3;
    else if ((c & 0xF8) == 0xF0) need = 4;
    return need > back ? n - back : n;
  }
  return n;
}

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

}  // namespace

extern "C" {

void hearth_generate_params_init(hearth_generate_params* params) {
  if (params == nullptr) return;
  *params = hearth_generate_params{};
  params->struct_size = sizeof(*params);
  params->max_tokens = 128;
  params->add_special = 1;
  params->parse_special = 1;
}

hearth_status hearth_context_generate(hearth_context* context, hearth_sampler* sampler, const char* prompt,
                                      const hearth_generate_params* params, hearth_generate_result* out_result) {
  return Guard([&]() -> hearth_status {
    if (context == nullptr) return InvalidArgument("context is NULL");
    if (sampler == nullptr) return InvalidArgument("sampler is NULL");
    if (prompt == nullptr) return InvalidArgument("prompt is NULL");
    hearth_generate_params defaults;
    hearth_generate_params_init(&defaults);
    hearth_generate_params p = defaults;
    if (params != nullptr) {
      if (hearth_status s = hearth::api::CheckStructSize(params, sizeof(hearth_generate_params), "params");
          s != HEARTH_OK) {
        return s;
      }
      p = hearth::api::CopyKnownPrefix(params, defaults);
    }
    if (out_result != nullptr) {
      if (hearth_status s =
              hearth::api::CheckStructSize(out_result, sizeof(hearth_generate_result), "out_result");
          s != HEARTH_OK) {
        return s;
      }
    }
    if (p.max_tokens < 0) return InvalidArgument(absl::StrCat("max_tokens is negative (", p.max_tokens, ")"));
    if (p.stop_strings == nullptr && p.n_stop_strings > 0) return InvalidArgument("stop_strings is NULL");
    std::vector<std::string> stops;
    for (size_t i = 0; i < p.n_stop_strings; ++i) {
      if (p.stop_strings[i] == nullptr) return InvalidArgument(absl::StrCat("stop_strings[", i, "] is NULL"));
      stops.emplace_back(p.stop_strings[i]);
    }
    hearth_model* model = context->model;
    if (sampler->model != model) return InvalidArgument("the sampler and the context belong to different models");
    if (model->tokenizer == nullptr) return Fail(HEARTH_ERROR_UNSUPPORTED, "the model has no vocabulary");
    const auto& tokenizer = *model->tokenizer;
    hearth::model::InferenceContext& ctx = *context->ctx;

    hearth_generate_result result{};
    result.struct_size = sizeof(result);
    const auto finish = [&](hearth_status status) {
      if (out_result != nullptr) {
        const size_t caller_size = out_result->struct_size;
        std::memcpy(out_result, &result, sizeof(result));
        out_result->struct_size = caller_size;
      }
      return status;
    };

    // BOS belongs at the start of a sequence only, so add_special applies to an empty context.
    const std::vector<int32_t> prompt_tokens =
        tokenizer.Encode(prompt, p.add_special != 0 && ctx.n_past() == 0, p.parse_special != 0);
    result.n_prompt_tokens = static_cast<int32_t>(prompt_tokens.size());
    if (prompt_tokens.empty() && ctx.n_past() == 0) {
      return finish(InvalidArgument("the prompt is empty and the context holds nothing to continue from"));
    }
    const auto prompt_start = std::chrono::steady_clock::now();
    if (!prompt_tokens.empty()) {
      hearth_status s = hearth_context_eval(context, prompt_tokens.data(), prompt_tokens.size(), HEARTH_LOGITS_LAST);
      if (s != HEARTH_OK) return finish(s);
      for (int32_t t : prompt_tokens) sampler->sampler->Accept(t);
    } else if (hearth_context_logits(context, -1) == nullptr) {
      return finish(InvalidArgument("the prompt is empty and the last batch kept no logits"));
    }
    result.prompt_seconds = Seconds(prompt_start);

    const auto gen_start = std::chrono::steady_clock::now();
    hearth::sampling::StopStringMatcher matcher(stops);
    std::string pending;  // Bytes of an unfinished UTF-8 character.
    // Emits `text` with `token`; returns true if the callback asked to stop.
    const auto emit = [&](hearth_token token, const std::string& text) {
      return p.callback != nullptr && p.callback(token, text.c_str(), text.size(), p.user_data) != 0;
    };
    result.stop_reason = HEARTH_STOP_MAX_TOKENS;
    hearth_token unevaluated = HEARTH_TOKEN_NULL;  // Sampled but not yet in the KV cache.
    while (true) {
      if (result.n_generated_tokens >= p.max_tokens) {
        result.stop_reason = HEARTH_STOP_MAX_TOKENS;
        break;
      }
      hearth_token token = HEARTH_TOKEN_NULL;
      hearth_status s = hearth_sampler_sample(sampler, context, -1, &token);
      if (s != HEARTH_OK) return finish(s);
      unevaluated = token;
      if (tokenizer.IsEndOfGeneration(token)) {
        result.stop_reason = HEARTH_STOP_END_TOKEN;
        break;
      }
      ++result.n_generated_tokens;
      pending += tokenizer.TokenToPiece(token, /*render_special=*/false);
      const size_t complete = CompleteUtf8Prefix(pending);
      const auto fed = matcher.Feed(absl::string_view(pending.data(), complete));
      pending.erase(0, complete);
      if (emit(token, fed.text)) {
        result.stop_reason = fed.stopped ? HEARTH_STOP_STRING : HEARTH_STOP_CALLBACK;
        break;
      }
      if (fed.stopped) {
        result.stop_reason = HEARTH_STOP_STRING;
        break;
      }
      if (result.n_generated_tokens >= p.max_tokens) {
        result.stop_reason = HEARTH_STOP_MAX_TOKENS;
        break;
      }
      if (ctx.n_past() >= ctx.n_ctx()) {
        result.stop_reason = HEARTH_STOP_CONTEXT_FULL;
        break;
      }
      s = hearth_context_eval(context, &token, 1, HEARTH_LOGITS_LAST);
      if (s != HEARTH_OK) {
        result.generate_seconds = Seconds(gen_start);
        return finish(s);
      }
      unevaluated = HEARTH_TOKEN_NULL;
    }
    // The last sampled token (an end-of-turn token too) joins the context, so that a later call continues
    // the conversation from everything generated so far.
    if (unevaluated != HEARTH_TOKEN_NULL && ctx.n_past() < ctx.n_ctx()) {
      const hearth_status s = hearth_context_eval(context, &unevaluated, 1, HEARTH_LOGITS_LAST);
      if (s != HEARTH_OK) {
        result.generate_seconds = Seconds(gen_start);
        return finish(s);
      }
    }
    // Release text held back as a possible stop-string prefix; bytes of a character that never
    // completed become U+FFFD so the stream stays valid UTF-8.
    if (result.stop_reason != HEARTH_STOP_STRING && result.stop_reason != HEARTH_STOP_CALLBACK) {
      std::string tail = matcher.Flush();
      if (!pending.empty()) tail += "\xEF\xBF\xBD";
      if (!tail.empty()) emit(HEARTH_TOKEN_NULL, tail);
    }
    result.generate_seconds = Seconds(gen_start);
    return finish(HEARTH_OK);
  });
}

}  // extern "C"
