// hearth_model_*: loading (full or vocabulary-only), model info and the tokenizer entry points.
#include <cstddef>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "hearth/hearth.h"
#include "lib/api/api_internal.h"
#include "lib/api/handles.h"

namespace hearth::api {
namespace {

hearth_status CheckTokenizer(const hearth_model* model) {
  if (model == nullptr) return InvalidArgument("model is NULL");
  if (model->tokenizer == nullptr) {
    return Fail(HEARTH_ERROR_UNSUPPORTED, "the model file has no vocabulary (no tokenizer.ggml.model)");
  }
  return HEARTH_OK;
}

// Calls the progress callback; nonzero from it cancels the load.
// The first published layout ended at vocab_only; later fields take their defaults for such callers.
constexpr size_t kModelParamsV1Size = offsetof(hearth_model_params, vocab_only) + sizeof(int32_t);

bool Cancelled(const hearth_model_params& params, float progress) {
  return params.progress_callback != nullptr && params.progress_callback(progress, params.progress_user_data) != 0;
}

void FillInfo(hearth_model* m) {
  hearth_model_info& info = m->info;
  info.struct_size = sizeof(info);
  const auto& arch = m->gguf->architecture();
  m->architecture.assign(arch.data(), arch.size());
  info.architecture = m->architecture.c_str();
  for (const auto& t : m->gguf->tensors()) {
    info.n_params += t.n_elements;
    info.n_bytes += t.n_bytes;
  }
  if (m->model != nullptr) {
    const auto& c = m->model->config();
    info.n_vocab = static_cast<int32_t>(c.n_vocab);
    info.n_ctx_train = static_cast<int32_t>(c.n_ctx_train);
    info.n_embd = static_cast<int32_t>(c.n_embd);
    info.n_layer = static_cast<int32_t>(c.n_layer);
    info.n_head = static_cast<int32_t>(c.n_head);
    info.n_head_kv = static_cast<int32_t>(c.n_head_kv);
  } else if (m->tokenizer != nullptr) {
    info.n_vocab = m->tokenizer->n_vocab();
  }
}

}  // namespace
}  // namespace hearth::api

using hearth::api::CheckTokenizer;
using hearth::api::Fail;
using hearth::api::Guard;
using hearth::api::InvalidArgument;

extern "C" {

void hearth_model_params_init(hearth_model_params* params) {
  if (params == nullptr) return;
  *params = hearth_model_params{};
  params->struct_size = sizeof(*params);
}

hearth_status hearth_model_load(const char* path, const hearth_model_params* params, hearth_model** out_model) {
  return Guard([&]() -> hearth_status {
    if (out_model == nullptr) return InvalidArgument("out_model is NULL");
    *out_model = nullptr;
    if (path == nullptr) return InvalidArgument("path is NULL");
    hearth_model_params defaults;
    hearth_model_params_init(&defaults);
    hearth_model_params p = defaults;
    if (params != nullptr) {
      if (hearth_status s = hearth::api::CheckStructSize(params, hearth::api::kModelParamsV1Size, "params");
          s != HEARTH_OK) {
        return s;
      }
      p = hearth::api::CopyKnownPrefix(params, defaults);
    }
    const auto cancelled = [] { return Fail(HEARTH_ERROR_CANCELLED, "model loading was cancelled by the progress callback"); };
    if (hearth::api::Cancelled(p, 0.0f)) return cancelled();

    auto model = std::make_unique<hearth_model>();
    if (p.vocab_only) {
      auto file = hearth::gguf::GgufFile::Open(path);
      if (!file.ok()) return hearth::api::Report(file.status(), hearth::api::ErrorDomain::kFile);
      model->vocab_file = std::move(file).value();
      if (hearth::api::Cancelled(p, 0.5f)) return cancelled();
      if (!model->vocab_file->metadata().Contains("tokenizer.ggml.model")) {
        return Fail(HEARTH_ERROR_UNSUPPORTED, absl::StrCat("'", path, "' has no vocabulary"));
      }
      auto tok = hearth::tokenizer::Tokenizer::Create(model->vocab_file->metadata());
      if (!tok.ok()) return hearth::api::Report(tok.status(), hearth::api::ErrorDomain::kFile);
      model->vocab_tokenizer = std::move(tok).value();
      model->gguf = model->vocab_file.get();
      model->tokenizer = model->vocab_tokenizer.get();
    } else {
      hearth::model::ModelLoadOptions options;
      options.interleave_weights = (p.flags & HEARTH_MODEL_FILE_LAYOUT_ONLY) == 0;
      auto loaded = hearth::model::Model::Load(path, options);
      if (!loaded.ok()) return hearth::api::Report(loaded.status(), hearth::api::ErrorDomain::kFile);
      model->model = std::move(loaded).value();
      model->gguf = &model->model->file();
      model->tokenizer = model->model->tokenizer();
    }
    model->file_handle.gguf = model->gguf;
    hearth::api::FillInfo(model.get());
    if (hearth::api::Cancelled(p, 1.0f)) return cancelled();
    *out_model = model.release();
    return HEARTH_OK;
  });
}

void hearth_model_free(hearth_model* model) { delete model; }

const hearth_file* hearth_model_file(const hearth_model* model) {
  if (model == nullptr) {
    InvalidArgument("model is NULL");
    return nullptr;
  }
  return &model->file_handle;
}

hearth_status hearth_model_get_info(const hearth_model* model, hearth_model_info* out_info) {
  return Guard([&]() -> hearth_status {
    if (model == nullptr) return InvalidArgument("model is NULL");
    if (hearth_status s = hearth::api::CheckStructSize(out_info, sizeof(hearth_model_info), "out_info");
        s != HEARTH_OK) {
      return s;
    }
    const size_t caller_size = out_info->struct_size;
    std::memcpy(out_info, &model->info, sizeof(hearth_model_info));
    out_info->struct_size = caller_size;
    return HEARTH_OK;
  });
}

hearth_status hearth_model_tokenize(const hearth_model* model, const char* text, size_t text_length,
                                    int32_t add_special, int32_t parse_special, hearth_token* tokens,
                                    size_t capacity, size_t* out_count) {
  return Guard([&]() -> hearth_status {
    if (hearth_status s = CheckTokenizer(model); s != HEARTH_OK) return s;
    if (text == nullptr && text_length > 0) return InvalidArgument("text is NULL");
    if (tokens == nullptr && capacity > 0) return InvalidArgument("tokens is NULL but capacity is not 0");
    if (out_count == nullptr) return InvalidArgument("out_count is NULL");
    const std::vector<int32_t> ids = model->tokenizer->Encode(
        std::string_view(text == nullptr ? "" : text, text_length), add_special != 0, parse_special != 0);
    *out_count = ids.size();
    if (ids.size() > capacity) {
      return Fail(HEARTH_ERROR_BUFFER_TOO_SMALL, absl::StrCat("the text has ", ids.size(),
                                                              " tokens but the buffer holds ", capacity));
    }
    std::copy(ids.begin(), ids.end(), tokens);
    return HEARTH_OK;
  });
}

hearth_status hearth_model_token_to_piece(const hearth_model* model, hearth_token token, int32_t render_special,
                                          char* buffer, size_t capacity, size_t* out_length) {
  return Guard([&]() -> hearth_status {
    if (hearth_status s = CheckTokenizer(model); s != HEARTH_OK) return s;
    if (token < 0 || token >= model->tokenizer->n_vocab()) {
      return InvalidArgument(absl::StrCat("token ", token, " is outside the vocabulary of ",
                                          model->tokenizer->n_vocab()));
    }
    return hearth::api::WriteString(model->tokenizer->TokenToPiece(token, render_special != 0), buffer,
                                    capacity, out_length);
  });
}

hearth_status hearth_model_detokenize(const hearth_model* model, const hearth_token* tokens, size_t count,
                                      int32_t render_special, char* buffer, size_t capacity,
                                      size_t* out_length) {
  return Guard([&]() -> hearth_status {
    if (hearth_status s = CheckTokenizer(model); s != HEARTH_OK) return s;
    if (tokens == nullptr && count > 0) return InvalidArgument("tokens is NULL");
    for (size_t i = 0; i < count; ++i) {
      if (tokens[i] < 0 || tokens[i] >= model->tokenizer->n_vocab()) {
        return InvalidArgument(absl::StrCat("token ", tokens[i], " at index ", i, " is outside the vocabulary"));
      }
    }
    const std::string text = model->tokenizer->Decode(absl::MakeConstSpan(tokens, count), render_special != 0);
    return hearth::api::WriteString(text, buffer, capacity, out_length);
  });
}

hearth_token hearth_model_token_bos(const hearth_model* model) {
  if (model == nullptr || model->tokenizer == nullptr) return HEARTH_TOKEN_NULL;
  const int32_t id = model->tokenizer->bos();
  return id >= 0 ? id : HEARTH_TOKEN_NULL;
}

hearth_token hearth_model_token_eos(const hearth_model* model) {
  if (model == nullptr || model->tokenizer == nullptr) return HEARTH_TOKEN_NULL;
  const int32_t id = model->tokenizer->eos();
  return id >= 0 ? id : HEARTH_TOKEN_NULL;
}

int32_t hearth_model_token_is_end(const hearth_model* model, hearth_token token) {
  if (model == nullptr || model->tokenizer == nullptr || token < 0) return 0;
  return model->tokenizer->IsEndOfGeneration(token) ? 1 : 0;
}

}  // extern "C"
