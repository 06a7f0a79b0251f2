#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>

#include "gtest/gtest.h"
#include "kernels/formats/fp16.h"
#include "tests/kernels/scalar_test_util.h"

namespace hearth::kernels::testing {
namespace {

constexpr GgmlType kLegacy[] = {GgmlType::kQ4_0, GgmlType::kQ4_1, GgmlType::kQ5_0, GgmlType::kQ5_1,
                                GgmlType::kQ8_0};

TEST(ScalarLegacyQuantsTest, DotTypes) {
  EXPECT_EQ(Scalar(GgmlType::kQ4_0).dot_type, GgmlType::kQ8_0);
  EXPECT_EQ(Scalar(GgmlType::kQ4_1).dot_type, GgmlType::kQ8_1);
  EXPECT_EQ(Scalar(GgmlType::kQ5_0).dot_type, GgmlType::kQ8_0);
  EXPECT_EQ(Scalar(GgmlType::kQ5_1).dot_type, GgmlType::kQ8_1);
  EXPECT_EQ(Scalar(GgmlType::kQ8_0).dot_type, GgmlType::kQ8_0);
}

TEST(ScalarLegacyQuantsTest, VecDotMatchesDequantizedDot) {
  ExpectVecDotMatchesDequantized(GgmlType::kQ4_0, kQK);
  ExpectVecDotMatchesDequantized(GgmlType::kQ5_0, kQK);
  ExpectVecDotMatchesDequantized(GgmlType::kQ8_0, kQK);
  // Q8_1 stores s = d * sum(q) as f16, so the m_x * s_y term carries a relative error of 2^-11.
  ExpectVecDotMatchesDequantized(GgmlType::kQ4_1, kQK, 2e-3);
  ExpectVecDotMatchesDequantized(GgmlType::kQ5_1, kQK, 2e-3);
}

TEST(ScalarLegacyQuantsTest, SpecialInputsStayFinite) {
  for (const GgmlType type : kLegacy) ExpectSpecialInputsStayFinite(type, kQK);
  ExpectSpecialInputsStayFinite(GgmlType::kQ8_1, kQK);
}

// Per-element error bound of one block, as a fraction of the block's max |x| (symmetric formats) or of
// max - min (offset formats): half a step, a full step where the far side clips, plus f16 scale rounding.
double ErrorBound(GgmlType type, const float* x) {
  float amax = 0.0f, lo = x[0], hi = x[0];
  for (int j = 0; j < kQK; ++j) {
    amax = std::max(amax, std::fabs(x[j]));
    lo = std::min(lo, x[j]);
    hi = std::max(hi, x[j]);
  }
  const double f16 = 16 * 0x1p-11;  // Up to 16 (or 31) steps times the relative error of the f16 scale.
  switch (type) {
    case GgmlType::kQ4_0: return amax * (1.0 / 8 + f16);
    case GgmlType::kQ5_0: return amax * (1.0 / 16 + f16);
    case GgmlType::kQ8_0: return amax * (0.5 / 127 + 0x1p-11 * 1.01);
    case GgmlType::kQ4_1: return (hi - lo) * (0.5 / 15 + f16) + std::fabs(lo) * 0x1p-11;
    case GgmlType::kQ5_1: return (hi - lo) * (0.5 / 31 + 2 * f16) + std::fabs(lo) * 0x1p-11;
    default: return 0.0;
  }
}

TEST(ScalarLegacyQuantsTest, RoundTripErrorIsBounded) {
  for (const GgmlType type : kLegacy) {
    std::vector<float> x = NormalRow(64 * kQK, 5);
    for (size_t i = 0; i < x.size(); i += 97) x[i] *= 25.0f;  // Outliers.
    const std::vector<float> y = RoundTrip(type, x);
    for (size_t b = 0; b < x.size() / kQK; ++b) {
      const double bound = ErrorBound(type, &x[b * kQK]) * 1.0001 + 1e-7;
      for (size_t j = b * kQK; j < (b + 1) * kQK; ++j) {
        ASSERT_LE(std::fabs(static_cast<double>(y[j]) - x[j]), bound) << GgmlTypeName(type) << " at " << j;
      }
    }
  }
}

TEST(ScalarLegacyQuantsTest, GridValuesAreReproducedExactly) {
  // Values already on a Q4_0 / Q8_0 grid (power-of-two scales, so f16 is exact) survive the round trip.
  std::vector<float> q4(kQK), q8(kQK);
  for (int j = 0; j < kQK; ++j) {
    q4[j] = 0.25f * static_cast<float>((j % 16) - 8);
    q8[j] = 0.5f * static_cast<float>(j * 8 - 127);
  }
  q8[kQK - 1] = 0.5f * 127;
  EXPECT_EQ(RoundTrip(GgmlType::kQ4_0, q4), q4);
  EXPECT_EQ(RoundTrip(GgmlType::kQ8_0, q8), q8);
}

TEST(ScalarLegacyQuantsTest, Q4_0MapsTheExtremeToMinusEight) {
  std::vector<float> x = NormalRow(kQK, 9);
  x[3] = 10.0f;  // Positive extreme: d = -10 / 8, stored q = 0.
  std::vector<uint8_t> bytes;
  const std::vector<float> y = RoundTrip(GgmlType::kQ4_0, x, &bytes);
  BlockQ4_0 b;
  std::memcpy(&b, bytes.data(), sizeof(b));
  EXPECT_EQ(Fp16ToFp32(b.d), -1.25f);
  EXPECT_EQ(b.qs[3] & 0x0f, 0);
  EXPECT_EQ(y[3], 10.0f);
}

TEST(ScalarLegacyQuantsTest, Q8_1StoresScaledSum) {
  const std::vector<float> x = NormalRow(4 * kQK, 11);
  std::vector<uint8_t> bytes(RowBytes(GgmlType::kQ8_1, 4 * kQK));
  Scalar(GgmlType::kQ8_1).quantize_row(x.data(), bytes.data(), 4 * kQK);
  for (int i = 0; i < 4; ++i) {
    BlockQ8_1 b;
    std::memcpy(&b, bytes.data() + i * sizeof(BlockQ8_1), sizeof(b));
    float amax = 0.0f;
    int sum = 0;
    for (int j = 0; j < kQK; ++j) {
      amax = std::max(amax, std::fabs(x[i * kQK + j]));
      sum += b.qs[j];
    }
    EXPECT_EQ(b.d, Fp32ToFp16(amax / 127.0f));
    EXPECT_EQ(b.s, Fp32ToFp16(amax / 127.0f * static_cast<float>(sum)));
  }
}

TEST(ScalarLegacyQuantsTest, AccuracyOrdering) {
  // More bits, less error; the offset formats beat the symmetric ones of the same width on shifted data.
  const double q4_0 = RelativeRmse(GgmlType::kQ4_0, 64 * 1024, 3);
  const double q5_0 = RelativeRmse(GgmlType::kQ5_0, 64 * 1024, 3);
  const double q8_0 = RelativeRmse(GgmlType::kQ8_0, 64 * 1024, 3);
  EXPECT_LT(q8_0, q5_0);
  EXPECT_LT(q5_0, q4_0);
  EXPECT_LT(q4_0, 0.12);
  EXPECT_LT(q8_0, 0.007);
}

}  // namespace
}  // namespace hearth::kernels::testing
