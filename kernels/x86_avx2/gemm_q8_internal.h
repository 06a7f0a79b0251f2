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

// Interleaves `k` unpacked quants (k order, `row_stride` apart) of 8 rows into k / 4 steps of 32 bytes:
// step s holds row r's quants 4s..4s+3 at bytes 4r..4r+3.
inline void Interleave(const uint8_t* q, int row_stride, int k, uint8_t* out) {
  for (int r = 0; r < kPanel; ++r) {
    const uint8_t* src = q + r * row_stride;
    for (int s = 0; s < k / 4; ++s) std::memcpy(out + s * kStep + r * 4, src + 4 * s, 4);
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
