// qwen2: Qwen2 / Qwen2.5. NeoX RoPE (rotate-half pairs) and biases on the Q, K and V projections.
#include "lib/model/architecture.h"

namespace hearth::model {

const ArchitectureSpec& Qwen2Architecture() {
  static const ArchitectureSpec spec{
      /*name=*/"qwen2",
      /*rope_style=*/kernels::RopeStyle::kNeox,
      /*has_qkv_bias=*/true,
      /*has_qk_norm=*/false,
  };
  return spec;
}

}  // namespace hearth::model
