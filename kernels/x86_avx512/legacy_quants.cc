// AVX-512 kernels for the 32-element formats Q4_0, Q4_1, Q5_0, Q5_1, Q8_0, IQ4_NL and the Q8_0/Q8_1
// activation quantizers. Each block is unpacked to 32 bytes in element order (low nibbles, then high
// nibbles) so it lines up with its Q8 block's quants; its 8 int32 group sums (VNNI dpbusd on 256 bits, or
// maddubs + madd without VNNI) are exact and scaled by d_x * d_y. Blocks stay at 256 bits: pairing two in
// a 512-bit register costs more in shuffles than it saves (measured slower on Zen 4). Dots take two blocks
// per iteration into two accumulators to cover the FMA latency.
#include <cstdint>
#include <type_traits>

#include "kernels/cpu_features.h"
#include "kernels/formats/block_layouts.h"
#include "kernels/x86_avx512/avx512_kernels.h"
#include "kernels/x86_avx512/avx512_util.h"  // Includes <immintrin.h>.

namespace hearth::kernels::avx512 {
namespace {

// ---- Activation quantizer (bit-exact with scalar QuantizeQ8) ----

// d = amax / 127 and q = clamp(round-half-away(x * (1 / d)), -127, 127), with the scalar code's NaN
// behavior: max_ps returns its second operand when either is NaN, exactly like std::max(amax, |x|) and
// std::max(-127.f, r), so NaN inputs are skipped by amax and quantize to -127. Returns d and the sum of
// the quants.
inline float QuantizeBlockQ8(const float* x, int8_t* qs, int32_t* qsum) {
  const __m512 sign = _mm512_set1_ps(-0.0f);
  const __m512 v[2] = {_mm512_loadu_ps(x), _mm512_loadu_ps(x + 16)};
  const __m512 amax =
      _mm512_max_ps(_mm512_abs_ps(v[1]), _mm512_max_ps(_mm512_abs_ps(v[0]), _mm512_setzero_ps()));
  const float d = _mm512_reduce_max_ps(amax) / 127.0f;  // No lane is NaN, so the order is irrelevant.
  const __m512 id = _mm512_set1_ps(d != 0.0f ? 1.0f / d : 0.0f);
  __m512i q[2];
  for (int k = 0; k < 2; ++k) {
    // roundf: truncate, then step one away from zero when the (exact) dropped fraction is >= 0.5.
    const __m512 p = _mm512_mul_ps(v[k], id);
    const __m512 t = _mm512_roundscale_ps(p, _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC);
    const __mmask16 away =
        _mm512_cmp_ps_mask(_mm512_abs_ps(_mm512_sub_ps(p, t)), _mm512_set1_ps(0.5f), _CMP_GE_OQ);
    const __m512 step = _mm512_or_ps(_mm512_and_ps(p, sign), _mm512_set1_ps(1.0f));
    __m512 r = _mm512_max_ps(_mm512_mask_add_ps(t, away, t, step), _mm512_set1_ps(-127.0f));
    r = _mm512_min_ps(r, _mm512_set1_ps(127.0f));
    q[k] = _mm512_cvtps_epi32(r);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(qs + 16 * k), _mm512_cvtepi32_epi8(q[k]));
  }
  *qsum = _mm512_reduce_add_epi32(_mm512_add_epi32(q[0], q[1]));
  return d;
}

void QuantizeRowQ8_0(const float* src, void* dst, int64_t n) {
  BlockQ8_0* b = static_cast<BlockQ8_0*>(dst);
  int32_t unused;
  for (int64_t i = 0; i < n / kQK; ++i, src += kQK)
    b[i].d = FloatToHalf(QuantizeBlockQ8(src, b[i].qs, &unused));
}

void QuantizeRowQ8_1(const float* src, void* dst, int64_t n) {
  BlockQ8_1* b = static_cast<BlockQ8_1*>(dst);
  for (int64_t i = 0; i < n / kQK; ++i, src += kQK) {
    int32_t qsum;
    const float d = QuantizeBlockQ8(src, b[i].qs, &qsum);
    // Saturate s to the f16 range, written as the scalar reference's std::min/std::max (NaN -> -65504).
    float s = d * static_cast<float>(qsum);
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
constexpr auto Q5_0Quants = [](const BlockQ5_0& b) {  // q - 16: subtract 16 where the fifth bit is clear.
  const __m256i nib = UnpackNibbles(b.qs);
  return _mm256_mask_sub_epi8(nib, static_cast<__mmask32>(~LoadBits(b.qh)), nib, _mm256_set1_epi8(16));
};
constexpr auto Q5_1Quants = [](const BlockQ5_1& b) {
  const __m256i nib = UnpackNibbles(b.qs);
  return _mm256_mask_add_epi8(nib, LoadBits(b.qh), nib, _mm256_set1_epi8(16));
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
  const __m256 acc = _mm256_add_ps(acc0, acc1);
  __m128 sum = _mm_add_ps(_mm256_castps256_ps128(acc), _mm256_extractf128_ps(acc, 1));
  sum = _mm_add_ps(sum, _mm_movehl_ps(sum, sum));
  sum = _mm_add_ss(sum, _mm_movehdup_ps(sum));
  return _mm_cvtss_f32(sum) + offsets;
}

// Dot of a symmetric weight format with Q8_0 activations.
template <bool kVnni, typename Block, typename QuantsFn>
inline float VecDotQ8_0(int64_t n, const void* vx, const void* vy, QuantsFn quants) {
  const Block* x = static_cast<const Block*>(vx);
  const BlockQ8_0* y = static_cast<const BlockQ8_0*>(vy);
  return AccumulateBlocks(
      n / kQK, [&](int64_t i) { return DotI8I8<kVnni>(quants(x[i]), Q8Quants(y[i].qs)); },
      [&](int64_t i) { return HalfToFloat(x[i].d) * HalfToFloat(y[i].d); }, NoOffset());
}

// Offset formats: the unsigned quants multiply y directly; m_x * s_y (s = d_y * sum(q_y)) adds the offset.
template <bool kVnni, typename Block, typename QuantsFn>
inline float VecDotQ8_1(int64_t n, const void* vx, const void* vy, QuantsFn quants) {
  const Block* x = static_cast<const Block*>(vx);
  const BlockQ8_1* y = static_cast<const BlockQ8_1*>(vy);
  return AccumulateBlocks(
      n / kQK, [&](int64_t i) { return DotU8I8<kVnni>(quants(x[i]), Q8Quants(y[i].qs)); },
      [&](int64_t i) { return HalfToFloat(x[i].d) * HalfToFloat(y[i].d); },
      [&](int64_t i) { return HalfToFloat(x[i].m) * HalfToFloat(y[i].s); });
}

template <bool kVnni>
float VecDotQ4_0Q8_0(int64_t n, const void* vx, const void* vy) {
  return VecDotQ8_0<kVnni, BlockQ4_0>(n, vx, vy, Q4_0Quants);
}
template <bool kVnni>
float VecDotQ5_0Q8_0(int64_t n, const void* vx, const void* vy) {
  return VecDotQ8_0<kVnni, BlockQ5_0>(n, vx, vy, Q5_0Quants);
}
template <bool kVnni>
float VecDotQ8_0Q8_0(int64_t n, const void* vx, const void* vy) {
  return VecDotQ8_0<kVnni, BlockQ8_0>(n, vx, vy, [](const BlockQ8_0& b) { return Q8Quants(b.qs); });
}
template <bool kVnni>
float VecDotIq4NlQ8_0(int64_t n, const void* vx, const void* vy) {
  return VecDotQ8_0<kVnni, BlockIQ4_NL>(n, vx, vy, Iq4NlQuants);
}
template <bool kVnni>
float VecDotQ4_1Q8_1(int64_t n, const void* vx, const void* vy) {
  return VecDotQ8_1<kVnni, BlockQ4_1>(n, vx, vy, Q4_1Quants);
}
template <bool kVnni>
float VecDotQ5_1Q8_1(int64_t n, const void* vx, const void* vy) {
  return VecDotQ8_1<kVnni, BlockQ5_1>(n, vx, vy, Q5_1Quants);
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

template <bool kVnni>
void RegisterDots(KernelTable& table) {
  table.format(GgmlType::kQ4_0).vec_dot = VecDotQ4_0Q8_0<kVnni>;
  table.format(GgmlType::kQ4_1).vec_dot = VecDotQ4_1Q8_1<kVnni>;
  table.format(GgmlType::kQ5_0).vec_dot = VecDotQ5_0Q8_0<kVnni>;
  table.format(GgmlType::kQ5_1).vec_dot = VecDotQ5_1Q8_1<kVnni>;
  table.format(GgmlType::kQ8_0).vec_dot = VecDotQ8_0Q8_0<kVnni>;
  table.format(GgmlType::kIQ4_NL).vec_dot = VecDotIq4NlQ8_0<kVnni>;
}

}  // namespace

// The weight quantizers stay scalar (they run once, offline); Q8_0 and Q8_1 are the activation quantizers.
// The dispatcher only requires AVX-512 F/BW/VL/DQ, so the VNNI dots are chosen here, per CPU.
void RegisterLegacyQuants(KernelTable& table) {
  if (DetectCpuFeatures().avx512vnni) {
    RegisterDots<true>(table);
  } else {
    RegisterDots<false>(table);
  }
  table.format(GgmlType::kQ4_0).dequantize_row = DequantizeRowQ4_0;
  table.format(GgmlType::kQ4_1).dequantize_row = DequantizeRowQ4_1;
  table.format(GgmlType::kQ5_0).dequantize_row = DequantizeRowQ5_0;
  table.format(GgmlType::kQ5_1).dequantize_row = DequantizeRowQ5_1;
  table.format(GgmlType::kQ8_0).dequantize_row = DequantizeRowQ8_0;
  table.format(GgmlType::kQ8_1).dequantize_row = DequantizeRowQ8_1;
  table.format(GgmlType::kIQ4_NL).dequantize_row = DequantizeRowIq4Nl;
  table.format(GgmlType::kQ8_0).quantize_row = QuantizeRowQ8_0;
  table.format(GgmlType::kQ8_1).quantize_row = QuantizeRowQ8_1;
}

}  // namespace hearth::kernels::avx512
