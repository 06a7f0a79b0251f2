// Private to the AVX2 gemm files (gemm_q8*.cc): panel scratch, the interleaved weight layout and the
// panel x token-tile loop. Include only from files compiled with the AVX2 flags.
#ifndef HEARTH_KERNELS_X86_AVX2_GEMM_Q8_INTERNAL_H_
#define HEARTH_KERNELS_X86_AVX2_GEMM_Q8_INTERNAL_H_

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "kernels/x86_avx2/avx2_util.h"

namespace hearth::kernels::avx2::gemm {

inline constexpr int kPanel = 8;    // Weight rows per panel: one int32 lane of a ymm each.
inline constexpr int kStep = 32;    // Bytes per 4-quant step of a panel (4 quants x 8 rows).
inline constexpr int kMaxTile = 4;  // Tokens per micro-kernel call (2 accumulators + 1 float sum each).

// Per (token, 32-block) activation terms of the legacy formats, precomputed once per call.
struct ActInfo {
  float d;
  float s;      // Q8_1: the stored d * sum(q).
  int32_t off;  // Q8_0: offset * sum(q), taken from the unsigned-weight integer sum.
  int32_t pad;
};

struct alignas(32) Line {
  uint8_t b[32];
};

// Per-thread scratch for one packed panel (the thread pool's threads are long-lived).
inline uint8_t* PanelScratch(size_t bytes) {
  thread_local std::vector<Line> buf;
  const size_t lines = (bytes + sizeof(Line) - 1) / sizeof(Line);
  if (buf.size() < lines) buf.resize(lines);
  return buf.data()->b;
}

inline int32_t Load4(const void* p) {
  int32_t v;
  std::memcpy(&v, p, 4);
  return v;
}

// Broadcasts 4 activation bytes to every int32 lane (a load-port broadcast).
inline __m256i Bcast4(const uint8_t* p) { return _mm256_set1_epi32(Load4(p)); }

// Row r's int32 lane, r < kPanel, as an int16 pair (v, v): madd with the maddubs pair sums gives
// v * (sum of the row's products).
inline int32_t Pair16(int a, int b) {
  return static_cast<int32_t>((static_cast<uint32_t>(static_cast<uint16_t>(b)) << 16) |
                              static_cast<uint16_t>(a));
}

// Writes 8 rows of 32 quants (row r in v[r], k order) as 8 steps of 32 bytes: step s holds row r's quants
// 4s..4s+3 at bytes 4r..4r+3 (an 8 x 8 transpose of int32 lanes).
inline void InterleaveChunk(const __m256i v[kPanel], uint8_t* out) {
  __m256i a[8], b[8];
  for (int i = 0; i < 8; i += 2) {
    a[i] = _mm256_unpacklo_epi32(v[i], v[i + 1]);  // r_i s0, r_i+1 s0, r_i s1, r_i+1 s1 | s4, s5
    a[i + 1] = _mm256_unpackhi_epi32(v[i], v[i + 1]);  // s2, s3 | s6, s7
  }
  for (int i = 0; i < 8; i += 4) {
    b[i] = _mm256_unpacklo_epi64(a[i], a[i + 2]);      // rows i..i+3, step 0 | step 4
    b[i + 1] = _mm256_unpackhi_epi64(a[i], a[i + 2]);  // step 1 | step 5
    b[i + 2] = _mm256_unpacklo_epi64(a[i + 1], a[i + 3]);  // step 2 | step 6
    b[i + 3] = _mm256_unpackhi_epi64(a[i + 1], a[i + 3]);  // step 3 | step 7
  }
  for (int s = 0; s < 4; ++s) {
    // b[s] holds rows 0..3, b[4 + s] rows 4..7; low lanes are step s, high lanes step s + 4.
    _mm256_store_si256(reinterpret_cast<__m256i*>(out + s * kStep),
                       _mm256_permute2x128_si256(b[s], b[4 + s], 0x20));
    _mm256_store_si256(reinterpret_cast<__m256i*>(out + (s + 4) * kStep),
                       _mm256_permute2x128_si256(b[s], b[4 + s], 0x31));
  }
}

// Interleaves `k` (a multiple of 32) unpacked quants (k order, `row_stride` apart) of 8 rows into k / 4
// steps of 32 bytes, as InterleaveChunk. `out` is 32-byte aligned.
inline void Interleave(const uint8_t* q, int row_stride, int k, uint8_t* out) {
  for (int c = 0; c < k / 32; ++c) {
    __m256i v[kPanel];
    for (int r = 0; r < kPanel; ++r) {
      v[r] = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(q + r * row_stride + 32 * c));
    }
    InterleaveChunk(v, out + c * 8 * kStep);
  }
}

// Stores the first `rows` lanes of v (all 8 with a full panel).
inline void StoreRows(float* y, __m256 v, int rows) {
  if (rows == kPanel) {
    _mm256_storeu_ps(y, v);
    return;
  }
  alignas(32) float tmp[kPanel];
  _mm256_store_ps(tmp, v);
  std::memcpy(y, tmp, static_cast<size_t>(rows) * sizeof(float));
}

// Packs `rows` (<= 8; the rest zero) weight rows of `nblocks` blocks into one panel.
using PackFn = void (*)(const uint8_t* w, size_t row_bytes, int rows, int64_t nblocks, uint8_t* out);
// Multiplies a packed panel by a tile of tokens; `info` is the tile's first token's ActInfo row.
using TileFn = void (*)(const uint8_t* panel, int64_t nblocks, const uint8_t* act, size_t act_row_bytes,
                        const ActInfo* info, float* y, int64_t y_stride, int rows);

// Packs each panel of 8 rows once, then runs every token tile over it (the panel stays in L1/L2).
inline void RunPanels(PackFn pack, size_t panel_bytes, int64_t nblocks, TileFn (*tile)(int),
                      const void* w, size_t row_bytes, int64_t n_rows, const void* act,
                      size_t act_row_bytes, const ActInfo* info, int64_t n_tokens, float* y,
                      int64_t y_stride) {
  uint8_t* panel = PanelScratch(panel_bytes);
  const auto* wb = static_cast<const uint8_t*>(w);
  const auto* ab = static_cast<const uint8_t*>(act);
  for (int64_t r0 = 0; r0 < n_rows; r0 += kPanel) {
    const int rows = static_cast<int>(std::min<int64_t>(kPanel, n_rows - r0));
    pack(wb + static_cast<size_t>(r0) * row_bytes, row_bytes, rows, nblocks, panel);
    for (int64_t t0 = 0; t0 < n_tokens; t0 += kMaxTile) {
      const int nt = static_cast<int>(std::min<int64_t>(kMaxTile, n_tokens - t0));
      tile(nt)(panel, nblocks, ab + static_cast<size_t>(t0) * act_row_bytes, act_row_bytes,
               info == nullptr ? nullptr : info + t0 * nblocks, y + t0 * y_stride + r0, y_stride, rows);
    }
  }
}

}  // namespace hearth::kernels::avx2::gemm

#endif  // HEARTH_KERNELS_X86_AVX2_GEMM_Q8_INTERNAL_H_
