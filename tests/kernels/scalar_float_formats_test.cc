#include <cmath>
#include <cstdint>
#include <vector>

#include "gtest/gtest.h"
#include "tests/kernels/scalar_test_util.h"

namespace hearth::kernels::testing {
namespace {

TEST(ScalarFloatFormatsTest, F32RoundTripIsExact) {
  const std::vector<float> x = NormalRow(257, 1);
  EXPECT_EQ(RoundTrip(GgmlType::kF32, x), x);
}

TEST(ScalarFloatFormatsTest, HalfFormatsRoundToNearest) {
  const std::vector<float> x = NormalRow(1000, 2, 10.0f);
  const std::vector<float> h = RoundTrip(GgmlType::kF16, x);
  const std::vector<float> b = RoundTrip(GgmlType::kBF16, x);
  for (size_t i = 0; i < x.size(); ++i) {
    // Half an ulp: 2^-11 relative for f16 normals (plus subnormal spacing), 2^-8 for bf16.
    EXPECT_LE(std::fabs(h[i] - x[i]), std::fabs(x[i]) * 0x1p-11f + 0x1p-25f) << x[i];
    EXPECT_LE(std::fabs(b[i] - x[i]), std::fabs(x[i]) * 0x1p-8f) << x[i];
  }
}

TEST(ScalarFloatFormatsTest, DotTypesAreTheirOwnFormat) {
  EXPECT_EQ(Scalar(GgmlType::kF32).dot_type, GgmlType::kF32);
  EXPECT_EQ(Scalar(GgmlType::kF16).dot_type, GgmlType::kF16);
  EXPECT_EQ(Scalar(GgmlType::kBF16).dot_type, GgmlType::kBF16);
}

TEST(ScalarFloatFormatsTest, VecDotMatchesDequantizedDot) {
  for (const GgmlType type : {GgmlType::kF32, GgmlType::kF16, GgmlType::kBF16}) {
    ExpectVecDotMatchesDequantized(type, 1);
    ExpectVecDotMatchesDequantized(type, 32);
  }
}

TEST(ScalarFloatFormatsTest, SpecialInputsStayFinite) {
  for (const GgmlType type : {GgmlType::kF32, GgmlType::kF16, GgmlType::kBF16}) {
    ExpectSpecialInputsStayFinite(type, 32);
  }
}

TEST(ScalarFloatFormatsTest, HalfOverflowAndNanFollowIeee) {
  const std::vector<float> x = {65520.0f, -1e6f, NAN, 1e-8f};
  const std::vector<float> h = RoundTrip(GgmlType::kF16, x);
  EXPECT_TRUE(std::isinf(h[0]) && h[0] > 0);
  EXPECT_TRUE(std::isinf(h[1]) && h[1] < 0);
  EXPECT_TRUE(std::isnan(h[2]));
  EXPECT_EQ(h[3], 0.0f);
  const std::vector<float> b = RoundTrip(GgmlType::kBF16, x);
  EXPECT_TRUE(std::isnan(b[2]));
  EXPECT_NEAR(b[1], -1e6f, 1e6f * 0x1p-8f);
}

}  // namespace
}  // namespace hearth::kernels::testing
