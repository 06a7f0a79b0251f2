// qwen3: Qwen3 dense models. NeoX RoPE, no biases, and an RMSNorm over each Q and K head (weights of
// head_dim) applied before RoPE.
#include "lib/model/architecture.h"

namespace hearth::model {

const ArchitectureSpec& Qwen3Architecture() {
  static const ArchitectureSpec spec{
      /*name=*/"qwen3",
      /*rope_style=*/kernels::RopeStyle::kNeox,
      /*has_qkv_bias=*/false,
      /*has_qk_norm=*/true,
  };
  return spec;
}

}  // namespace hearth::model
