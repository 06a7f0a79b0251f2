// Scalar K-quant kernels: vec_dot against the float dot of dequantized operands, quantization error
// bounds, degenerate inputs and Q8_K block sums. (Bit-exact dequantization is checked against gguf-py by
// test_dequantize_vs_gguf.py.)
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "kernels/formats/block_layouts.h"
#include "kernels/formats/fp16.h"
#include "kernels/formats/ggml_type.h"
#include "kernels/kernel_table.h"

namespace hearth::kernels {
namespace {

constexpr GgmlType kWeightFormats[] = {GgmlType::kQ2_K, GgmlType::kQ3_K, GgmlType::kQ4_K, GgmlType::kQ5_K,
                                       GgmlType::kQ6_K};
constexpr GgmlType kAllFormats[] = {GgmlType::kQ2_K, GgmlType::kQ3_K, GgmlType::kQ4_K, GgmlType::kQ5_K,
                                    GgmlType::kQ6_K, GgmlType::kQ8_K};

std::string Name(GgmlType type) { return std::string(GetGgmlTypeInfo(type).name); }

std::vector<uint8_t> Quantize(GgmlType type, const std::vector<float>& x) {
  const GgmlTypeInfo& info = GetGgmlTypeInfo(type);
  std::vector<uint8_t> out(x.size() / info.block_elems * info.block_bytes);
  ScalarKernels().format(type).quantize_row(x.data(), out.data(), static_cast<int64_t>(x.size()));
  return out;
}

std::vector<float> Dequantize(GgmlType type, const std::vector<uint8_t>& q) {
  const GgmlTypeInfo& info = GetGgmlTypeInfo(type);
  std::vector<float> out(q.size() / info.block_bytes * info.block_elems);
  ScalarKernels().format(type).dequantize_row(q.data(), out.data(), static_cast<int64_t>(out.size()));
  return out;
}

std::vector<float> Gaussian(size_t n, uint32_t seed, float scale = 1.0f) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> dist(0.0f, scale);
  std::vector<float> x(n);
  for (float& v : x) v = dist(rng);
  return x;
}

// Random block bytes with small finite half scales at the format's scale fields, so that every quant and
// scale bit pattern (including Q6_K's -128 and Q3_K's -32) is exercised.
std::vector<uint8_t> RandomBlocks(GgmlType type, int n_blocks, uint32_t seed) {
  const GgmlTypeInfo& info = GetGgmlTypeInfo(type);
  std::mt19937 rng(seed);
  std::vector<uint8_t> raw(static_cast<size_t>(n_blocks) * info.block_bytes);
  for (uint8_t& b : raw) b = static_cast<uint8_t>(rng() & 0xff);
  std::vector<size_t> fields;
  switch (type) {
    case GgmlType::kQ2_K: fields = {offsetof(BlockQ2_K, d), offsetof(BlockQ2_K, dmin)}; break;
    case GgmlType::kQ3_K: fields = {offsetof(BlockQ3_K, d)}; break;
    case GgmlType::kQ4_K: fields = {offsetof(BlockQ4_K, d), offsetof(BlockQ4_K, dmin)}; break;
    case GgmlType::kQ5_K: fields = {offsetof(BlockQ5_K, d), offsetof(BlockQ5_K, dmin)}; break;
    default: fields = {offsetof(BlockQ6_K, d)}; break;
  }
  std::normal_distribution<float> dist(0.0f, 0.01f);
  for (int b = 0; b < n_blocks; ++b) {
    for (size_t off : fields) {
      const uint16_t h = Fp32ToFp16(dist(rng));
      std::memcpy(raw.data() + static_cast<size_t>(b) * info.block_bytes + off, &h, 2);
    }
  }
  return raw;
}

// Checks vec_dot(w, q8k(a)) against the double dot of the dequantized operands.
void ExpectDotMatches(GgmlType type, const std::vector<uint8_t>& weights, const std::vector<float>& act) {
  const std::vector<uint8_t> qa = Quantize(GgmlType::kQ8_K, act);
  const std::vector<float> w = Dequantize(type, weights);
  const std::vector<float> a = Dequantize(GgmlType::kQ8_K, qa);
  ASSERT_EQ(w.size(), a.size());
  double ref = 0, mag = 0;
  for (size_t i = 0; i < w.size(); ++i) {
    ref += static_cast<double>(w[i]) * a[i];
    mag += std::fabs(static_cast<double>(w[i]) * a[i]);
  }
  const float got =
      ScalarKernels().format(type).vec_dot(static_cast<int64_t>(w.size()), weights.data(), qa.data());
  EXPECT_NEAR(got, ref, 1e-5 * mag + 1e-30) << Name(type) << " n=" << w.size();
}

TEST(ScalarKQuantsTest, RegisteredWithQ8KDots) {
  for (GgmlType type : kWeightFormats) {
    const FormatKernels& k = ScalarKernels().format(type);
    EXPECT_NE(k.dequantize_row, nullptr) << Name(type);
    EXPECT_NE(k.quantize_row, nullptr) << Name(type);
    EXPECT_NE(k.vec_dot, nullptr) << Name(type);
    EXPECT_EQ(k.dot_type, GgmlType::kQ8_K) << Name(type);
  }
  EXPECT_NE(ScalarKernels().format(GgmlType::kQ8_K).quantize_row, nullptr);
  EXPECT_NE(ScalarKernels().format(GgmlType::kQ8_K).dequantize_row, nullptr);
}

TEST(ScalarKQuantsTest, VecDotMatchesDequantizedDotOnQuantizedData) {
  uint32_t seed = 1;
  for (GgmlType type : kWeightFormats) {
    for (int n_blocks : {1, 3, 7}) {
      const size_t n = static_cast<size_t>(n_blocks) * kQKK;
      const std::vector<float> w = Gaussian(n, seed++);
      ExpectDotMatches(type, Quantize(type, w), Gaussian(n, seed++, 3.0f));
    }
  }
}

TEST(ScalarKQuantsTest, VecDotMatchesDequantizedDotOnRandomBlocks) {
  uint32_t seed = 100;
  for (GgmlType type : kWeightFormats) {
    for (int n_blocks : {1, 3, 7}) {
      const std::vector<uint8_t> w = RandomBlocks(type, n_blocks, seed++);
      ExpectDotMatches(type, w, Gaussian(static_cast<size_t>(n_blocks) * kQKK, seed++));
    }
  }
}

TEST(ScalarKQuantsTest, VecDotWithNonNegativeActivationsExercisesMins) {
  // Activations of one sign make the mins term (dmin * m * bsum) large relative to the total.
  uint32_t seed = 200;
  for (GgmlType type : kWeightFormats) {
    std::vector<float> act = Gaussian(3 * kQKK, seed++);
    for (float& v : act) v = std::fabs(v) + 0.5f;
    ExpectDotMatches(type, Quantize(type, Gaussian(3 * kQKK, seed++)), act);
  }
}

double RelativeRmse(GgmlType type, const std::vector<float>& x) {
  const std::vector<float> y = Dequantize(type, Quantize(type, x));
  double err = 0, mean = 0, var = 0;
  for (float v : x) mean += v;
  mean /= static_cast<double>(x.size());
  for (size_t i = 0; i < x.size(); ++i) {
    err += (static_cast<double>(y[i]) - x[i]) * (static_cast<double>(y[i]) - x[i]);
    var += (x[i] - mean) * (x[i] - mean);
  }
  return std::sqrt(err / var);
}

TEST(ScalarKQuantsTest, QuantizationErrorWithinBounds) {
  // Relative RMSE (error / std) on Gaussian data, measured: Q2_K 0.262, Q3_K 0.143, Q4_K 0.070,
  // Q5_K 0.034, Q6_K 0.017, Q8_K 0.0069; with a mean offset of 2.5 std: 0.349, 0.268, 0.080, 0.039,
  // 0.033, 0.012. Bounds keep a margin of about 15%.
  struct Bound {
    GgmlType type;
    double centered, offset;
  };
  const Bound bounds[] = {{GgmlType::kQ2_K, 0.30, 0.40},  {GgmlType::kQ3_K, 0.165, 0.31},
                          {GgmlType::kQ4_K, 0.08, 0.092}, {GgmlType::kQ5_K, 0.04, 0.045},
                          {GgmlType::kQ6_K, 0.02, 0.038}, {GgmlType::kQ8_K, 0.008, 0.014}};
  const std::vector<float> x = Gaussian(64 * kQKK, 7, 0.02f);
  std::vector<float> shifted = x;
  for (float& v : shifted) v += 0.05f;
  for (const Bound& b : bounds) {
    EXPECT_LT(RelativeRmse(b.type, x), b.centered) << Name(b.type);
    EXPECT_LT(RelativeRmse(b.type, shifted), b.offset) << Name(b.type);
  }
}

TEST(ScalarKQuantsTest, ZerosQuantizeToZeros) {
  const std::vector<float> zeros(2 * kQKK, 0.0f);
  for (GgmlType type : kAllFormats) {
    for (float v : Dequantize(type, Quantize(type, zeros))) ASSERT_EQ(v, 0.0f) << Name(type);
  }
}

TEST(ScalarKQuantsTest, ConstantsAreReproducedClosely) {
  for (GgmlType type : kAllFormats) {
    for (float c : {1.0f, -1.0f, 0.37f, -2.5e-3f, 1000.0f}) {
      const std::vector<float> x(kQKK, c);
      for (float v : Dequantize(type, Quantize(type, x))) {
        ASSERT_NEAR(v, c, 0.02 * std::fabs(c)) << Name(type) << " c=" << c;
      }
    }
  }
}

TEST(ScalarKQuantsTest, ExtremeMagnitudesStayFinite) {
  std::vector<std::vector<float>> inputs;
  for (float scale : {1e30f, 1e-30f, 1e-40f, 1e4f}) inputs.push_back(Gaussian(2 * kQKK, 11, scale));
  std::vector<float> extremes(kQKK);
  for (int i = 0; i < kQKK; ++i) {
    extremes[i] = (i % 2 ? 1.0f : -1.0f) * 3.0e38f / static_cast<float>(1 + i % 5);
  }
  inputs.push_back(extremes);
  std::vector<float> outlier = Gaussian(kQKK, 12);
  outlier[100] = 1e6f;
  inputs.push_back(outlier);
  for (GgmlType type : kAllFormats) {
    for (const std::vector<float>& x : inputs) {
      const std::vector<float> y = Dequantize(type, Quantize(type, x));
      for (float v : y) ASSERT_TRUE(std::isfinite(v)) << Name(type);
    }
  }
  // Values within the half-precision range of the super-block scales are still represented well.
  EXPECT_LT(RelativeRmse(GgmlType::kQ4_K, inputs[3]), 0.08);
  EXPECT_LT(RelativeRmse(GgmlType::kQ6_K, inputs[3]), 0.02);
}

TEST(ScalarKQuantsTest, Q8KQuantsAndBlockSums) {
  const std::vector<float> x = Gaussian(3 * kQKK, 21, 5.0f);
  const std::vector<uint8_t> q = Quantize(GgmlType::kQ8_K, x);
  const auto* blocks = reinterpret_cast<const BlockQ8_K*>(q.data());
  for (int b = 0; b < 3; ++b) {
    float amax = 0;
    for (int i = 0; i < kQKK; ++i) amax = std::max(amax, std::fabs(x[b * kQKK + i]));
    EXPECT_NEAR(blocks[b].d, amax / 127.0f, 1e-6f * amax);
    for (int i = 0; i < kQKK; ++i) {
      EXPECT_LE(std::fabs(blocks[b].d * blocks[b].qs[i] - x[b * kQKK + i]), 0.5001f * blocks[b].d);
    }
    for (int k = 0; k < kQKK / 16; ++k) {
      int sum = 0;
      for (int i = 0; i < 16; ++i) sum += blocks[b].qs[16 * k + i];
      EXPECT_EQ(blocks[b].bsums[k], sum) << "block " << b << " group " << k;
    }
  }
}

}  // namespace
}  // namespace hearth::kernels
