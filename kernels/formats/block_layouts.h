// On-disk block layouts of the GGUF quantization formats. These are public facts of the file format;
// every field is stored little-endian, halves as raw IEEE binary16 bits.
#ifndef HEARTH_KERNELS_FORMATS_BLOCK_LAYOUTS_H_
#define HEARTH_KERNELS_FORMATS_BLOCK_LAYOUTS_H_

#include <cstdint>

namespace hearth {

inline constexpr int kQK = 32;     // Elements per block of the 32-element formats.
inline constexpr int kQKK = 256;   // Elements per super-block of the K formats and IQ4_XS.
inline constexpr int kKScaleBytes = 12;

// x = d * (q - 8); element j in low nibble of qs[j], element j+16 in the high nibble.
struct BlockQ4_0 { uint16_t d; uint8_t qs[kQK / 2]; };
// x = d * q + m.
struct BlockQ4_1 { uint16_t d; uint16_t m; uint8_t qs[kQK / 2]; };
// x = d * (q - 16); bit 4 of element j is bit j of qh (little-endian uint32).
struct BlockQ5_0 { uint16_t d; uint8_t qh[4]; uint8_t qs[kQK / 2]; };
struct BlockQ5_1 { uint16_t d; uint16_t m; uint8_t qh[4]; uint8_t qs[kQK / 2]; };
struct BlockQ8_0 { uint16_t d; int8_t qs[kQK]; };
// Activation format for Q4_1/Q5_1 dots: s = d * sum(qs).
struct BlockQ8_1 { uint16_t d; uint16_t s; int8_t qs[kQK]; };

// 16 sub-blocks of 16: scales[i] holds a 4-bit scale (low) and 4-bit min (high).
struct BlockQ2_K { uint8_t scales[kQKK / 16]; uint8_t qs[kQKK / 4]; uint16_t d; uint16_t dmin; };
// 16 sub-blocks of 16 with 6-bit signed scales packed in 12 bytes; hmask holds the third bit.
struct BlockQ3_K { uint8_t hmask[kQKK / 8]; uint8_t qs[kQKK / 4]; uint8_t scales[12]; uint16_t d; };
// 8 sub-blocks of 32 with 6-bit scales and mins packed in 12 bytes.
struct BlockQ4_K { uint16_t d; uint16_t dmin; uint8_t scales[kKScaleBytes]; uint8_t qs[kQKK / 2]; };
struct BlockQ5_K {
  uint16_t d; uint16_t dmin; uint8_t scales[kKScaleBytes]; uint8_t qh[kQKK / 8]; uint8_t qs[kQKK / 2];
};
// 16 sub-blocks of 16 with 8-bit signed scales; 6-bit quants split in 4 low + 2 high bits.
struct BlockQ6_K { uint8_t ql[kQKK / 2]; uint8_t qh[kQKK / 4]; int8_t scales[kQKK / 16]; uint16_t d; };
// Activation format for K-quant dots; bsums are sums of each group of 16 quants.
struct BlockQ8_K { float d; int8_t qs[kQKK]; int16_t bsums[kQKK / 16]; };

// Non-linear 4-bit: x = d * kIq4nlValues[q].
struct BlockIQ4_NL { uint16_t d; uint8_t qs[kQK / 2]; };
// 8 sub-blocks of 32 with 6-bit scales (4 low bits in scales_l, 2 high bits in scales_h), offset 32.
struct BlockIQ4_XS { uint16_t d; uint16_t scales_h; uint8_t scales_l[kQKK / 64]; uint8_t qs[kQKK / 2]; };

inline constexpr int8_t kIq4nlValues[16] = {-127, -104, -83, -65, -49, -35, -22, -10,
                                            1,    13,   25,  38,  53,  69,  89,  113};

static_assert(sizeof(BlockQ4_0) == 18 && sizeof(BlockQ4_1) == 20);
static_assert(sizeof(BlockQ5_0) == 22 && sizeof(BlockQ5_1) == 24);
static_assert(sizeof(BlockQ8_0) == 34 && sizeof(BlockQ8_1) == 36);
static_assert(sizeof(BlockQ2_K) == 84 && sizeof(BlockQ3_K) == 110 && sizeof(BlockQ4_K) == 144);
static_assert(sizeof(BlockQ5_K) == 176 && sizeof(BlockQ6_K) == 210 && sizeof(BlockQ8_K) == 292);
static_assert(sizeof(BlockIQ4_NL) == 18 && sizeof(BlockIQ4_XS) == 136);

}  // namespace hearth

#endif  // HEARTH_KERNELS_FORMATS_BLOCK_LAYOUTS_H_
