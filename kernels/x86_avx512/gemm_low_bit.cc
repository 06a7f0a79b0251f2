// AVX-512 VNNI many-token matmul for Q2_K, Q3_K, IQ4_XS (Q8_K activations) and IQ4_NL (Q8_0
// activations): the interleaved panels of gemm_q8.cc (packers in x86_common/gemm_pack_low.inc), 16 rows x
// 8 tokens, weights the unsigned vpdpbusd operand. Q2_K and Q3_K fold the sub-block scale into the quants
// (Q2_K sc * q <= 45; Q3_K sc * q + 127 in 3..255), so a super-block is one vpdpbusd chain with no
// per-sub-block multiply; the Q3_K offset and the Q2_K mins go through the activation bsums. IQ4_XS
// stores table values + 128 with 8 scaled sub-blocks, IQ4_NL table values + 128 with 128 * sum(a)
// subtracted per block. Every block's integer sum equals vec_dot's (|sums| < 2^31: at most
// 256 * 255 * 127 per folded super-block); the float expression per (block, row, token) is the reference's.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "kernels/formats/block_layouts.h"
#include "kernels/x86_common/interleaved_k_layout.h"
#include "kernels/x86_avx512/avx512_kernels.h"
#include "kernels/x86_avx512/gemm_q8_internal.h"

namespace hearth::kernels::avx512 {
namespace {

using gemm::ActInfo;
using gemm::Interleave;
using gemm::kPanel;
using gemm::kPanelAlign;
using gemm::kStep;
using gemm::Load4;
using gemm::Pair16;
using gemm::Pair16Lanes;
using gemm::RowMask;
using gemm::RunPanels;
using gemm::TileFn;

// Sub-block scales as plain int32: the kernel multiplies the int32 dpbusd sums by them.
inline int32_t ScaleLane(int sc) { return sc; }
constexpr int kIq4Offset = 128;  // Unsigned table values for vpdpbusd.

#include "kernels/x86_common/gemm_pack_low.inc"

// The scale lanes 8 rows at a time (packing from interleaved groups).
inline __m256i ScaleLanes(__m256i sc) { return sc; }
#include "kernels/x86_common/interleaved_k_scales.inc"
#include "kernels/x86_common/gemm_pack_groups.inc"
#include "kernels/x86_common/gemm_pack_low_groups.inc"

// Q8_K activation block: float d at 0, qs at 4, int16 bsums at 260 (292 bytes). kNsub == 1: folded
// scales, the dpbusd sum is the super-block's total.
template <int T, int kNsub, bool kMins>
void KernelSb(const uint8_t* panel, int64_t nsb, const uint8_t* act, size_t act_row_bytes,
              const ActInfo* /*info*/, float* y, int64_t y_stride, int rows) {
  constexpr int kSteps = 64 / kNsub;  // 4-quant steps per sub-block.
  constexpr size_t kSb = LowSbBytes(kNsub);
  constexpr size_t kQuantBytes = static_cast<size_t>(kQKK) * kPanel;
  __m512 f[T];
  for (int t = 0; t < T; ++t) f[t] = _mm512_setzero_ps();
  for (int64_t b = 0; b < nsb; ++b) {
    const uint8_t* p = panel + b * kSb;
    const uint8_t* a = act + b * sizeof(BlockQ8_K);
    __m512i isum[T];
    for (int t = 0; t < T; ++t) isum[t] = _mm512_setzero_si512();
    for (int j = 0; j < kNsub; ++j) {
      __m512i acc[T];
      for (int t = 0; t < T; ++t) acc[t] = _mm512_setzero_si512();
      for (int s = 0; s < kSteps; ++s) {
        const int step = j * kSteps + s;
        const __m512i wq = _mm512_load_si512(p + step * kStep);
        for (int t = 0; t < T; ++t) {
          acc[t] = _mm512_dpbusd_epi32(acc[t], wq, _mm512_set1_epi32(Load4(a + t * act_row_bytes + 4 + 4 * step)));
        }
      }
      if constexpr (kNsub == 1) {
        for (int t = 0; t < T; ++t) isum[t] = acc[t];
      } else {
        const __m512i scv = _mm512_load_si512(p + kQuantBytes + j * kStep);
        for (int t = 0; t < T; ++t) isum[t] = _mm512_add_epi32(isum[t], _mm512_mullo_epi32(acc[t], scv));
      }
    }
    const uint8_t* mp = p + kQuantBytes + kNsub * kStep;
    __m512i corr[T];
    for (int t = 0; t < T; ++t) corr[t] = _mm512_setzero_si512();
    for (int i = 0; i < 8; ++i) {
      const __m512i mv = _mm512_load_si512(mp + i * kStep);
      for (int t = 0; t < T; ++t) {
        corr[t] = _mm512_dpwssd_epi32(corr[t], mv, _mm512_set1_epi32(Load4(a + t * act_row_bytes + 260 + 4 * i)));
      }
    }
    const __m512 dw = _mm512_load_ps(mp + 8 * kStep);
    const __m512 dmin = _mm512_load_ps(mp + 8 * kStep + 64);
    for (int t = 0; t < T; ++t) {
      float da_s;
      std::memcpy(&da_s, a + t * act_row_bytes, 4);
      const __m512 da = _mm512_set1_ps(da_s);
      __m512 v;
      if constexpr (kMins) {
        v = _mm512_sub_ps(_mm512_mul_ps(_mm512_mul_ps(da, dw), _mm512_cvtepi32_ps(isum[t])),
                          _mm512_mul_ps(_mm512_mul_ps(da, dmin), _mm512_cvtepi32_ps(corr[t])));
      } else {
        v = _mm512_mul_ps(_mm512_mul_ps(da, dw), _mm512_cvtepi32_ps(_mm512_sub_epi32(isum[t], corr[t])));
      }
      f[t] = _mm512_add_ps(f[t], v);
    }
  }
  const __mmask16 mask = RowMask(rows);
  for (int t = 0; t < T; ++t) _mm512_mask_storeu_ps(y + t * y_stride, mask, f[t]);
}

template <int kNsub, bool kMins>
TileFn SbTile(int t) {
  static_assert(gemm::kMaxTile == 8);
  switch (t) {
    case 1: return KernelSb<1, kNsub, kMins>;
    case 2: return KernelSb<2, kNsub, kMins>;
    case 3: return KernelSb<3, kNsub, kMins>;
    case 4: return KernelSb<4, kNsub, kMins>;
    case 5: return KernelSb<5, kNsub, kMins>;
    case 6: return KernelSb<6, kNsub, kMins>;
    case 7: return KernelSb<7, kNsub, kMins>;
    default: return KernelSb<8, kNsub, kMins>;
  }
}

// IQ4_NL against Q8_0 activations (qs at 2 of 34 bytes); info holds d_a and 128 * sum(a) per block.
template <int T>
void KernelNl(const uint8_t* panel, int64_t nblocks, const uint8_t* act, size_t act_row_bytes,
              const ActInfo* info, float* y, int64_t y_stride, int rows) {
  __m512 f[T];
  for (int t = 0; t < T; ++t) f[t] = _mm512_setzero_ps();
  for (int64_t b = 0; b < nblocks; ++b) {
    const uint8_t* p = panel + b * kNlBlockBytes;
    const uint8_t* a = act + b * sizeof(BlockQ8_0) + 2;
    __m512i acc[T];
    for (int t = 0; t < T; ++t) acc[t] = _mm512_setzero_si512();
    for (int s = 0; s < kQK / 4; ++s) {
      const __m512i wq = _mm512_load_si512(p + s * kStep);
      for (int t = 0; t < T; ++t) {
        acc[t] = _mm512_dpbusd_epi32(acc[t], wq, _mm512_set1_epi32(Load4(a + t * act_row_bytes + 4 * s)));
      }
    }
    const __m512 dw = _mm512_load_ps(p + kQK * kPanel);
    for (int t = 0; t < T; ++t) {
      const ActInfo& ai = info[t * nblocks + b];
      const __m512i isum = _mm512_sub_epi32(acc[t], _mm512_set1_epi32(ai.off));
      f[t] = _mm512_fmadd_ps(_mm512_mul_ps(_mm512_cvtepi32_ps(isum), dw), _mm512_set1_ps(ai.d), f[t]);
    }
  }
  const __mmask16 mask = RowMask(rows);
  for (int t = 0; t < T; ++t) _mm512_mask_storeu_ps(y + t * y_stride, mask, f[t]);
}

TileFn NlTile(int t) {
  switch (t) {
    case 1: return KernelNl<1>;
    case 2: return KernelNl<2>;
    case 3: return KernelNl<3>;
    case 4: return KernelNl<4>;
    case 5: return KernelNl<5>;
    case 6: return KernelNl<6>;
    case 7: return KernelNl<7>;
    default: return KernelNl<8>;
  }
}

// info[t * nblocks + b]: the Q8_0 d and 128 * sum(q) of every token's blocks.
const ActInfo* NlActivationInfo(const uint8_t* act, size_t act_row_bytes, int64_t n_tokens, int64_t nblocks) {
  thread_local std::vector<ActInfo> buf;
  const size_t n = static_cast<size_t>(n_tokens * nblocks);
  if (buf.size() < n) buf.resize(n);
  const __m256i ones8 = _mm256_set1_epi8(1);
  for (int64_t t = 0; t < n_tokens; ++t) {
    const auto* blocks = reinterpret_cast<const BlockQ8_0*>(act + static_cast<size_t>(t) * act_row_bytes);
    ActInfo* out = buf.data() + t * nblocks;
    for (int64_t b = 0; b < nblocks; ++b) {
      const __m256i q = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(blocks[b].qs));
      const __m256i sums = _mm256_dpbusd_epi32(_mm256_setzero_si256(), ones8, q);
      __m128i s = _mm_add_epi32(_mm256_castsi256_si128(sums), _mm256_extracti128_si256(sums, 1));
      s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0x4e));
      s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0xb1));
      out[b].d = HalfToFloat(blocks[b].d);
      out[b].s = 0.0f;
      out[b].off = kIq4Offset * _mm_cvtsi128_si32(s);
      out[b].pad = 0;
    }
  }
  return buf.data();
}

template <int kNsub, UnpackSbFn kUnpack, bool kMins>
void GemmSb(int64_t n, const void* w, size_t row_bytes, int64_t n_rows, const void* act, size_t act_row_bytes,
            int64_t n_tokens, float* y, int64_t y_stride) {
  const int64_t nsb = n / kQKK;
  RunPanels(PackSb<kNsub, kUnpack>, static_cast<size_t>(nsb) * LowSbBytes(kNsub), nsb, SbTile<kNsub, kMins>,
            w, row_bytes, n_rows, act, act_row_bytes, nullptr, n_tokens, y, y_stride);
}

void GemmIq4Nl(int64_t n, const void* w, size_t row_bytes, int64_t n_rows, const void* act,
               size_t act_row_bytes, int64_t n_tokens, float* y, int64_t y_stride) {
  const int64_t nblocks = n / kQK;
  const ActInfo* info =
      NlActivationInfo(static_cast<const uint8_t*>(act), act_row_bytes, n_tokens, nblocks);
  RunPanels(PackIq4Nl, static_cast<size_t>(nblocks) * kNlBlockBytes, nblocks, NlTile, w, row_bytes, n_rows,
            act, act_row_bytes, info, n_tokens, y, y_stride);
}

}  // namespace

void RegisterGemmLowBit(KernelTable& table) {
  table.format(GgmlType::kQ2_K).gemm = GemmSb<1, UnpackQ2K<true>, true>;
  table.format(GgmlType::kQ3_K).gemm = GemmSb<1, UnpackQ3K<true>, false>;
  table.format(GgmlType::kIQ4_XS).gemm = GemmSb<8, UnpackIq4Xs, false>;
  table.format(GgmlType::kIQ4_NL).gemm = GemmIq4Nl;
  // Weights converted to the interleaved decode layout at load go through the same micro-kernels.
  table.format(GgmlType::kQ2_K).interleaved.gemm =
      GemmGroups<PackQ23KGroups<false, true>, 1, sizeof(BlockQ2_K), SbTile<1, true>>;
  table.format(GgmlType::kQ3_K).interleaved.gemm =
      GemmGroups<PackQ23KGroups<true, true>, 1, sizeof(BlockQ3_K), SbTile<1, false>>;
  table.format(GgmlType::kIQ4_XS).interleaved.gemm =
      GemmGroups<PackIq4XsGroups, 8, sizeof(BlockIQ4_XS), SbTile<8, false>>;
}

}  // namespace hearth::kernels::avx512
