// AVX2 many-token matmul for Q2_K, Q3_K, IQ4_XS (Q8_K activations) and IQ4_NL (Q8_0 activations): the
// interleaved panels of gemm_q8.cc (packers in x86_common/gemm_pack_low.inc), 8 rows x 4 tokens.
// Q2_K (0..3) and Q3_K (stored q + 4, 0..7) sum 4 steps (one sub-block of 16) of maddubs in int16
// (<= 8 * 7 * 127 = 7112) and widen with one madd against the sub-block scale pair; the Q3_K offset and
// the Q2_K mins go through the activation bsums. IQ4_XS and IQ4_NL keep the signed table values (|v| <=
// 127): |w| times a with w's sign moved onto a (pair sums <= 2 * 127 * 127, activations are never -128),
// widened every step against the sub-block scale (IQ4_XS) or ones (IQ4_NL). Every super-block's or
// block's integer sum equals vec_dot's; the float expression per (block, row, token) is the reference's.
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "kernels/formats/block_layouts.h"
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
constexpr int kIq4Offset = 0;  // Signed table values (sign trick below).

#include "kernels/x86_common/gemm_pack_low.inc"

// The scale lanes 8 rows at a time (packing from interleaved groups).
inline __m256i ScaleLanes(__m256i sc) { return Pair16Lanes(sc, sc); }
#include "kernels/x86_common/interleaved_k_scales.inc"
#include "kernels/x86_common/gemm_pack_groups.inc"
#include "kernels/x86_common/gemm_pack_low_groups.inc"

enum class Mode {
  kOffset,  // Unsigned quants, d_a * d * (total - corr).
  kMins,    // Unsigned quants, d_a * d * total - d_a * dmin * corr.
  kSigned,  // Signed quants, d_a * d * total (no corr).
};

// Q8_K activation block: float d at 0, qs at 4, int16 bsums at 260 (292 bytes). kGroup: steps summed in
// int16 before the scale madd (unsigned modes).
template <int T, int kNsub, int kGroup, Mode kMode>
void KernelSb(const uint8_t* panel, int64_t nsb, const uint8_t* act, size_t act_row_bytes,
              const ActInfo* /*info*/, float* y, int64_t y_stride, int rows) {
  constexpr int kSteps = 64 / kNsub;  // 4-quant steps per sub-block.
  constexpr size_t kSb = LowSbBytes(kNsub);
  constexpr size_t kQuantBytes = static_cast<size_t>(kQKK) * kPanel;
  static_assert(kSteps % kGroup == 0);
  __m256 f[T];
  for (int t = 0; t < T; ++t) f[t] = _mm256_setzero_ps();
  for (int64_t b = 0; b < nsb; ++b) {
    const uint8_t* p = panel + b * kSb;
    const uint8_t* a = act + b * sizeof(BlockQ8_K);
    __m256i isum[T];
    for (int t = 0; t < T; ++t) isum[t] = _mm256_setzero_si256();
    // One sub-block at a time keeps every accumulator in a register (see gemm_q8.cc).
#pragma GCC unroll 1
    for (int j = 0; j < kNsub; ++j) {
      const __m256i scv = _mm256_load_si256(reinterpret_cast<const __m256i*>(p + kQuantBytes + j * kStep));
      if constexpr (kMode == Mode::kSigned) {
#pragma GCC unroll 2
        for (int s = 0; s < kSteps; ++s) {
          const int step = j * kSteps + s;
          const __m256i wq = _mm256_load_si256(reinterpret_cast<const __m256i*>(p + step * kStep));
          const __m256i wabs = _mm256_sign_epi8(wq, wq);
          for (int t = 0; t < T; ++t) {
            const __m256i as = _mm256_sign_epi8(Bcast4(a + t * act_row_bytes + 4 + 4 * step), wq);
            isum[t] = _mm256_add_epi32(isum[t], _mm256_madd_epi16(_mm256_maddubs_epi16(wabs, as), scv));
          }
        }
      } else {
        for (int g = 0; g < kSteps; g += kGroup) {
          __m256i acc[T];
          for (int t = 0; t < T; ++t) acc[t] = _mm256_setzero_si256();
#pragma GCC unroll 2
          for (int s = 0; s < kGroup; ++s) {
            const int step = j * kSteps + g + s;
            const __m256i wq = _mm256_load_si256(reinterpret_cast<const __m256i*>(p + step * kStep));
            for (int t = 0; t < T; ++t) {
              acc[t] = _mm256_add_epi16(
                  acc[t], _mm256_maddubs_epi16(wq, Bcast4(a + t * act_row_bytes + 4 + 4 * step)));
            }
          }
          for (int t = 0; t < T; ++t) isum[t] = _mm256_add_epi32(isum[t], _mm256_madd_epi16(acc[t], scv));
        }
      }
    }
    const uint8_t* mp = p + kQuantBytes + kNsub * kStep;
    __m256i corr[T];
    for (int t = 0; t < T; ++t) corr[t] = _mm256_setzero_si256();
    if constexpr (kMode != Mode::kSigned) {
      for (int i = 0; i < 8; ++i) {
        const __m256i mv = _mm256_load_si256(reinterpret_cast<const __m256i*>(mp + i * kStep));
        for (int t = 0; t < T; ++t) {
          corr[t] = _mm256_add_epi32(corr[t], _mm256_madd_epi16(mv, Bcast4(a + t * act_row_bytes + 260 + 4 * i)));
        }
      }
    }
    const __m256 dw = _mm256_load_ps(reinterpret_cast<const float*>(mp + 8 * kStep));
    const __m256 dmin = _mm256_load_ps(reinterpret_cast<const float*>(mp + 8 * kStep) + kPanel);
    for (int t = 0; t < T; ++t) {
      float da_s;
      std::memcpy(&da_s, a + t * act_row_bytes, 4);
      const __m256 da = _mm256_set1_ps(da_s);
      __m256 v;
      if constexpr (kMode == Mode::kMins) {
        v = _mm256_sub_ps(_mm256_mul_ps(_mm256_mul_ps(da, dw), _mm256_cvtepi32_ps(isum[t])),
                          _mm256_mul_ps(_mm256_mul_ps(da, dmin), _mm256_cvtepi32_ps(corr[t])));
      } else {
        v = _mm256_mul_ps(_mm256_mul_ps(da, dw), _mm256_cvtepi32_ps(_mm256_sub_epi32(isum[t], corr[t])));
      }
      f[t] = _mm256_add_ps(f[t], v);
    }
  }
  for (int t = 0; t < T; ++t) StoreRows(y + t * y_stride, f[t], rows);
}

template <int kNsub, int kGroup, Mode kMode>
TileFn SbTile(int t) {
  static_assert(gemm::kMaxTile == 4);
  switch (t) {
    case 1: return KernelSb<1, kNsub, kGroup, kMode>;
    case 2: return KernelSb<2, kNsub, kGroup, kMode>;
    case 3: return KernelSb<3, kNsub, kGroup, kMode>;
    default: return KernelSb<4, kNsub, kGroup, kMode>;
  }
}

// IQ4_NL against Q8_0 activations (d fp16 at 0, qs at 2; 34 bytes): signed values, widened every step.
template <int T>
void KernelNl(const uint8_t* panel, int64_t nblocks, const uint8_t* act, size_t act_row_bytes,
              const ActInfo* /*info*/, float* y, int64_t y_stride, int rows) {
  const __m256i ones = _mm256_set1_epi16(1);
  __m256 f[T];
  for (int t = 0; t < T; ++t) f[t] = _mm256_setzero_ps();
  for (int64_t b = 0; b < nblocks; ++b) {
    const uint8_t* p = panel + b * kNlBlockBytes;
    const uint8_t* a = act + b * sizeof(BlockQ8_0);
    __m256i isum[T];
    for (int t = 0; t < T; ++t) isum[t] = _mm256_setzero_si256();
#pragma GCC unroll 1
    for (int s = 0; s < kQK / 4; ++s) {
      const __m256i wq = _mm256_load_si256(reinterpret_cast<const __m256i*>(p + s * kStep));
      const __m256i wabs = _mm256_sign_epi8(wq, wq);
      for (int t = 0; t < T; ++t) {
        const __m256i as = _mm256_sign_epi8(Bcast4(a + t * act_row_bytes + 2 + 4 * s), wq);
        isum[t] = _mm256_add_epi32(isum[t], _mm256_madd_epi16(_mm256_maddubs_epi16(wabs, as), ones));
      }
    }
    const __m256 dw = _mm256_load_ps(reinterpret_cast<const float*>(p + kQK * kPanel));
    for (int t = 0; t < T; ++t) {
      uint16_t da;
      std::memcpy(&da, a + t * act_row_bytes, 2);
      // The reference's float(isum) * d_w * d_a.
      f[t] = _mm256_fmadd_ps(_mm256_mul_ps(_mm256_cvtepi32_ps(isum[t]), dw), _mm256_set1_ps(HalfToFloat(da)),
                             f[t]);
    }
  }
  for (int t = 0; t < T; ++t) StoreRows(y + t * y_stride, f[t], rows);
}

TileFn NlTile(int t) {
  static_assert(gemm::kMaxTile == 4);
  switch (t) {
    case 1: return KernelNl<1>;
    case 2: return KernelNl<2>;
    case 3: return KernelNl<3>;
    default: return KernelNl<4>;
  }
}

template <int kNsub, UnpackSbFn kUnpack, int kGroup, Mode kMode>
void GemmSb(int64_t n, const void* w, size_t row_bytes, int64_t n_rows, const void* act, size_t act_row_bytes,
            int64_t n_tokens, float* y, int64_t y_stride) {
  const int64_t nsb = n / kQKK;
  RunPanels(PackSb<kNsub, kUnpack>, static_cast<size_t>(nsb) * LowSbBytes(kNsub), nsb,
            SbTile<kNsub, kGroup, kMode>, w, row_bytes, n_rows, act, act_row_bytes, nullptr, n_tokens, y,
            y_stride);
}

void GemmIq4Nl(int64_t n, const void* w, size_t row_bytes, int64_t n_rows, const void* act,
               size_t act_row_bytes, int64_t n_tokens, float* y, int64_t y_stride) {
  const int64_t nblocks = n / kQK;
  RunPanels(PackIq4Nl, static_cast<size_t>(nblocks) * kNlBlockBytes, nblocks, NlTile, w, row_bytes, n_rows,
            act, act_row_bytes, nullptr, n_tokens, y, y_stride);
}

}  // namespace

void RegisterGemmLowBit(KernelTable& table) {
  table.format(GgmlType::kQ2_K).gemm = GemmSb<16, UnpackQ2K<false>, 4, Mode::kMins>;
  table.format(GgmlType::kQ3_K).gemm = GemmSb<16, UnpackQ3K<false>, 4, Mode::kOffset>;
  table.format(GgmlType::kIQ4_XS).gemm = GemmSb<8, UnpackIq4Xs, 1, Mode::kSigned>;
  table.format(GgmlType::kIQ4_NL).gemm = GemmIq4Nl;
  // Weights converted to the interleaved decode layout at load go through the same micro-kernels.
  table.format(GgmlType::kQ2_K).interleaved.gemm =
      GemmGroups<PackQ23KGroups<false, false>, 16, sizeof(BlockQ2_K), SbTile<16, 4, Mode::kMins>>;
  table.format(GgmlType::kQ3_K).interleaved.gemm =
      GemmGroups<PackQ23KGroups<true, false>, 16, sizeof(BlockQ3_K), SbTile<16, 4, Mode::kOffset>>;
  table.format(GgmlType::kIQ4_XS).interleaved.gemm =
      GemmGroups<PackIq4XsGroups, 8, sizeof(BlockIQ4_XS), SbTile<8, 1, Mode::kSigned>>;
}

}  // namespace hearth::kernels::avx2
