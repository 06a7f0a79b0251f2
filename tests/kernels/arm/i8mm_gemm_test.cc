// The SMMLA gemm of the neon-i8mm table (kernels/arm_neon/gemm_i8mm.cc) against the same table's vec_dot:
// every (row, token) for 1..17 rows and 1..9 tokens (every tail of the 4 x 4 register block and of the row
// and token pairs) and for 71 tokens (more than one activation chunk), within 1e-5 of sum |w * x| (float
// summation order; the K formats compute vec_dot's own float expression per super-block, so they must
// match exactly), never writing outside the rows; random quant bytes and extreme ones (all 0x00, 0x7f,
// 0x80, 0xff) with activations at +-127, against the scalar vec_dot. Skipped where the CPU lacks i8mm;
// under QEMU_CPU=max (HEARTH_EXPECT_ISA=neon-i8mm, set by scripts/test_aarch64.sh) the level must be
// present and must have a gemm for every format.
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "kernels/dispatch.h"
#include "kernels/formats/ggml_type.h"
#include "kernels/kernel_table.h"
#include "kernels/ops/matmul.h"

namespace hearth::kernels {
namespace {

constexpr GgmlType kFormats[] = {GgmlType::kQ4_0, GgmlType::kQ8_0, GgmlType::kQ4_K,  GgmlType::kQ6_K,
                                 GgmlType::kQ4_1, GgmlType::kQ5_0, GgmlType::kQ5_1,  GgmlType::kIQ4_NL,
                                 GgmlType::kQ5_K, GgmlType::kQ2_K, GgmlType::kQ3_K, GgmlType::kIQ4_XS};
constexpr int64_t kMaxRows = 17;
constexpr int64_t kMaxTokens = 9;

bool IsKFormat(GgmlType type) { return GetGgmlTypeInfo(type).block_elems == 256; }

// The i8mm table, or null when this build or CPU lacks it (a failure if the test run expects it).
const KernelTable* I8mmTable() {
  absl::StatusOr<const KernelTable*> t = KernelsForIsa(Isa::kNeonI8mm);
  if (t.ok()) return *t;
  const char* expect = std::getenv("HEARTH_EXPECT_ISA");
  EXPECT_FALSE(expect != nullptr && std::string(expect) == "neon-i8mm")
      << "HEARTH_EXPECT_ISA=neon-i8mm but the level is unavailable: " << t.status();
  return nullptr;
}

// Byte offsets of the fp16 scales (d, dmin/m) in one weight block; every other byte is a quant or an
// integer scale.
std::vector<size_t> HalfOffsets(GgmlType type) {
  switch (type) {
    case GgmlType::kQ4_1: case GgmlType::kQ5_1: case GgmlType::kQ4_K: case GgmlType::kQ5_K: return {0, 2};
    case GgmlType::kQ2_K: return {80, 82};
    case GgmlType::kQ3_K: return {108};
    case GgmlType::kQ6_K: return {208};
    default: return {0};
  }
}

struct Data {
  int64_t cols = 0;
  size_t row_bytes = 0, act_row_bytes = 0;
  std::vector<uint8_t> w, act;
};

// kMaxRows weight rows: every quant byte `pattern` (or random when pattern < 0), fp16 scales in
// [2^-8, 2^-6) with random signs; activation rows quantized by the table from `x` (cols apart).
Data MakeData(const KernelTable& table, GgmlType type, int64_t cols, int pattern, const std::vector<float>& x,
              uint32_t seed) {
  const int64_t tokens = static_cast<int64_t>(x.size()) / cols;
  const GgmlTypeInfo& info = GetGgmlTypeInfo(type);
  std::mt19937 rng(seed);
  Data d;
  d.cols = cols;
  d.row_bytes = RowBytes(type, cols);
  d.w.resize(d.row_bytes * kMaxRows);
  for (uint8_t& b : d.w) b = pattern < 0 ? static_cast<uint8_t>(rng()) : static_cast<uint8_t>(pattern);
  for (size_t blk = 0; blk < d.w.size(); blk += info.block_bytes) {
    for (size_t off : HalfOffsets(type)) {
      const uint16_t h = static_cast<uint16_t>(0x1c00 + rng() % 0x800) | (rng() % 2 ? 0x8000 : 0);
      std::memcpy(&d.w[blk + off], &h, sizeof(h));
    }
  }
  d.act_row_bytes = RowBytes(table.format(type).dot_type, cols);
  d.act.resize(ActivationBytes(table, type, cols, tokens));
  QuantizeActivations(table, type, x.data(), cols, cols, 0, tokens, d.act.data());
  return d;
}

// sum |w * x| over the dequantized weights and activations of (row r, token t).
double Magnitude(const KernelTable& table, GgmlType type, const Data& d, int64_t r, int64_t t) {
  std::vector<float> w(static_cast<size_t>(d.cols)), a(static_cast<size_t>(d.cols));
  table.format(type).dequantize_row(d.w.data() + r * d.row_bytes, w.data(), d.cols);
  table.format(table.format(type).dot_type)
      .dequantize_row(d.act.data() + t * d.act_row_bytes, a.data(), d.cols);
  double m = 0.0;
  for (int64_t i = 0; i < d.cols; ++i) m += std::fabs(static_cast<double>(w[i]) * a[i]);
  return m;
}

// Runs the gemm for every (rows, tokens) in [1, kMaxRows] x [1, kMaxTokens] over the leading rows and
// tokens of `d` and checks each output against `ref_table`'s vec_dot.
void CheckAllShapes(const KernelTable& table, const KernelTable& ref_table, GgmlType type, const Data& d,
                    bool exact) {
  const FormatKernels& fk = table.format(type);
  std::vector<float> ref(static_cast<size_t>(kMaxRows * kMaxTokens)), tol(ref.size());
  for (int64_t t = 0; t < kMaxTokens; ++t) {
    for (int64_t r = 0; r < kMaxRows; ++r) {
      const size_t i = static_cast<size_t>(t * kMaxRows + r);
      ref[i] = ref_table.format(type).vec_dot(d.cols, d.w.data() + r * d.row_bytes,
                                              d.act.data() + t * d.act_row_bytes);
      tol[i] = static_cast<float>(1e-5 * Magnitude(table, type, d, r, t) + 1e-6);
    }
  }
  for (int64_t rows = 1; rows <= kMaxRows; ++rows) {
    for (int64_t tokens = 1; tokens <= kMaxTokens; ++tokens) {
      SCOPED_TRACE(std::to_string(rows) + " rows, " + std::to_string(tokens) + " tokens");
      const int64_t stride = rows + 3;  // Sentinels after each token's rows.
      std::vector<float> y(static_cast<size_t>(tokens * stride), -7777.0f);
      fk.gemm(d.cols, d.w.data(), d.row_bytes, rows, d.act.data(), d.act_row_bytes, tokens, y.data(), stride);
      for (int64_t t = 0; t < tokens; ++t) {
        for (int64_t r = 0; r < stride; ++r) {
          const float got = y[static_cast<size_t>(t * stride + r)];
          if (r >= rows) {
            ASSERT_EQ(got, -7777.0f) << "wrote past the rows: row " << r << " token " << t;
            continue;
          }
          const size_t i = static_cast<size_t>(t * kMaxRows + r);
          if (exact) {
            ASSERT_EQ(got, ref[i]) << "row " << r << " token " << t;
          } else {
            ASSERT_NEAR(got, ref[i], tol[i]) << "row " << r << " token " << t;
          }
        }
      }
    }
  }
}

std::vector<float> RandomActivations(int64_t cols, int64_t tokens, uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> dist(0.0f, 1.0f);
  std::vector<float> x(static_cast<size_t>(cols * tokens));
  for (float& v : x) v = dist(rng) * (rng() % 13 == 0 ? 30.0f : 1.0f);  // Outliers, as hidden states have.
  return x;
}

class I8mmGemmTest : public ::testing::TestWithParam<GgmlType> {};

TEST_P(I8mmGemmTest, HasGemm) {
  const KernelTable* table = I8mmTable();
  if (table == nullptr) GTEST_SKIP() << "no neon-i8mm on this CPU";
  EXPECT_NE(table->format(GetParam()).gemm, nullptr);
}

TEST_P(I8mmGemmTest, RandomBytesMatchVecDot) {
  const KernelTable* table = I8mmTable();
  if (table == nullptr) GTEST_SKIP() << "no neon-i8mm on this CPU";
  const GgmlType type = GetParam();
  ASSERT_NE(table->format(type).gemm, nullptr);
  for (const int64_t cols : {int64_t{256}, int64_t{768}}) {
    SCOPED_TRACE(std::string(GgmlTypeName(type)) + " cols " + std::to_string(cols));
    const Data d = MakeData(*table, type, cols, -1, RandomActivations(cols, kMaxTokens, 11),
                            static_cast<uint32_t>(cols));
    CheckAllShapes(*table, *table, type, d, IsKFormat(type));
  }
}

// More tokens than one activation chunk (at most 64 tokens are interleaved at a time): 71 tokens = a full
// chunk plus an odd remainder, 6 rows (a panel with one row pair).
TEST_P(I8mmGemmTest, TokensAcrossChunksMatchVecDot) {
  const KernelTable* table = I8mmTable();
  if (table == nullptr) GTEST_SKIP() << "no neon-i8mm on this CPU";
  const GgmlType type = GetParam();
  const FormatKernels& fk = table->format(type);
  ASSERT_NE(fk.gemm, nullptr);
  const int64_t cols = 256, rows = 6, tokens = 71;
  const Data d = MakeData(*table, type, cols, -1, RandomActivations(cols, tokens, 3), 9);
  std::vector<float> y(static_cast<size_t>(tokens * rows));
  fk.gemm(cols, d.w.data(), d.row_bytes, rows, d.act.data(), d.act_row_bytes, tokens, y.data(), rows);
  for (int64_t t = 0; t < tokens; ++t) {
    for (int64_t r = 0; r < rows; ++r) {
      const float ref = fk.vec_dot(cols, d.w.data() + r * d.row_bytes, d.act.data() + t * d.act_row_bytes);
      ASSERT_NEAR(y[static_cast<size_t>(t * rows + r)], ref, 1e-5 * Magnitude(*table, type, d, r, t) + 1e-6)
          << GgmlTypeName(type) << " row " << r << " token " << t;
    }
  }
}

// Extreme quant bytes with activations at +-127 (all +1, all -1, alternating): the integer paths at their
// largest sums, against the scalar vec_dot (exact integer sums).
TEST_P(I8mmGemmTest, ExtremeBytesMatchScalarVecDot) {
  const KernelTable* table = I8mmTable();
  if (table == nullptr) GTEST_SKIP() << "no neon-i8mm on this CPU";
  const GgmlType type = GetParam();
  ASSERT_NE(table->format(type).gemm, nullptr);
  const int64_t cols = 512;
  for (const int pattern : {0x00, 0x7f, 0x80, 0xff}) {
    for (int signs = 0; signs < 3; ++signs) {
      SCOPED_TRACE(std::string(GgmlTypeName(type)) + " pattern " + std::to_string(pattern) + " signs " +
                   std::to_string(signs));
      std::vector<float> x(static_cast<size_t>(cols * kMaxTokens));
      for (size_t i = 0; i < x.size(); ++i) x[i] = (signs == 1 || (signs == 2 && i % 2 == 1)) ? -1.0f : 1.0f;
      const Data d = MakeData(*table, type, cols, pattern, x, 5);
      CheckAllShapes(*table, ScalarKernels(), type, d, /*exact=*/false);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Formats, I8mmGemmTest, ::testing::ValuesIn(kFormats),
                         [](const ::testing::TestParamInfo<GgmlType>& param_info) {
                           return std::string(GgmlTypeName(param_info.param));
                         });

}  // namespace
}  // namespace hearth::kernels
