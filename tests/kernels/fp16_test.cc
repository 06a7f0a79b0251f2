#include "kernels/formats/fp16.h"

#include <cmath>
#include <cstdint>

#include "gtest/gtest.h"

namespace hearth {
namespace {

// Every half converts to float and back to itself (NaNs stay NaNs).
TEST(Fp16Test, AllHalvesRoundTrip) {
  for (uint32_t h = 0; h < 0x10000; ++h) {
    const float f = Fp16ToFp32(static_cast<uint16_t>(h));
    const uint16_t back = Fp32ToFp16(f);
    if (std::isnan(f)) {
      EXPECT_TRUE(std::isnan(Fp16ToFp32(back)));
    } else {
      ASSERT_EQ(back, h) << "half 0x" << std::hex << h;
    }
  }
}

TEST(Fp16Test, RoundsToNearestEven) {
  EXPECT_EQ(Fp32ToFp16(65504.0f), 0x7bff);
  EXPECT_EQ(Fp32ToFp16(65520.0f), 0x7c00);          // Halfway to the next: ties to even (infinity).
  EXPECT_EQ(Fp32ToFp16(std::ldexp(1.0f, -25)), 0);  // Half the smallest subnormal ties to zero.
  EXPECT_EQ(Fp32ToFp16(std::ldexp(1.5f, -25)), 1);
  EXPECT_EQ(Fp32ToFp16(1.0f + std::ldexp(1.0f, -11)), 0x3c00);  // Tie rounds to the even mantissa.
  EXPECT_EQ(Fp32ToFp16(1.0f + 3 * std::ldexp(1.0f, -11)), 0x3c02);
}

TEST(Fp16Test, Bf16RoundsToNearestEven) {
  EXPECT_EQ(Fp32ToBf16(1.0f), 0x3f80);
  EXPECT_EQ(Bf16ToFp32(0x3f80), 1.0f);
  EXPECT_EQ(Fp32ToBf16(BitsFloat(0x3f808000)), 0x3f80);  // Tie to even.
  EXPECT_EQ(Fp32ToBf16(BitsFloat(0x3f818000)), 0x3f82);
  EXPECT_TRUE(std::isnan(Bf16ToFp32(Fp32ToBf16(NAN))));
}

}  // namespace
}  // namespace hearth
