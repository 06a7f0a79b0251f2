// AVX2 + F16C kernels for F32, F16 and BF16: conversions (bit-exact with the fp16.h reference, NaNs
// included) and dots with four float accumulators of 8 lanes (32 elements per iteration) to cover the FMA
// latency. Tails shorter than 8 elements go through a zero-padded stack buffer.
#include <immintrin.h>

#include <cstdint>
#include <cstring>

#include "kernels/x86_avx2/avx2_kernels.h"
#include "kernels/x86_avx2/avx2_util.h"

namespace hearth::kernels::avx2 {
namespace {

// Loads 8 elements of a format as floats; LoadTail pads past `count` with zeros.
struct F32Loader {
  using Elem = float;
  static __m256 Load(const float* p) { return _mm256_loadu_ps(p); }
};

struct F16Loader {
  using Elem = uint16_t;
  static __m256 Load(const uint16_t* p) {
    return _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
  }
};

struct Bf16Loader {
  using Elem = uint16_t;
  static __m256 Load(const uint16_t* p) {
    const __m256i wide = _mm256_cvtepu16_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
    return _mm256_castsi256_ps(_mm256_slli_epi32(wide, 16));
  }
};

template <typename Loader>
__m256 LoadTail(const typename Loader::Elem* p, int64_t count) {
  typename Loader::Elem buf[8] = {};
  std::memcpy(buf, p, static_cast<size_t>(count) * sizeof(buf[0]));
  return Loader::Load(buf);
}

template <typename Loader>
float VecDot(int64_t n, const void* vx, const void* vy) {
  using Elem = typename Loader::Elem;
  const Elem* x = static_cast<const Elem*>(vx);
  const Elem* y = static_cast<const Elem*>(vy);
  __m256 acc[4] = {_mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps()};
  int64_t i = 0;
  for (; i + 32 <= n; i += 32) {
    for (int k = 0; k < 4; ++k) {
      acc[k] = _mm256_fmadd_ps(Loader::Load(x + i + 8 * k), Loader::Load(y + i + 8 * k), acc[k]);
    }
  }
  for (; i + 8 <= n; i += 8) acc[0] = _mm256_fmadd_ps(Loader::Load(x + i), Loader::Load(y + i), acc[0]);
  if (i < n) acc[1] = _mm256_fmadd_ps(LoadTail<Loader>(x + i, n - i), LoadTail<Loader>(y + i, n - i), acc[1]);
  return HorizontalSum(_mm256_add_ps(_mm256_add_ps(acc[0], acc[1]), _mm256_add_ps(acc[2], acc[3])));
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
// vectors holding a NaN are rebuilt from the bits: sign | all-ones exponent | mantissa << 13.
inline __m256 HalfToFloat8(__m128i h) {
  const __m256 f = _mm256_cvtph_ps(h);
  const __m256 nan = _mm256_cmp_ps(f, f, _CMP_UNORD_Q);
  if (_mm256_testz_ps(nan, nan)) return f;
  const __m256i w = _mm256_cvtepu16_epi32(h);
  const __m256i bits =
      _mm256_or_si256(_mm256_or_si256(_mm256_slli_epi32(_mm256_and_si256(w, _mm256_set1_epi32(0x8000)), 16),
                                      _mm256_set1_epi32(0x7f800000)),
                      _mm256_slli_epi32(_mm256_and_si256(w, _mm256_set1_epi32(0x3ff)), 13));
  return _mm256_blendv_ps(f, _mm256_castsi256_ps(bits), nan);
}

// The reference turns every NaN into sign | 0x7e00; cvtps_ph keeps payload bits, so NaN lanes are first
// replaced by sign | 0x7fc00000, which converts to exactly that. Everything else is round-to-nearest-even.
inline __m128i FloatToHalf8(__m256 f) {
  const __m256 nan = _mm256_cmp_ps(f, f, _CMP_UNORD_Q);
  const __m256 quiet = _mm256_or_ps(_mm256_and_ps(f, _mm256_set1_ps(-0.0f)),
                                    _mm256_castsi256_ps(_mm256_set1_epi32(0x7fc00000)));
  return _mm256_cvtps_ph(_mm256_blendv_ps(f, quiet, nan), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
}

void DequantizeRowF16(const void* src, float* dst, int64_t n) {
  const uint16_t* h = static_cast<const uint16_t*>(src);
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    _mm256_storeu_ps(dst + i, HalfToFloat8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(h + i))));
  }
  if (i < n) {
    uint16_t in[8] = {};
    float out[8];
    std::memcpy(in, h + i, static_cast<size_t>(n - i) * sizeof(uint16_t));
    _mm256_storeu_ps(out, HalfToFloat8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(in))));
    std::memcpy(dst + i, out, static_cast<size_t>(n - i) * sizeof(float));
  }
}

void QuantizeRowF16(const float* src, void* dst, int64_t n) {
  uint16_t* h = static_cast<uint16_t*>(dst);
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    _mm_storeu_si128(reinterpret_cast<__m128i*>(h + i), FloatToHalf8(_mm256_loadu_ps(src + i)));
  }
  if (i < n) {
    float in[8] = {};
    uint16_t out[8];
    std::memcpy(in, src + i, static_cast<size_t>(n - i) * sizeof(float));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out), FloatToHalf8(_mm256_loadu_ps(in)));
    std::memcpy(h + i, out, static_cast<size_t>(n - i) * sizeof(uint16_t));
  }
}

// ---- BF16 ----

// Round to nearest even on the top 16 bits; NaNs keep their top bits with the quiet bit (0x40) set.
inline __m128i FloatToBf16x8(__m256 f) {
  const __m256i x = _mm256_castps_si256(f);
  const __m256i lsb = _mm256_and_si256(_mm256_srli_epi32(x, 16), _mm256_set1_epi32(1));
  const __m256i rounded =
      _mm256_srli_epi32(_mm256_add_epi32(x, _mm256_add_epi32(lsb, _mm256_set1_epi32(0x7fff))), 16);
  const __m256i nan =
      _mm256_cmpgt_epi32(_mm256_and_si256(x, _mm256_set1_epi32(0x7fffffff)), _mm256_set1_epi32(0x7f800000));
  const __m256i quiet = _mm256_or_si256(_mm256_srli_epi32(x, 16), _mm256_set1_epi32(0x40));
  const __m256i r = _mm256_blendv_epi8(rounded, quiet, nan);
  // Values are in [0, 0xffff], so the unsigned-saturating pack is exact; then undo its lane interleave.
  const __m256i packed = _mm256_permute4x64_epi64(_mm256_packus_epi32(r, r), 0x08);
  return _mm256_castsi256_si128(packed);
}

void DequantizeRowBf16(const void* src, float* dst, int64_t n) {
  const uint16_t* b = static_cast<const uint16_t*>(src);
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) _mm256_storeu_ps(dst + i, Bf16Loader::Load(b + i));
  if (i < n) {
    float out[8];
    _mm256_storeu_ps(out, LoadTail<Bf16Loader>(b + i, n - i));
    std::memcpy(dst + i, out, static_cast<size_t>(n - i) * sizeof(float));
  }
}

void QuantizeRowBf16(const float* src, void* dst, int64_t n) {
  uint16_t* b = static_cast<uint16_t*>(dst);
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    _mm_storeu_si128(reinterpret_cast<__m128i*>(b + i), FloatToBf16x8(_mm256_loadu_ps(src + i)));
  }
  if (i < n) {
    float in[8] = {};
    uint16_t out[8];
    std::memcpy(in, src + i, static_cast<size_t>(n - i) * sizeof(float));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out), FloatToBf16x8(_mm256_loadu_ps(in)));
    std::memcpy(b + i, out, static_cast<size_t>(n - i) * sizeof(uint16_t));
  }
}

}  // namespace

void RegisterFloatFormats(KernelTable& table) {
  table.format(GgmlType::kF32) = {CopyRowF32, CopyRowToF32, VecDot<F32Loader>, GgmlType::kF32};
  table.format(GgmlType::kF16) = {DequantizeRowF16, QuantizeRowF16, VecDot<F16Loader>, GgmlType::kF16};
  table.format(GgmlType::kBF16) = {DequantizeRowBf16, QuantizeRowBf16, VecDot<Bf16Loader>, GgmlType::kBF16};
}

}  // namespace hearth::kernels::avx2
