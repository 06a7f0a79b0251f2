// Scalar kernels for the 32-element "legacy" formats Q4_0, Q4_1, Q5_0, Q5_1, Q8_0 and the Q8_1 activation
// format. Dequantization follows gguf-py's float32 order of operations (d * q, then + m) so results are
// bit-identical; the quantizers follow the reference round-to-nearest rules (Q4_0/Q5_0: the max-abs element
// maps to the most negative level; Q4_1/Q5_1: min/max; Q8_0/Q8_1: amax / 127 with round-half-away).
// Dots accumulate integer products per block, then scale by d_x * d_y in float (plus m_x * s_y for the
// offset formats), as llama.cpp does.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>

#include "kernels/formats/block_layouts.h"
#include "kernels/formats/fp16.h"
#include "kernels/scalar/scalar_kernels.h"

namespace hearth::kernels::scalar {
namespace {

constexpr int kHalf = kQK / 2;

// Clamps before converting so that non-finite inputs can't reach an undefined float-to-int conversion.
inline int TruncClamp(float v, int hi) {
  const float t = std::trunc(v);
  if (!(t > 0.0f)) return 0;
  return t >= static_cast<float>(hi) ? hi : static_cast<int>(t);
}

inline uint32_t LoadQh(const uint8_t qh[4]) {
  return static_cast<uint32_t>(qh[0]) | (static_cast<uint32_t>(qh[1]) << 8) |
         (static_cast<uint32_t>(qh[2]) << 16) | (static_cast<uint32_t>(qh[3]) << 24);
}

inline void StoreQh(uint32_t v, uint8_t qh[4]) {
  for (int i = 0; i < 4; ++i) qh[i] = static_cast<uint8_t>(v >> (8 * i));
}

// Unpacks the 4-bit quants of one block: element j from the low nibble of qs[j], j+16 from the high one.
inline void UnpackNibbles(const uint8_t* qs, int q[kQK]) {
  for (int j = 0; j < kHalf; ++j) {
    q[j] = qs[j] & 0x0f;
    q[j + kHalf] = qs[j] >> 4;
  }
}

// Unpacks 5-bit quants: nibbles as above, bit 4 of element j is bit j of qh.
inline void UnpackQ5(const uint8_t* qs, const uint8_t qh_bytes[4], int q[kQK]) {
  UnpackNibbles(qs, q);
  const uint32_t qh = LoadQh(qh_bytes);
  for (int j = 0; j < kQK; ++j) q[j] |= static_cast<int>((qh >> j) & 1u) << 4;
}

inline void PackNibbles(const int q[kQK], uint8_t* qs) {
  for (int j = 0; j < kHalf; ++j) {
    qs[j] = static_cast<uint8_t>((q[j] & 0x0f) | ((q[j + kHalf] & 0x0f) << 4));
  }
}

inline void PackQ5(const int q[kQK], uint8_t* qs, uint8_t qh_bytes[4]) {
  PackNibbles(q, qs);
  uint32_t qh = 0;
  for (int j = 0; j < kQK; ++j) qh |= static_cast<uint32_t>((q[j] >> 4) & 1) << j;
  StoreQh(qh, qh_bytes);
}

// The element of largest magnitude, sign kept (the first one on ties).
inline float SignedAbsMax(const float* x) {
  float amax = 0.0f;
  float max = 0.0f;
  for (int j = 0; j < kQK; ++j) {
    if (std::fabs(x[j]) > amax) {
      amax = std::fabs(x[j]);
      max = x[j];
    }
  }
  return max;
}

// Symmetric quantizer for Q4_0 (levels = 8) and Q5_0 (levels = 16): d = max / -levels, so the extreme
// element lands exactly on q = 0 (value -levels * d) and the other side gets levels - 1 steps.
inline float QuantizeSymmetric(const float* x, int levels, int q[kQK]) {
  const float d = SignedAbsMax(x) / static_cast<float>(-levels);
  const float id = d != 0.0f ? 1.0f / d : 0.0f;
  const float offset = static_cast<float>(levels) + 0.5f;
  for (int j = 0; j < kQK; ++j) q[j] = TruncClamp(x[j] * id + offset, 2 * levels - 1);
  return d;
}

// Min/max quantizer for Q4_1 (steps = 15) and Q5_1 (steps = 31): x ~ d * q + min.
inline void QuantizeMinMax(const float* x, int steps, int q[kQK], float* d_out, float* min_out) {
  float min = x[0];
  float max = x[0];
  for (int j = 1; j < kQK; ++j) {
    min = std::min(min, x[j]);
    max = std::max(max, x[j]);
  }
  const float d = (max - min) / static_cast<float>(steps);
  const float id = d != 0.0f ? 1.0f / d : 0.0f;
  for (int j = 0; j < kQK; ++j) q[j] = TruncClamp((x[j] - min) * id + 0.5f, steps);
  *d_out = d;
  *min_out = min;
}

// Activation quantizer shared by Q8_0 and Q8_1: d = amax / 127, q = round-half-away(x / d).
inline float QuantizeQ8(const float* x, int8_t* qs) {
  float amax = 0.0f;
  for (int j = 0; j < kQK; ++j) amax = std::max(amax, std::fabs(x[j]));
  const float d = amax / 127.0f;
  const float id = d != 0.0f ? 1.0f / d : 0.0f;
  for (int j = 0; j < kQK; ++j) {
    // |x * id| <= 127 up to rounding; the clamp only guards against non-finite input.
    const float r = std::min(127.0f, std::max(-127.0f, std::round(x[j] * id)));
    qs[j] = static_cast<int8_t>(r);
  }
  return d;
}

// ---- Q4_0 ----

void DequantizeRowQ4_0(const void* src, float* dst, int64_t n) {
  const BlockQ4_0* b = static_cast<const BlockQ4_0*>(src);
  int q[kQK];
  for (int64_t i = 0; i < n / kQK; ++i, dst += kQK) {
    const float d = Fp16ToFp32(b[i].d);
    UnpackNibbles(b[i].qs, q);
    for (int j = 0; j < kQK; ++j) dst[j] = d * static_cast<float>(q[j] - 8);
  }
}

void QuantizeRowQ4_0(const float* src, void* dst, int64_t n) {
  BlockQ4_0* b = static_cast<BlockQ4_0*>(dst);
  int q[kQK];
  for (int64_t i = 0; i < n / kQK; ++i, src += kQK) {
    b[i].d = Fp32ToFp16(QuantizeSymmetric(src, 8, q));
    PackNibbles(q, b[i].qs);
  }
}

float VecDotQ4_0Q8_0(int64_t n, const void* vx, const void* vy) {
  const BlockQ4_0* x = static_cast<const BlockQ4_0*>(vx);
  const BlockQ8_0* y = static_cast<const BlockQ8_0*>(vy);
  float sum = 0.0f;
  int q[kQK];
  for (int64_t i = 0; i < n / kQK; ++i) {
    UnpackNibbles(x[i].qs, q);
    int32_t isum = 0;
    for (int j = 0; j < kQK; ++j) isum += (q[j] - 8) * y[i].qs[j];
    sum += static_cast<float>(isum) * Fp16ToFp32(x[i].d) * Fp16ToFp32(y[i].d);
  }
  return sum;
}

// ---- Q4_1 ----

void DequantizeRowQ4_1(const void* src, float* dst, int64_t n) {
  const BlockQ4_1* b = static_cast<const BlockQ4_1*>(src);
  int q[kQK];
  for (int64_t i = 0; i < n / kQK; ++i, dst += kQK) {
    const float d = Fp16ToFp32(b[i].d);
    const float m = Fp16ToFp32(b[i].m);
    UnpackNibbles(b[i].qs, q);
    for (int j = 0; j < kQK; ++j) {
      const float scaled = d * static_cast<float>(q[j]);  // Rounded before the add, as gguf-py does.
      dst[j] = scaled + m;
    }
  }
}

void QuantizeRowQ4_1(const float* src, void* dst, int64_t n) {
  BlockQ4_1* b = static_cast<BlockQ4_1*>(dst);
  int q[kQK];
  for (int64_t i = 0; i < n / kQK; ++i, src += kQK) {
    float d, min;
    QuantizeMinMax(src, 15, q, &d, &min);
    b[i].d = Fp32ToFp16(d);
    b[i].m = Fp32ToFp16(min);
    PackNibbles(q, b[i].qs);
  }
}

float VecDotQ4_1Q8_1(int64_t n, const void* vx, const void* vy) {
  const BlockQ4_1* x = static_cast<const BlockQ4_1*>(vx);
  const BlockQ8_1* y = static_cast<const BlockQ8_1*>(vy);
  float sum = 0.0f;
  int q[kQK];
  for (int64_t i = 0; i < n / kQK; ++i) {
    UnpackNibbles(x[i].qs, q);
    int32_t isum = 0;
    for (int j = 0; j < kQK; ++j) isum += q[j] * y[i].qs[j];
    sum += static_cast<float>(isum) * Fp16ToFp32(x[i].d) * Fp16ToFp32(y[i].d) +
           Fp16ToFp32(x[i].m) * Fp16ToFp32(y[i].s);
  }
  return sum;
}

// ---- Q5_0 ----

void DequantizeRowQ5_0(const void* src, float* dst, int64_t n) {
  const BlockQ5_0* b = static_cast<const BlockQ5_0*>(src);
  int q[kQK];
  for (int64_t i = 0; i < n / kQK; ++i, dst += kQK) {
    const float d = Fp16ToFp32(b[i].d);
    UnpackQ5(b[i].qs, b[i].qh, q);
    for (int j = 0; j < kQK; ++j) dst[j] = d * static_cast<float>(q[j] - 16);
  }
}

void QuantizeRowQ5_0(const float* src, void* dst, int64_t n) {
  BlockQ5_0* b = static_cast<BlockQ5_0*>(dst);
  int q[kQK];
  for (int64_t i = 0; i < n / kQK; ++i, src += kQK) {
    b[i].d = Fp32ToFp16(QuantizeSymmetric(src, 16, q));
    PackQ5(q, b[i].qs, b[i].qh);
  }
}

float VecDotQ5_0Q8_0(int64_t n, const void* vx, const void* vy) {
  const BlockQ5_0* x = static_cast<const BlockQ5_0*>(vx);
  const BlockQ8_0* y = static_cast<const BlockQ8_0*>(vy);
  float sum = 0.0f;
  int q[kQK];
  for (int64_t i = 0; i < n / kQK; ++i) {
    UnpackQ5(x[i].qs, x[i].qh, q);
    int32_t isum = 0;
    for (int j = 0; j < kQK; ++j) isum += (q[j] - 16) * y[i].qs[j];
    sum += static_cast<float>(isum) * Fp16ToFp32(x[i].d) * Fp16ToFp32(y[i].d);
  }
  return sum;
}

// ---- Q5_1 ----

void DequantizeRowQ5_1(const void* src, float* dst, int64_t n) {
  const BlockQ5_1* b = static_cast<const BlockQ5_1*>(src);
  int q[kQK];
  for (int64_t i = 0; i < n / kQK; ++i, dst += kQK) {
    const float d = Fp16ToFp32(b[i].d);
    const float m = Fp16ToFp32(b[i].m);
    UnpackQ5(b[i].qs, b[i].qh, q);
    for (int j = 0; j < kQK; ++j) {
      const float scaled = d * static_cast<float>(q[j]);
      dst[j] = scaled + m;
    }
  }
}

void QuantizeRowQ5_1(const float* src, void* dst, int64_t n) {
  BlockQ5_1* b = static_cast<BlockQ5_1*>(dst);
  int q[kQK];
  for (int64_t i = 0; i < n / kQK; ++i, src += kQK) {
    float d, min;
    QuantizeMinMax(src, 31, q, &d, &min);
    b[i].d = Fp32ToFp16(d);
    b[i].m = Fp32ToFp16(min);
    PackQ5(q, b[i].qs, b[i].qh);
  }
}

float VecDotQ5_1Q8_1(int64_t n, const void* vx, const void* vy) {
  const BlockQ5_1* x = static_cast<const BlockQ5_1*>(vx);
  const BlockQ8_1* y = static_cast<const BlockQ8_1*>(vy);
  float sum = 0.0f;
  int q[kQK];
  for (int64_t i = 0; i < n / kQK; ++i) {
    UnpackQ5(x[i].qs, x[i].qh, q);
    int32_t isum = 0;
    for (int j = 0; j < kQK; ++j) isum += q[j] * y[i].qs[j];
    sum += static_cast<float>(isum) * Fp16ToFp32(x[i].d) * Fp16ToFp32(y[i].d) +
           Fp16ToFp32(x[i].m) * Fp16ToFp32(y[i].s);
  }
  return sum;
}

// ---- Q8_0 / Q8_1 ----

void DequantizeRowQ8_0(const void* src, float* dst, int64_t n) {
  const BlockQ8_0* b = static_cast<const BlockQ8_0*>(src);
  for (int64_t i = 0; i < n / kQK; ++i, dst += kQK) {
    const float d = Fp16ToFp32(b[i].d);
    for (int j = 0; j < kQK; ++j) dst[j] = static_cast<float>(b[i].qs[j]) * d;
  }
}

void QuantizeRowQ8_0(const float* src, void* dst, int64_t n) {
  BlockQ8_0* b = static_cast<BlockQ8_0*>(dst);
  for (int64_t i = 0; i < n / kQK; ++i, src += kQK) b[i].d = Fp32ToFp16(QuantizeQ8(src, b[i].qs));
}

float VecDotQ8_0Q8_0(int64_t n, const void* vx, const void* vy) {
  const BlockQ8_0* x = static_cast<const BlockQ8_0*>(vx);
  const BlockQ8_0* y = static_cast<const BlockQ8_0*>(vy);
  float sum = 0.0f;
  for (int64_t i = 0; i < n / kQK; ++i) {
    int32_t isum = 0;
    for (int j = 0; j < kQK; ++j) isum += x[i].qs[j] * y[i].qs[j];
    sum += static_cast<float>(isum) * Fp16ToFp32(x[i].d) * Fp16ToFp32(y[i].d);
  }
  return sum;
}

void DequantizeRowQ8_1(const void* src, float* dst, int64_t n) {
  const BlockQ8_1* b = static_cast<const BlockQ8_1*>(src);
  for (int64_t i = 0; i < n / kQK; ++i, dst += kQK) {
    const float d = Fp16ToFp32(b[i].d);
    for (int j = 0; j < kQK; ++j) dst[j] = static_cast<float>(b[i].qs[j]) * d;
  }
}

// s = d * sum(q) lets the offset formats add m_x * sum(y) without a second pass over y.
void QuantizeRowQ8_1(const float* src, void* dst, int64_t n) {
  BlockQ8_1* b = static_cast<BlockQ8_1*>(dst);
  for (int64_t i = 0; i < n / kQK; ++i, src += kQK) {
    const float d = QuantizeQ8(src, b[i].qs);
    int32_t qsum = 0;
    for (int j = 0; j < kQK; ++j) qsum += b[i].qs[j];
    // s can exceed the f16 range (|x| near 65504 gives d * 4064); saturate so dots stay finite.
    const float s = std::min(65504.0f, std::max(-65504.0f, d * static_cast<float>(qsum)));
    b[i].d = Fp32ToFp16(d);
    b[i].s = Fp32ToFp16(s);
  }
}

}  // namespace

void RegisterLegacyQuants(KernelTable& table) {
  table.format(GgmlType::kQ4_0) = {DequantizeRowQ4_0, QuantizeRowQ4_0, VecDotQ4_0Q8_0, GgmlType::kQ8_0};
  table.format(GgmlType::kQ4_1) = {DequantizeRowQ4_1, QuantizeRowQ4_1, VecDotQ4_1Q8_1, GgmlType::kQ8_1};
  table.format(GgmlType::kQ5_0) = {DequantizeRowQ5_0, QuantizeRowQ5_0, VecDotQ5_0Q8_0, GgmlType::kQ8_0};
  table.format(GgmlType::kQ5_1) = {DequantizeRowQ5_1, QuantizeRowQ5_1, VecDotQ5_1Q8_1, GgmlType::kQ8_1};
  table.format(GgmlType::kQ8_0) = {DequantizeRowQ8_0, QuantizeRowQ8_0, VecDotQ8_0Q8_0, GgmlType::kQ8_0};
  // Q8_1 exists only as an activation format; no weight dot is defined for it.
  table.format(GgmlType::kQ8_1) = {DequantizeRowQ8_1, QuantizeRowQ8_1, nullptr, GgmlType::kQ8_1};
}

}  // namespace hearth::kernels::scalar
