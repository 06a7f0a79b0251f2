// The many-token gemm kernels against vec_dot of the same table: same activation rows (already in the
// dot_type), same weights, every (row, token) within float summation-order tolerance of vec_dot (1e-5 of
// sum |w * x|; float formats 2n * 2^-24 of it), for row counts that are not multiples of the panel and token counts that are not
// multiples of the tile; with every quant byte at an extreme (int16 saturation) against the scalar
// vec_dot. Also checks that MatMulRows uses the gemm and still matches vec_dot per range.
#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "kernels/dispatch.h"
#include "kernels/kernel_table.h"
#include "kernels/ops/matmul.h"

namespace hearth::kernels {
namespace {

constexpr GgmlType kFormats[] = {GgmlType::kQ4_0, GgmlType::kQ4_1, GgmlType::kQ5_0, GgmlType::kQ5_1,
                                 GgmlType::kQ8_0, GgmlType::kQ4_K, GgmlType::kQ5_K, GgmlType::kQ6_K,
                                 GgmlType::kQ2_K, GgmlType::kQ3_K, GgmlType::kIQ4_NL, GgmlType::kIQ4_XS,
                                 GgmlType::kF16,  GgmlType::kBF16};

struct Problem {
  int64_t cols, rows, tokens;
};

struct Data {
  std::vector<uint8_t> w, act;
  std::vector<float> w_float, x;
  size_t row_bytes = 0, act_row_bytes = 0;
};

Data MakeData(const KernelTable& table, GgmlType type, const Problem& p, uint32_t seed) {
  const FormatKernels& fk = table.format(type);
  Data d;
  std::mt19937 rng(seed);
  std::normal_distribution<float> dist(0.0f, 1.0f);
  d.w_float.resize(static_cast<size_t>(p.rows * p.cols));
  d.x.resize(static_cast<size_t>(p.tokens * p.cols));
  for (float& v : d.w_float) v = dist(rng);
  // Activations with outliers, as real hidden states have.
  for (float& v : d.x) v = dist(rng) * (rng() % 17 == 0 ? 20.0f : 1.0f);
  d.row_bytes = RowBytes(type, p.cols);
  d.w.resize(d.row_bytes * static_cast<size_t>(p.rows));
  for (int64_t r = 0; r < p.rows; ++r) {
    fk.quantize_row(&d.w_float[static_cast<size_t>(r * p.cols)], d.w.data() + r * d.row_bytes, p.cols);
  }
  d.act_row_bytes = RowBytes(fk.dot_type, p.cols);
  d.act.resize(ActivationBytes(table, type, p.cols, p.tokens));
  QuantizeActivations(table, type, d.x.data(), p.cols, p.cols, 0, p.tokens, d.act.data());
  return d;
}

// Tolerance for (row r, token t): 1e-5 of sum |w * x| over the dequantized weights.
std::vector<double> Magnitudes(const KernelTable& table, GgmlType type, const Problem& p, const Data& d) {
  std::vector<float> deq(static_cast<size_t>(p.cols));
  std::vector<double> mag(static_cast<size_t>(p.rows * p.tokens));
  for (int64_t r = 0; r < p.rows; ++r) {
    table.format(type).dequantize_row(d.w.data() + r * d.row_bytes, deq.data(), p.cols);
    for (int64_t t = 0; t < p.tokens; ++t) {
      double m = 0.0;
      for (int64_t i = 0; i < p.cols; ++i) m += std::fabs(static_cast<double>(deq[i]) * d.x[t * p.cols + i]);
      mag[static_cast<size_t>(t * p.rows + r)] = m;
    }
  }
  return mag;
}

bool IsFloatFormat(GgmlType type) { return GetGgmlTypeInfo(type).block_elems == 1; }

// Quantized formats: exact integer block sums, only the float summation order differs: 1e-5 of
// sum |w * x|. Float formats sum all n products in f32 (or double) in another order: each of the n
// additions may round by 2^-24 of a partial sum, on either side.
double Tolerance(GgmlType type, int64_t cols, double mag) {
  return IsFloatFormat(type) ? 2.0 * static_cast<double>(cols) * std::ldexp(1.0, -24) * mag : 1e-5 * mag;
}

std::vector<const KernelTable*> GemmTables() {
  std::vector<const KernelTable*> tables;
  for (Isa isa : AvailableIsas()) {
    absl::StatusOr<const KernelTable*> t = KernelsForIsa(isa);
    if (t.ok()) tables.push_back(*t);
  }
  return tables;
}

class GemmTest : public ::testing::TestWithParam<GgmlType> {};

TEST_P(GemmTest, MatchesVecDot) {
  const GgmlType type = GetParam();
  int tested = 0;
  for (const KernelTable* table : GemmTables()) {
    const FormatKernels& fk = table->format(type);
    if (fk.gemm == nullptr) continue;
    ++tested;
    std::vector<Problem> problems = {Problem{512, 37, 19}, Problem{256, 16, 8}, Problem{768, 5, 1},
                                     Problem{1024, 33, 3}, Problem{512, 48, 24}};
    // Float formats: any n (tails of the 8-wide conversions) and n past one k block (accumulation).
    if (IsFloatFormat(type)) problems.insert(problems.end(), {Problem{301, 21, 14}, Problem{2100, 35, 13}});
    for (const Problem& p : problems) {
      SCOPED_TRACE(std::string(IsaName(table->isa)) + " " + std::string(GgmlTypeName(type)) + " " +
                   std::to_string(p.cols) + "x" + std::to_string(p.rows) + " tokens " +
                   std::to_string(p.tokens));
      const Data d = MakeData(*table, type, p, static_cast<uint32_t>(p.cols + p.rows + p.tokens));
      const std::vector<double> mag = Magnitudes(*table, type, p, d);
      // Output stride wider than rows, sentinel-filled, to catch writes outside the rows.
      const int64_t stride = p.rows + 5;
      std::vector<float> y(static_cast<size_t>(p.tokens * stride), -12345.0f);
      fk.gemm(p.cols, d.w.data(), d.row_bytes, p.rows, d.act.data(), d.act_row_bytes, p.tokens, y.data(),
              stride);
      for (int64_t t = 0; t < p.tokens; ++t) {
        for (int64_t r = 0; r < p.rows; ++r) {
          const float ref = fk.vec_dot(p.cols, d.w.data() + r * d.row_bytes,
                                       d.act.data() + t * d.act_row_bytes);
          ASSERT_NEAR(y[static_cast<size_t>(t * stride + r)], ref,
                      Tolerance(type, p.cols, mag[static_cast<size_t>(t * p.rows + r)]))
              << "row " << r << " token " << t;
        }
        for (int64_t r = p.rows; r < stride; ++r) {
          ASSERT_EQ(y[static_cast<size_t>(t * stride + r)], -12345.0f) << "wrote past the rows, token " << t;
        }
      }
    }
  }
  if (tested == 0) GTEST_SKIP() << "no table on this machine has a gemm for " << GgmlTypeName(type);
}

// Bytes [begin, end) of a block that hold fp16 scales (d, dmin, m); every other byte is a quant or an
// integer scale.
struct Fp16Span {
  int begin, end;
};

Fp16Span Fp16Fields(GgmlType type) {
  switch (type) {
    case GgmlType::kQ4_1:
    case GgmlType::kQ5_1:
    case GgmlType::kQ4_K:
    case GgmlType::kQ5_K: return {0, 4};
    case GgmlType::kQ6_K: return {208, 210};
    case GgmlType::kQ2_K: return {80, 84};
    case GgmlType::kQ3_K: return {108, 110};
    default: return {0, 2};
  }
}

// Worst cases for the integer paths (int16 saturation in the SIMD kernels): every quant and integer scale
// byte set to one pattern (0xff: all quants and scales at their maximum; 0x80 / 0x7f: extreme signed
// values), fp16 scales small and positive, activations all +1, all -1 or alternating (|q| = 127).
TEST_P(GemmTest, ExtremeQuantsMatchVecDot) {
  const GgmlType type = GetParam();
  if (IsFloatFormat(type)) GTEST_SKIP() << "no quants or integer scales";
  const GgmlTypeInfo& info = GetGgmlTypeInfo(type);
  const Fp16Span fp16 = Fp16Fields(type);
  for (const KernelTable* table : GemmTables()) {
    const FormatKernels& fk = table->format(type);
    if (fk.gemm == nullptr) continue;
    const Problem p{512, 11, 7};
    for (uint8_t pattern : {uint8_t{0xff}, uint8_t{0x80}, uint8_t{0x7f}, uint8_t{0x00}}) {
      for (int sign_mode = 0; sign_mode < 3; ++sign_mode) {
        SCOPED_TRACE(std::string(IsaName(table->isa)) + " " + std::string(GgmlTypeName(type)) + " pattern " +
                     std::to_string(pattern) + " signs " + std::to_string(sign_mode));
        Data d = MakeData(*table, type, p, 3);
        const size_t nblocks = d.w.size() / info.block_bytes;
        for (size_t b = 0; b < nblocks; ++b) {
          uint8_t* blk = d.w.data() + b * info.block_bytes;
          for (int i = 0; i < static_cast<int>(info.block_bytes); ++i) {
            if (i >= fp16.begin && i < fp16.end) {
              blk[i] = (i - fp16.begin) % 2 == 0 ? 0x00 : 0x20;  // fp16 0x2000 = 2^-7.
            } else {
              blk[i] = pattern;
            }
          }
        }
        for (int64_t i = 0; i < p.tokens * p.cols; ++i) {
          const bool negative = sign_mode == 1 || (sign_mode == 2 && i % 2 == 1);
          d.x[static_cast<size_t>(i)] = negative ? -1.0f : 1.0f;
        }
        QuantizeActivations(*table, type, d.x.data(), p.cols, p.cols, 0, p.tokens, d.act.data());
        const std::vector<double> mag = Magnitudes(*table, type, p, d);
        std::vector<float> y(static_cast<size_t>(p.tokens * p.rows));
        fk.gemm(p.cols, d.w.data(), d.row_bytes, p.rows, d.act.data(), d.act_row_bytes, p.tokens, y.data(),
                p.rows);
        for (int64_t t = 0; t < p.tokens; ++t) {
          for (int64_t r = 0; r < p.rows; ++r) {
            // The scalar vec_dot: exact integer sums, so a saturating SIMD vec_dot would not hide one here.
            const float ref = ScalarKernels().format(type).vec_dot(p.cols, d.w.data() + r * d.row_bytes,
                                                                   d.act.data() + t * d.act_row_bytes);
            ASSERT_NEAR(y[static_cast<size_t>(t * p.rows + r)], ref,
                        1e-5 * mag[static_cast<size_t>(t * p.rows + r)] + 1e-6)
                << "row " << r << " token " << t;
          }
        }
      }
    }
  }
}

// The driver: row ranges handed out unevenly (as threads would) and the 1-token path agree with vec_dot.
TEST_P(GemmTest, MatMulRowsRangesMatchVecDot) {
  const GgmlType type = GetParam();
  for (const KernelTable* table : GemmTables()) {
    const FormatKernels& fk = table->format(type);
    if (!CanMatMul(*table, type)) continue;
    for (int64_t tokens : {int64_t{1}, int64_t{2}, int64_t{13}}) {
      const Problem p{512, 70, tokens};
      SCOPED_TRACE(std::string(IsaName(table->isa)) + " " + std::string(GgmlTypeName(type)) + " tokens " +
                   std::to_string(tokens));
      const Data d = MakeData(*table, type, p, 7);
      const std::vector<double> mag = Magnitudes(*table, type, p, d);
      WeightMatrix w;
      w.type = type;
      w.cols = p.cols;
      w.rows = p.rows;
      w.row_bytes = d.row_bytes;
      w.data = d.w.data();
      std::vector<float> y(static_cast<size_t>(p.tokens * p.rows));
      for (int64_t b = 0; b < p.rows; b += 23) {
        MatMulRows(*table, w, d.act.data(), p.tokens, y.data(), p.rows, b, std::min(p.rows, b + 23));
      }
      for (int64_t t = 0; t < p.tokens; ++t) {
        for (int64_t r = 0; r < p.rows; ++r) {
          const float ref = fk.vec_dot(p.cols, w.row(r), d.act.data() + t * d.act_row_bytes);
          ASSERT_NEAR(y[static_cast<size_t>(t * p.rows + r)], ref,
                      Tolerance(type, p.cols, mag[static_cast<size_t>(t * p.rows + r)]))
              << "row " << r << " token " << t;
        }
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Formats, GemmTest, ::testing::ValuesIn(kFormats),
                         [](const ::testing::TestParamInfo<GgmlType>& param_info) {
                           return std::string(GgmlTypeName(param_info.param));
                         });

}  // namespace
}  // namespace hearth::kernels
