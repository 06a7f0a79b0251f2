#include "kernels/ops/float_ops.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "kernels/ops/attention.h"

namespace hearth::kernels {

void RmsNorm(const float* x, const float* weight, int64_t n, float eps, float* out) {
  double sum = 0.0;
  for (int64_t i = 0; i < n; ++i) sum += static_cast<double>(x[i] * x[i]);
  const float mean = static_cast<float>(sum / static_cast<double>(n));
  const float scale = 1.0f / std::sqrt(mean + eps);
  if (weight == nullptr) {
    for (int64_t i = 0; i < n; ++i) out[i] = x[i] * scale;
  } else {
    for (int64_t i = 0; i < n; ++i) out[i] = (x[i] * scale) * weight[i];
  }
}

void Softmax(float* x, int64_t n) {
  float max = -std::numeric_limits<float>::infinity();
  for (int64_t i = 0; i < n; ++i) max = std::max(max, x[i]);
  if (max == -std::numeric_limits<float>::infinity()) {
    std::fill(x, x + n, 0.0f);
    return;
  }
  double sum = 0.0;
  for (int64_t i = 0; i < n; ++i) {
    const float e = std::exp(x[i] - max);  // exp(-inf) == 0 for masked entries.
    x[i] = e;
    sum += e;
  }
  const float inv = static_cast<float>(1.0 / sum);
  for (int64_t i = 0; i < n; ++i) x[i] *= inv;
}

void SiluMul(const float* gate, const float* up, int64_t n, float* out) {
  for (int64_t i = 0; i < n; ++i) {
    const float g = gate[i];
    out[i] = g / (1.0f + std::exp(-g)) * up[i];
  }
}

void Add(const float* a, const float* b, int64_t n, float* out) {
  for (int64_t i = 0; i < n; ++i) out[i] = a[i] + b[i];
}

namespace {

// The rotated dimension at which the wavelength equals n_ctx_orig / n_rotations.
float YarnCorrDim(int n_rot, int n_ctx_orig, float n_rotations, float base) {
  constexpr float kPi = 3.14159265358979323846f;
  return static_cast<float>(n_rot) *
         std::log(static_cast<float>(n_ctx_orig) / (n_rotations * 2.0f * kPi)) /
         (2.0f * std::log(base));
}

}  // namespace

void RopeYarnCorrDims(const RopeParams& p, float dims[2]) {
  const float start = std::floor(YarnCorrDim(p.n_rot, p.n_ctx_orig, p.beta_fast, p.freq_base));
  const float end = std::ceil(YarnCorrDim(p.n_rot, p.n_ctx_orig, p.beta_slow, p.freq_base));
  dims[0] = std::max(0.0f, start);
  dims[1] = std::min(static_cast<float>(p.n_rot - 1), end);
}

void RopeCosSin(const RopeParams& p, int64_t pos, const float* freq_factors, float* cos_out,
                float* sin_out) {
  const float theta_scale = std::pow(p.freq_base, -2.0f / static_cast<float>(p.n_rot));
  float dims[2] = {0.0f, 0.0f};
  float mscale = p.attn_factor;
  if (p.ext_factor != 0.0f) {
    RopeYarnCorrDims(p, dims);
    mscale *= 1.0f + 0.1f * std::log(1.0f / p.freq_scale);
  }
  // theta_base = pos * theta_scale^i, built by repeated multiplication in float as llama.cpp does.
  float theta_base = static_cast<float>(pos);
  for (int i = 0; i < p.n_rot / 2; ++i) {
    const float theta_extrap = freq_factors != nullptr ? theta_base / freq_factors[i] : theta_base;
    const float theta_interp = p.freq_scale * theta_extrap;
    float theta = theta_interp;
    if (p.ext_factor != 0.0f) {
      // Ramp is 1 below dims[0] (pure extrapolation) and 0 above dims[1] (pure interpolation).
      const float y = (static_cast<float>(i) - dims[0]) / std::max(0.001f, dims[1] - dims[0]);
      const float ramp = 1.0f - std::min(1.0f, std::max(0.0f, y));
      const float mix = ramp * p.ext_factor;
      theta = theta_interp * (1.0f - mix) + theta_extrap * mix;
    }
    cos_out[i] = std::cos(theta) * mscale;
    sin_out[i] = std::sin(theta) * mscale;
    theta_base *= theta_scale;
  }
}

void ApplyRope(float* x, int n_rot, RopeStyle style, const float* cos_t, const float* sin_t) {
  const int half = n_rot / 2;
  for (int i = 0; i < half; ++i) {
    const int a = style == RopeStyle::kNormal ? 2 * i : i;
    const int b = style == RopeStyle::kNormal ? 2 * i + 1 : i + half;
    const float x0 = x[a];
    const float x1 = x[b];
    x[a] = x0 * cos_t[i] - x1 * sin_t[i];
    x[b] = x0 * sin_t[i] + x1 * cos_t[i];
  }
}

namespace {

void RopeRow(float* x, int n_rot, bool neox, const float* cos_t, const float* sin_t) {
  ApplyRope(x, n_rot, neox ? RopeStyle::kNeox : RopeStyle::kNormal, cos_t, sin_t);
}

}  // namespace

void RegisterScalarFloatOps(KernelTable& table) {
  table.rms_norm = RmsNorm;
  table.softmax = Softmax;
  table.silu_mul = SiluMul;
  table.add = Add;
  table.rope = RopeRow;
  table.attend = Attend;
}

}  // namespace hearth::kernels
