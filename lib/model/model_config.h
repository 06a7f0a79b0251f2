// Hyperparameters of a decoder-only transformer, read from GGUF metadata ("{arch}.*" keys).
#ifndef HEARTH_LIB_MODEL_MODEL_CONFIG_H_
#define HEARTH_LIB_MODEL_MODEL_CONFIG_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "kernels/ops/float_ops.h"
#include "lib/gguf/gguf_file.h"
#include "lib/model/architecture.h"

namespace hearth::model {

enum class RopeScaling { kNone, kLinear, kYarn };

struct ModelConfig {
  const ArchitectureSpec* arch = nullptr;
  int64_t n_embd = 0;
  int64_t n_layer = 0;
  int64_t n_ff = 0;
  int64_t n_head = 0;
  int64_t n_head_kv = 0;
  int64_t head_dim_k = 0;  // attention.key_length (default n_embd / n_head).
  int64_t head_dim_v = 0;  // attention.value_length (default n_embd / n_head).
  float rms_eps = 0.0f;
  int64_t n_ctx_train = 0;
  int64_t n_vocab = 0;
  RopeScaling rope_scaling = RopeScaling::kNone;
  kernels::RopeParams rope;  // n_rot, base, and the resolved scaling parameters.

  int64_t q_dim() const { return n_head * head_dim_k; }
  int64_t k_dim() const { return n_head_kv * head_dim_k; }
  int64_t v_dim() const { return n_head_kv * head_dim_v; }
};

// Reads and validates the hyperparameters. n_vocab comes from "{arch}.vocab_size", else the length of
// "tokenizer.ggml.tokens", else the row count of token_embd.weight.
absl::StatusOr<ModelConfig> ReadModelConfig(const gguf::GgufFile& file);

}  // namespace hearth::model

#endif  // HEARTH_LIB_MODEL_MODEL_CONFIG_H_
