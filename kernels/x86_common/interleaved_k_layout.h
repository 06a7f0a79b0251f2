// Byte layout of the x86 interleaved 8-row groups of the K-quants and IQ4_XS, the decode layout that weights
// are converted to at load. Read by the interleaved gemv (interleaved_k_quants.inc, interleaved_k_low.inc)
// and by the gemm panel packers that start from groups (gemm_pack_k_groups.inc, gemm_pack_low_groups.inc).
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

// Q3_K group block (880 bytes): d[8] f16, then the 12 scale bytes of each row: bytes 0..7 at
// 16 + 8j + r (L; low nibble: low 4 bits of scale j, high nibble of scale j + 8), bytes 8..11 at
// 80 + 8i + r (H; bits 2m..2m+1: top bits of scale 4m + i). Then, in read order, for k < 8: qs step
// (0, k) at 112 + 64k and hmask step k at 112 + 64k + 32; then qs step (1, k) at 624 + 32k. Step (h, k)
// lane r = qs[32h + 4k ..] of row r: bits 2p..2p+1 of a byte are element 128h + 32p + 4k + e; hmask
// step k lane r = hmask[4k ..]: bit 4h + p is that element's third bit.
inline constexpr int kQ3KGroupBytes = kIlKRows * static_cast<int>(sizeof(BlockQ3_K));
inline constexpr int kQ3KOffL = 16, kQ3KOffH = 80, kQ3KOffQ = 112;
static_assert(kQ3KOffQ + 768 == kQ3KGroupBytes);

// Offset in a Q3_K group block of row r's 4 bytes at qs[4i] (i < 16) and hmask[4i] (i < 8).
constexpr int Q3KQsByte(int i, int r) {
  return (i < 8 ? kQ3KOffQ + 64 * i : kQ3KOffQ + 512 + 32 * (i - 8)) + 4 * r;
}
constexpr int Q3KHmByte(int i, int r) { return kQ3KOffQ + 64 * i + 32 + 4 * r; }

// Q2_K group block (672 bytes): d[8], dmin[8] f16, scales [16 sub-blocks][8 rows] (byte 8j + r is
// scales[j] of row r: low nibble scale, high nibble min) at 32, then quant step i (i < 16) at 160 + 32i,
// lane r = qs[4i ..] of row r (bits 2p..2p+1: element 128(i / 8) + 32p + 4(i % 8) + e).
inline constexpr int kQ2KGroupBytes = kIlKRows * static_cast<int>(sizeof(BlockQ2_K));
inline constexpr int kQ2KOffSc = 32, kQ2KOffQ = 160;
static_assert(kQ2KOffQ + 512 == kQ2KGroupBytes);

// IQ4_XS group block (1088 bytes): d[8] f16, scales_h[8] (u16) at 16, scales_l at 32 + 8i + r (byte i
// of row r: low nibble sub-block 2i, high 2i + 1), then quant step m (m < 32) at 64 + 32m, lane r =
// qs[4m ..] of row r (low nibbles: elements 32(m / 4) + 4(m % 4) + e, high nibbles 16 further).
inline constexpr int kIq4XsGroupBytes = kIlKRows * static_cast<int>(sizeof(BlockIQ4_XS));
inline constexpr int kIq4XsOffSh = 16, kIq4XsOffSl = 32, kIq4XsOffQ = 64;
static_assert(kIq4XsOffQ + 1024 == kIq4XsGroupBytes);

}  // namespace hearth::kernels::x86_layout

#endif  // HEARTH_KERNELS_X86_COMMON_INTERLEAVED_K_LAYOUT_H_
