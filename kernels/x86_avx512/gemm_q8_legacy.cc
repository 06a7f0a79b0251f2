// AVX-512 VNNI many-token matmul for the 32-element formats (layout and idea in gemm_q8.cc). Per block
// and panel, at `p`: interleaved quants (512 bytes, unsigned: q, or q + 128 for Q8_0), d float[16],
// m float[16]. The Q8_0-activation formats subtract offset * sum(a) from each block's integer sum (the
// same integer as vec_dot's sum of (q - offset) * a) and add float(isum) * d_w * d_a; the Q8_1 ones add
// float(isum) * d_w * d_a + m_w * s_a.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>
#include <vector>

#include "kernels/formats/block_layouts.h"
#include "kernels/x86_avx512/avx512_kernels.h"
#include "kernels/x86_avx512/gemm_q8_internal.h"

namespace hearth::kernels::avx512 {
namespace {

using gemm::ActInfo;
using gemm::InterleaveChunk8;
using gemm::kPanel;
using gemm::Load4;
using gemm::RowMask;
using gemm::RunPanels;
using gemm::TileFn;

constexpr size_t kBlockBytes = kQK * kPanel + 128;

// One block of a row as 32 unsigned quants in element order (q, or q + 128 for Q8_0); sets d (and m).
template <typename Block>
inline __m256i UnpackBlock(const Block& b, float* d, float* m) {
  __m256i q;
  if constexpr (std::is_same_v<Block, BlockQ8_0>) {
    q = _mm256_xor_si256(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(b.qs)), _mm256_set1_epi8(-128));
  } else {
    q = UnpackNibbles(b.qs);
    if constexpr (std::is_same_v<Block, BlockQ5_0> || std::is_same_v<Block, BlockQ5_1>) {
      q = _mm256_mask_add_epi8(q, LoadBits(b.qh), q, _mm256_set1_epi8(0x10));
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
    InterleaveChunk8(q + 8, p + 32);
  }
}

template <int T, bool kMin>
void KernelLegacy(const uint8_t* panel, int64_t nblocks, const uint8_t* act, size_t act_row_bytes,
                  const ActInfo* info, float* y, int64_t y_stride, int rows) {
  constexpr size_t kActBlock = kMin ? sizeof(BlockQ8_1) : sizeof(BlockQ8_0);
  constexpr int kQsOffset = kMin ? 4 : 2;  // Where the quants start in an activation block.
  __m512 f[T];
  for (int t = 0; t < T; ++t) f[t] = _mm512_setzero_ps();
  for (int64_t b = 0; b < nblocks; ++b) {
    const uint8_t* p = panel + b * kBlockBytes;
    const uint8_t* a = act + b * kActBlock + kQsOffset;
    __m512i acc[T];
    for (int t = 0; t < T; ++t) acc[t] = _mm512_setzero_si512();
    for (int s = 0; s < kQK / 4; ++s) {
      const __m512i wq = _mm512_load_si512(p + s * 64);
      for (int t = 0; t < T; ++t) {
        acc[t] = _mm512_dpbusd_epi32(acc[t], wq, _mm512_set1_epi32(Load4(a + t * act_row_bytes + 4 * s)));
      }
    }
    const __m512 dw = _mm512_load_ps(p + kQK * kPanel);
    for (int t = 0; t < T; ++t) {
      const ActInfo& ai = info[t * nblocks + b];
      if constexpr (kMin) {
        const __m512 mw = _mm512_load_ps(p + kQK * kPanel + 64);
        const __m512 v = _mm512_mul_ps(_mm512_cvtepi32_ps(acc[t]), dw);
        f[t] = _mm512_fmadd_ps(mw, _mm512_set1_ps(ai.s), _mm512_fmadd_ps(v, _mm512_set1_ps(ai.d), f[t]));
      } else {
        const __m512i isum = _mm512_sub_epi32(acc[t], _mm512_set1_epi32(ai.off));
        f[t] = _mm512_fmadd_ps(_mm512_mul_ps(_mm512_cvtepi32_ps(isum), dw), _mm512_set1_ps(ai.d), f[t]);
      }
    }
  }
  const __mmask16 mask = RowMask(rows);
  for (int t = 0; t < T; ++t) _mm512_mask_storeu_ps(y + t * y_stride, mask, f[t]);
}

template <bool kMin>
TileFn LegacyTile(int t) {
  switch (t) {
    case 1: return KernelLegacy<1, kMin>;
    case 2: return KernelLegacy<2, kMin>;
    case 3: return KernelLegacy<3, kMin>;
    case 4: return KernelLegacy<4, kMin>;
    case 5: return KernelLegacy<5, kMin>;
    case 6: return KernelLegacy<6, kMin>;
    case 7: return KernelLegacy<7, kMin>;
    default: return KernelLegacy<8, kMin>;
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
        const __m256i q = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(blocks[b].qs));
        // Sum of 32 int8: widen to int16 pairs against ones, then reduce.
        const __m256i pairs = _mm256_madd_epi16(_mm256_maddubs_epi16(_mm256_set1_epi8(1), q),
                                                _mm256_set1_epi16(1));
        __m128i s = _mm_add_epi32(_mm256_castsi256_si128(pairs), _mm256_extracti128_si256(pairs, 1));
        s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0x4e));
        s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0xb1));
        out[b].d = HalfToFloat(blocks[b].d);
        out[b].s = 0.0f;
        out[b].off = offset * _mm_cvtsi128_si32(s);
      }
    }
  }
  return buf.data();
}

template <typename Block, int kOffset>
void GemmLegacy(int64_t n, const void* w, size_t row_bytes, int64_t n_rows, const void* act,
                size_t act_row_bytes, int64_t n_tokens, float* y, int64_t y_stride) {
  constexpr bool kMin = std::is_same_v<Block, BlockQ4_1> || std::is_same_v<Block, BlockQ5_1>;
  const int64_t nblocks = n / kQK;
  const ActInfo* info = ActivationInfo<kMin>(static_cast<const uint8_t*>(act), act_row_bytes, n_tokens,
                                             nblocks, kOffset);
  RunPanels(PackLegacy<Block>, static_cast<size_t>(nblocks) * kBlockBytes, nblocks, LegacyTile<kMin>, w,
            row_bytes, n_rows, act, act_row_bytes, info, n_tokens, y, y_stride);
}

}  // namespace

void RegisterGemmLegacy(KernelTable& table) {
  table.format(GgmlType::kQ4_0).gemm = GemmLegacy<BlockQ4_0, 8>;
  table.format(GgmlType::kQ5_0).gemm = GemmLegacy<BlockQ5_0, 16>;
  table.format(GgmlType::kQ8_0).gemm = GemmLegacy<BlockQ8_0, 128>;
  table.format(GgmlType::kQ4_1).gemm = GemmLegacy<BlockQ4_1, 0>;
  table.format(GgmlType::kQ5_1).gemm = GemmLegacy<BlockQ5_1, 0>;
}

}  // namespace hearth::kernels::avx512
