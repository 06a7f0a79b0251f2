// The blocked online-softmax attention kernel: the scalar reference against a direct softmax computed in
// double, and every available kernel table's version against the scalar one, across block boundaries,
// head sizes with vector tails and strided cache rows; the tiled many-row kernels against the reference.
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

// The tiled many-row kernels against the scalar Attend row by row: rows whose key counts differ (causal
// limits of consecutive tokens, some ending inside a key block), more rows than one register tile, head
// sizes the tiles cover and ones they hand to the one-row kernel (not multiples of 8 or of the lanes).
TEST(AttentionTest, EveryTableAttendRowsMatchesScalar) {
  struct RowsCase {
    int64_t n_rows, first_n_kv, head_dim, head_dim_v;
  };
  const RowsCase cases[] = {{1, 1, 64, 64},     {6, 1, 128, 128},  {24, 61, 128, 128}, {30, 200, 64, 64},
                            {13, 17, 80, 80},   {7, 33, 72, 40},   {5, 9, 17, 9},      {48, 513, 128, 128}};
  int checked = 0;
  for (Isa isa : AvailableIsas()) {
    const KernelTable& kt = **KernelsForIsa(isa);
    if (kt.attend_rows == nullptr) continue;
    for (const RowsCase& rc : cases) {
      const Case c{rc.first_n_kv + rc.n_rows, rc.head_dim, rc.head_dim_v};
      const Data d = MakeData(c, static_cast<uint32_t>(rc.n_rows * 31 + rc.first_n_kv));
      std::mt19937 rng(static_cast<uint32_t>(rc.n_rows));
      std::normal_distribution<float> dist(0.0f, 2.0f);
      std::vector<std::vector<float>> q(static_cast<size_t>(rc.n_rows), std::vector<float>(rc.head_dim));
      std::vector<std::vector<float>> want(q.size(), std::vector<float>(rc.head_dim_v));
      std::vector<std::vector<float>> got(q.size(), std::vector<float>(rc.head_dim_v, NAN));
      std::vector<const float*> q_rows;
      std::vector<float*> out_rows;
      std::vector<int64_t> n_kv;
      const float scale = 1.0f / std::sqrt(static_cast<float>(rc.head_dim));
      for (size_t r = 0; r < q.size(); ++r) {
        for (float& x : q[r]) x = dist(rng);
        // Rows in groups of 6 (GQA heads of one token) with one more key per token.
        n_kv.push_back(rc.first_n_kv + static_cast<int64_t>(r) / 6);
        q_rows.push_back(q[r].data());
        out_rows.push_back(got[r].data());
        Attend(q[r].data(), d.k.data(), d.k_stride, d.v.data(), d.v_stride, n_kv.back(), rc.head_dim,
               rc.head_dim_v, scale, want[r].data());
      }
      kt.attend_rows(q_rows.data(), rc.n_rows, n_kv.data(), d.k.data(), d.k_stride, d.v.data(), d.v_stride,
                     rc.head_dim, rc.head_dim_v, scale, out_rows.data());
      for (size_t r = 0; r < q.size(); ++r) {
        for (size_t i = 0; i < want[r].size(); ++i) {
          ASSERT_NEAR(got[r][i], want[r][i], 1e-5f * (1.0f + std::fabs(want[r][i])))
              << IsaName(isa) << " rows=" << rc.n_rows << " hd=" << rc.head_dim << " row " << r << " i=" << i;
        }
      }
      ++checked;
    }
  }
  if (checked == 0) GTEST_SKIP() << "no table has a tiled attention kernel on this CPU";
}

// The reference AttendRows is Attend row by row, exactly.
TEST(AttentionTest, ReferenceAttendRowsIsAttendPerRow) {
  const Case c{40, 64, 64};
  const Data d = MakeData(c, 3);
  std::vector<float> q2(c.head_dim), a(c.head_dim_v), b(c.head_dim_v), want_a(a), want_b(b);
  for (int64_t i = 0; i < c.head_dim; ++i) q2[i] = -d.q[i];
  const float* q_rows[] = {d.q.data(), q2.data()};
  float* out_rows[] = {a.data(), b.data()};
  const int64_t n_kv[] = {40, 7};
  AttendRows(q_rows, 2, n_kv, d.k.data(), d.k_stride, d.v.data(), d.v_stride, c.head_dim, c.head_dim_v, 0.125f,
             out_rows);
  Attend(d.q.data(), d.k.data(), d.k_stride, d.v.data(), d.v_stride, 40, c.head_dim, c.head_dim_v, 0.125f,
         want_a.data());
  Attend(q2.data(), d.k.data(), d.k_stride, d.v.data(), d.v_stride, 7, c.head_dim, c.head_dim_v, 0.125f,
         want_b.data());
  EXPECT_EQ(a, want_a);
  EXPECT_EQ(b, want_b);
}

}  // namespace
}  // namespace hearth::kernels
