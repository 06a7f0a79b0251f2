// AVX-512 kernels for F32, F16 and BF16: conversions (bit-exact with the fp16.h reference, NaNs
// included) and dots with four float accumulators of 16 lanes (64 elements per iteration) to cover the FMA
// latency. Row tails use masked loads and stores, which never touch memory past the row.
#include <cstdint>
#include <cstring>

#include "kernels/x86_avx512/avx512_kernels.h"
#include "kernels/x86_avx512/avx512_util.h"  // Includes <immintrin.h>.

namespace hearth::kernels::avx512 {
namespace {

// Loads 16 elements of a format as floats; LoadTail reads only the first `count` and zeroes the rest.
struct F32Loader {
  using Elem = float;
  static __m512 Load(const float* p) { return _mm512_loadu_ps(p); }
  static __m512 LoadTail(const float* p, int64_t count) {
    return _mm512_maskz_loadu_ps(static_cast<__mmask16>(LowBits(count)), p);
  }
};

struct F16Loader {
  using Elem = uint16_t;
  static __m512 Load(const uint16_t* p) {
    return _mm512_cvtph_ps(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)));
  }
  static __m512 LoadTail(const uint16_t* p, int64_t count) {
    return _mm512_cvtph_ps(_mm256_maskz_loadu_epi16(static_cast<__mmask16>(LowBits(count)), p));
  }
};

struct Bf16Loader {
  using Elem = uint16_t;
  static __m512 Widen(__m256i b) {
    return _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_cvtepu16_epi32(b), 16));
  }
  static __m512 Load(const uint16_t* p) {
    return Widen(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)));
  }
  static __m512 LoadTail(const uint16_t* p, int64_t count) {
    return Widen(_mm256_maskz_loadu_epi16(static_cast<__mmask16>(LowBits(count)), p));
  }
};

template <typename Loader>
float VecDot(int64_t n, const void* vx, const void* vy) {
  using Elem = typename Loader::Elem;
  const Elem* x = static_cast<const Elem*>(vx);
  const Elem* y = static_cast<const Elem*>(vy);
  __m512 acc[4] = {_mm512_setzero_ps(), _mm512_setzero_ps(), _mm512_setzero_ps(), _mm512_setzero_ps()};
  int64_t i = 0;
  for (; i + 64 <= n; i += 64) {
    for (int k = 0; k < 4; ++k) {
      acc[k] = _mm512_fmadd_ps(Loader::Load(x + i + 16 * k), Loader::Load(y + i + 16 * k), acc[k]);
    }
  }
  for (; i + 16 <= n; i += 16) acc[0] = _mm512_fmadd_ps(Loader::Load(x + i), Loader::Load(y + i), acc[0]);
  if (i < n) acc[1] = _mm512_fmadd_ps(Loader::LoadTail(x + i, n - i), Loader::LoadTail(y + i, n - i), acc[1]);
  return _mm512_reduce_add_ps(_mm512_add_ps(_mm512_add_ps(acc[0], acc[1]), _mm512_add_ps(acc[2], acc[3])));
}

// ---- F32 ----

void CopyRowF32(const void* src, float* dst, int64_t n) {
  std::memcpy(dst, src, static_cast<size_t>(n) * sizeof(float));
}

void CopyRowToF32(const float* src, void* dst, int64_t n) {
  std::memcpy(dst, src, static_cast<size_t>(n) * sizeof(float));
}

// ---- F16 ----

// cvtph_ps quiets signaling NaNs (sets mantissa bit 22) where the reference keeps the payload as is, so
// NaN lanes are rebuilt from the bits: sign | all-ones exponent | mantissa << 13.
inline __m512 HalfToFloat16(__m256i h) {
  const __m512 f = _mm512_cvtph_ps(h);
  const __mmask16 nan = _mm512_cmp_ps_mask(f, f, _CMP_UNORD_Q);
  if (nan == 0) return f;
  const __m512i w = _mm512_cvtepu16_epi32(h);
  const __m512i bits =
      _mm512_or_si512(_mm512_or_si512(_mm512_slli_epi32(_mm512_and_si512(w, _mm512_set1_epi32(0x8000)), 16),
                                      _mm512_set1_epi32(0x7f800000)),
                      _mm512_slli_epi32(_mm512_and_si512(w, _mm512_set1_epi32(0x3ff)), 13));
  return _mm512_mask_blend_ps(nan, f, _mm512_castsi512_ps(bits));
}

// The reference turns every NaN into sign | 0x7e00; cvtps_ph keeps payload bits, so NaN lanes are first
// replaced by sign | 0x7fc00000, which converts to exactly that. Everything else is round-to-nearest-even.
inline __m256i FloatToHalf16(__m512 f) {
  const __mmask16 nan = _mm512_cmp_ps_mask(f, f, _CMP_UNORD_Q);
  const __m512 quiet = _mm512_or_ps(_mm512_and_ps(f, _mm512_set1_ps(-0.0f)),
                                    _mm512_castsi512_ps(_mm512_set1_epi32(0x7fc00000)));
  return _mm512_cvtps_ph(_mm512_mask_blend_ps(nan, f, quiet), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
}

void DequantizeRowF16(const void* src, float* dst, int64_t n) {
  const uint16_t* h = static_cast<const uint16_t*>(src);
  int64_t i = 0;
  for (; i + 16 <= n; i += 16) {
    _mm512_storeu_ps(dst + i, HalfToFloat16(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(h + i))));
  }
  if (i < n) {
    const __mmask16 mask = static_cast<__mmask16>(LowBits(n - i));
    _mm512_mask_storeu_ps(dst + i, mask, HalfToFloat16(_mm256_maskz_loadu_epi16(mask, h + i)));
  }
}

void QuantizeRowF16(const float* src, void* dst, int64_t n) {
  uint16_t* h = static_cast<uint16_t*>(dst);
  int64_t i = 0;
  for (; i + 16 <= n; i += 16) {
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(h + i), FloatToHalf16(_mm512_loadu_ps(src + i)));
  }
  if (i < n) {
    const __mmask16 mask = static_cast<__mmask16>(LowBits(n - i));
    _mm256_mask_storeu_epi16(h + i, mask, FloatToHalf16(_mm512_maskz_loadu_ps(mask, src + i)));
  }
}

// ---- BF16 ----

// Round to nearest even on the top 16 bits; NaNs keep their top bits with the quiet bit (0x40) set.
inline __m256i FloatToBf16x16(__m512 f) {
  const __m512i x = _mm512_castps_si512(f);
  const __m512i lsb = _mm512_and_si512(_mm512_srli_epi32(x, 16), _mm512_set1_epi32(1));
  const __m512i rounded =
      _mm512_srli_epi32(_mm512_add_epi32(x, _mm512_add_epi32(lsb, _mm512_set1_epi32(0x7fff))), 16);
  const __mmask16 nan = _mm512_cmpgt_epi32_mask(_mm512_and_si512(x, _mm512_set1_epi32(0x7fffffff)),
                                                _mm512_set1_epi32(0x7f800000));
  const __m512i quiet = _mm512_or_si512(_mm512_srli_epi32(x, 16), _mm512_set1_epi32(0x40));
  return _mm512_cvtepi32_epi16(_mm512_mask_blend_epi32(nan, rounded, quiet));
}

void DequantizeRowBf16(const void* src, float* dst, int64_t n) {
  const uint16_t* b = static_cast<const uint16_t*>(src);
  int64_t i = 0;
  for (; i + 16 <= n; i += 16) _mm512_storeu_ps(dst + i, Bf16Loader::Load(b + i));
  if (i < n) {
    _mm512_mask_storeu_ps(dst + i, static_cast<__mmask16>(LowBits(n - i)),
                          Bf16Loader::LoadTail(b + i, n - i));
  }
}

void QuantizeRowBf16(const float* src, void* dst, int64_t n) {
  uint16_t* b = static_cast<uint16_t*>(dst);
  int64_t i = 0;
  for (; i + 16 <= n; i += 16) {
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(b + i), FloatToBf16x16(_mm512_loadu_ps(src + i)));
  }
  if (i < n) {
    const __mmask16 mask = static_cast<__mmask16>(LowBits(n - i));
    _mm256_mask_storeu_epi16(b + i, mask, FloatToBf16x16(_mm512_maskz_loadu_ps(mask, src + i)));
  }
}

}  // namespace

void RegisterFloatFormats(KernelTable& table) {
  table.format(GgmlType::kF32) = {CopyRowF32, CopyRowToF32, VecDot<F32Loader>, GgmlType::kF32};
  table.format(GgmlType::kF16) = {DequantizeRowF16, QuantizeRowF16, VecDot<F16Loader>, GgmlType::kF16};
  table.format(GgmlType::kBF16) = {DequantizeRowBf16, QuantizeRowBf16, VecDot<Bf16Loader>, GgmlType::kBF16};
}

}  // namespace hearth::kernels::avx512
