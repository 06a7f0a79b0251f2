// AVX2 many-token matmul for the 32-element formats (layout and idea in gemm_q8.cc). Per block and panel,
// at `p`: interleaved quants (256 bytes), d float[8], m float[8]. Q4_0/Q4_1/Q5_0/Q5_1 store unsigned
// quants (0..15 or 0..31) and sum maddubs results in int16 over a whole block (16 products <= 30720) or
// half a block (8 products <= 31744) before widening; the offsets (-8, -16) are subtracted as
// offset * sum(a), giving the same integer as vec_dot's sum of (q - offset) * a. Q8_0 stores the signed
// quants and uses |w| times a with w's sign moved onto a (pair sums <= 2 * 128 * 127), widened every step.
// Q8_0-activation formats add float(isum) * d_w * d_a; the Q8_1 ones float(isum) * d_w * d_a + m_w * s_a.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>
#include <vector>

#include "kernels/formats/block_layouts.h"
#include "kernels/x86_avx2/avx2_kernels.h"
#include "kernels/x86_avx2/gemm_q8_internal.h"

namespace hearth::kernels::avx2 {
namespace {

using gemm::ActInfo;
using gemm::Bcast4;
using gemm::InterleaveChunk8;
using gemm::kPanel;
using gemm::kStep;
using gemm::RunPanels;
using gemm::StoreRows;
using gemm::TileFn;

constexpr size_t kBlockBytes = kQK * kPanel + 2 * kPanel * sizeof(float);
constexpr int kBlockSteps = kQK / 4;

// One block of a row as 32 quants in element order (unsigned, or Q8_0's signed bytes); sets d (and m).
template <typename Block>
inline __m256i UnpackBlock(const Block& b, float* d, float* m) {
  __m256i q;
  if constexpr (std::is_same_v<Block, BlockQ8_0>) {
    q = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b.qs));
  } else {
    q = UnpackNibbles(b.qs);
    if constexpr (std::is_same_v<Block, BlockQ5_0> || std::is_same_v<Block, BlockQ5_1>) {
      q = _mm256_or_si256(q, _mm256_and_si256(ExpandBits(b.qh), _mm256_set1_epi8(0x10)));
    }
  }
  *d = HalfToFloat(b.d);
  if constexpr (std::is_same_v<Block, BlockQ4_1> || std::is_same_v<Block, BlockQ5_1>) {
    *m = HalfToFloat(b.m);
  } else {
    *m = 0.0f;
  }
  return q;
}

template <typename Block>
void PackLegacy(const uint8_t* w, size_t row_bytes, int rows, int64_t nblocks, uint8_t* out) {
  for (int64_t b = 0; b < nblocks; ++b) {
    uint8_t* p = out + b * kBlockBytes;
    float* d = reinterpret_cast<float*>(p + kQK * kPanel);
    float* m = d + kPanel;
    __m256i q[kPanel];
    for (int r = 0; r < kPanel; ++r) {
      if (r >= rows) {
        q[r] = _mm256_setzero_si256();
        d[r] = m[r] = 0.0f;
        continue;
      }
      q[r] = UnpackBlock(reinterpret_cast<const Block*>(w + static_cast<size_t>(r) * row_bytes)[b], &d[r],
                         &m[r]);
    }
    InterleaveChunk8(q, p);
  }
}

// kGroup: steps summed in int16 before widening; 0 means signed Q8_0 weights (widened every step).
template <int T, bool kMin, int kGroup>
void KernelLegacy(const uint8_t* panel, int64_t nblocks, const uint8_t* act, size_t act_row_bytes,
                  const ActInfo* info, float* y, int64_t y_stride, int rows) {
  constexpr size_t kActBlock = kMin ? sizeof(BlockQ8_1) : sizeof(BlockQ8_0);
  constexpr int kQsOffset = kMin ? 4 : 2;  // Where the quants start in an activation block.
  const __m256i ones = _mm256_set1_epi16(1);
  __m256 f[T];
  for (int t = 0; t < T; ++t) f[t] = _mm256_setzero_ps();
  for (int64_t b = 0; b < nblocks; ++b) {
    const uint8_t* p = panel + b * kBlockBytes;
    const uint8_t* a = act + b * kActBlock + kQsOffset;
    __m256i isum[T];
    for (int t = 0; t < T; ++t) isum[t] = _mm256_setzero_si256();
    if constexpr (kGroup == 0) {
#pragma GCC unroll 1
      for (int s = 0; s < kBlockSteps; ++s) {
        const __m256i wq = _mm256_load_si256(reinterpret_cast<const __m256i*>(p + s * kStep));
        const __m256i wabs = _mm256_sign_epi8(wq, wq);
        for (int t = 0; t < T; ++t) {
          const __m256i as = _mm256_sign_epi8(Bcast4(a + t * act_row_bytes + 4 * s), wq);
          isum[t] = _mm256_add_epi32(isum[t], _mm256_madd_epi16(_mm256_maddubs_epi16(wabs, as), ones));
        }
      }
    } else {
      for (int g = 0; g < kBlockSteps; g += kGroup) {
        __m256i acc[T];
        for (int t = 0; t < T; ++t) acc[t] = _mm256_setzero_si256();
#pragma GCC unroll 2  // Fully unrolled, GCC hoists the maddubs ahead of their adds and spills them.
        for (int s = g; s < g + kGroup; ++s) {
          const __m256i wq = _mm256_load_si256(reinterpret_cast<const __m256i*>(p + s * kStep));
          for (int t = 0; t < T; ++t) {
            const __m256i av = Bcast4(a + t * act_row_bytes + 4 * s);
            acc[t] = _mm256_add_epi16(acc[t], _mm256_maddubs_epi16(wq, av));
          }
        }
        for (int t = 0; t < T; ++t) isum[t] = _mm256_add_epi32(isum[t], _mm256_madd_epi16(acc[t], ones));
      }
    }
    const __m256 dw = _mm256_load_ps(reinterpret_cast<const float*>(p + kQK * kPanel));
    for (int t = 0; t < T; ++t) {
      const ActInfo& ai = info[t * nblocks + b];
      if constexpr (kMin) {
        const __m256 mw = _mm256_load_ps(reinterpret_cast<const float*>(p + kQK * kPanel) + kPanel);
        const __m256 v = _mm256_mul_ps(_mm256_cvtepi32_ps(isum[t]), dw);
        f[t] = _mm256_fmadd_ps(mw, _mm256_set1_ps(ai.s), _mm256_fmadd_ps(v, _mm256_set1_ps(ai.d), f[t]));
      } else {
        const __m256i s = _mm256_sub_epi32(isum[t], _mm256_set1_epi32(ai.off));
        f[t] = _mm256_fmadd_ps(_mm256_mul_ps(_mm256_cvtepi32_ps(s), dw), _mm256_set1_ps(ai.d), f[t]);
      }
    }
  }
  for (int t = 0; t < T; ++t) StoreRows(y + t * y_stride, f[t], rows);
}

template <bool kMin, int kGroup>
TileFn LegacyTile(int t) {
  static_assert(gemm::kMaxTile == 4);
  switch (t) {
    case 1: return KernelLegacy<1, kMin, kGroup>;
    case 2: return KernelLegacy<2, kMin, kGroup>;
    case 3: return KernelLegacy<3, kMin, kGroup>;
    default: return KernelLegacy<4, kMin, kGroup>;
  }
}

// Fills info[t * nblocks + b] for every token: Q8_0 d and offset * sum(q), or Q8_1 d and s.
template <bool kMin>
ActInfo* ActivationInfo(const uint8_t* act, size_t act_row_bytes, int64_t n_tokens, int64_t nblocks,
                        int offset) {
  thread_local std::vector<ActInfo> buf;
  const size_t n = static_cast<size_t>(n_tokens * nblocks);
  if (buf.size() < n) buf.resize(n);
  for (int64_t t = 0; t < n_tokens; ++t) {
    ActInfo* out = buf.data() + t * nblocks;
    if constexpr (kMin) {
      const auto* blocks = reinterpret_cast<const BlockQ8_1*>(act + static_cast<size_t>(t) * act_row_bytes);
      for (int64_t b = 0; b < nblocks; ++b) {
        out[b].d = HalfToFloat(blocks[b].d);
        out[b].s = HalfToFloat(blocks[b].s);
        out[b].off = 0;
      }
    } else {
      const auto* blocks = reinterpret_cast<const BlockQ8_0*>(act + static_cast<size_t>(t) * act_row_bytes);
      for (int64_t b = 0; b < nblocks; ++b) {
        int32_t sum = 0;
        if (offset != 0) {
          // Sum of 32 int8: widen to int16 pairs against ones, then reduce.
          const __m256i q = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(blocks[b].qs));
          sum = HorizontalSum(_mm256_madd_epi16(_mm256_maddubs_epi16(_mm256_set1_epi8(1), q),
                                                _mm256_set1_epi16(1)));
        }
        out[b].d = HalfToFloat(blocks[b].d);
        out[b].s = 0.0f;
        out[b].off = offset * sum;
      }
    }
  }
  return buf.data();
}

// kOffset: what the unsigned stored quants exceed the format's signed values by (0: none, or Q8_0).
template <typename Block, int kOffset, int kGroup>
void GemmLegacy(int64_t n, const void* w, size_t row_bytes, int64_t n_rows, const void* act,
                size_t act_row_bytes, int64_t n_tokens, float* y, int64_t y_stride) {
  constexpr bool kMin = std::is_same_v<Block, BlockQ4_1> || std::is_same_v<Block, BlockQ5_1>;
  const int64_t nblocks = n / kQK;
  const ActInfo* info = ActivationInfo<kMin>(static_cast<const uint8_t*>(act), act_row_bytes, n_tokens,
                                             nblocks, kOffset);
  RunPanels(PackLegacy<Block>, static_cast<size_t>(nblocks) * kBlockBytes, nblocks, LegacyTile<kMin, kGroup>,
            w, row_bytes, n_rows, act, act_row_bytes, info, n_tokens, y, y_stride);
}

}  // namespace

void RegisterGemmLegacy(KernelTable& table) {
  table.format(GgmlType::kQ4_0).gemm = GemmLegacy<BlockQ4_0, 8, 8>;
  table.format(GgmlType::kQ5_0).gemm = GemmLegacy<BlockQ5_0, 16, 4>;
  table.format(GgmlType::kQ8_0).gemm = GemmLegacy<BlockQ8_0, 0, 0>;
  table.format(GgmlType::kQ4_1).gemm = GemmLegacy<BlockQ4_1, 0, 8>;
  table.format(GgmlType::kQ5_1).gemm = GemmLegacy<BlockQ5_1, 0, 4>;
}

}  // namespace hearth::kernels::avx2
