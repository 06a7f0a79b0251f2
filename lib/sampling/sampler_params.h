// Sampling parameters, with the defaults of llama.cpp's common sampler chain.
#ifndef HEARTH_LIB_SAMPLING_SAMPLER_PARAMS_H_
#define HEARTH_LIB_SAMPLING_SAMPLER_PARAMS_H_

#include <cstdint>
#include <utility>
#include <vector>

#include "absl/status/status.h"

namespace hearth::sampling {

struct SamplerParams {
  // <= 0 selects greedy decoding (argmax after logit bias and penalties).
  float temperature = 0.8f;
  // Keep the k most likely tokens; 0 or -1 disables.
  int32_t top_k = 40;
  // Nucleus: keep the smallest set whose probability mass reaches top_p; 1 disables. In (0, 1].
  float top_p = 0.95f;
  // Keep tokens whose probability is at least min_p times the top one; 0 disables. In [0, 1].
  float min_p = 0.05f;
  // Penalties over the last penalty_last_n accepted tokens (0 disables, -1 = all since Reset).
  // repeat_penalty divides positive logits and multiplies negative ones (1 disables);
  // a token seen `count` times also loses count * frequency_penalty + presence_penalty.
  float repeat_penalty = 1.0f;
  float frequency_penalty = 0.0f;
  float presence_penalty = 0.0f;
  int32_t penalty_last_n = 64;
  // The same seed gives the same token sequence for the same logits.
  uint64_t seed = 0;
  // Additive per-token bias applied first; -infinity bans a token. Repeated ids add up.
  std::vector<std::pair<int32_t, float>> logit_bias;

  // Rejects nonsensical settings. Bias token ids are range-checked when n_vocab > 0.
  absl::Status Validate(int32_t n_vocab = -1) const;
};

}  // namespace hearth::sampling

#endif  // HEARTH_LIB_SAMPLING_SAMPLER_PARAMS_H_
