// Many-token gemm with SMMLA (Armv8.6 i8mm), for the neon-i8mm table. Built with
// -march=armv8.2-a+dotprod+i8mm; only reached after the dispatcher has seen HWCAP2_I8MM.
//
// SMMLA (vmmlaq_s32) multiplies a 2x8 int8 matrix by an 8x2 one into a 2x2 int32 tile: with two weight
// rows in one operand and two tokens in the other, one instruction does 32 multiply-adds, twice SDOT's 16.
// The premise (from Arm's software optimization guides for cores with both, e.g. Neoverse N2/V1; not
// measured here, QEMU only checks correctness) is that SMMLA issues about as often as SDOT. Design:
// - Operands are 16 bytes holding 8 consecutive quants of two rows: [x0[8c..8c+7], x1[8c..8c+7]] (one ZIP
//   of 64-bit lanes). Activations are interleaved once per call, in chunks of 32..64 tokens (sized to
//   stay in L2, see gemm_common.inc); for each chunk, every panel of 4 weight rows (2 row
//   pairs) is unpacked and interleaved into per-thread scratch that stays in L1 and then meets every
//   token of the chunk, so weight unpacking is paid once per chunk, not per token.
// - Register block 4 rows x 4 tokens = 4 tiles: per 8-element chunk 2 weight + 2 activation loads feed 4
//   SMMLA. A wider block would keep more loads per SMMLA out of the loop, but the K formats need 3
//   vectors per tile (float sum, int sum, group tile) plus scale vectors, and 8x4 would not fit the 32
//   vector registers; 4x4 also wastes at most one padded pair per tail. Odd rows and tokens are padded
//   with zero quants and zero scales, and only real (row, token) outputs are stored.
// - Integer sums stay exact (32-bit lanes, as vec_dot): legacy blocks are scaled per block by d_w * d_a
//   (FMLA into a float tile, as vec_dot does per block); K super-blocks accumulate group tiles times the
//   integer group scale (MLA with [sc_r0, sc_r0, sc_r1, sc_r1]), the min term is sum_g mn[g] * bsum[g]
//   in int16 x int16 -> int32 (exact), and the float part per super-block is vec_dot's own expression in
//   the same block order, so K results equal vec_dot's; legacy results differ by float summation order.
// Every helper has internal linkage and no std:: templates are instantiated on shared types: this file's
// code must not be merged with copies compiled for older cores (see neon_util.h).
#include <arm_neon.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>
#include <vector>

#include "kernels/arm_neon/neon_kernels.h"
#include "kernels/arm_neon/neon_util.h"
#include "kernels/formats/block_layouts.h"
#include "kernels/formats/k_scales.h"

namespace hearth::kernels::neon_i8mm {
namespace {

#include "kernels/arm_neon/gemm_common.inc"
#include "kernels/arm_neon/gemm_formats.inc"

constexpr int kPanelRows = 4;   // Two row pairs.
constexpr int kTileTokens = 4;  // Two token pairs.

// SMMLA operand: 8 quants of each of two rows.
struct Chunk16 {
  int8x16_t v;
};

// Rows x0, x1 (16 elements each, x1 zero for padding) as the two SMMLA operands of their 8-element chunks.
inline void StorePair(int8x16_t x0, int8x16_t x1, Chunk16* out) {
  const int64x2_t a = vreinterpretq_s64_s8(x0);
  const int64x2_t b = vreinterpretq_s64_s8(x1);
  out[0].v = vreinterpretq_s8_s64(vzip1q_s64(a, b));
  out[1].v = vreinterpretq_s8_s64(vzip2q_s64(a, b));
}

inline float32x4_t RowPairScale(float s0, float s1) {
  return vcombine_f32(vdup_n_f32(s0), vdup_n_f32(s1));  // [s0, s0, s1, s1]: tile lanes r0t0 r0t1 r1t0 r1t1
}

inline float32x4_t TokenPairScale(float s0, float s1) {
  const float32x2_t v = vset_lane_f32(s1, vdup_n_f32(s0), 1);
  return vcombine_f32(v, v);  // [s0, s1, s0, s1]
}

// Writes the real (row, token) lanes of tile [r0t0, r0t1, r1t0, r1t1].
inline void StoreTile(float32x4_t tile, int64_t r, int64_t t, int64_t n_rows, int64_t n_tokens, float* y,
                      int64_t y_stride) {
  float v[4];
  vst1q_f32(v, tile);
  for (int i = 0; i < 2; ++i) {
    for (int j = 0; j < 2; ++j) {
      if (r + i < n_rows && t + j < n_tokens) y[(t + j) * y_stride + r + i] = v[2 * i + j];
    }
  }
}

// ---- Legacy formats: blocks of 32 (4 chunks), scales per block.

// Per (block, row pair) and (block, token pair) scales; the offset formats add m and Q8_1's s (kept out
// of the other formats' metadata so the activation chunk stays small).
struct ScaleMeta {
  float32x4_t d;  // Weights [d_r0, d_r0, d_r1, d_r1]; activations [d_t0, d_t1, d_t0, d_t1].
};
struct OffsetMeta {
  float32x4_t d;
  float32x4_t m;  // Weights: m; activations: Q8_1's s = d * sum(q).
};

template <typename F>
struct Legacy {
  using WBlock = typename F::Block;
  using ABlock = std::conditional_t<F::kOffset, BlockQ8_1, BlockQ8_0>;
  using WMeta = std::conditional_t<F::kOffset, OffsetMeta, ScaleMeta>;
  using AMeta = WMeta;
  static constexpr int kElems = kQK;
  static constexpr int kChunks = kQK / 8;

  static void PackActPair(const void* a0, const void* a1, int64_t nblocks, Chunk16* q, AMeta* meta) {
    const auto* x0 = static_cast<const ABlock*>(a0);
    const auto* x1 = static_cast<const ABlock*>(a1);
    for (int64_t b = 0; b < nblocks; ++b, q += kChunks) {
      for (int h = 0; h < 2; ++h) {
        StorePair(vld1q_s8(x0[b].qs + 16 * h), x1 ? vld1q_s8(x1[b].qs + 16 * h) : vdupq_n_s8(0), q + 2 * h);
      }
      meta[b].d = TokenPairScale(HalfToFloat(x0[b].d), x1 ? HalfToFloat(x1[b].d) : 0.0f);
      if constexpr (F::kOffset) {
        meta[b].m = TokenPairScale(HalfToFloat(x0[b].s), x1 ? HalfToFloat(x1[b].s) : 0.0f);
      }
    }
  }

  // Row pair (w1 null: padding) into its slot of each block: quants at q + b * 2 * kChunks.
  static void PackRowPair(const void* w0, const void* w1, int64_t nblocks, Chunk16* q, WMeta* meta) {
    const auto* x0 = static_cast<const WBlock*>(w0);
    const auto* x1 = static_cast<const WBlock*>(w1);
    for (int64_t b = 0; b < nblocks; ++b) {
      int8x16_t p0[2], p1[2] = {vdupq_n_s8(0), vdupq_n_s8(0)};
      F::Unpack(x0[b], p0);
      if (x1) F::Unpack(x1[b], p1);
      Chunk16* out = q + b * 2 * kChunks;
      for (int h = 0; h < 2; ++h) StorePair(p0[h], p1[h], out + 2 * h);
      meta[2 * b].d = RowPairScale(HalfToFloat(x0[b].d), x1 ? HalfToFloat(x1[b].d) : 0.0f);
      if constexpr (F::kOffset) {
        meta[2 * b].m = RowPairScale(HalfToFloat(x0[b].m), x1 ? HalfToFloat(x1[b].m) : 0.0f);
      }
    }
  }

  // Panel (2 row pairs, interleaved per block) times kTP token pairs; out[p][t] is tile (pair p, pair t).
  template <int kTP>
  static void Tile(const Chunk16* w, const WMeta* wm, const Chunk16* const a[kTP], const AMeta* const am[kTP],
                   int64_t nblocks, float32x4_t out[2][kTP]) {
    float32x4_t acc[2][kTP], off[2][kTP];
    for (int p = 0; p < 2; ++p) {
      for (int t = 0; t < kTP; ++t) acc[p][t] = off[p][t] = vdupq_n_f32(0.0f);
    }
    for (int64_t b = 0; b < nblocks; ++b) {
      const Chunk16* wb = w + b * 2 * kChunks;
      int32x4_t s[2][kTP];
      for (int p = 0; p < 2; ++p) {
        for (int t = 0; t < kTP; ++t) s[p][t] = vdupq_n_s32(0);
      }
      for (int c = 0; c < kChunks; ++c) {
        const int8x16_t w0 = wb[c].v;
        const int8x16_t w1 = wb[kChunks + c].v;
        for (int t = 0; t < kTP; ++t) {
          const int8x16_t x = a[t][b * kChunks + c].v;
          s[0][t] = vmmlaq_s32(s[0][t], w0, x);
          s[1][t] = vmmlaq_s32(s[1][t], w1, x);
        }
      }
      // Each lane sums 32 products (|sum| < 2^24): the conversion is exact, as in vec_dot.
      for (int p = 0; p < 2; ++p) {
        const WMeta& m = wm[2 * b + p];
        for (int t = 0; t < kTP; ++t) {
          acc[p][t] = vfmaq_f32(acc[p][t], vcvtq_f32_s32(s[p][t]), vmulq_f32(m.d, am[t][b].d));
          if constexpr (F::kOffset) off[p][t] = vaddq_f32(off[p][t], vmulq_f32(m.m, am[t][b].m));
        }
      }
    }
    for (int p = 0; p < 2; ++p) {
      for (int t = 0; t < kTP; ++t) out[p][t] = vaddq_f32(acc[p][t], off[p][t]);
    }
  }
};

// ---- K formats: super-blocks of 256 (32 chunks), integer group scales, optional mins.

// Sized per format (kGroups scales, kHalves = kMinGroups / 8 vectors of mins, at least one), so the
// metadata read next to each super-block's 512 bytes of row-pair quants stays small.
template <int kGroups, int kHalves>
struct KWMeta {
  float32x4_t d;               // [d_r0, d_r0, d_r1, d_r1]
  float32x4_t dmin;            // Formats with mins.
  int32x4_t sc[kGroups];       // Group g: [sc_r0, sc_r0, sc_r1, sc_r1].
  int16x8_t mins[2][kHalves];  // [row][half]: mn[g] for g = 8 * half + lane.
};
template <int kHalves>
struct KAMeta {
  float32x4_t d;               // [d_t0, d_t1, d_t0, d_t1]
  int16x8_t bsum[2][kHalves];  // [token][half]: bsums of the weight's min groups (pair sums for 8 groups).
};

// sum_lanes(m * b) for the four (row, token) combinations, as tile [r0t0, r0t1, r1t0, r1t1].
template <int kHalves>
inline int32x4_t MinTile(const int16x8_t m[2][kHalves], const int16x8_t b[2][kHalves]) {
  int32x4_t p[2][2];
  for (int i = 0; i < 2; ++i) {
    for (int j = 0; j < 2; ++j) {
      p[i][j] = vmlal_high_s16(vmull_s16(vget_low_s16(m[i][0]), vget_low_s16(b[j][0])), m[i][0], b[j][0]);
      if constexpr (kHalves == 2) {
        p[i][j] = vmlal_s16(p[i][j], vget_low_s16(m[i][1]), vget_low_s16(b[j][1]));
        p[i][j] = vmlal_high_s16(p[i][j], m[i][1], b[j][1]);
      }
    }
  }
  return vpaddq_s32(vpaddq_s32(p[0][0], p[0][1]), vpaddq_s32(p[1][0], p[1][1]));
}

template <typename F>
struct KQuant {
  using WBlock = typename F::Block;
  static constexpr int kMinHalves = F::kMinGroups / 8;
  using WMeta = KWMeta<F::kGroups, kMinHalves == 0 ? 1 : kMinHalves>;
  using AMeta = KAMeta<kMinHalves == 0 ? 1 : kMinHalves>;
  static constexpr int kElems = kQKK;
  static constexpr int kChunks = kQKK / 8;
  static constexpr int kChunksPerGroup = kChunks / F::kGroups;

  static void PackActPair(const void* a0, const void* a1, int64_t nblocks, Chunk16* q, AMeta* meta) {
    const auto* x0 = static_cast<const BlockQ8_K*>(a0);
    const auto* x1 = static_cast<const BlockQ8_K*>(a1);
    for (int64_t b = 0; b < nblocks; ++b, q += kChunks) {
      for (int i = 0; i < kPieces; ++i) {
        StorePair(vld1q_s8(x0[b].qs + 16 * i), x1 ? vld1q_s8(x1[b].qs + 16 * i) : vdupq_n_s8(0), q + 2 * i);
      }
      meta[b].d = TokenPairScale(x0[b].d, x1 ? x1[b].d : 0.0f);
      if constexpr (F::kMinGroups > 0) {
        for (int t = 0; t < 2; ++t) {
          const BlockQ8_K* x = t == 0 ? &x0[b] : (x1 ? &x1[b] : nullptr);
          const int16x8_t lo = x ? vld1q_s16(x->bsums) : vdupq_n_s16(0);
          const int16x8_t hi = x ? vld1q_s16(x->bsums + 8) : vdupq_n_s16(0);
          if constexpr (F::kMinGroups == 8) {
            meta[b].bsum[t][0] = vpaddq_s16(lo, hi);  // |bsum| <= 16 * 127: pair sums fit int16.
          } else {
            meta[b].bsum[t][0] = lo;
            meta[b].bsum[t][1] = hi;
          }
        }
      }
    }
  }

  static void PackRowPair(const void* w0, const void* w1, int64_t nblocks, Chunk16* q, WMeta* meta) {
    const auto* x0 = static_cast<const WBlock*>(w0);
    const auto* x1 = static_cast<const WBlock*>(w1);
    for (int64_t b = 0; b < nblocks; ++b) {
      int8x16_t p0[kPieces], p1[kPieces];
      int sc[2][16] = {}, mn[2][16] = {};
      F::Unpack(x0[b], p0);
      F::Scales(x0[b], sc[0], mn[0]);
      if (x1) {
        F::Unpack(x1[b], p1);
        F::Scales(x1[b], sc[1], mn[1]);
      } else {
        for (int i = 0; i < kPieces; ++i) p1[i] = vdupq_n_s8(0);
      }
      Chunk16* out = q + b * 2 * kChunks;
      for (int i = 0; i < kPieces; ++i) StorePair(p0[i], p1[i], out + 2 * i);
      WMeta& m = meta[2 * b];
      m.d = RowPairScale(HalfToFloat(x0[b].d), x1 ? HalfToFloat(x1[b].d) : 0.0f);
      for (int g = 0; g < F::kGroups; ++g) {
        m.sc[g] = vcombine_s32(vdup_n_s32(sc[0][g]), vdup_n_s32(sc[1][g]));
      }
      if constexpr (F::kMinGroups > 0) {
        m.dmin = RowPairScale(HalfToFloat(F::Dmin(x0[b])), x1 ? HalfToFloat(F::Dmin(x1[b])) : 0.0f);
        for (int r = 0; r < 2; ++r) {
          for (int h = 0; h < kMinHalves; ++h) {
            int16_t v[8];
            for (int k = 0; k < 8; ++k) v[k] = static_cast<int16_t>(mn[r][8 * h + k]);
            m.mins[r][h] = vld1q_s16(v);
          }
        }
      }
    }
  }

  template <int kTP>
  static void Tile(const Chunk16* w, const WMeta* wm, const Chunk16* const a[kTP], const AMeta* const am[kTP],
                   int64_t nblocks, float32x4_t out[2][kTP]) {
    float32x4_t acc[2][kTP];
    for (int p = 0; p < 2; ++p) {
      for (int t = 0; t < kTP; ++t) acc[p][t] = vdupq_n_f32(0.0f);
    }
    for (int64_t b = 0; b < nblocks; ++b) {
      const Chunk16* wb = w + b * 2 * kChunks;
      const WMeta& m0 = wm[2 * b];
      const WMeta& m1 = wm[2 * b + 1];
      int32x4_t isum[2][kTP];
      for (int p = 0; p < 2; ++p) {
        for (int t = 0; t < kTP; ++t) isum[p][t] = vdupq_n_s32(0);
      }
      // Unrolled so that one group's SMMLA chains overlap the previous group's MLA (no spills at 4 x 4).
#pragma GCC unroll 2
      for (int g = 0; g < F::kGroups; ++g) {
        int32x4_t s[2][kTP];
        for (int p = 0; p < 2; ++p) {
          for (int t = 0; t < kTP; ++t) s[p][t] = vdupq_n_s32(0);
        }
#pragma GCC unroll 4
        for (int k = 0; k < kChunksPerGroup; ++k) {
          const int c = g * kChunksPerGroup + k;
          const int8x16_t w0 = wb[c].v;
          const int8x16_t w1 = wb[kChunks + c].v;
          for (int t = 0; t < kTP; ++t) {
            const int8x16_t x = a[t][b * kChunks + c].v;
            s[0][t] = vmmlaq_s32(s[0][t], w0, x);
            s[1][t] = vmmlaq_s32(s[1][t], w1, x);
          }
        }
        for (int t = 0; t < kTP; ++t) {
          isum[0][t] = vmlaq_s32(isum[0][t], s[0][t], m0.sc[g]);
          isum[1][t] = vmlaq_s32(isum[1][t], s[1][t], m1.sc[g]);
        }
      }
      // vec_dot's float expression per super-block: yd * d * isum - yd * dmin * imin.
      for (int p = 0; p < 2; ++p) {
        const WMeta& m = p == 0 ? m0 : m1;
        for (int t = 0; t < kTP; ++t) {
          const float32x4_t yd = am[t][b].d;
          float32x4_t v = vmulq_f32(vmulq_f32(yd, m.d), vcvtq_f32_s32(isum[p][t]));
          if constexpr (F::kMinGroups > 0) {
            const int32x4_t imin = MinTile<kMinHalves>(m.mins, am[t][b].bsum);
            v = vsubq_f32(v, vmulq_f32(vmulq_f32(yd, m.dmin), vcvtq_f32_s32(imin)));
          }
          acc[p][t] = vaddq_f32(acc[p][t], v);
        }
      }
    }
    for (int p = 0; p < 2; ++p) {
      for (int t = 0; t < kTP; ++t) out[p][t] = acc[p][t];
    }
  }
};

// ---- Driver: token chunks (interleaved once) x panels of 4 rows (interleaved once per chunk) x tiles.

template <typename K>
void Gemm(int64_t n, const void* w, size_t row_bytes, int64_t n_rows, const void* act, size_t act_row_bytes,
          int64_t n_tokens, float* y, int64_t y_stride) {
  using WMeta = typename K::WMeta;
  using AMeta = typename K::AMeta;
  const int64_t nblocks = n / K::kElems;
  const size_t pair_chunks = static_cast<size_t>(nblocks) * K::kChunks;
  const int64_t chunk_tokens = TokenChunk(act_row_bytes, kTileTokens);
  const int64_t max_pairs = (MinI64(chunk_tokens, n_tokens) + 1) / 2;

  // Scratch: interleaved activations of one token chunk, their metadata, one panel and its metadata.
  static_assert(sizeof(AMeta) % 16 == 0 && sizeof(WMeta) % 16 == 0);
  const size_t aq_bytes = static_cast<size_t>(max_pairs) * pair_chunks * sizeof(Chunk16);
  const size_t am_bytes = static_cast<size_t>(max_pairs * nblocks) * sizeof(AMeta);
  const size_t wq_bytes = 2 * pair_chunks * sizeof(Chunk16);
  uint8_t* scratch = Scratch(aq_bytes + am_bytes + wq_bytes + 2 * nblocks * sizeof(WMeta));
  auto* aq = reinterpret_cast<Chunk16*>(scratch);
  auto* am = reinterpret_cast<AMeta*>(scratch + aq_bytes);
  auto* wq = reinterpret_cast<Chunk16*>(scratch + aq_bytes + am_bytes);
  auto* wm = reinterpret_cast<WMeta*>(scratch + aq_bytes + am_bytes + wq_bytes);

  const auto* wb = static_cast<const uint8_t*>(w);
  const auto* ab = static_cast<const uint8_t*>(act);
  for (int64_t t0 = 0; t0 < n_tokens; t0 += chunk_tokens) {
    const int64_t tokens = MinI64(chunk_tokens, n_tokens - t0);
    const int64_t pairs = (tokens + 1) / 2;
    for (int64_t q = 0; q < pairs; ++q) {
      const int64_t t = t0 + 2 * q;
      const void* a1 = t + 1 < n_tokens ? ab + static_cast<size_t>(t + 1) * act_row_bytes : nullptr;
      K::PackActPair(ab + static_cast<size_t>(t) * act_row_bytes, a1, nblocks, aq + q * pair_chunks,
                     am + q * nblocks);
    }
    for (int64_t r0 = 0; r0 < n_rows; r0 += kPanelRows) {
      // Pair p of the panel: rows r0 + 2p, r0 + 2p + 1 (quants and meta of both pairs per block).
      for (int p = 0; p < 2; ++p) {
        const int64_t r = r0 + 2 * p;
        if (r >= n_rows) {
          // A panel with a single pair (n_rows % 4 <= 2): zeros in the second pair, whose outputs are
          // never stored. Only the last panel of a call pays the extra SMMLA.
          for (int64_t b = 0; b < nblocks; ++b) {
            std::memset(static_cast<void*>(wq + (b * 2 + 1) * K::kChunks), 0, sizeof(Chunk16) * K::kChunks);
            std::memset(static_cast<void*>(&wm[2 * b + 1]), 0, sizeof(WMeta));
          }
          continue;
        }
        const void* w1 = r + 1 < n_rows ? wb + static_cast<size_t>(r + 1) * row_bytes : nullptr;
        // PackRowPair writes pair slot 0 of each block; offset by p chunks-per-block and p meta entries.
        K::PackRowPair(wb + static_cast<size_t>(r) * row_bytes, w1, nblocks, wq + p * K::kChunks, wm + p);
      }
      for (int64_t q = 0; q < pairs; q += 2) {
        const int64_t t = t0 + 2 * q;
        if (q + 1 < pairs) {
          const Chunk16* a[2] = {aq + q * pair_chunks, aq + (q + 1) * pair_chunks};
          const AMeta* m[2] = {am + q * nblocks, am + (q + 1) * nblocks};
          float32x4_t out[2][2];
          K::template Tile<2>(wq, wm, a, m, nblocks, out);
          for (int p = 0; p < 2; ++p) {
            for (int j = 0; j < 2; ++j) {
              StoreTile(out[p][j], r0 + 2 * p, t + 2 * j, n_rows, n_tokens, y, y_stride);
            }
          }
        } else {
          const Chunk16* a[1] = {aq + q * pair_chunks};
          const AMeta* m[1] = {am + q * nblocks};
          float32x4_t out[2][1];
          K::template Tile<1>(wq, wm, a, m, nblocks, out);
          for (int p = 0; p < 2; ++p) StoreTile(out[p][0], r0 + 2 * p, t, n_rows, n_tokens, y, y_stride);
        }
      }
    }
  }
}

}  // namespace

void RegisterGemm(KernelTable& table) {
  table.format(GgmlType::kQ4_0).gemm = Gemm<Legacy<LQ4_0>>;
  table.format(GgmlType::kQ4_1).gemm = Gemm<Legacy<LQ4_1>>;
  table.format(GgmlType::kQ5_0).gemm = Gemm<Legacy<LQ5_0>>;
  table.format(GgmlType::kQ5_1).gemm = Gemm<Legacy<LQ5_1>>;
  table.format(GgmlType::kQ8_0).gemm = Gemm<Legacy<LQ8_0>>;
  table.format(GgmlType::kIQ4_NL).gemm = Gemm<Legacy<LIq4Nl>>;
  table.format(GgmlType::kQ2_K).gemm = Gemm<KQuant<KQ2>>;
  table.format(GgmlType::kQ3_K).gemm = Gemm<KQuant<KQ3>>;
  table.format(GgmlType::kQ4_K).gemm = Gemm<KQuant<KQ4>>;
  table.format(GgmlType::kQ5_K).gemm = Gemm<KQuant<KQ5>>;
  table.format(GgmlType::kQ6_K).gemm = Gemm<KQuant<KQ6>>;
  table.format(GgmlType::kIQ4_XS).gemm = Gemm<KQuant<KIq4Xs>>;
}

}  // namespace hearth::kernels::neon_i8mm
