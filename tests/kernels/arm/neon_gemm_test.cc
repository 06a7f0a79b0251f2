// The many-token gemm of every NEON level (neon: SMULL + SADALP, kernels/arm_neon/gemm_neon.cc;
// neon-dotprod: SDOT by element, gemm_dotprod.cc; neon-i8mm: SMMLA, gemm_i8mm.cc) against vec_dot: every
// (row, token) for 1..17 rows and 1..9 tokens (every tail of the 4-row panels, of the token quads and
// pairs, and of the register blocks: 4 rows x 8 tokens on dotprod, 4 x 4 on the others) and for 71 tokens
// (more than one activation chunk, also with rows long enough that a chunk holds fewer than 64 tokens).
// The K formats compute vec_dot's own float expression per super-block, so they must match it exactly;
// the legacy ones within 1e-5 of sum |w * x| (float summation order). Outputs past the rows are never
// written. Random quant bytes, and extreme ones (all 0x00, 0x7f, 0x80, 0xff) with activations at +-127
// against the scalar vec_dot. A level the CPU lacks is skipped, unless HEARTH_EXPECT_ISA (set by
// scripts/test_aarch64.sh for each emulated CPU) says the CPU runs it.
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <tuple>
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

constexpr Isa kLevels[] = {Isa::kNeon, Isa::kNeonDotprod, Isa::kNeonI8mm};

// Position of a NEON level in kLevels (each level implies the ones before it), -1 for any other.
int LevelRank(Isa isa) {
  for (int i = 0; i < 3; ++i) {
    if (kLevels[i] == isa) return i;
  }
  return -1;
}

// The table of `isa`, or null when this build or CPU lacks it (a failure if HEARTH_EXPECT_ISA names this
// level or a later one).
const KernelTable* LevelTable(Isa isa) {
  absl::StatusOr<const KernelTable*> t = KernelsForIsa(isa);
  if (t.ok()) return *t;
  const char* expect = std::getenv("HEARTH_EXPECT_ISA");
  if (expect != nullptr && *expect != '\0') {
    absl::StatusOr<Isa> expected = ParseIsa(expect);
    EXPECT_FALSE(expected.ok() && LevelRank(*expected) >= LevelRank(isa))
        << "HEARTH_EXPECT_ISA=" << expect << " but " << IsaName(isa) << " is unavailable: " << t.status();
  }
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

class NeonGemmTest : public ::testing::TestWithParam<std::tuple<Isa, GgmlType>> {
 protected:
  void SetUp() override {
    table_ = LevelTable(std::get<0>(GetParam()));
    if (table_ == nullptr) GTEST_SKIP() << IsaName(std::get<0>(GetParam())) << " is not available here";
    ASSERT_NE(table_->format(type()).gemm, nullptr);
  }
  GgmlType type() const { return std::get<1>(GetParam()); }
  const KernelTable* table_ = nullptr;
};

TEST_P(NeonGemmTest, RandomBytesMatchVecDot) {
  for (const int64_t cols : {int64_t{256}, int64_t{768}}) {
    SCOPED_TRACE(std::string(GgmlTypeName(type())) + " cols " + std::to_string(cols));
    const Data d = MakeData(*table_, type(), cols, -1, RandomActivations(cols, kMaxTokens, 11),
                            static_cast<uint32_t>(cols));
    CheckAllShapes(*table_, *table_, type(), d, IsKFormat(type()));
  }
}

// More tokens than one activation chunk (at most 64 tokens are repacked at a time): 71 tokens = a full
// chunk plus an odd remainder, 6 rows (a full 4-row panel and a half one). With 9728 columns a chunk
// holds only 40..48 tokens (sized to the L2), a count that is not a power of two.
TEST_P(NeonGemmTest, TokensAcrossChunksMatchVecDot) {
  const FormatKernels& fk = table_->format(type());
  const int64_t rows = 6, tokens = 71;
  for (const int64_t cols : {int64_t{256}, int64_t{9728}}) {
    SCOPED_TRACE(std::string(GgmlTypeName(type())) + " cols " + std::to_string(cols));
    const Data d = MakeData(*table_, type(), cols, -1, RandomActivations(cols, tokens, 3), 9);
    std::vector<float> y(static_cast<size_t>(tokens * rows));
    fk.gemm(cols, d.w.data(), d.row_bytes, rows, d.act.data(), d.act_row_bytes, tokens, y.data(), rows);
    for (int64_t t = 0; t < tokens; ++t) {
      for (int64_t r = 0; r < rows; ++r) {
        const float ref = fk.vec_dot(cols, d.w.data() + r * d.row_bytes, d.act.data() + t * d.act_row_bytes);
        const float got = y[static_cast<size_t>(t * rows + r)];
        if (IsKFormat(type())) {
          ASSERT_EQ(got, ref) << "row " << r << " token " << t;
        } else {
          const double tol = 1e-5 * Magnitude(*table_, type(), d, r, t) + 1e-6;
          ASSERT_NEAR(got, ref, tol) << "row " << r << " token " << t;
        }
      }
    }
  }
}

// Extreme quant bytes with activations at +-127 (all +1, all -1, alternating): the integer paths at their
// largest sums, against the scalar vec_dot (exact integer sums).
TEST_P(NeonGemmTest, ExtremeBytesMatchScalarVecDot) {
  const int64_t cols = 512;
  for (const int pattern : {0x00, 0x7f, 0x80, 0xff}) {
    for (int signs = 0; signs < 3; ++signs) {
      SCOPED_TRACE(std::string(GgmlTypeName(type())) + " pattern " + std::to_string(pattern) + " signs " +
                   std::to_string(signs));
      std::vector<float> x(static_cast<size_t>(cols * kMaxTokens));
      for (size_t i = 0; i < x.size(); ++i) x[i] = (signs == 1 || (signs == 2 && i % 2 == 1)) ? -1.0f : 1.0f;
      const Data d = MakeData(*table_, type(), cols, pattern, x, 5);
      CheckAllShapes(*table_, ScalarKernels(), type(), d, /*exact=*/IsKFormat(type()));
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Levels, NeonGemmTest, ::testing::Combine(::testing::ValuesIn(kLevels),
                                                                  ::testing::ValuesIn(kFormats)),
                         [](const ::testing::TestParamInfo<std::tuple<Isa, GgmlType>>& param_info) {
                           std::string name = std::string(IsaName(std::get<0>(param_info.param))) + "_" +
                                              std::string(GgmlTypeName(std::get<1>(param_info.param)));
                           for (char& c : name) {
                             if (c == '-') c = '_';
                           }
                           return name;
                         });

}  // namespace
}  // namespace hearth::kernels
