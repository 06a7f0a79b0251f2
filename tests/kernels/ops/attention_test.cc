// The blocked online-softmax attention kernel: the scalar reference against a direct softmax computed in
// double, and every available kernel table's version against the scalar one, across block boundaries,
// head sizes with vector tails and strided cache rows.
#include "kernels/ops/attention.h"

#include <cmath>
#include <random>
#include <vector>

#include "gtest/gtest.h"
#include "kernels/dispatch.h"
#include "kernels/formats/fp16.h"
#include "kernels/kernel_table.h"

namespace hearth::kernels {
namespace {

struct Case {
  int64_t n_kv;
  int64_t head_dim;
  int64_t head_dim_v;
};

struct Data {
  std::vector<float> q;
  std::vector<uint16_t> k, v;
  size_t k_stride, v_stride;
};

Data MakeData(const Case& c, uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> dist(0.0f, 1.0f);
  Data d;
  d.k_stride = static_cast<size_t>(c.head_dim + 24);  // Rows of a cache holding other heads too.
  d.v_stride = static_cast<size_t>(c.head_dim_v + 8);
  d.q.resize(static_cast<size_t>(c.head_dim));
  for (float& x : d.q) x = 2.0f * dist(rng);
  d.k.resize(d.k_stride * static_cast<size_t>(c.n_kv));
  d.v.resize(d.v_stride * static_cast<size_t>(c.n_kv));
  for (uint16_t& h : d.k) h = Fp32ToFp16(dist(rng));
  for (uint16_t& h : d.v) h = Fp32ToFp16(dist(rng));
  return d;
}

std::vector<double> DirectAttention(const Case& c, const Data& d, float scale) {
  std::vector<double> s(static_cast<size_t>(c.n_kv));
  double max = -1e300;
  for (int64_t j = 0; j < c.n_kv; ++j) {
    double dot = 0;
    for (int64_t i = 0; i < c.head_dim; ++i) {
      dot += static_cast<double>(d.q[static_cast<size_t>(i)]) * Fp16ToFp32(d.k[j * d.k_stride + i]);
    }
    s[static_cast<size_t>(j)] = dot * scale;
    max = std::max(max, dot * scale);
  }
  double sum = 0;
  for (double& x : s) sum += (x = std::exp(x - max));
  std::vector<double> out(static_cast<size_t>(c.head_dim_v), 0.0);
  for (int64_t j = 0; j < c.n_kv; ++j) {
    for (int64_t i = 0; i < c.head_dim_v; ++i) {
      out[static_cast<size_t>(i)] += s[static_cast<size_t>(j)] / sum * Fp16ToFp32(d.v[j * d.v_stride + i]);
    }
  }
  return out;
}

const Case kCases[] = {{1, 64, 64},   {5, 64, 64},   {63, 128, 128}, {64, 128, 128}, {65, 128, 128},
                       {200, 80, 80}, {130, 72, 40}, {513, 128, 128}, {33, 17, 9}};

TEST(AttentionTest, ScalarMatchesDirectSoftmax) {
  for (const Case& c : kCases) {
    const Data d = MakeData(c, static_cast<uint32_t>(c.n_kv));
    const float scale = 1.0f / std::sqrt(static_cast<float>(c.head_dim));
    const std::vector<double> want = DirectAttention(c, d, scale);
    std::vector<float> got(static_cast<size_t>(c.head_dim_v));
    Attend(d.q.data(), d.k.data(), d.k_stride, d.v.data(), d.v_stride, c.n_kv, c.head_dim, c.head_dim_v,
           scale, got.data());
    for (size_t i = 0; i < got.size(); ++i) EXPECT_NEAR(got[i], want[i], 1e-4) << c.n_kv << " " << i;
  }
}

TEST(AttentionTest, EveryTableMatchesScalar) {
  for (Isa isa : AvailableIsas()) {
    const KernelTable& kt = **KernelsForIsa(isa);
    ASSERT_NE(kt.attend, nullptr) << IsaName(isa);
    for (const Case& c : kCases) {
      const Data d = MakeData(c, static_cast<uint32_t>(c.n_kv) + 7);
      const float scale = 1.0f / std::sqrt(static_cast<float>(c.head_dim));
      std::vector<float> want(static_cast<size_t>(c.head_dim_v)), got(want.size());
      Attend(d.q.data(), d.k.data(), d.k_stride, d.v.data(), d.v_stride, c.n_kv, c.head_dim,
             c.head_dim_v, scale, want.data());
      kt.attend(d.q.data(), d.k.data(), d.k_stride, d.v.data(), d.v_stride, c.n_kv, c.head_dim,
                c.head_dim_v, scale, got.data());
      for (size_t i = 0; i < got.size(); ++i) {
        EXPECT_NEAR(got[i], want[i], 1e-5f * (1.0f + std::fabs(want[i])))
            << IsaName(isa) << " n_kv=" << c.n_kv << " hd=" << c.head_dim << " i=" << i;
      }
    }
  }
}

}  // namespace
}  // namespace hearth::kernels
