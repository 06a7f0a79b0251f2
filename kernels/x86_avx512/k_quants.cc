// AVX-512 (F/BW/VL/DQ + VNNI) kernels for the K-quant formats, the Q8_K activation quantizer and IQ4_XS.
// The 256-bit kernels live in k_quants_simd.inc (shared with the AVX2 folder, compiled here with the
// AVX-512 flags, so their scaled int16 sums use vpdpwssd); the weight quantizers stay scalar (offline).

// GCC 12 flags the _mm512_undefined_* placeholders inside its own avx512fintrin.h as uninitialized (GCC
// PR 105593); the diagnostic points into the header, so silencing it around the include is enough.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <immintrin.h>
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

#include <cmath>
#include <cstdint>
#include <cstring>

#include "kernels/formats/block_layouts.h"
#include "kernels/x86_avx512/avx512_kernels.h"

namespace hearth::kernels::avx512 {

#include "kernels/x86_avx2/k_quants_simd.inc"

namespace {

// 512-bit dots for the formats of Q4_K_M models (Q4_K, Q6_K): 64 quants per instruction. maddubs makes
// the u8 x s8 pair sums (no saturation: quants <= 63) and vpdpwssd multiplies them by the int16
// sub-block scales and accumulates in int32, the scales spread over the lanes by one vpermw per vector.
// Per super-block the exact integer sums go through the scalar code's float expression, as in the
// 256-bit kernels.

inline __m512i Combine256(__m256i lo, __m256i hi) {
  return _mm512_inserti64x4(_mm512_castsi256_si512(lo), hi, 1);
}

// The int16 vector whose lanes 16 * k .. 16 * k + 15 hold index first + k (k = 0, 1) or, for sub-blocks
// of 16, lanes 8 * k .. 8 * k + 7 hold index first + k (k = 0..3).
inline __m512i SpreadIndex(int first, int lanes_per_scale) {
  alignas(64) int16_t idx[32];
  for (int l = 0; l < 32; ++l) idx[l] = static_cast<int16_t>(first + l / lanes_per_scale);
  return _mm512_load_si512(idx);
}

float VecDotQ4K512(int64_t n, const void* vx, const void* vy) {
  const auto* x = static_cast<const BlockQ4_K*>(vx);
  const auto* y = static_cast<const BlockQ8_K*>(vy);
  const __m512i m4 = _mm512_set1_epi8(0x0f);
  // The 32 packed bytes of a chunk go to both halves; the high half is shifted to its high nibbles, so
  // the vector is sub-block 2c then 2c + 1, in the order of the 64 activations.
  const __m512i nibble_shift = Combine256(_mm256_setzero_si256(), _mm256_set1_epi16(4));
  const __m512i spread[4] = {SpreadIndex(0, 16), SpreadIndex(2, 16), SpreadIndex(4, 16), SpreadIndex(6, 16)};
  float sum = 0.0f;
  for (int64_t b = 0; b < n / kQKK; ++b) {
    const __m128i scales_mins = K4ScalesMins(x[b].scales);
    const __m512i sc16 = _mm512_zextsi256_si512(_mm256_cvtepu8_epi16(scales_mins));  // Lanes 0..7 scales.
    __m512i isum = _mm512_setzero_si512();
    for (int c = 0; c < 4; ++c) {
      const __m512i packed = _mm512_broadcast_i64x4(Load256(x[b].qs + 32 * c));
      const __m512i q = _mm512_and_si512(_mm512_srlv_epi16(packed, nibble_shift), m4);
      const __m512i pairs = _mm512_maddubs_epi16(q, _mm512_loadu_si512(y[b].qs + 64 * c));
      isum = _mm512_dpwssd_epi32(isum, pairs, _mm512_permutexvar_epi16(spread[c], sc16));
    }
    int32_t isum_total, imin;
    HSum2(_mm256_add_epi32(_mm512_castsi512_si256(isum), _mm512_extracti64x4_epi64(isum, 1)),
          K4MinTerms(scales_mins, y[b].bsums), &isum_total, &imin);
    sum += y[b].d * Half(x[b].d) * static_cast<float>(isum_total) -
           y[b].d * Half(x[b].dmin) * static_cast<float>(imin);
  }
  return sum;
}

float VecDotQ6K512(int64_t n, const void* vx, const void* vy) {
  const auto* x = static_cast<const BlockQ6_K*>(vx);
  const auto* y = static_cast<const BlockQ8_K*>(vy);
  const __m512i m4 = _mm512_set1_epi8(0x0f), m30 = _mm512_set1_epi8(0x30);
  // Per 128-element half: ql[0..63] gives groups 0|1 (low nibbles) and 2|3 (high nibbles); qh[0..31],
  // in both 256-bit halves, gives their top bits at bits 0-1|2-3 and 4-5|6-7, moved here to bits 4-5.
  const __m512i shl01 = Combine256(_mm256_set1_epi16(4), _mm256_set1_epi16(2));
  const __m512i shr23 = Combine256(_mm256_setzero_si256(), _mm256_set1_epi16(2));
  const __m512i spread[4] = {SpreadIndex(0, 8), SpreadIndex(4, 8), SpreadIndex(8, 8), SpreadIndex(12, 8)};
  float sum = 0.0f;
  for (int64_t b = 0; b < n / kQKK; ++b) {
    const __m256i sc16 = _mm256_cvtepi8_epi16(Load128(x[b].scales));
    const __m512i sc16w = _mm512_zextsi256_si512(sc16);
    // The quants are dotted unsigned (0..63); -32 * sum_j sc_j * bsum_j applies the offset.
    const __m256i offset = _mm256_madd_epi16(sc16, Load256(y[b].bsums));
    __m512i isum =
        _mm512_zextsi256_si512(_mm256_sub_epi32(_mm256_setzero_si256(), _mm256_slli_epi32(offset, 5)));
    for (int h = 0; h < 2; ++h) {
      const __m512i ql = _mm512_loadu_si512(x[b].ql + 64 * h);
      const __m512i qh = _mm512_broadcast_i64x4(Load256(x[b].qh + 32 * h));
      const __m512i q01 =
          _mm512_or_si512(_mm512_and_si512(ql, m4), _mm512_and_si512(_mm512_sllv_epi16(qh, shl01), m30));
      const __m512i q23 = _mm512_or_si512(_mm512_and_si512(_mm512_srli_epi16(ql, 4), m4),
                                          _mm512_and_si512(_mm512_srlv_epi16(qh, shr23), m30));
      const int8_t* a = y[b].qs + 128 * h;
      isum = _mm512_dpwssd_epi32(isum, _mm512_maddubs_epi16(q01, _mm512_loadu_si512(a)),
                                 _mm512_permutexvar_epi16(spread[2 * h], sc16w));
      isum = _mm512_dpwssd_epi32(isum, _mm512_maddubs_epi16(q23, _mm512_loadu_si512(a + 64)),
                                 _mm512_permutexvar_epi16(spread[2 * h + 1], sc16w));
    }
    sum += y[b].d * Half(x[b].d) * static_cast<float>(_mm512_reduce_add_epi32(isum));
  }
  return sum;
}

}  // namespace

void RegisterKQuants(KernelTable& table) {
  auto set = [&table](GgmlType type, DequantizeRowFn dequantize, VecDotFn vec_dot) {
    FormatKernels& k = table.format(type);
    k.dequantize_row = dequantize;
    k.vec_dot = vec_dot;
  };
  set(GgmlType::kQ2_K, DequantizeRowQ2K, VecDotQ2K);
  set(GgmlType::kQ3_K, DequantizeRowQ3K, VecDotQ3K);
  set(GgmlType::kQ4_K, DequantizeRowQ4K, VecDotQ4K512);
  set(GgmlType::kQ5_K, DequantizeRowQ5K, VecDotQ5K);
  set(GgmlType::kQ6_K, DequantizeRowQ6K, VecDotQ6K512);
  set(GgmlType::kIQ4_XS, DequantizeRowIq4Xs, VecDotIq4Xs);
  table.format(GgmlType::kQ8_K).dequantize_row = DequantizeRowQ8K;
  table.format(GgmlType::kQ8_K).quantize_row = QuantizeRowQ8K;
}

}  // namespace hearth::kernels::avx512
