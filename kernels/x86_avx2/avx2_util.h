// Private helpers for the AVX2 kernels. Include only from files compiled with the AVX2 flags: these inline
// functions must never be emitted into a translation unit that runs before the CPU check (and the
// avx512 folder has its own copies, so no out-of-line definition is shared between instruction sets).
#ifndef HEARTH_KERNELS_X86_AVX2_AVX2_UTIL_H_
#define HEARTH_KERNELS_X86_AVX2_AVX2_UTIL_H_

#include <immintrin.h>

#include <cstdint>
#include <cstring>

namespace hearth::kernels::avx2 {

// F16C scalar conversions: exact, and equal to the fp16.h reference for every non-NaN value.
inline float HalfToFloat(uint16_t h) { return _cvtsh_ss(h); }
inline uint16_t FloatToHalf(float f) {
  return static_cast<uint16_t>(_cvtss_sh(f, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
}

inline float HorizontalSum(__m256 v) {
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  s = _mm_add_ss(s, _mm_movehdup_ps(s));
  return _mm_cvtss_f32(s);
}

inline int32_t HorizontalSum(__m256i v) {
  __m128i s = _mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
  s = _mm_add_epi32(s, _mm_unpackhi_epi64(s, s));
  s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0x01));
  return _mm_cvtsi128_si32(s);
}

// The 16 packed bytes of a 4-bit block as 32 bytes in element order: byte j < 16 is the low nibble of
// qs[j], byte j >= 16 the high nibble of qs[j - 16].
inline __m256i UnpackNibbles(const uint8_t* qs) {
  const __m128i packed = _mm_loadu_si128(reinterpret_cast<const __m128i*>(qs));
  const __m256i both = _mm256_set_m128i(_mm_srli_epi16(packed, 4), packed);
  return _mm256_and_si256(both, _mm256_set1_epi8(0x0f));
}

// The 32 bits of a Q5 qh field as 32 bytes: 0xff where bit j is set, else 0.
inline __m256i ExpandBits(const uint8_t* qh) {
  uint32_t bits;
  std::memcpy(&bits, qh, sizeof(bits));
  // Byte j takes qh byte j / 8 (each 128-bit lane holds all four), then tests its own bit j % 8.
  const __m256i spread = _mm256_shuffle_epi8(
      _mm256_set1_epi32(static_cast<int32_t>(bits)),
      _mm256_setr_epi64x(0x0000000000000000, 0x0101010101010101, 0x0202020202020202, 0x0303030303030303));
  const __m256i select = _mm256_set1_epi64x(static_cast<int64_t>(0x8040201008040201ULL));
  return _mm256_cmpeq_epi8(_mm256_and_si256(spread, select), select);
}

// Sums of x * y over each group of 4 bytes, x unsigned (at most 31 here, so the 16-bit pair sums of
// maddubs cannot saturate), y signed.
inline __m256i DotU8I8(__m256i x, __m256i y) {
  return _mm256_madd_epi16(_mm256_maddubs_epi16(x, y), _mm256_set1_epi16(1));
}

// The same for signed x: |x| times y with x's sign moved onto it. Exact while |x| <= 128 and y != -128
// (activation quants are in [-127, 127]): pair sums stay within 2 * 128 * 127.
inline __m256i DotI8I8(__m256i x, __m256i y) {
  return DotU8I8(_mm256_sign_epi8(x, x), _mm256_sign_epi8(y, x));
}

// 32 int8 values times d, stored as 32 floats (float(q) * d, rounded once, as the scalar code does).
inline void StoreScaled(__m256i q, float d, float* dst) {
  const __m256 vd = _mm256_set1_ps(d);
  const __m128i lo = _mm256_castsi256_si128(q);
  const __m128i hi = _mm256_extracti128_si256(q, 1);
  _mm256_storeu_ps(dst + 0, _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(lo)), vd));
  _mm256_storeu_ps(dst + 8,
                   _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(_mm_srli_si128(lo, 8))), vd));
  _mm256_storeu_ps(dst + 16, _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(hi)), vd));
  _mm256_storeu_ps(dst + 24,
                   _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(_mm_srli_si128(hi, 8))), vd));
}

// 32 uint8 values as d * q + m with two roundings (the product first), as gguf-py computes it. Relies on
// the folder's -ffp-contract=off so the compiler keeps the multiply and the add apart.
inline void StoreScaledOffset(__m256i q, float d, float m, float* dst) {
  const __m256 vd = _mm256_set1_ps(d);
  const __m256 vm = _mm256_set1_ps(m);
  const __m128i lo = _mm256_castsi256_si128(q);
  const __m128i hi = _mm256_extracti128_si256(q, 1);
  const __m128i parts[4] = {lo, _mm_srli_si128(lo, 8), hi, _mm_srli_si128(hi, 8)};
  for (int k = 0; k < 4; ++k) {
    const __m256 v = _mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(parts[k]));
    _mm256_storeu_ps(dst + 8 * k, _mm256_add_ps(_mm256_mul_ps(v, vd), vm));
  }
}

}  // namespace hearth::kernels::avx2

#endif  // HEARTH_KERNELS_X86_AVX2_AVX2_UTIL_H_
