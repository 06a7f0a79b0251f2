// Scalar float32 building blocks of the transformer forward pass. Each works on one row; callers loop
// over tokens/heads (and split that loop over threads). These are the references: the kernel table
// carries them (KernelTable::rms_norm, softmax, silu_mul, add, rope, attend) and SIMD tables override them.
#ifndef HEARTH_KERNELS_OPS_FLOAT_OPS_H_
#define HEARTH_KERNELS_OPS_FLOAT_OPS_H_

#include <cstdint>

#include "kernels/kernel_table.h"

namespace hearth::kernels {

// out[i] = x[i] / sqrt(mean(x^2) + eps) * weight[i]; the sum of squares is accumulated in double.
// `weight` may be null (no scale). `out` may alias `x`.
void RmsNorm(const float* x, const float* weight, int64_t n, float eps, float* out);

// Softmax in place over n values; -inf entries (masked) get probability 0. If every entry is -inf the
// row becomes all zeros.
void Softmax(float* x, int64_t n);

// out[i] = silu(gate[i]) * up[i], silu(g) = g / (1 + exp(-g)). `out` may alias either input.
void SiluMul(const float* gate, const float* up, int64_t n, float* out);

// out[i] = a[i] + b[i]. `out` may alias either input.
void Add(const float* a, const float* b, int64_t n, float* out);

// How RoPE pairs the rotated dimensions of a head.
enum class RopeStyle {
  kNormal,  // Adjacent pairs (x[2i], x[2i+1]) (llama).
  kNeox,    // Split halves (x[i], x[i + n_rot/2]) (GPT-NeoX, qwen2, qwen3).
};

// RoPE frequencies. theta_i(p) = p * freq_base^(-2i/n_rot), then scaled as llama.cpp defines it:
// linear scaling multiplies by freq_scale; YaRN (ext_factor > 0) blends the interpolated and
// extrapolated angles with a ramp over the dimensions between the correction dims for beta_fast and
// beta_slow, and multiplies cos/sin by attn_factor * (1 + 0.1 ln(1/freq_scale)).
struct RopeParams {
  int n_rot = 0;              // Rotated dimensions per head (even); the rest pass through.
  float freq_base = 10000.0f;
  float freq_scale = 1.0f;    // 1 / scaling factor.
  float ext_factor = 0.0f;    // YaRN extrapolation mix; 0 disables YaRN.
  float attn_factor = 1.0f;   // Magnitude scale of cos/sin.
  float beta_fast = 32.0f;
  float beta_slow = 1.0f;
  int n_ctx_orig = 0;         // Training context length the YaRN correction dims are computed for.
};

// YaRN correction range [dims[0], dims[1]] in rotated dimensions.
void RopeYarnCorrDims(const RopeParams& params, float dims[2]);

// cos_out[i], sin_out[i] for the n_rot/2 pairs at position `pos`. `freq_factors` (n_rot/2 values, may be
// null) divide each pair's base angle (Llama 3.1 style long-context frequency correction).
void RopeCosSin(const RopeParams& params, int64_t pos, const float* freq_factors, float* cos_out,
                float* sin_out);

// Rotates one head of `head_dim` values in place using the tables from RopeCosSin.
void ApplyRope(float* x, int n_rot, RopeStyle style, const float* cos_t, const float* sin_t);

// Puts the scalar float ops and attention (kernels/ops/attention.h) into `table`.
void RegisterScalarFloatOps(KernelTable& table);

}  // namespace hearth::kernels

#endif  // HEARTH_KERNELS_OPS_FLOAT_OPS_H_
