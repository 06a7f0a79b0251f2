// Every available kernel table's float ops (RMSNorm, softmax, SiLU-mul, add, RoPE) against the scalar
// references, on odd sizes so that vector tails are exercised.
#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "gtest/gtest.h"
#include "kernels/dispatch.h"
#include "kernels/kernel_table.h"
#include "kernels/ops/float_ops.h"

namespace hearth::kernels {
namespace {

std::vector<float> RandomVector(int64_t n, uint32_t seed, float stddev = 1.0f) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> dist(0.0f, stddev);
  std::vector<float> v(static_cast<size_t>(n));
  for (float& x : v) x = dist(rng);
  return v;
}

void ExpectClose(const std::vector<float>& got, const std::vector<float>& want, float rel, const char* what,
                 Isa isa, int64_t n) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) {
    EXPECT_NEAR(got[i], want[i], rel * (1.0f + std::fabs(want[i])))
        << what << " " << IsaName(isa) << " n=" << n << " i=" << i;
  }
}

const std::vector<int64_t> kSizes = {1, 3, 7, 8, 15, 16, 17, 31, 33, 64, 100, 257, 1536};

TEST(FloatOpsSimdTest, EveryTableHasTheOps) {
  for (Isa isa : AvailableIsas()) {
    const KernelTable& kt = **KernelsForIsa(isa);
    EXPECT_NE(kt.rms_norm, nullptr) << IsaName(isa);
    EXPECT_NE(kt.softmax, nullptr) << IsaName(isa);
    EXPECT_NE(kt.silu_mul, nullptr) << IsaName(isa);
    EXPECT_NE(kt.add, nullptr) << IsaName(isa);
    EXPECT_NE(kt.rope, nullptr) << IsaName(isa);
    EXPECT_NE(kt.attend, nullptr) << IsaName(isa);
  }
}

TEST(FloatOpsSimdTest, RmsNormMatchesScalar) {
  for (Isa isa : AvailableIsas()) {
    const KernelTable& kt = **KernelsForIsa(isa);
    for (int64_t n : kSizes) {
      const std::vector<float> x = RandomVector(n, 1, 3.0f), w = RandomVector(n, 2);
      std::vector<float> want(static_cast<size_t>(n)), got(static_cast<size_t>(n));
      RmsNorm(x.data(), w.data(), n, 1e-6f, want.data());
      kt.rms_norm(x.data(), w.data(), n, 1e-6f, got.data());
      ExpectClose(got, want, 1e-5f, "rms_norm", isa, n);
      RmsNorm(x.data(), nullptr, n, 1e-6f, want.data());
      got = x;  // In place, no weight.
      kt.rms_norm(got.data(), nullptr, n, 1e-6f, got.data());
      ExpectClose(got, want, 1e-5f, "rms_norm in place", isa, n);
    }
  }
}

TEST(FloatOpsSimdTest, SoftmaxMatchesScalarWithMasks) {
  const float inf = std::numeric_limits<float>::infinity();
  for (Isa isa : AvailableIsas()) {
    const KernelTable& kt = **KernelsForIsa(isa);
    for (int64_t n : kSizes) {
      std::vector<float> x = RandomVector(n, 3, 4.0f);
      for (int64_t i = 1; i < n; i += 3) x[static_cast<size_t>(i)] = -inf;
      std::vector<float> want = x, got = x;
      Softmax(want.data(), n);
      kt.softmax(got.data(), n);
      ExpectClose(got, want, 1e-5f, "softmax", isa, n);
      for (int64_t i = 1; i < n; i += 3) EXPECT_EQ(got[static_cast<size_t>(i)], 0.0f);
    }
    std::vector<float> masked(5, -inf);
    kt.softmax(masked.data(), 5);
    for (float v : masked) EXPECT_EQ(v, 0.0f) << IsaName(isa);
  }
}

TEST(FloatOpsSimdTest, SiluMulAndAddMatchScalar) {
  for (Isa isa : AvailableIsas()) {
    const KernelTable& kt = **KernelsForIsa(isa);
    for (int64_t n : kSizes) {
      std::vector<float> g = RandomVector(n, 4, 5.0f);
      if (n > 2) {
        g[0] = 100.0f;  // Saturated ends of the sigmoid.
        g[1] = -100.0f;
      }
      const std::vector<float> u = RandomVector(n, 5);
      std::vector<float> want(static_cast<size_t>(n)), got(static_cast<size_t>(n));
      SiluMul(g.data(), u.data(), n, want.data());
      kt.silu_mul(g.data(), u.data(), n, got.data());
      ExpectClose(got, want, 1e-5f, "silu_mul", isa, n);
      Add(g.data(), u.data(), n, want.data());
      got = g;  // In place.
      kt.add(got.data(), u.data(), n, got.data());
      ExpectClose(got, want, 0.0f, "add", isa, n);
    }
  }
}

TEST(FloatOpsSimdTest, RopeMatchesScalarInBothStyles) {
  RopeParams params;
  params.freq_base = 1000000.0f;
  for (Isa isa : AvailableIsas()) {
    const KernelTable& kt = **KernelsForIsa(isa);
    for (int n_rot : {2, 6, 16, 32, 34, 64, 128}) {
      params.n_rot = n_rot;
      std::vector<float> cos_t(static_cast<size_t>(n_rot / 2)), sin_t(static_cast<size_t>(n_rot / 2));
      RopeCosSin(params, 37, nullptr, cos_t.data(), sin_t.data());
      for (bool neox : {false, true}) {
        const int head_dim = n_rot + 6;  // Dimensions past n_rot pass through.
        const std::vector<float> x = RandomVector(head_dim, static_cast<uint32_t>(n_rot));
        std::vector<float> want = x, got = x;
        ApplyRope(want.data(), n_rot, neox ? RopeStyle::kNeox : RopeStyle::kNormal, cos_t.data(),
                  sin_t.data());
        kt.rope(got.data(), n_rot, neox, cos_t.data(), sin_t.data());
        ExpectClose(got, want, 1e-6f, neox ? "rope neox" : "rope normal", isa, n_rot);
      }
    }
  }
}

}  // namespace
}  // namespace hearth::kernels
