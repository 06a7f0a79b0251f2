// The scalar float ops against direct formulas: RMSNorm, softmax (with -inf masks), SiLU-mul, add, and
// RoPE in both pair orderings, with linear and YaRN scaling.
#include "kernels/ops/float_ops.h"

#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "gtest/gtest.h"

namespace hearth::kernels {
namespace {

std::vector<float> RandomVector(int n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> dist(0.0f, 1.0f);
  std::vector<float> v(static_cast<size_t>(n));
  for (float& x : v) x = dist(rng);
  return v;
}

TEST(FloatOpsTest, RmsNormMatchesFormula) {
  const int n = 96;
  const std::vector<float> x = RandomVector(n, 1);
  const std::vector<float> w = RandomVector(n, 2);
  double ss = 0;
  for (float v : x) ss += static_cast<double>(v) * v;
  const double scale = 1.0 / std::sqrt(ss / n + 1e-5);
  std::vector<float> out(n);
  RmsNorm(x.data(), w.data(), n, 1e-5f, out.data());
  for (int i = 0; i < n; ++i) EXPECT_NEAR(out[i], x[i] * scale * w[i], 1e-5);
  std::vector<float> in_place = x;
  RmsNorm(in_place.data(), nullptr, n, 1e-5f, in_place.data());
  for (int i = 0; i < n; ++i) EXPECT_NEAR(in_place[i], x[i] * scale, 1e-5);
}

TEST(FloatOpsTest, SoftmaxWithMaskedEntries) {
  const float inf = std::numeric_limits<float>::infinity();
  std::vector<float> x = {1.0f, -inf, 3.0f, 0.5f, -inf};
  Softmax(x.data(), static_cast<int64_t>(x.size()));
  const double z = std::exp(1.0) + std::exp(3.0) + std::exp(0.5);
  EXPECT_NEAR(x[0], std::exp(1.0) / z, 1e-6);
  EXPECT_EQ(x[1], 0.0f);
  EXPECT_NEAR(x[2], std::exp(3.0) / z, 1e-6);
  EXPECT_NEAR(x[3], std::exp(0.5) / z, 1e-6);
  EXPECT_EQ(x[4], 0.0f);

  std::vector<float> big = {1000.0f, 999.0f};  // No overflow: the max is subtracted first.
  Softmax(big.data(), 2);
  EXPECT_NEAR(big[0], 1.0 / (1.0 + std::exp(-1.0)), 1e-6);

  std::vector<float> all_masked = {-inf, -inf};
  Softmax(all_masked.data(), 2);
  EXPECT_EQ(all_masked[0], 0.0f);
  EXPECT_EQ(all_masked[1], 0.0f);
}

TEST(FloatOpsTest, SiluMulAndAdd) {
  const std::vector<float> g = RandomVector(33, 3);
  const std::vector<float> u = RandomVector(33, 4);
  std::vector<float> out(33), sum(33);
  SiluMul(g.data(), u.data(), 33, out.data());
  Add(g.data(), u.data(), 33, sum.data());
  for (int i = 0; i < 33; ++i) {
    EXPECT_NEAR(out[i], g[i] / (1.0 + std::exp(-g[i])) * u[i], 1e-6);
    EXPECT_EQ(sum[i], g[i] + u[i]);
  }
}

// Rotates with angles theta_i = pos * scale * base^(-2i/n_rot), computed in double.
std::vector<float> DirectRope(const std::vector<float>& x, int n_rot, RopeStyle style, int64_t pos,
                              double base, double freq_scale) {
  std::vector<float> y = x;
  const int half = n_rot / 2;
  for (int i = 0; i < half; ++i) {
    const double theta = pos * freq_scale * std::pow(base, -2.0 * i / n_rot);
    const int a = style == RopeStyle::kNormal ? 2 * i : i;
    const int b = style == RopeStyle::kNormal ? 2 * i + 1 : i + half;
    y[a] = static_cast<float>(x[a] * std::cos(theta) - x[b] * std::sin(theta));
    y[b] = static_cast<float>(x[a] * std::sin(theta) + x[b] * std::cos(theta));
  }
  return y;
}

void CheckRope(RopeStyle style, int head_dim, int n_rot, double freq_scale) {
  RopeParams p;
  p.n_rot = n_rot;
  p.freq_base = 10000.0f;
  p.freq_scale = static_cast<float>(freq_scale);
  std::vector<float> cos_t(n_rot / 2), sin_t(n_rot / 2);
  for (int64_t pos : {0, 1, 7, 63, 500}) {
    const std::vector<float> x = RandomVector(head_dim, static_cast<uint32_t>(pos + 10));
    RopeCosSin(p, pos, nullptr, cos_t.data(), sin_t.data());
    std::vector<float> y = x;
    ApplyRope(y.data(), n_rot, style, cos_t.data(), sin_t.data());
    const std::vector<float> expected = DirectRope(x, n_rot, style, pos, 10000.0, freq_scale);
    // Angles are built in float as llama.cpp does; the error grows with the position.
    const double tol = 2e-6 * static_cast<double>(pos + 1) + 1e-5;
    for (int i = 0; i < head_dim; ++i) {
      EXPECT_NEAR(y[i], expected[i], tol) << "pos " << pos << " dim " << i;
    }
    for (int i = n_rot; i < head_dim; ++i) EXPECT_EQ(y[i], x[i]);  // Unrotated tail.
  }
}

TEST(FloatOpsTest, RopeNormalOrderingMatchesFormula) { CheckRope(RopeStyle::kNormal, 64, 64, 1.0); }
TEST(FloatOpsTest, RopeNeoxOrderingMatchesFormula) { CheckRope(RopeStyle::kNeox, 64, 64, 1.0); }
TEST(FloatOpsTest, RopePartialRotation) {
  CheckRope(RopeStyle::kNormal, 64, 32, 1.0);
  CheckRope(RopeStyle::kNeox, 64, 32, 1.0);
}
TEST(FloatOpsTest, RopeLinearScaling) { CheckRope(RopeStyle::kNeox, 32, 32, 0.25); }

TEST(FloatOpsTest, RopeOrderingsDifferOnlyInPairing) {
  const int n = 8;
  RopeParams p;
  p.n_rot = n;
  std::vector<float> cos_t(n / 2), sin_t(n / 2);
  RopeCosSin(p, 3, nullptr, cos_t.data(), sin_t.data());
  // Interleave a NeoX-ordered vector into normal order: the rotations must agree element for element.
  const std::vector<float> neox_in = RandomVector(n, 5);
  std::vector<float> normal_in(n);
  for (int i = 0; i < n / 2; ++i) {
    normal_in[2 * i] = neox_in[i];
    normal_in[2 * i + 1] = neox_in[i + n / 2];
  }
  std::vector<float> a = neox_in, b = normal_in;
  ApplyRope(a.data(), n, RopeStyle::kNeox, cos_t.data(), sin_t.data());
  ApplyRope(b.data(), n, RopeStyle::kNormal, cos_t.data(), sin_t.data());
  for (int i = 0; i < n / 2; ++i) {
    EXPECT_EQ(a[i], b[2 * i]);
    EXPECT_EQ(a[i + n / 2], b[2 * i + 1]);
  }
}

TEST(FloatOpsTest, YarnBlendsExtrapolationAndInterpolation) {
  RopeParams p;
  p.n_rot = 64;
  p.freq_base = 10000.0f;
  p.freq_scale = 0.25f;
  p.ext_factor = 1.0f;
  p.attn_factor = 1.0f;
  p.n_ctx_orig = 4096;
  float dims[2];
  RopeYarnCorrDims(p, dims);
  // Correction dims from the wavelength formula: d(r) = n_rot * ln(n_ctx_orig / (2 pi r)) / (2 ln base).
  const auto corr = [&](double r) {
    return 64.0 * std::log(4096.0 / (r * 2.0 * M_PI)) / (2.0 * std::log(10000.0));
  };
  EXPECT_EQ(dims[0], std::max(0.0, std::floor(corr(32.0))));
  EXPECT_EQ(dims[1], std::min(63.0, std::ceil(corr(1.0))));

  const int64_t pos = 100;
  std::vector<float> cos_t(32), sin_t(32);
  RopeCosSin(p, pos, nullptr, cos_t.data(), sin_t.data());
  const double mscale = 1.0 + 0.1 * std::log(1.0 / 0.25);
  for (int i = 0; i < 32; ++i) {
    const double extrap = pos * std::pow(10000.0, -2.0 * i / 64);
    const double interp = 0.25 * extrap;
    const double ramp = 1.0 - std::min(1.0, std::max(0.0, (i - dims[0]) / std::max(0.001, dims[1] - dims[0] + 0.0)));
    const double theta = interp * (1 - ramp) + extrap * ramp;
    EXPECT_NEAR(cos_t[i], std::cos(theta) * mscale, 2e-4) << i;
    EXPECT_NEAR(sin_t[i], std::sin(theta) * mscale, 2e-4) << i;
    // Magnitude check: YaRN scales cos/sin by mscale.
    EXPECT_NEAR(std::hypot(cos_t[i], sin_t[i]), mscale, 1e-5);
  }
}

TEST(FloatOpsTest, RopeFreqFactorsDivideTheAngle) {
  RopeParams p;
  p.n_rot = 8;
  std::vector<float> factors = {1.0f, 2.0f, 4.0f, 8.0f};
  std::vector<float> c1(4), s1(4), c2(4), s2(4);
  RopeCosSin(p, 5, factors.data(), c1.data(), s1.data());
  for (int i = 0; i < 4; ++i) {
    const double theta = 5.0 * std::pow(10000.0, -2.0 * i / 8) / factors[i];
    EXPECT_NEAR(c1[i], std::cos(theta), 1e-5);
    EXPECT_NEAR(s1[i], std::sin(theta), 1e-5);
  }
}

}  // namespace
}  // namespace hearth::kernels
