// AVX2 kernels for the 32-element formats Q4_0, Q4_1, Q5_0, Q5_1, Q8_0, IQ4_NL and the Q8_0/Q8_1
// activation quantizers. Each weight block is unpacked to 32 bytes in element order (low nibbles, then
// high nibbles), so it lines up with the 32 activation quants of its Q8 block; the integer dot of a block is
// exact (maddubs + madd) and only the per-block float scaling differs in order from the scalar reference.
// Dots keep two float accumulators (two blocks per iteration) to hide the FMA latency; the weights stream
// through once, so these loops are bound by memory bandwidth, not arithmetic.
#include <immintrin.h>

#include <cstdint>
#include <type_traits>

#include "kernels/formats/block_layouts.h"
#include "kernels/x86_avx2/avx2_kernels.h"
#include "kernels/x86_avx2/avx2_util.h"

namespace hearth::kernels::avx2 {
namespace {

// ---- Activation quantizer (bit-exact with scalar QuantizeQ8) ----

// d = amax / 127 and q = clamp(round-half-away(x * (1 / d)), -127, 127), with the scalar code's NaN
// behavior: max_ps returns its second operand when either is NaN, exactly like std::max(amax, |x|) and
// std::max(-127.f, r), so NaN inputs are skipped by amax and quantize to -127. Returns d; adds the 32
// quants to *qsum.
inline float QuantizeBlockQ8(const float* x, int8_t* qs, __m256i* qsum) {
  const __m256 sign = _mm256_set1_ps(-0.0f);
  __m256 v[4];
  __m256 amax = _mm256_setzero_ps();
  for (int k = 0; k < 4; ++k) {
    v[k] = _mm256_loadu_ps(x + 8 * k);
    amax = _mm256_max_ps(_mm256_andnot_ps(sign, v[k]), amax);
  }
  __m128 m = _mm_max_ps(_mm256_castps256_ps128(amax), _mm256_extractf128_ps(amax, 1));
  m = _mm_max_ps(m, _mm_movehl_ps(m, m));
  m = _mm_max_ss(m, _mm_movehdup_ps(m));
  const float d = _mm_cvtss_f32(m) / 127.0f;
  const __m256 id = _mm256_set1_ps(d != 0.0f ? 1.0f / d : 0.0f);
  __m256i q[4];
  for (int k = 0; k < 4; ++k) {
    // roundf: truncate, then step one away from zero when the (exact) dropped fraction is >= 0.5.
    const __m256 p = _mm256_mul_ps(v[k], id);
    const __m256 t = _mm256_round_ps(p, _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC);
    const __m256 frac = _mm256_andnot_ps(sign, _mm256_sub_ps(p, t));
    const __m256 away = _mm256_and_ps(_mm256_cmp_ps(frac, _mm256_set1_ps(0.5f), _CMP_GE_OQ),
                                      _mm256_or_ps(_mm256_and_ps(p, sign), _mm256_set1_ps(1.0f)));
    __m256 r = _mm256_max_ps(_mm256_add_ps(t, away), _mm256_set1_ps(-127.0f));
    r = _mm256_min_ps(r, _mm256_set1_ps(127.0f));
    q[k] = _mm256_cvtps_epi32(r);
    *qsum = _mm256_add_epi32(*qsum, q[k]);
  }
  // packs interleave 128-bit lanes: dword order afterwards is q0a q1a q2a q3a q0b q1b q2b q3b.
  const __m256i q16a = _mm256_packs_epi32(q[0], q[1]);
  const __m256i q16b = _mm256_packs_epi32(q[2], q[3]);
  const __m256i q8 =
      _mm256_permutevar8x32_epi32(_mm256_packs_epi16(q16a, q16b), _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7));
  _mm256_storeu_si256(reinterpret_cast<__m256i*>(qs), q8);
  return d;
}

void QuantizeRowQ8_0(const float* src, void* dst, int64_t n) {
  BlockQ8_0* b = static_cast<BlockQ8_0*>(dst);
  __m256i unused = _mm256_setzero_si256();
  for (int64_t i = 0; i < n / kQK; ++i, src += kQK)
    b[i].d = FloatToHalf(QuantizeBlockQ8(src, b[i].qs, &unused));
}

void QuantizeRowQ8_1(const float* src, void* dst, int64_t n) {
  BlockQ8_1* b = static_cast<BlockQ8_1*>(dst);
  for (int64_t i = 0; i < n / kQK; ++i, src += kQK) {
    __m256i qsum = _mm256_setzero_si256();
    const float d = QuantizeBlockQ8(src, b[i].qs, &qsum);
    // Saturate s to the f16 range, written as the scalar reference's std::min/std::max (NaN -> -65504).
    float s = d * static_cast<float>(HorizontalSum(qsum));
    s = -65504.0f < s ? s : -65504.0f;
    s = s < 65504.0f ? s : 65504.0f;
    b[i].d = FloatToHalf(d);
    b[i].s = FloatToHalf(s);
  }
}

// ---- Block unpacking: 32 quants in element order ----
// Lambda objects rather than functions: each has its own type, so the templates below inline them (a
// function passed by pointer was left as a call in the hot loop).

constexpr auto Q4_0Quants = [](const BlockQ4_0& b) {
  return _mm256_sub_epi8(UnpackNibbles(b.qs), _mm256_set1_epi8(8));
};
constexpr auto Q4_1Quants = [](const BlockQ4_1& b) { return UnpackNibbles(b.qs); };
// q - 16 as int8: the nibble with 0xf0 or'ed in wherever the fifth bit is clear.
constexpr auto Q5_0Quants = [](const BlockQ5_0& b) {
  return _mm256_or_si256(UnpackNibbles(b.qs), _mm256_andnot_si256(ExpandBits(b.qh), _mm256_set1_epi8(-16)));
};
constexpr auto Q5_1Quants = [](const BlockQ5_1& b) {
  return _mm256_or_si256(UnpackNibbles(b.qs), _mm256_and_si256(ExpandBits(b.qh), _mm256_set1_epi8(16)));
};
inline __m256i Q8Quants(const int8_t* qs) { return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(qs)); }
// Table lookup of the 16 non-linear levels with pshufb (the table repeated in both lanes).
constexpr auto Iq4NlQuants = [](const BlockIQ4_NL& b) {
  const __m256i table =
      _mm256_broadcastsi128_si256(_mm_loadu_si128(reinterpret_cast<const __m128i*>(kIq4nlValues)));
  return _mm256_shuffle_epi8(table, UnpackNibbles(b.qs));
};

// ---- Dots ----

struct NoOffset {
  float operator()(int64_t) const { return 0.0f; }
};
template <typename OffsetFn>
inline constexpr bool kHasOffset = !std::is_same_v<OffsetFn, NoOffset>;

// Sum over blocks of float(dot(i)) * scale(i) (+ offset(i)): `dot` gives block i's int32x8 partial sums,
// `scale` its d_x * d_y and `offset` the m_x * s_y term of the offset formats.
template <typename DotFn, typename ScaleFn, typename OffsetFn>
inline float AccumulateBlocks(int64_t nb, DotFn dot, ScaleFn scale, OffsetFn offset) {
  __m256 acc0 = _mm256_setzero_ps();
  __m256 acc1 = _mm256_setzero_ps();
  float offsets = 0.0f;
  int64_t i = 0;
  for (; i + 1 < nb; i += 2) {
    acc0 = _mm256_fmadd_ps(_mm256_cvtepi32_ps(dot(i)), _mm256_set1_ps(scale(i)), acc0);
    acc1 = _mm256_fmadd_ps(_mm256_cvtepi32_ps(dot(i + 1)), _mm256_set1_ps(scale(i + 1)), acc1);
    if constexpr (kHasOffset<OffsetFn>) offsets += offset(i) + offset(i + 1);
  }
  if (i < nb) {
    acc0 = _mm256_fmadd_ps(_mm256_cvtepi32_ps(dot(i)), _mm256_set1_ps(scale(i)), acc0);
    if constexpr (kHasOffset<OffsetFn>) offsets += offset(i);
  }
  return HorizontalSum(_mm256_add_ps(acc0, acc1)) + offsets;
}

float VecDotQ4_0Q8_0(int64_t n, const void* vx, const void* vy) {
  const BlockQ4_0* x = static_cast<const BlockQ4_0*>(vx);
  const BlockQ8_0* y = static_cast<const BlockQ8_0*>(vy);
  return AccumulateBlocks(
      n / kQK, [&](int64_t i) { return DotI8I8(Q4_0Quants(x[i]), Q8Quants(y[i].qs)); },
      [&](int64_t i) { return HalfToFloat(x[i].d) * HalfToFloat(y[i].d); }, NoOffset());
}

float VecDotQ5_0Q8_0(int64_t n, const void* vx, const void* vy) {
  const BlockQ5_0* x = static_cast<const BlockQ5_0*>(vx);
  const BlockQ8_0* y = static_cast<const BlockQ8_0*>(vy);
  return AccumulateBlocks(
      n / kQK, [&](int64_t i) { return DotI8I8(Q5_0Quants(x[i]), Q8Quants(y[i].qs)); },
      [&](int64_t i) { return HalfToFloat(x[i].d) * HalfToFloat(y[i].d); }, NoOffset());
}

float VecDotQ8_0Q8_0(int64_t n, const void* vx, const void* vy) {
  const BlockQ8_0* x = static_cast<const BlockQ8_0*>(vx);
  const BlockQ8_0* y = static_cast<const BlockQ8_0*>(vy);
  return AccumulateBlocks(
      n / kQK, [&](int64_t i) { return DotI8I8(Q8Quants(x[i].qs), Q8Quants(y[i].qs)); },
      [&](int64_t i) { return HalfToFloat(x[i].d) * HalfToFloat(y[i].d); }, NoOffset());
}

float VecDotIq4NlQ8_0(int64_t n, const void* vx, const void* vy) {
  const BlockIQ4_NL* x = static_cast<const BlockIQ4_NL*>(vx);
  const BlockQ8_0* y = static_cast<const BlockQ8_0*>(vy);
  return AccumulateBlocks(
      n / kQK, [&](int64_t i) { return DotI8I8(Iq4NlQuants(x[i]), Q8Quants(y[i].qs)); },
      [&](int64_t i) { return HalfToFloat(x[i].d) * HalfToFloat(y[i].d); }, NoOffset());
}

// Offset formats: the unsigned quants multiply y directly; m_x * s_y (s = d_y * sum(q_y)) adds the offset.
template <typename Block, typename QuantsFn>
inline float VecDotOffsetQ8_1(int64_t n, const Block* x, const BlockQ8_1* y, QuantsFn quants) {
  return AccumulateBlocks(
      n / kQK, [&](int64_t i) { return DotU8I8(quants(x[i]), Q8Quants(y[i].qs)); },
      [&](int64_t i) { return HalfToFloat(x[i].d) * HalfToFloat(y[i].d); },
      [&](int64_t i) { return HalfToFloat(x[i].m) * HalfToFloat(y[i].s); });
}

float VecDotQ4_1Q8_1(int64_t n, const void* vx, const void* vy) {
  return VecDotOffsetQ8_1(n, static_cast<const BlockQ4_1*>(vx), static_cast<const BlockQ8_1*>(vy),
                          Q4_1Quants);
}

float VecDotQ5_1Q8_1(int64_t n, const void* vx, const void* vy) {
  return VecDotOffsetQ8_1(n, static_cast<const BlockQ5_1*>(vx), static_cast<const BlockQ8_1*>(vy),
                          Q5_1Quants);
}

// ---- Dequantization (bit-exact with the scalar reference) ----

template <typename Block, typename QuantsFn>
inline void DequantizeSymmetric(const void* src, float* dst, int64_t n, QuantsFn quants) {
  const Block* b = static_cast<const Block*>(src);
  for (int64_t i = 0; i < n / kQK; ++i, dst += kQK) StoreScaled(quants(b[i]), HalfToFloat(b[i].d), dst);
}

template <typename Block, typename QuantsFn>
inline void DequantizeOffset(const void* src, float* dst, int64_t n, QuantsFn quants) {
  const Block* b = static_cast<const Block*>(src);
  for (int64_t i = 0; i < n / kQK; ++i, dst += kQK) {
    StoreScaledOffset(quants(b[i]), HalfToFloat(b[i].d), HalfToFloat(b[i].m), dst);
  }
}

void DequantizeRowQ4_0(const void* src, float* dst, int64_t n) {
  DequantizeSymmetric<BlockQ4_0>(src, dst, n, Q4_0Quants);
}
void DequantizeRowQ5_0(const void* src, float* dst, int64_t n) {
  DequantizeSymmetric<BlockQ5_0>(src, dst, n, Q5_0Quants);
}
void DequantizeRowIq4Nl(const void* src, float* dst, int64_t n) {
  DequantizeSymmetric<BlockIQ4_NL>(src, dst, n, Iq4NlQuants);
}
void DequantizeRowQ8_0(const void* src, float* dst, int64_t n) {
  DequantizeSymmetric<BlockQ8_0>(src, dst, n, [](const BlockQ8_0& b) { return Q8Quants(b.qs); });
}
void DequantizeRowQ8_1(const void* src, float* dst, int64_t n) {
  DequantizeSymmetric<BlockQ8_1>(src, dst, n, [](const BlockQ8_1& b) { return Q8Quants(b.qs); });
}
void DequantizeRowQ4_1(const void* src, float* dst, int64_t n) {
  DequantizeOffset<BlockQ4_1>(src, dst, n, Q4_1Quants);
}
void DequantizeRowQ5_1(const void* src, float* dst, int64_t n) {
  DequantizeOffset<BlockQ5_1>(src, dst, n, Q5_1Quants);
}

}  // namespace

// The weight quantizers stay scalar (they run once, offline); Q8_0 and Q8_1 are the activation quantizers.
void RegisterLegacyQuants(KernelTable& table) {
  auto set = [&table](GgmlType type, DequantizeRowFn dequantize, VecDotFn dot) {
    table.format(type).dequantize_row = dequantize;
    if (dot != nullptr) table.format(type).vec_dot = dot;
  };
  set(GgmlType::kQ4_0, DequantizeRowQ4_0, VecDotQ4_0Q8_0);
  set(GgmlType::kQ4_1, DequantizeRowQ4_1, VecDotQ4_1Q8_1);
  set(GgmlType::kQ5_0, DequantizeRowQ5_0, VecDotQ5_0Q8_0);
  set(GgmlType::kQ5_1, DequantizeRowQ5_1, VecDotQ5_1Q8_1);
  set(GgmlType::kQ8_0, DequantizeRowQ8_0, VecDotQ8_0Q8_0);
  set(GgmlType::kQ8_1, DequantizeRowQ8_1, nullptr);
  set(GgmlType::kIQ4_NL, DequantizeRowIq4Nl, VecDotIq4NlQ8_0);
  table.format(GgmlType::kQ8_0).quantize_row = QuantizeRowQ8_0;
  table.format(GgmlType::kQ8_1).quantize_row = QuantizeRowQ8_1;
}

}  // namespace hearth::kernels::avx2
