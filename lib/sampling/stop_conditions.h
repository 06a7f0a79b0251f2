// Token-level stop conditions: end-of-generation / end-of-turn token ids and a token budget.
// (Stop strings work on text: see stop_strings.h.)
#ifndef HEARTH_LIB_SAMPLING_STOP_CONDITIONS_H_
#define HEARTH_LIB_SAMPLING_STOP_CONDITIONS_H_

#include <cstdint>
#include <vector>

namespace hearth::sampling {

enum class StopReason {
  kNone,
  kEndToken,   // An EOS / end-of-turn token was generated (not to be emitted as text).
  kMaxTokens,  // The token budget is used up (the last token is emitted).
  kStopString,  // Reported by StopStringMatcher users.
};

const char* StopReasonName(StopReason reason);

struct StopConditions {
  // EOS, EOT, <|im_end|>, ...: a handful of ids, so a plain vector.
  std::vector<int32_t> end_tokens;
  // Maximum number of generated tokens; <= 0 means unlimited.
  int32_t max_tokens = -1;

  bool IsEndToken(int32_t id) const;
  // Checks the `n_generated`-th generated token (1-based count, including `id`).
  StopReason Check(int32_t id, int32_t n_generated) const;
};

}  // namespace hearth::sampling

#endif  // HEARTH_LIB_SAMPLING_STOP_CONDITIONS_H_
