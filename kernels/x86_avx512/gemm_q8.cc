// AVX-512 VNNI many-token matmul (prompt processing) for the integer-dot formats. vec_dot unpacks every
// weight block once per token; here a panel of 16 weight rows is unpacked once per call into an
// interleaved u8 layout and then multiplied against all tokens, 8 at a time:
//
//   step s (4 consecutive k) of a panel = 64 bytes: row r's 4 quants at bytes 4r..4r+3,
//
// so one vpdpbusd with a token's 4 activation bytes broadcast adds 4 products to each row's int32 lane.
// Weights are the unsigned operand (stored 0..63, or q + 128 for Q8_0); the offsets (-8, -16, -32, -128)
// and K-quant mins are applied through activation sums, so every block's integer sum equals vec_dot's.
// Float math per (block, row, token) follows the scalar reference; only the K-quants' is bit-exact.
#include "kernels/x86_avx512/gemm_q8_internal.h"

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "kernels/formats/block_layouts.h"
#include "kernels/formats/k_scales.h"
#include "kernels/x86_common/interleaved_k_layout.h"
#include "kernels/x86_avx512/avx512_kernels.h"

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

#include "kernels/x86_common/gemm_pack_k.inc"

// The same lanes, 8 rows at a time (packing from interleaved groups).
inline __m256i ScaleLanes(__m256i sc) { return sc; }

#include "kernels/x86_common/gemm_pack_groups.inc"
#include "kernels/x86_common/gemm_pack_k_groups.inc"

// Q8_K activation block: float d at 0, qs at 4, int16 bsums at 260 (292 bytes).
template <int T, int kNsub>
void KernelK(const uint8_t* panel, int64_t nsb, const uint8_t* act, size_t act_row_bytes,
             const ActInfo* /*info*/, float* y, int64_t y_stride, int rows) {
  constexpr int kSteps = 64 / kNsub;  // 4-quant steps per sub-block.
  constexpr size_t kSb = SbBytes(kNsub);
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
        const __m512i wq = _mm512_load_si512(p + step * 64);
        for (int t = 0; t < T; ++t) {
          acc[t] = _mm512_dpbusd_epi32(acc[t], wq, _mm512_set1_epi32(Load4(a + t * act_row_bytes + 4 + 4 * step)));
        }
      }
      const __m512i scv = _mm512_load_si512(p + kSbQuantBytes + j * 64);
      for (int t = 0; t < T; ++t) isum[t] = _mm512_add_epi32(isum[t], _mm512_mullo_epi32(acc[t], scv));
    }
    const uint8_t* mp = p + kSbQuantBytes + kNsub * 64;
    __m512i corr[T];
    for (int t = 0; t < T; ++t) corr[t] = _mm512_setzero_si512();
    for (int i = 0; i < 8; ++i) {
      const __m512i mv = _mm512_load_si512(mp + i * 64);
      for (int t = 0; t < T; ++t) {
        corr[t] = _mm512_dpwssd_epi32(corr[t], mv, _mm512_set1_epi32(Load4(a + t * act_row_bytes + 260 + 4 * i)));
      }
    }
    const __m512 dw = _mm512_load_ps(mp + 8 * 64);
    const __m512 dmin = _mm512_load_ps(mp + 8 * 64 + 64);
    for (int t = 0; t < T; ++t) {
      float da_s;
      std::memcpy(&da_s, a + t * act_row_bytes, 4);
      const __m512 da = _mm512_set1_ps(da_s);
      if constexpr (kNsub == 16) {
        const __m512 v = _mm512_mul_ps(_mm512_mul_ps(da, dw), _mm512_cvtepi32_ps(_mm512_sub_epi32(isum[t], corr[t])));
        f[t] = _mm512_add_ps(f[t], v);
      } else {
        const __m512 v = _mm512_sub_ps(_mm512_mul_ps(_mm512_mul_ps(da, dw), _mm512_cvtepi32_ps(isum[t])),
                                       _mm512_mul_ps(_mm512_mul_ps(da, dmin), _mm512_cvtepi32_ps(corr[t])));
        f[t] = _mm512_add_ps(f[t], v);
      }
    }
  }
  const __mmask16 mask = RowMask(rows);
  for (int t = 0; t < T; ++t) _mm512_mask_storeu_ps(y + t * y_stride, mask, f[t]);
}

template <int kNsub>
TileFn KTile(int t) {
  switch (t) {
    case 1: return KernelK<1, kNsub>;
    case 2: return KernelK<2, kNsub>;
    case 3: return KernelK<3, kNsub>;
    case 4: return KernelK<4, kNsub>;
    case 5: return KernelK<5, kNsub>;
    case 6: return KernelK<6, kNsub>;
    case 7: return KernelK<7, kNsub>;
    default: return KernelK<8, kNsub>;
  }
}

void GemmQ4K(int64_t n, const void* w, size_t row_bytes, int64_t n_rows, const void* act,
             size_t act_row_bytes, int64_t n_tokens, float* y, int64_t y_stride) {
  const int64_t nsb = n / kQKK;
  RunPanels(PackQ45K<false>, nsb * SbBytes(8), nsb, KTile<8>, w, row_bytes, n_rows, act, act_row_bytes,
            nullptr, n_tokens, y, y_stride);
}

void GemmQ5K(int64_t n, const void* w, size_t row_bytes, int64_t n_rows, const void* act,
             size_t act_row_bytes, int64_t n_tokens, float* y, int64_t y_stride) {
  const int64_t nsb = n / kQKK;
  RunPanels(PackQ45K<true>, nsb * SbBytes(8), nsb, KTile<8>, w, row_bytes, n_rows, act, act_row_bytes,
            nullptr, n_tokens, y, y_stride);
}

void GemmQ6K(int64_t n, const void* w, size_t row_bytes, int64_t n_rows, const void* act,
             size_t act_row_bytes, int64_t n_tokens, float* y, int64_t y_stride) {
  const int64_t nsb = n / kQKK;
  RunPanels(PackQ6K, nsb * SbBytes(16), nsb, KTile<16>, w, row_bytes, n_rows, act, act_row_bytes,
            nullptr, n_tokens, y, y_stride);
}

}  // namespace

void RegisterGemmKQuants(KernelTable& table) {
  table.format(GgmlType::kQ4_K).gemm = GemmQ4K;
  table.format(GgmlType::kQ5_K).gemm = GemmQ5K;
  table.format(GgmlType::kQ6_K).gemm = GemmQ6K;
  // Weights converted to the interleaved decode layout at load go through the same micro-kernels.
  table.format(GgmlType::kQ4_K).interleaved.gemm = GemmGroups<PackQ45KGroups<false>, 8, sizeof(BlockQ4_K), KTile<8>>;
  table.format(GgmlType::kQ5_K).interleaved.gemm = GemmGroups<PackQ45KGroups<true>, 8, sizeof(BlockQ5_K), KTile<8>>;
  table.format(GgmlType::kQ6_K).interleaved.gemm = GemmGroups<PackQ6KGroups, 16, sizeof(BlockQ6_K), KTile<16>>;
}

}  // namespace hearth::kernels::avx512
