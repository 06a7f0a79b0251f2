#include "lib/model/model_config.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "lib/gguf/absl_compat.h"
#include "lib/util/status_macros.h"

namespace hearth::model {
namespace {

class HparamReader {
 public:
  HparamReader(const gguf::Metadata& metadata, std::string_view arch)
      : metadata_(metadata), prefix_(absl::StrCat(gguf::AV(arch), ".")) {}

  std::string Key(std::string_view suffix) const { return absl::StrCat(prefix_, gguf::AV(suffix)); }

  absl::StatusOr<int64_t> RequiredInt(std::string_view suffix) const {
    const std::string key = Key(suffix);
    if (!metadata_.Contains(key)) {
      return absl::InvalidArgumentError(absl::StrCat("missing model hyperparameter '", key, "'"));
    }
    return metadata_.GetInt(key);
  }
  absl::StatusOr<int64_t> OptionalInt(std::string_view suffix, int64_t fallback) const {
    const std::string key = Key(suffix);
    if (!metadata_.Contains(key)) return fallback;
    return metadata_.GetInt(key);
  }
  // Float keys; integer-typed values are accepted too.
  absl::StatusOr<double> OptionalFloat(std::string_view suffix, double fallback) const {
    const std::string key = Key(suffix);
    const gguf::Value* v = metadata_.Find(key);
    if (v == nullptr) return fallback;
    if (v->is_integer()) {
      HEARTH_ASSIGN_OR_RETURN(int64_t i, v->AsInt());
      return static_cast<double>(i);
    }
    return metadata_.GetFloat(key);
  }
  absl::StatusOr<std::string_view> OptionalString(std::string_view suffix,
                                                  std::string_view fallback) const {
    const std::string key = Key(suffix);
    if (!metadata_.Contains(key)) return fallback;
    return metadata_.GetString(key);
  }
  absl::StatusOr<double> RequiredFloat(std::string_view suffix) const {
    if (!metadata_.Contains(Key(suffix))) {
      return absl::InvalidArgumentError(
          absl::StrCat("missing model hyperparameter '", Key(suffix), "'"));
    }
    return OptionalFloat(suffix, 0.0);
  }

 private:
  const gguf::Metadata& metadata_;
  std::string prefix_;
};

absl::Status Positive(std::string_view what, int64_t v) {
  if (v <= 0) {
    return absl::InvalidArgumentError(absl::StrCat("model hyperparameter ", gguf::AV(what), " = ", v,
                                                   " must be positive"));
  }
  return absl::OkStatus();
}

absl::StatusOr<int64_t> ReadVocabSize(const gguf::GgufFile& file, const HparamReader& hp) {
  HEARTH_ASSIGN_OR_RETURN(int64_t n_vocab, hp.OptionalInt("vocab_size", 0));
  if (n_vocab > 0) return n_vocab;
  if (const gguf::Value* tokens = file.metadata().Find("tokenizer.ggml.tokens");
      tokens != nullptr && tokens->type() == gguf::ValueType::kArray && tokens->size() != 0) {
    return static_cast<int64_t>(tokens->size());
  }
  if (const gguf::TensorInfo* embd = file.FindTensor("token_embd.weight");
      embd != nullptr && embd->shape.size() == 2) {
    return embd->shape[1];
  }
  return absl::InvalidArgumentError(
      "cannot determine the vocabulary size: no vocab_size key, tokenizer.ggml.tokens or token_embd.weight");
}

absl::Status ReadRope(const HparamReader& hp, ModelConfig& c) {
  kernels::RopeParams& r = c.rope;
  HEARTH_ASSIGN_OR_RETURN(double base, hp.OptionalFloat("rope.freq_base", 10000.0));
  HEARTH_ASSIGN_OR_RETURN(int64_t n_rot, hp.OptionalInt("rope.dimension_count", c.head_dim_k));
  if (n_rot <= 0 || n_rot > c.head_dim_k || n_rot % 2 != 0) {
    return absl::InvalidArgumentError(absl::StrCat(hp.Key("rope.dimension_count"), " = ", n_rot,
                                                   " must be even and in (0, head_dim = ",
                                                   c.head_dim_k, "]"));
  }
  if (!(base > 0.0)) {
    return absl::InvalidArgumentError(absl::StrCat(hp.Key("rope.freq_base"), " must be positive"));
  }
  r.n_rot = static_cast<int>(n_rot);
  r.freq_base = static_cast<float>(base);

  // Scaling: "rope.scaling.type" names it; the legacy "rope.scale_linear" factor implies linear.
  HEARTH_ASSIGN_OR_RETURN(double legacy_linear, hp.OptionalFloat("rope.scale_linear", 0.0));
  HEARTH_ASSIGN_OR_RETURN(double factor, hp.OptionalFloat("rope.scaling.factor", legacy_linear));
  HEARTH_ASSIGN_OR_RETURN(std::string_view type,
                          hp.OptionalString("rope.scaling.type", legacy_linear > 0.0 ? "linear" : "none"));
  if (type == "none") {
    c.rope_scaling = RopeScaling::kNone;
  } else if (type == "linear") {
    c.rope_scaling = RopeScaling::kLinear;
  } else if (type == "yarn") {
    c.rope_scaling = RopeScaling::kYarn;
  } else {
    return absl::InvalidArgumentError(absl::StrCat("unsupported ", hp.Key("rope.scaling.type"), " '",
                                                   gguf::AV(type), "' (supported: none, linear, yarn)"));
  }
  r.freq_scale = 1.0f;
  if (c.rope_scaling != RopeScaling::kNone && factor != 0.0) {
    if (!(factor > 0.0)) {
      return absl::InvalidArgumentError(
          absl::StrCat(hp.Key("rope.scaling.factor"), " = ", factor, " must be positive"));
    }
    r.freq_scale = static_cast<float>(1.0 / factor);
  }
  HEARTH_ASSIGN_OR_RETURN(int64_t n_ctx_orig,
                          hp.OptionalInt("rope.scaling.original_context_length", c.n_ctx_train));
  r.n_ctx_orig = static_cast<int>(n_ctx_orig > 0 ? n_ctx_orig : c.n_ctx_train);
  HEARTH_ASSIGN_OR_RETURN(double attn_factor, hp.OptionalFloat("rope.scaling.attn_factor", 1.0));
  r.attn_factor = static_cast<float>(attn_factor);
  HEARTH_ASSIGN_OR_RETURN(double beta_fast, hp.OptionalFloat("rope.scaling.yarn_beta_fast", 32.0));
  HEARTH_ASSIGN_OR_RETURN(double beta_slow, hp.OptionalFloat("rope.scaling.yarn_beta_slow", 1.0));
  r.beta_fast = static_cast<float>(beta_fast);
  r.beta_slow = static_cast<float>(beta_slow);
  // YaRN mixes in full extrapolation for the fast dimensions unless the file says otherwise.
  const double default_ext = c.rope_scaling == RopeScaling::kYarn ? 1.0 : 0.0;
  HEARTH_ASSIGN_OR_RETURN(double ext, hp.OptionalFloat("rope.scaling.yarn_ext_factor", default_ext));
  r.ext_factor = c.rope_scaling == RopeScaling::kYarn ? static_cast<float>(ext) : 0.0f;
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<ModelConfig> ReadModelConfig(const gguf::GgufFile& file) {
  ModelConfig c;
  HEARTH_ASSIGN_OR_RETURN(c.arch, FindArchitecture(file.architecture()));
  const gguf::Metadata& md = file.metadata();
  HparamReader hp(md, c.arch->name);

  HEARTH_ASSIGN_OR_RETURN(c.n_embd, hp.RequiredInt("embedding_length"));
  HEARTH_ASSIGN_OR_RETURN(c.n_layer, hp.RequiredInt("block_count"));
  HEARTH_ASSIGN_OR_RETURN(c.n_ff, hp.RequiredInt("feed_forward_length"));
  HEARTH_ASSIGN_OR_RETURN(c.n_head, hp.RequiredInt("attention.head_count"));
  HEARTH_RETURN_IF_ERROR(Positive(hp.Key("embedding_length"), c.n_embd));
  HEARTH_RETURN_IF_ERROR(Positive(hp.Key("block_count"), c.n_layer));
  HEARTH_RETURN_IF_ERROR(Positive(hp.Key("feed_forward_length"), c.n_ff));
  HEARTH_RETURN_IF_ERROR(Positive(hp.Key("attention.head_count"), c.n_head));
  HEARTH_ASSIGN_OR_RETURN(c.n_head_kv, hp.OptionalInt("attention.head_count_kv", c.n_head));
  HEARTH_RETURN_IF_ERROR(Positive(hp.Key("attention.head_count_kv"), c.n_head_kv));
  if (c.n_head % c.n_head_kv != 0) {
    return absl::InvalidArgumentError(absl::StrCat("attention.head_count = ", c.n_head,
                                                   " is not a multiple of attention.head_count_kv = ",
                                                   c.n_head_kv));
  }
  HEARTH_ASSIGN_OR_RETURN(c.head_dim_k, hp.OptionalInt("attention.key_length", c.n_embd / c.n_head));
  HEARTH_ASSIGN_OR_RETURN(c.head_dim_v,
                          hp.OptionalInt("attention.value_length", c.n_embd / c.n_head));
  HEARTH_RETURN_IF_ERROR(Positive(hp.Key("attention.key_length"), c.head_dim_k));
  HEARTH_RETURN_IF_ERROR(Positive(hp.Key("attention.value_length"), c.head_dim_v));
  HEARTH_ASSIGN_OR_RETURN(double eps, hp.RequiredFloat("attention.layer_norm_rms_epsilon"));
  if (!(eps >= 0.0)) {
    return absl::InvalidArgumentError("attention.layer_norm_rms_epsilon must be non-negative");
  }
  c.rms_eps = static_cast<float>(eps);
  HEARTH_ASSIGN_OR_RETURN(c.n_ctx_train, hp.RequiredInt("context_length"));
  HEARTH_RETURN_IF_ERROR(Positive(hp.Key("context_length"), c.n_ctx_train));
  HEARTH_ASSIGN_OR_RETURN(c.n_vocab, ReadVocabSize(file, hp));
  HEARTH_RETURN_IF_ERROR(Positive("vocab_size", c.n_vocab));

  HEARTH_RETURN_IF_ERROR(ReadRope(hp, c));
  if (c.arch->read_extra_hparams != nullptr) {
    HEARTH_RETURN_IF_ERROR(c.arch->read_extra_hparams(md, c));
  }
  return c;
}

}  // namespace hearth::model
