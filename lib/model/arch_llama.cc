// llama: Llama 2/3, Mistral, TinyLlama, SmolLM. RoPE on adjacent pairs (the converter permutes Q/K rows
// to make that equivalent to the Hugging Face rotate-half layout); no biases, no Q/K norms.
#include "lib/model/architecture.h"

namespace hearth::model {

const ArchitectureSpec& LlamaArchitecture() {
  static const ArchitectureSpec spec{
      /*name=*/"llama",
      /*rope_style=*/kernels::RopeStyle::kNormal,
      /*has_qkv_bias=*/false,
      /*has_qk_norm=*/false,
  };
  return spec;
}

}  // namespace hearth::model
