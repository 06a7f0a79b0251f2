// AVX2 many-token matmul (prompt processing) for the K-quants. vec_dot unpacks every weight block once per
// token; here a panel of 8 weight rows is unpacked once per call into an interleaved u8 layout and then
// multiplied against all tokens, 4 at a time:
//
//   step s (4 consecutive k) of a panel = 32 bytes: row r's 4 quants at bytes 4r..4r+3,
//
// so one maddubs with a token's 4 activation bytes broadcast leaves each row two int16 sums of 2 products.
// Those are added in int16 over a few steps, then one madd against the row's sub-block scale (as an int16
// pair) widens them to int32 already scaled. Bounds, with weights unsigned and |a| <= 128: Q4_K (0..15)
// 8 steps = 16 products <= 30720; Q5_K (0..31) 4 steps <= 31744; Q6_K (stored q + 32, 0..63) 2 steps
// <= 32256: no int16 sum can saturate. The Q6_K offset and the Q4_K/Q5_K mins go through the
// activations' bsums, so every super-block's integer sums equal vec_dot's and the float expression per
// (super-block, row, token) is the scalar reference's.
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "kernels/formats/block_layouts.h"
#include "kernels/formats/k_scales.h"
#include "kernels/x86_common/interleaved_k_layout.h"
#include "kernels/x86_avx2/avx2_kernels.h"
#include "kernels/x86_avx2/gemm_q8_internal.h"

namespace hearth::kernels::avx2 {
namespace {

using gemm::ActInfo;
using gemm::Bcast4;
using gemm::Interleave;
using gemm::kPanel;
using gemm::kPanelAlign;
using gemm::kStep;
using gemm::Pair16;
using gemm::Pair16Lanes;
using gemm::RunPanels;
using gemm::StoreRows;
using gemm::TileFn;

// Sub-block scales as int16 pairs (sc, sc): the kernel madds them with the int16 step sums.
inline int32_t ScaleLane(int sc) { return Pair16(sc, sc); }

#include "kernels/x86_common/gemm_pack_k.inc"

// The same lanes, 8 rows at a time (packing from interleaved groups).
inline __m256i ScaleLanes(__m256i sc) { return Pair16Lanes(sc, sc); }

#include "kernels/x86_common/gemm_pack_groups.inc"
#include "kernels/x86_common/gemm_pack_k_groups.inc"

// Q8_K activation block: float d at 0, qs at 4, int16 bsums at 260 (292 bytes). kGroup: steps summed
// in int16 before the scale madd (see the bounds at the top).
template <int T, int kNsub, int kGroup>
void KernelK(const uint8_t* panel, int64_t nsb, const uint8_t* act, size_t act_row_bytes,
             const ActInfo* /*info*/, float* y, int64_t y_stride, int rows) {
  constexpr int kSteps = 64 / kNsub;  // 4-quant steps per sub-block.
  constexpr size_t kSb = SbBytes(kNsub);
  static_assert(kSteps % kGroup == 0);
  __m256 f[T];
  for (int t = 0; t < T; ++t) f[t] = _mm256_setzero_ps();
  for (int64_t b = 0; b < nsb; ++b) {
    const uint8_t* p = panel + b * kSb;
    const uint8_t* a = act + b * sizeof(BlockQ8_K);
    __m256i isum[T];
    for (int t = 0; t < T; ++t) isum[t] = _mm256_setzero_si256();
    // Not unrolled: GCC schedules a fully unrolled super-block's maddubs ahead of their adds and
    // spills most of them; one step at a time keeps every accumulator in a register.
#pragma GCC unroll 1
    for (int j = 0; j < kNsub; ++j) {
      const __m256i scv = _mm256_load_si256(reinterpret_cast<const __m256i*>(p + kSbQuantBytes + j * kStep));
      for (int g = 0; g < kSteps; g += kGroup) {
        __m256i acc[T];
        for (int t = 0; t < T; ++t) acc[t] = _mm256_setzero_si256();
#pragma GCC unroll 2
        for (int s = 0; s < kGroup; ++s) {
          const int step = j * kSteps + g + s;
          const __m256i wq = _mm256_load_si256(reinterpret_cast<const __m256i*>(p + step * kStep));
          for (int t = 0; t < T; ++t) {
            acc[t] = _mm256_add_epi16(acc[t],
                                      _mm256_maddubs_epi16(wq, Bcast4(a + t * act_row_bytes + 4 + 4 * step)));
          }
        }
        for (int t = 0; t < T; ++t) isum[t] = _mm256_add_epi32(isum[t], _mm256_madd_epi16(acc[t], scv));
      }
    }
    const uint8_t* mp = p + kSbQuantBytes + kNsub * kStep;
    __m256i corr[T];
    for (int t = 0; t < T; ++t) corr[t] = _mm256_setzero_si256();
    for (int i = 0; i < 8; ++i) {
      const __m256i mv = _mm256_load_si256(reinterpret_cast<const __m256i*>(mp + i * kStep));
      for (int t = 0; t < T; ++t) {
        const __m256i bsums = Bcast4(a + t * act_row_bytes + 260 + 4 * i);
        corr[t] = _mm256_add_epi32(corr[t], _mm256_madd_epi16(mv, bsums));
      }
    }
    const __m256 dw = _mm256_load_ps(reinterpret_cast<const float*>(mp + 8 * kStep));
    const __m256 dmin = _mm256_load_ps(reinterpret_cast<const float*>(mp + 8 * kStep) + kPanel);
    for (int t = 0; t < T; ++t) {
      float da_s;
      std::memcpy(&da_s, a + t * act_row_bytes, 4);
      const __m256 da = _mm256_set1_ps(da_s);
      if constexpr (kNsub == 16) {
        const __m256 v =
            _mm256_mul_ps(_mm256_mul_ps(da, dw), _mm256_cvtepi32_ps(_mm256_sub_epi32(isum[t], corr[t])));
        f[t] = _mm256_add_ps(f[t], v);
      } else {
        const __m256 v = _mm256_sub_ps(_mm256_mul_ps(_mm256_mul_ps(da, dw), _mm256_cvtepi32_ps(isum[t])),
                                       _mm256_mul_ps(_mm256_mul_ps(da, dmin), _mm256_cvtepi32_ps(corr[t])));
        f[t] = _mm256_add_ps(f[t], v);
      }
    }
  }
  for (int t = 0; t < T; ++t) StoreRows(y + t * y_stride, f[t], rows);
}

template <int kNsub, int kGroup>
TileFn KTile(int t) {
  static_assert(gemm::kMaxTile == 4);
  switch (t) {
    case 1: return KernelK<1, kNsub, kGroup>;
    case 2: return KernelK<2, kNsub, kGroup>;
    case 3: return KernelK<3, kNsub, kGroup>;
    default: return KernelK<4, kNsub, kGroup>;
  }
}

void GemmQ4K(int64_t n, const void* w, size_t row_bytes, int64_t n_rows, const void* act,
             size_t act_row_bytes, int64_t n_tokens, float* y, int64_t y_stride) {
  const int64_t nsb = n / kQKK;
  RunPanels(PackQ45K<false>, nsb * SbBytes(8), nsb, KTile<8, 8>, w, row_bytes, n_rows, act,
            act_row_bytes, nullptr, n_tokens, y, y_stride);
}

void GemmQ5K(int64_t n, const void* w, size_t row_bytes, int64_t n_rows, const void* act,
             size_t act_row_bytes, int64_t n_tokens, float* y, int64_t y_stride) {
  const int64_t nsb = n / kQKK;
  RunPanels(PackQ45K<true>, nsb * SbBytes(8), nsb, KTile<8, 4>, w, row_bytes, n_rows, act,
            act_row_bytes, nullptr, n_tokens, y, y_stride);
}

void GemmQ6K(int64_t n, const void* w, size_t row_bytes, int64_t n_rows, const void* act,
             size_t act_row_bytes, int64_t n_tokens, float* y, int64_t y_stride) {
  const int64_t nsb = n / kQKK;
  RunPanels(PackQ6K, nsb * SbBytes(16), nsb, KTile<16, 2>, w, row_bytes, n_rows, act, act_row_bytes,
            nullptr, n_tokens, y, y_stride);
}

}  // namespace

void RegisterGemmKQuants(KernelTable& table) {
  table.format(GgmlType::kQ4_K).gemm = GemmQ4K;
  table.format(GgmlType::kQ5_K).gemm = GemmQ5K;
  table.format(GgmlType::kQ6_K).gemm = GemmQ6K;
  // Weights converted to the interleaved decode layout at load go through the same micro-kernels.
  table.format(GgmlType::kQ4_K).interleaved.gemm =
      GemmGroups<PackQ45KGroups<false>, 8, sizeof(BlockQ4_K), KTile<8, 8>>;
  table.format(GgmlType::kQ5_K).interleaved.gemm =
      GemmGroups<PackQ45KGroups<true>, 8, sizeof(BlockQ5_K), KTile<8, 4>>;
  table.format(GgmlType::kQ6_K).interleaved.gemm = GemmGroups<PackQ6KGroups, 16, sizeof(BlockQ6_K), KTile<16, 2>>;
}

}  // namespace hearth::kernels::avx2
