// Byte layout of the x86 interleaved 8-row groups of Q4_K, Q5_K and Q6_K, the decode layout that weights
// are converted to at load. Read by the interleaved gemv (interleaved_k_quants.inc) and by the gemm panel
// packers that start from groups (gemm_pack_k_groups.inc).
// ISA-neutral: constants and offsets only. In every format a quant "step" is 32 bytes whose 32-bit lane r
// holds 4 consecutive file bytes of row r.
#ifndef HEARTH_KERNELS_X86_COMMON_INTERLEAVED_K_LAYOUT_H_
#define HEARTH_KERNELS_X86_COMMON_INTERLEAVED_K_LAYOUT_H_

#include "kernels/formats/block_layouts.h"

namespace hearth::kernels::x86_layout {

// Rows per group; a group block holds the same bytes as the rows' file blocks of one super-block.
inline constexpr int kIlKRows = 8;

// Q4_K group block (1152 bytes): d[8] f16, dmin[8] f16, then 96 bytes of 6-bit scales and mins:
//   S (32 bytes): byte 8j + r (j < 4): low nibble = low 4 bits of scale j of row r, high nibble scale j + 4;
//   M (32 bytes): byte 16(j/2) + 2r + j%2 (j < 4): nibbles as S for the mins;
//   H (32 bytes): top 2 bits; bits 0-1 / 2-3 of byte 8j + r for scales j / j + 4, bits 4-5 / 6-7 of
//     byte 16(j/2) + 2r + j%2 for mins j / j + 4;
// then quants: step (c, k) (c < 4 chunks of the file's 32-byte qs groups, k < 8) at 128 + 32 (8c + k),
// lane r = qs[32c + 4k .. 32c + 4k + 3] of row r (low nibbles: sub-block 2c, high: 2c + 1).
inline constexpr int kQ4KGroupBytes = kIlKRows * static_cast<int>(sizeof(BlockQ4_K));
inline constexpr int kQ4KOffS = 32, kQ4KOffM = 64, kQ4KOffH = 96, kQ4KOffQ = 128;
static_assert(kQ4KOffQ + 1024 == kQ4KGroupBytes);

// Byte of S (scales) and of M (mins) that holds pair j < 4 (and j + 4) of row r.
constexpr int Q4KScaleByte(int j, int r) { return 8 * j + r; }
constexpr int Q4KMinByte(int j, int r) { return 16 * (j / 2) + 2 * r + j % 2; }

// Q6_K group block (1680 bytes): d[8] f16, int8 scales [16 sub-blocks][8 rows] at 16, then 16 steps
// (h, k) (half h, k < 8) of 96 bytes at 144 + 96 (8h + k), in the order the gemv reads them (one stream
// for the prefetchers): ql[64h + 4k ..], ql[64h + 32 + 4k ..] and qh[32h + 4k ..], 4 bytes per row each.
inline constexpr int kQ6KGroupBytes = kIlKRows * static_cast<int>(sizeof(BlockQ6_K));
inline constexpr int kQ6KOffSc = 16, kQ6KOffQ = 144, kQ6KStep = 96;
static_assert(kQ6KOffQ + 16 * kQ6KStep == kQ6KGroupBytes);

// Offset in a Q6_K group block of row r's 4 bytes at ql[4i] (i < 32) and qh[4i] (i < 16).
constexpr int Q6KQlByte(int i, int r) {
  return kQ6KOffQ + kQ6KStep * (8 * (i / 16) + i % 8) + 32 * ((i / 8) % 2) + 4 * r;
}
constexpr int Q6KQhByte(int i, int r) { return kQ6KOffQ + kQ6KStep * i + 64 + 4 * r; }

// Q5_K group block (1408 bytes): d, dmin and the 6-bit scales and mins exactly as Q4_K (offsets 0..127),
// then qh step k (k < 8) at 128 + 32k (lane r = qh[4k .. 4k + 3] of row r; bit 2c / 2c + 1 is the fifth
// bit of the low / high nibbles of quant step (c, k)), then the quant steps as Q4_K's at 384.
inline constexpr int kQ5KGroupBytes = kIlKRows * static_cast<int>(sizeof(BlockQ5_K));
inline constexpr int kQ5KOffQh = 128, kQ5KOffQ = 384;
static_assert(kQ5KOffQ + 1024 == kQ5KGroupBytes);

}  // namespace hearth::kernels::x86_layout

#endif  // HEARTH_KERNELS_X86_COMMON_INTERLEAVED_K_LAYOUT_H_
