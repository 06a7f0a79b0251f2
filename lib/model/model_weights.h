// Binding of the model's named GGUF tensors to typed views into the mapped file, which must outlive the
// ModelWeights. Matrices may then be converted into the kernel table's interleaved decode layout; those
// live in buffers the ModelWeights owns, and the file pages they came from are released.
#ifndef HEARTH_LIB_MODEL_MODEL_WEIGHTS_H_
#define HEARTH_LIB_MODEL_MODEL_WEIGHTS_H_

#include <cstdint>
#include <cstdlib>
#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "kernels/kernel_table.h"
#include "kernels/ops/matmul.h"
#include "lib/gguf/gguf_file.h"
#include "lib/model/model_config.h"

namespace hearth::model {

struct LayerWeights {
  const float* attn_norm = nullptr;  // [n_embd]
  kernels::WeightMatrix wq;          // n_embd -> q_dim
  kernels::WeightMatrix wk;          // n_embd -> k_dim
  kernels::WeightMatrix wv;          // n_embd -> v_dim
  kernels::WeightMatrix wo;          // n_head * head_dim_v -> n_embd
  const float* bq = nullptr;         // Optional biases (qwen2): [q_dim], [k_dim], [v_dim].
  const float* bk = nullptr;
  const float* bv = nullptr;
  const float* q_norm = nullptr;     // Optional per-head norms (qwen3): [head_dim_k].
  const float* k_norm = nullptr;
  const float* ffn_norm = nullptr;   // [n_embd]
  kernels::WeightMatrix w_gate;      // n_embd -> n_ff
  kernels::WeightMatrix w_up;        // n_embd -> n_ff
  kernels::WeightMatrix w_down;      // n_ff -> n_embd
};

// A 64-byte aligned heap buffer.
struct AlignedFree {
  void operator()(uint8_t* p) const { std::free(p); }
};
using AlignedBuffer = std::unique_ptr<uint8_t[], AlignedFree>;

struct ModelWeights {
  kernels::WeightMatrix token_embd;  // n_vocab rows of n_embd; rows are dequantized on lookup.
  const float* output_norm = nullptr;
  kernels::WeightMatrix output;      // n_embd -> n_vocab; token_embd when output.weight is absent.
  const float* rope_freqs = nullptr; // Optional [n_rot / 2] frequency divisors (rope_freqs.weight).
  std::vector<LayerWeights> layers;
  AlignedBuffer interleaved;          // One arena holding every interleaved matrix.
  size_t interleaved_bytes = 0;      // Bytes of weights converted to the interleaved layout.
};

// Binds and checks every tensor the architecture needs: a missing tensor or a wrong shape is an
// InvalidArgument error naming the tensor and the expected shape; matrices must have a matmul kernel in
// `kernels` and norms/biases must be F32.
absl::StatusOr<ModelWeights> BindWeights(const gguf::GgufFile& file, const ModelConfig& config,
                                         const kernels::KernelTable& kernels);

// Converts every matrix that `kernels` has an interleaved layout for (kernels::CanInterleave) into it, in
// place of the file view, releasing the file pages behind each converted chunk as it goes so that resident
// memory stays near the file size. A tied output matrix stays the same matrix as token_embd.
absl::Status InterleaveWeights(const gguf::GgufFile& file, const kernels::KernelTable& kernels,
                               ModelWeights& weights);

}  // namespace hearth::model

#endif  // HEARTH_LIB_MODEL_MODEL_WEIGHTS_H_
