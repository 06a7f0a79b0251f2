// The decoder-only transformer forward pass over a batch of tokens at consecutive positions:
// embedding lookup, then per layer RMSNorm -> Q/K/V projections (+bias) -> per-head Q/K norm -> RoPE ->
// K/V appended to the F16 cache -> causal grouped-query attention -> output projection + residual ->
// RMSNorm -> SwiGLU FFN + residual, then the output norm and the vocabulary projection.
//
// Threading: projections that share an input (Q/K/V, gate/up) run as one pool job (the activation is
// quantized once) in which threads take contiguous row chunks from a shared counter (each weight byte is
// read once, and a thread slowed by its bandwidth share takes fewer chunks); bias, SiLU-mul and the
// residual add run inside that job on each chunk's rows. A decode step costs five pool jobs per layer. Attention is one job over (token, head)
// items handed out dynamically (causal rows differ in cost).
// All buffers are preallocated in ForwardScratch; nothing is allocated per call.
#ifndef HEARTH_LIB_MODEL_FORWARD_H_
#define HEARTH_LIB_MODEL_FORWARD_H_

#include <atomic>
#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "absl/types/span.h"
#include "kernels/kernel_table.h"
#include "lib/model/kv_cache.h"
#include "lib/model/model_config.h"
#include "lib/model/model_weights.h"
#include "lib/util/thread_pool.h"

namespace hearth::model {

// What the forward pass reads from a loaded model (immutable, shared by all contexts).
struct ModelView {
  const ModelConfig* config = nullptr;
  const ModelWeights* weights = nullptr;
  const kernels::KernelTable* kernels = nullptr;
};

// Per-context working memory for batches of up to max_batch tokens: each buffer is [max_batch][width].
class ForwardScratch {
 public:
  // Attention needs no per-context scratch (its blocks live on the stack), so only max_batch matters.
  ForwardScratch(const ModelView& model, int64_t max_batch);

  int64_t max_batch() const { return max_batch_; }

  std::vector<float> x;         // Residual stream [n_embd].
  std::vector<float> xn;        // Normed input of the current block [n_embd].
  std::vector<float> q;         // [q_dim]
  std::vector<float> k;         // [k_dim]
  std::vector<float> v;         // [v_dim]
  std::vector<float> attn;      // Attention output [n_head * head_dim_v].
  std::vector<float> proj;      // Output of attn_output / ffn_down [n_embd].
  std::vector<float> gate;      // [n_ff], for a feed-forward slice of at most 128 tokens
  std::vector<float> up;        // [n_ff], likewise
  std::vector<float> rope_cos;  // [n_rot / 2] per token.
  std::vector<float> rope_sin;
  // Activations converted to the weights' dot_types: one slot per projection of a fused group
  // (act_slot bytes each), since fused weights may want different dot_types.
  std::vector<uint8_t> act;
  size_t act_slot = 0;

 private:
  int64_t max_batch_;
};

struct ForwardRequest {
  absl::Span<const int32_t> tokens;  // Already validated: ids in range, fits in cache and scratch.
  int64_t pos0 = 0;                  // Position of tokens[0]; the cache holds [0, pos0) already.
  bool all_logits = false;           // Logits for every token, else only for the last.
  float* logits = nullptr;           // [n_tokens or 1][n_vocab]
  const std::atomic<bool>* cancel = nullptr;  // Checked between layers.
};

// Returns Cancelled if *cancel became true between layers (the cache may then hold partial rows for the
// batch's positions, which later calls overwrite).
absl::Status Forward(const ModelView& model, const ForwardRequest& request, KvCache& cache,
                     ForwardScratch& scratch, ThreadPool& pool);

}  // namespace hearth::model

#endif  // HEARTH_LIB_MODEL_FORWARD_H_
