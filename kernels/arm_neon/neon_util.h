// Helpers shared by the NEON kernel files. Every function here is `static inline` on purpose: the same header
// is compiled into files built with different -march levels (base Armv8, +dotprod, +i8mm), and functions with
// external linkage would be merged by the linker, so a base-NEON caller could end up running a copy that was
// compiled for a newer core. For the same reason these files avoid the inline helpers of kernels/formats/fp16.h
// and the standard library's templates (std::min, std::max), converting halves with FCVT instead.
#ifndef HEARTH_KERNELS_ARM_NEON_NEON_UTIL_H_
#define HEARTH_KERNELS_ARM_NEON_NEON_UTIL_H_

#include <arm_neon.h>

#include <cstdint>

namespace hearth::kernels::neon_util {

// IEEE half to float (FCVT: exact for every finite half, subnormals included; base Armv8).
static inline float HalfToFloat(uint16_t h) {
  return vgetq_lane_f32(vcvt_f32_f16(vreinterpret_f16_u16(vdup_n_u16(h))), 0);
}

// Float to IEEE half, round to nearest even; non-NaN inputs only (the callers' scales are never NaN).
static inline uint16_t FloatToHalf(float f) {
  return vget_lane_u16(vreinterpret_u16_f16(vcvt_f16_f32(vdupq_n_f32(f))), 0);
}

// 16 signed 8-bit products summed into the four 32-bit lanes of acc (which lane gets which product differs
// between the two paths; callers only use the lane total). With SDOT one instruction does it; base Armv8
// widens to 16-bit products (|q * a| <= 128 * 128 fits) and pairwise-accumulates them into 32 bits.
static inline int32x4_t DotS8(int32x4_t acc, int8x16_t a, int8x16_t b) {
#if defined(__ARM_FEATURE_DOTPROD)
  return vdotq_s32(acc, a, b);
#else
  const int16x8_t lo = vmull_s8(vget_low_s8(a), vget_low_s8(b));
  const int16x8_t hi = vmull_high_s8(a, b);
  return vpadalq_s16(vpadalq_s16(acc, lo), hi);
#endif
}

// |x| with NaNs (quiet or signalling) as 0: what std::max(amax, |x|) contributes to a running maximum.
// FMAXNM alone is not enough: it ignores a quiet NaN but returns NaN for a signalling one.
static inline float32x4_t AbsOrZero(float32x4_t x) {
  return vreinterpretq_f32_u32(vandq_u32(vreinterpretq_u32_f32(vabsq_f32(x)), vceqq_f32(x, x)));
}

static inline int8x16_t LowNibbles(uint8x16_t v) { return vreinterpretq_s8_u8(vandq_u8(v, vdupq_n_u8(0x0f))); }
static inline int8x16_t HighNibbles(uint8x16_t v) { return vreinterpretq_s8_u8(vshrq_n_u8(v, 4)); }

// The four float vectors of 16 signed bytes.
static inline void Int8ToFloat(int8x16_t q, float32x4_t out[4]) {
  const int16x8_t lo = vmovl_s8(vget_low_s8(q));
  const int16x8_t hi = vmovl_high_s8(q);
  out[0] = vcvtq_f32_s32(vmovl_s16(vget_low_s16(lo)));
  out[1] = vcvtq_f32_s32(vmovl_high_s16(lo));
  out[2] = vcvtq_f32_s32(vmovl_s16(vget_low_s16(hi)));
  out[3] = vcvtq_f32_s32(vmovl_high_s16(hi));
}

// dst[j] = d * q[j] for 16 quants: one rounding, as the scalar reference.
static inline void StoreScaled16(int8x16_t q, float d, float* dst) {
  float32x4_t f[4];
  Int8ToFloat(q, f);
  const float32x4_t vd = vdupq_n_f32(d);
  for (int k = 0; k < 4; ++k) vst1q_f32(dst + 4 * k, vmulq_f32(f[k], vd));
}

// dst[j] = (d * q[j]) + m, rounded after the product and after the sum (the files build with
// -ffp-contract=off, so this stays a multiply and an add, never a fused FMLA).
static inline void StoreScaledOffset16(int8x16_t q, float d, float m, float* dst) {
  float32x4_t f[4];
  Int8ToFloat(q, f);
  const float32x4_t vd = vdupq_n_f32(d);
  const float32x4_t vm = vdupq_n_f32(m);
  for (int k = 0; k < 4; ++k) vst1q_f32(dst + 4 * k, vaddq_f32(vmulq_f32(f[k], vd), vm));
}

// Bit b of each of 16 bytes as 0 or `value` (the high-bit planes of Q3_K, Q5_0/Q5_1, Q5_K).
static inline uint8x16_t BitPlane(uint8x16_t bytes, uint8x16_t bit_mask, uint8_t value) {
  return vandq_u8(vtstq_u8(bytes, bit_mask), vdupq_n_u8(value));
}

}  // namespace hearth::kernels::neon_util

#endif  // HEARTH_KERNELS_ARM_NEON_NEON_UTIL_H_
