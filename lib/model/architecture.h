// The registry of transformer architectures hearth can run. All supported architectures share one
// decoder-only forward pass (RMSNorm, RoPE, grouped-query attention, SwiGLU FFN); an ArchitectureSpec says
// how one of them differs: its RoPE pairing, which optional tensors it has, and any extra hparams.
// Adding an architecture = one arch_<name>.cc defining its spec + one line in architecture.cc.
#ifndef HEARTH_LIB_MODEL_ARCHITECTURE_H_
#define HEARTH_LIB_MODEL_ARCHITECTURE_H_

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "kernels/ops/float_ops.h"
#include "lib/gguf/gguf_file.h"

namespace hearth::model {

struct ModelConfig;

struct ArchitectureSpec {
  std::string_view name;  // general.architecture, also the prefix of its metadata keys.
  kernels::RopeStyle rope_style = kernels::RopeStyle::kNormal;
  bool has_qkv_bias = false;  // blk.N.attn_{q,k,v}.bias (required when true).
  bool has_qk_norm = false;   // blk.N.attn_{q,k}_norm.weight: RMSNorm per head before RoPE.
  // Optional hook run after the common hparams are read, to read or fix up architecture-specific ones.
  absl::Status (*read_extra_hparams)(const gguf::Metadata& metadata, ModelConfig& config) = nullptr;
};

// Per-architecture specs (one file each).
const ArchitectureSpec& LlamaArchitecture();
const ArchitectureSpec& Qwen2Architecture();
const ArchitectureSpec& Qwen3Architecture();

// The spec for `name`, or InvalidArgument "unsupported architecture 'x' (supported: llama, qwen2, qwen3)".
absl::StatusOr<const ArchitectureSpec*> FindArchitecture(std::string_view name);

// "llama, qwen2, qwen3".
std::string SupportedArchitectureList();

}  // namespace hearth::model

#endif  // HEARTH_LIB_MODEL_ARCHITECTURE_H_
