// NEON kernels for the plain float formats F32, F16 and BF16 (base Armv8: every level uses these).
// Dots multiply-accumulate in float32 with four independent float32x4 accumulators (16 elements per
// iteration): FMLA's latency is about four cycles, so one chain would stall; four keep a pipe busy. F16 is
// widened with FCVTL and accumulated in float32 even on cores with FP16 arithmetic (FMLA .8h would round
// every product and partial sum to 11 bits); the result stays within float rounding of the scalar double sum.
// Conversions are bit-exact with kernels/formats/fp16.h (round to nearest even; NaNs as it writes them).
// (The dot products may read NaN payloads differently: a NaN anywhere makes the dot NaN either way.)
#include <arm_neon.h>

#include <cstdint>
#include <cstring>

#include "kernels/arm_neon/neon_kernels.h"
#include "kernels/arm_neon/neon_util.h"

namespace hearth::kernels::neon {
namespace {

using neon_util::HalfToFloat;

inline float Bf16Scalar(uint16_t b) {
  const uint32_t u = static_cast<uint32_t>(b) << 16;
  float f;
  std::memcpy(&f, &u, sizeof(f));
  return f;
}

inline float32x4_t LoadF32(const void* p, int64_t i) { return vld1q_f32(static_cast<const float*>(p) + i); }
inline float32x4_t LoadF16(const void* p, int64_t i) {
  return vcvt_f32_f16(vreinterpret_f16_u16(vld1_u16(static_cast<const uint16_t*>(p) + i)));
}
inline float32x4_t LoadBf16(const void* p, int64_t i) {
  return vreinterpretq_f32_u32(vshll_n_u16(vld1_u16(static_cast<const uint16_t*>(p) + i), 16));
}
inline float ScalarF32(const void* p, int64_t i) { return static_cast<const float*>(p)[i]; }
inline float ScalarF16(const void* p, int64_t i) { return HalfToFloat(static_cast<const uint16_t*>(p)[i]); }
inline float ScalarBf16(const void* p, int64_t i) { return Bf16Scalar(static_cast<const uint16_t*>(p)[i]); }

template <float32x4_t (*Load)(const void*, int64_t), float (*Scalar)(const void*, int64_t)>
float VecDotFloat(int64_t n, const void* x, const void* y) {
  float32x4_t acc[4] = {vdupq_n_f32(0.0f), vdupq_n_f32(0.0f), vdupq_n_f32(0.0f), vdupq_n_f32(0.0f)};
  int64_t i = 0;
  for (; i + 16 <= n; i += 16) {
    for (int k = 0; k < 4; ++k) acc[k] = vfmaq_f32(acc[k], Load(x, i + 4 * k), Load(y, i + 4 * k));
  }
  for (; i + 4 <= n; i += 4) acc[0] = vfmaq_f32(acc[0], Load(x, i), Load(y, i));
  float sum = vaddvq_f32(vaddq_f32(vaddq_f32(acc[0], acc[1]), vaddq_f32(acc[2], acc[3])));
  for (; i < n; ++i) sum += Scalar(x, i) * Scalar(y, i);
  return sum;
}

void CopyF32(const void* src, float* dst, int64_t n) { std::memcpy(dst, src, static_cast<size_t>(n) * 4); }
void CopyToF32(const float* src, void* dst, int64_t n) { std::memcpy(dst, src, static_cast<size_t>(n) * 4); }

// FCVTL widens exactly, except that it quiets signalling NaNs (sets bit 22); the reference keeps every NaN
// payload bit as it is, so that bit is cleared again where the half was a signalling NaN.
inline float32x4_t HalfToFloatExact4(uint16x4_t h) {
  const uint32x4_t bits = vreinterpretq_u32_f32(vcvt_f32_f16(vreinterpret_f16_u16(h)));
  const uint16x4_t snan = vand_u16(vceq_u16(vand_u16(h, vdup_n_u16(0x7e00)), vdup_n_u16(0x7c00)),
                                   vtst_u16(h, vdup_n_u16(0x01ff)));
  const uint32x4_t quiet_bit = vandq_u32(vreinterpretq_u32_s32(vmovl_s16(vreinterpret_s16_u16(snan))),
                                         vdupq_n_u32(0x00400000));
  return vreinterpretq_f32_u32(vbicq_u32(bits, quiet_bit));
}

void DequantizeRowF16(const void* src, float* dst, int64_t n) {
  const uint16_t* h = static_cast<const uint16_t*>(src);
  int64_t i = 0;
  for (; i + 4 <= n; i += 4) vst1q_f32(dst + i, HalfToFloatExact4(vld1_u16(h + i)));
  for (; i < n; ++i) dst[i] = vgetq_lane_f32(HalfToFloatExact4(vdup_n_u16(h[i])), 0);
}

// FCVTN rounds like the reference; only NaNs differ (FCVT keeps payload bits), so they are rewritten as
// the reference's sign | 0x7e00.
inline uint16x4_t ToHalf4(float32x4_t v) {
  const uint16x4_t h = vreinterpret_u16_f16(vcvt_f16_f32(v));
  const uint32x4_t bits = vreinterpretq_u32_f32(v);
  const uint16x4_t nan = vorr_u16(vand_u16(vshrn_n_u32(bits, 16), vdup_n_u16(0x8000)), vdup_n_u16(0x7e00));
  const uint16x4_t is_num = vmovn_u32(vceqq_f32(v, v));
  return vbsl_u16(is_num, h, nan);
}

void QuantizeRowF16(const float* src, void* dst, int64_t n) {
  uint16_t* h = static_cast<uint16_t*>(dst);
  int64_t i = 0;
  for (; i + 4 <= n; i += 4) vst1_u16(h + i, ToHalf4(vld1q_f32(src + i)));
  for (; i < n; ++i) {
    float32x4_t v = vdupq_n_f32(src[i]);
    h[i] = vget_lane_u16(ToHalf4(v), 0);
  }
}

void DequantizeRowBf16(const void* src, float* dst, int64_t n) {
  int64_t i = 0;
  for (; i + 4 <= n; i += 4) vst1q_f32(dst + i, LoadBf16(src, i));
  for (; i < n; ++i) dst[i] = ScalarBf16(src, i);
}

// Round to nearest even on the top 16 bits (x + 0x7fff + bit 16); NaNs keep their top bits and get the
// quiet bit 0x40, as the reference.
inline uint16x4_t ToBf16x4(float32x4_t v) {
  const uint32x4_t x = vreinterpretq_u32_f32(v);
  const uint32x4_t lsb = vandq_u32(vshrq_n_u32(x, 16), vdupq_n_u32(1));
  const uint16x4_t rounded = vshrn_n_u32(vaddq_u32(vaddq_u32(x, vdupq_n_u32(0x7fff)), lsb), 16);
  const uint16x4_t nan = vorr_u16(vshrn_n_u32(x, 16), vdup_n_u16(0x40));
  const uint32x4_t is_nan = vcgtq_u32(vandq_u32(x, vdupq_n_u32(0x7fffffff)), vdupq_n_u32(0x7f800000));
  return vbsl_u16(vmovn_u32(is_nan), nan, rounded);
}

void QuantizeRowBf16(const float* src, void* dst, int64_t n) {
  uint16_t* b = static_cast<uint16_t*>(dst);
  int64_t i = 0;
  for (; i + 4 <= n; i += 4) vst1_u16(b + i, ToBf16x4(vld1q_f32(src + i)));
  for (; i < n; ++i) b[i] = vget_lane_u16(ToBf16x4(vdupq_n_f32(src[i])), 0);
}

}  // namespace

void RegisterFloatFormats(KernelTable& table) {
  table.format(GgmlType::kF32) = {CopyF32, CopyToF32, VecDotFloat<LoadF32, ScalarF32>, GgmlType::kF32};
  table.format(GgmlType::kF16) = {DequantizeRowF16, QuantizeRowF16, VecDotFloat<LoadF16, ScalarF16>,
                                  GgmlType::kF16};
  table.format(GgmlType::kBF16) = {DequantizeRowBf16, QuantizeRowBf16, VecDotFloat<LoadBf16, ScalarBf16>,
                                   GgmlType::kBF16};
}

}  // namespace hearth::kernels::neon
