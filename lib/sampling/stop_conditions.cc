#include "lib/sampling/stop_conditions.h"

#include <algorithm>

namespace hearth::sampling {

const char* StopReasonName(StopReason reason) {
  switch (reason) {
    case StopReason::kNone:
      return "none";
    case StopReason::kEndToken:
      return "end_token";
    case StopReason::kMaxTokens:
      return "max_tokens";
    case StopReason::kStopString:
      return "stop_string";
  }
  return "unknown";
}

bool StopConditions::IsEndToken(int32_t id) const {
  return std::find(end_tokens.begin(), end_tokens.end(), id) != end_tokens.end();
}

StopReason StopConditions::Check(int32_t id, int32_t n_generated) const {
  if (IsEndToken(id)) return StopReason::kEndToken;
  if (max_tokens > 0 && n_generated >= max_tokens) return StopReason::kMaxTokens;
  return StopReason::kNone;
}

}  // namespace hearth::sampling
