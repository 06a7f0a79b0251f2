// IEEE half and bfloat16 conversions, bit-exact with numpy's astype (round to nearest even).
#ifndef HEARTH_KERNELS_FORMATS_FP16_H_
#define HEARTH_KERNELS_FORMATS_FP16_H_

#include <cstdint>
#include <cstring>

namespace hearth {

inline uint32_t FloatBits(float f) {
  uint32_t u;
  std::memcpy(&u, &f, sizeof(u));
  return u;
}

inline float BitsFloat(uint32_t u) {
  float f;
  std::memcpy(&f, &u, sizeof(f));
  return f;
}

inline float Fp16ToFp32(uint16_t h) {
  const uint32_t sign = static_cast<uint32_t>(h & 0x8000) << 16;
  const uint32_t exp = (h >> 10) & 0x1f;
  uint32_t mant = h & 0x3ff;
  if (exp == 0) {
    if (mant == 0) return BitsFloat(sign);
    uint32_t shifts = 0;  // Normalize the subnormal: value = mant * 2^-24.
    while ((mant & 0x400) == 0) {
      mant <<= 1;
      ++shifts;
    }
    return BitsFloat(sign | ((113 - shifts) << 23) | ((mant & 0x3ff) << 13));
  }
  if (exp == 31) return BitsFloat(sign | 0x7f800000 | (mant << 13));
  return BitsFloat(sign | ((exp + 112) << 23) | (mant << 13));
}

inline uint16_t Fp32ToFp16(float f) {
  const uint32_t x = FloatBits(f);
  const uint16_t sign = static_cast<uint16_t>((x >> 16) & 0x8000);
  const uint32_t ax = x & 0x7fffffff;
  if (ax > 0x7f800000) return sign | 0x7e00;       // NaN stays a (quiet) NaN.
  if (ax >= 0x477ff000) return sign | 0x7c00;      // >= 65520 rounds to infinity.
  if (ax >= 0x38800000) {                          // Normal half: rebias, round 13 dropped bits.
    const uint32_t rounded = ax + 0xfff + ((ax >> 13) & 1);
    return sign | static_cast<uint16_t>((rounded - (112u << 23)) >> 13);
  }
  if (ax < 0x33000000) return sign;                // Below half the smallest subnormal: zero.
  const uint32_t e = ax >> 23;                      // Subnormal half: round(value * 2^24).
  const uint32_t mant = (ax & 0x7fffff) | 0x800000;
  const uint32_t shift = 126 - e;                   // 14..24
  uint32_t r = mant >> shift;
  const uint32_t rem = mant & ((1u << shift) - 1);
  const uint32_t half = 1u << (shift - 1);
  if (rem > half || (rem == half && (r & 1))) ++r;
  return sign | static_cast<uint16_t>(r);
}

inline float Bf16ToFp32(uint16_t b) { return BitsFloat(static_cast<uint32_t>(b) << 16); }

inline uint16_t Fp32ToBf16(float f) {
  uint32_t x = FloatBits(f);
  if ((x & 0x7fffffff) > 0x7f800000) return static_cast<uint16_t>((x >> 16) | 0x40);  // Quiet NaN.
  x += 0x7fff + ((x >> 16) & 1);
  return static_cast<uint16_t>(x >> 16);
}

}  // namespace hearth

#endif  // HEARTH_KERNELS_FORMATS_FP16_H_
