#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>

#include "gtest/gtest.h"
#include "kernels/formats/fp16.h"
#include "tests/kernels/scalar_test_util.h"

namespace hearth::kernels::testing {
namespace {

TEST(ScalarIq4QuantsTest, DotTypes) {
  EXPECT_EQ(Scalar(GgmlType::kIQ4_NL).dot_type, GgmlType::kQ8_0);
  EXPECT_EQ(Scalar(GgmlType::kIQ4_XS).dot_type, GgmlType::kQ8_K);
}

TEST(ScalarIq4QuantsTest, VecDotMatchesDequantizedDot) {
  ExpectVecDotMatchesDequantized(GgmlType::kIQ4_NL, kQK);
  ExpectVecDotMatchesDequantized(GgmlType::kIQ4_XS, kQKK);
}

TEST(ScalarIq4QuantsTest, SpecialInputsStayFinite) {
  ExpectSpecialInputsStayFinite(GgmlType::kIQ4_NL, kQK);
  ExpectSpecialInputsStayFinite(GgmlType::kIQ4_XS, kQKK);
}

TEST(ScalarIq4QuantsTest, TableValuesAreReproducedExactly) {
  // A block made of table values times a power of two is representable exactly, and the scale search
  // must find it.
  std::vector<float> x(kQKK);
  for (int j = 0; j < kQKK; ++j) x[j] = 0.0625f * static_cast<float>(kIq4nlValues[(j * 7) % 16]);
  EXPECT_EQ(RoundTrip(GgmlType::kIQ4_NL, x), x);
  EXPECT_EQ(RoundTrip(GgmlType::kIQ4_XS, x), x);
}

TEST(ScalarIq4QuantsTest, BeatsUniformFourBit) {
  // The non-linear table with a searched scale is more accurate than Q4_0 on normal data, and IQ4_XS's
  // 6-bit sub-block scales lose little against IQ4_NL's f16 per-32 scales.
  const double q4_0 = RelativeRmse(GgmlType::kQ4_0, 64 * 1024, 4);
  const double nl = RelativeRmse(GgmlType::kIQ4_NL, 64 * 1024, 4);
  const double xs = RelativeRmse(GgmlType::kIQ4_XS, 64 * 1024, 4);
  EXPECT_LT(nl, q4_0 * 0.9);
  EXPECT_LT(xs, nl * 1.05);
}

TEST(ScalarIq4QuantsTest, XsScalesUseTheSixBitRange) {
  std::vector<float> x = NormalRow(kQKK, 6);
  for (int j = 0; j < kQK; ++j) x[j] *= 8.0f;  // One loud sub-block sets d.
  std::vector<uint8_t> bytes;
  RoundTrip(GgmlType::kIQ4_XS, x, &bytes);
  BlockIQ4_XS b;
  std::memcpy(&b, bytes.data(), sizeof(b));
  const int ls0 = (b.scales_l[0] & 0x0f) | ((b.scales_h & 3) << 4);
  EXPECT_TRUE(ls0 == 0 || ls0 == 63) << ls0;  // The largest sub-scale sits on an end of the range.
  EXPECT_GT(Fp16ToFp32(b.d) * Fp16ToFp32(b.d), 0.0f);
}

}  // namespace
}  // namespace hearth::kernels::testing
