// Private helpers for the AVX-512 kernels. Include only from files compiled with the AVX-512 flags: these
// inline functions must never be emitted into a translation unit that runs before the CPU check (the avx2
// folder keeps its own copies, so no out-of-line definition is shared between instruction sets).
#ifndef HEARTH_KERNELS_X86_AVX512_AVX512_UTIL_H_
#define HEARTH_KERNELS_X86_AVX512_AVX512_UTIL_H_

// GCC 12 flags the _mm512_undefined_* placeholders inside its own avx512fintrin.h as uninitialized (GCC
// PR 105593); the diagnostic points into the header, so silencing it around the include is enough. Files
// here include this header instead of <immintrin.h> so that it comes first.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <immintrin.h>
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

#include <cstdint>
#include <cstring>

namespace hearth::kernels::avx512 {

// F16C scalar conversions: exact, and equal to the fp16.h reference for every non-NaN value.
inline float HalfToFloat(uint16_t h) { return _cvtsh_ss(h); }
inline uint16_t FloatToHalf(float f) {
  return static_cast<uint16_t>(_cvtss_sh(f, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
}

// The low `count` (< 64) bits set: masks for loads and stores of a row's tail.
inline uint64_t LowBits(int64_t count) { return (uint64_t{1} << count) - 1; }

// The 16 packed bytes of a 4-bit block as 32 bytes in element order: byte j < 16 is the low nibble of
// qs[j], byte j >= 16 the high nibble of qs[j - 16].
inline __m256i UnpackNibbles(const uint8_t* qs) {
  const __m128i packed = _mm_loadu_si128(reinterpret_cast<const __m128i*>(qs));
  const __m256i both = _mm256_set_m128i(_mm_srli_epi16(packed, 4), packed);
  return _mm256_and_si256(both, _mm256_set1_epi8(0x0f));
}

// The 32 bits of a Q5 qh field, as a byte mask: bit j selects element j.
inline __mmask32 LoadBits(const uint8_t* qh) {
  uint32_t bits;
  std::memcpy(&bits, qh, sizeof(bits));
  return static_cast<__mmask32>(bits);
}

// Sums of x * y over each group of 4 bytes, x unsigned, y signed. VNNI does it in one instruction; plain
// AVX-512 needs maddubs + madd (exact here: x <= 128 and |y| <= 127 keep the 16-bit pair sums in range).
template <bool kVnni>
inline __m256i DotU8I8(__m256i x, __m256i y) {
  if constexpr (kVnni) {
    return _mm256_dpbusd_epi32(_mm256_setzero_si256(), x, y);
  } else {
    return _mm256_madd_epi16(_mm256_maddubs_epi16(x, y), _mm256_set1_epi16(1));
  }
}

// Signed x: |x| times y with x's sign moved onto y. Exact while y != -128, which the activation quantizer
// guarantees.
template <bool kVnni>
inline __m256i DotI8I8(__m256i x, __m256i y) {
  return DotU8I8<kVnni>(_mm256_sign_epi8(x, x), _mm256_sign_epi8(y, x));
}

// 32 int8 values times d, stored as 32 floats (float(q) * d, rounded once, as the scalar code does).
inline void StoreScaled(__m256i q, float d, float* dst) {
  const __m512 vd = _mm512_set1_ps(d);
  const __m512i lo = _mm512_cvtepi8_epi32(_mm256_castsi256_si128(q));
  const __m512i hi = _mm512_cvtepi8_epi32(_mm256_extracti128_si256(q, 1));
  _mm512_storeu_ps(dst, _mm512_mul_ps(_mm512_cvtepi32_ps(lo), vd));
  _mm512_storeu_ps(dst + 16, _mm512_mul_ps(_mm512_cvtepi32_ps(hi), vd));
}

// 32 uint8 values as d * q + m with two roundings (the product first), as gguf-py computes it. Relies on
// the folder's -ffp-contract=off so the compiler keeps the multiply and the add apart.
inline void StoreScaledOffset(__m256i q, float d, float m, float* dst) {
  const __m512 vd = _mm512_set1_ps(d);
  const __m512 vm = _mm512_set1_ps(m);
  const __m512i lo = _mm512_cvtepu8_epi32(_mm256_castsi256_si128(q));
  const __m512i hi = _mm512_cvtepu8_epi32(_mm256_extracti128_si256(q, 1));
  _mm512_storeu_ps(dst, _mm512_add_ps(_mm512_mul_ps(_mm512_cvtepi32_ps(lo), vd), vm));
  _mm512_storeu_ps(dst + 16, _mm512_add_ps(_mm512_mul_ps(_mm512_cvtepi32_ps(hi), vd), vm));
}

}  // namespace hearth::kernels::avx512

#endif  // HEARTH_KERNELS_X86_AVX512_AVX512_UTIL_H_
