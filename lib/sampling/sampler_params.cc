#include "lib/sampling/sampler_params.h"

#include <cmath>

#include "absl/strings/str_format.h"

namespace hearth::sampling {

absl::Status SamplerParams::Validate(int32_t n_vocab) const {
  if (std::isnan(temperature) || std::isinf(temperature)) {
    return absl::InvalidArgumentError(absl::StrFormat("temperature must be finite, got %f", temperature));
  }
  if (top_k < -1) {
    return absl::InvalidArgumentError(
        absl::StrFormat("top_k must be >= 1, or 0/-1 to disable, got %d", top_k));
  }
  if (!(top_p > 0.0f && top_p <= 1.0f)) {  // Also rejects NaN.
    return absl::InvalidArgumentError(absl::StrFormat("top_p must be in (0, 1], got %f", top_p));
  }
  if (!(min_p >= 0.0f && min_p <= 1.0f)) {
    return absl::InvalidArgumentError(absl::StrFormat("min_p must be in [0, 1], got %f", min_p));
  }
  if (!(repeat_penalty > 0.0f) || std::isinf(repeat_penalty)) {
    return absl::InvalidArgumentError(
        absl::StrFormat("repeat_penalty must be finite and > 0 (1 disables), got %f", repeat_penalty));
  }
  if (!std::isfinite(frequency_penalty)) {
    return absl::InvalidArgumentError(
        absl::StrFormat("frequency_penalty must be finite, got %f", frequency_penalty));
  }
  if (!std::isfinite(presence_penalty)) {
    return absl::InvalidArgumentError(
        absl::StrFormat("presence_penalty must be finite, got %f", presence_penalty));
  }
  if (penalty_last_n < -1) {
    return absl::InvalidArgumentError(
        absl::StrFormat("penalty_last_n must be >= 0, or -1 for all tokens, got %d", penalty_last_n));
  }
  for (const auto& [token, bias] : logit_bias) {
    if (token < 0 || (n_vocab > 0 && token >= n_vocab)) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "logit_bias token id %d out of range [0, %d)", token, n_vocab > 0 ? n_vocab : INT32_MAX));
    }
    // -inf bans a token; +inf or NaN would poison the softmax.
    if (std::isnan(bias) || bias == INFINITY) {
      return absl::InvalidArgumentError(
          absl::StrFormat("logit_bias for token %d must be finite or -inf, got %f", token, bias));
    }
  }
  return absl::OkStatus();
}

}  // namespace hearth::sampling
