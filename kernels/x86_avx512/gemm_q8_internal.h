// Private to the AVX-512 gemm files (gemm_q8*.cc): panel scratch, the interleaved weight layout and the
// panel x token-tile loop. Include only from files compiled with the AVX-512 flags.
#ifndef HEARTH_KERNELS_X86_AVX512_GEMM_Q8_INTERNAL_H_
#define HEARTH_KERNELS_X86_AVX512_GEMM_Q8_INTERNAL_H_

#include "kernels/x86_avx512/avx512_util.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

namespace hearth::kernels::avx512::gemm {

inline constexpr int kPanel = 16;   // Weight rows per panel: one int32 lane each.
inline constexpr int kMaxTile = 8;  // Tokens per micro-kernel call (accumulator registers).

// Per (token, 32-block) activation terms of the legacy formats, precomputed once per call.
struct ActInfo {
  float d;
  float s;      // Q8_1: the stored d * sum(q).
  int32_t off;  // Q8_0: offset * sum(q), taken from the unsigned-weight integer sum.
  int32_t pad;
};

struct alignas(64) Line {
  uint8_t b[64];
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

inline __mmask16 RowMask(int rows) { return static_cast<__mmask16>((1u << rows) - 1u); }

// Interleaves `k` unpacked quants (k order, `row_stride` apart) of 16 rows into k / 4 steps of 64 bytes:
// step s holds row r's quants 4s..4s+3 at bytes 4r..4r+3.
inline void Interleave(const uint8_t* q, int row_stride, int k, uint8_t* out) {
  for (int r = 0; r < kPanel; ++r) {
    const uint8_t* src = q + r * row_stride;
    for (int s = 0; s < k / 4; ++s) std::memcpy(out + s * 64 + r * 4, src + 4 * s, 4);
  }
}

// Packs `rows` (<= 16; the rest zero) weight rows of `nblocks` blocks into one panel.
using PackFn = void (*)(const uint8_t* w, size_t row_bytes, int rows, int64_t nblocks, uint8_t* out);
// Multiplies a packed panel by a tile of tokens; `info` is the tile's first token's ActInfo row.
using TileFn = void (*)(const uint8_t* panel, int64_t nblocks, const uint8_t* act, size_t act_row_bytes,
                        const ActInfo* info, float* y, int64_t y_stride, int rows);

// Packs each panel of 16 rows once, then runs every token tile over it (the panel stays in L2).
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

}  // namespace hearth::kernels::avx512::gemm

#endif  // HEARTH_KERNELS_X86_AVX512_GEMM_Q8_INTERNAL_H_
