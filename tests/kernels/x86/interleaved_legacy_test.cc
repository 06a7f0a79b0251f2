// The interleaved decode layout of the 32-element formats, for every table this CPU runs that has one:
// pack -> unpack is byte-exact on arbitrary bytes; gemv equals the table's vec_dot per (row, token)
// within float summation-order tolerance (1e-5 of sum |w * x|), on quantized data and with every quant
// byte at an extreme (against the scalar vec_dot's exact integer sums); MatMulRows over an interleaved
// WeightMatrix equals the file-layout result for 1 token (gemv) and 8 tokens (unpack + gemm).
#include <algorithm>
#include <cmath>
#include <cstdint>
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

constexpr GgmlType kFormats[] = {GgmlType::kQ4_0, GgmlType::kQ4_1, GgmlType::kQ5_0,
                                 GgmlType::kQ5_1, GgmlType::kQ8_0, GgmlType::kIQ4_NL};
constexpr int64_t kCols[] = {32, 64, 1536 + 32};
constexpr int64_t kGroups = 3;

// Tables (beyond scalar) that have an interleaved layout for `type`.
std::vector<const KernelTable*> InterleavedTables(GgmlType type) {
  std::vector<const KernelTable*> tables;
  for (Isa isa : AvailableIsas()) {
    absl::StatusOr<const KernelTable*> t = KernelsForIsa(isa);
    if (t.ok() && (*t)->format(type).interleaved.rows > 0) tables.push_back(*t);
  }
  return tables;
}

std::string Trace(const KernelTable& table, GgmlType type, int64_t cols) {
  return std::string(IsaName(table.isa)) + " " + std::string(GgmlTypeName(type)) + " cols " +
         std::to_string(cols);
}

struct Data {
  int64_t cols = 0, rows = 0, tokens = 0;
  size_t row_bytes = 0, act_row_bytes = 0;
  std::vector<uint8_t> w, act;
  std::vector<float> x;
};

Data MakeData(const KernelTable& table, GgmlType type, int64_t cols, int64_t rows, int64_t tokens,
              uint32_t seed) {
  const FormatKernels& fk = table.format(type);
  Data d;
  d.cols = cols;
  d.rows = rows;
  d.tokens = tokens;
  std::mt19937 rng(seed);
  std::normal_distribution<float> dist(0.0f, 1.0f);
  std::vector<float> wf(static_cast<size_t>(rows * cols));
  for (float& v : wf) v = dist(rng);
  d.x.resize(static_cast<size_t>(tokens * cols));
  for (float& v : d.x) v = dist(rng) * (rng() % 17 == 0 ? 20.0f : 1.0f);
  d.row_bytes = RowBytes(type, cols);
  d.w.resize(d.row_bytes * static_cast<size_t>(rows));
  for (int64_t r = 0; r < rows; ++r) {
    fk.quantize_row(&wf[static_cast<size_t>(r * cols)], d.w.data() + r * d.row_bytes, cols);
  }
  d.act_row_bytes = RowBytes(fk.dot_type, cols);
  d.act.resize(ActivationBytes(table, type, cols, tokens));
  QuantizeActivations(table, type, d.x.data(), cols, cols, 0, tokens, d.act.data());
  return d;
}

// 1e-5 of sum |w * x| over the dequantized weights, per (token, row).
std::vector<double> Tolerances(const KernelTable& table, GgmlType type, const Data& d) {
  std::vector<float> deq(static_cast<size_t>(d.cols));
  std::vector<double> tol(static_cast<size_t>(d.rows * d.tokens));
  for (int64_t r = 0; r < d.rows; ++r) {
    table.format(type).dequantize_row(d.w.data() + r * d.row_bytes, deq.data(), d.cols);
    for (int64_t t = 0; t < d.tokens; ++t) {
      double m = 0.0;
      for (int64_t i = 0; i < d.cols; ++i) m += std::fabs(static_cast<double>(deq[i]) * d.x[t * d.cols + i]);
      tol[static_cast<size_t>(t * d.rows + r)] = 1e-5 * m + 1e-6;
    }
  }
  return tol;
}

// The whole matrix packed group by group, with 64 sentinel bytes after it.
std::vector<uint8_t> Pack(const FormatKernels& fk, const Data& d) {
  std::vector<uint8_t> packed(d.w.size() + 64, 0xa5);
  const int64_t g = fk.interleaved.rows;
  for (int64_t r = 0; r < d.rows; r += g) {
    fk.interleaved.pack(d.cols, d.w.data() + r * d.row_bytes, d.row_bytes, packed.data() + r * d.row_bytes);
  }
  return packed;
}

// Runs gemv over all groups and checks it against vec_dot (of `ref_table`) for every (token, row).
void ExpectGemvMatches(const KernelTable& table, const KernelTable& ref_table, GgmlType type,
                       const Data& d) {
  const FormatKernels& fk = table.format(type);
  const std::vector<uint8_t> packed = Pack(fk, d);
  const std::vector<double> tol = Tolerances(table, type, d);
  const int64_t stride = d.rows + 3;  // Wider than the rows and sentinel-filled: catches stray writes.
  std::vector<float> y(static_cast<size_t>(d.tokens * stride), -12345.0f);
  fk.interleaved.gemv(d.cols, packed.data(), d.rows / fk.interleaved.rows, d.act.data(), d.act_row_bytes,
                      d.tokens, y.data(), stride);
  for (int64_t t = 0; t < d.tokens; ++t) {
    for (int64_t r = 0; r < d.rows; ++r) {
      const float ref = ref_table.format(type).vec_dot(d.cols, d.w.data() + r * d.row_bytes,
                                                       d.act.data() + t * d.act_row_bytes);
      ASSERT_NEAR(y[static_cast<size_t>(t * stride + r)], ref, tol[static_cast<size_t>(t * d.rows + r)])
          << "row " << r << " token " << t << " of " << d.tokens;
    }
    for (int64_t r = d.rows; r < stride; ++r) {
      ASSERT_EQ(y[static_cast<size_t>(t * stride + r)], -12345.0f) << "wrote past the rows, token " << t;
    }
  }
}

class InterleavedLegacyTest : public ::testing::TestWithParam<GgmlType> {};

TEST_P(InterleavedLegacyTest, PackUnpackRoundTripsExactly) {
  const GgmlType type = GetParam();
  for (const KernelTable* table : InterleavedTables(type)) {
    const FormatKernels& fk = table->format(type);
    ASSERT_TRUE(fk.interleaved.rows == 4 || fk.interleaved.rows == 8 || fk.interleaved.rows == 16);
    for (int64_t cols : kCols) {
      SCOPED_TRACE(Trace(*table, type, cols));
      const int64_t rows = kGroups * fk.interleaved.rows;
      const size_t row_bytes = RowBytes(type, cols);
      // Arbitrary bytes (any f16 bit pattern, any qh): the layout is a permutation, so all must survive.
      std::mt19937 rng(static_cast<uint32_t>(cols));
      std::vector<uint8_t> src(row_bytes * static_cast<size_t>(rows));
      for (uint8_t& b : src) b = static_cast<uint8_t>(rng());
      Data d;
      d.cols = cols;
      d.rows = rows;
      d.row_bytes = row_bytes;
      d.w = src;
      const std::vector<uint8_t> packed = Pack(fk, d);
      for (size_t i = src.size(); i < packed.size(); ++i) ASSERT_EQ(packed[i], 0xa5) << "pack overran";
      std::vector<uint8_t> back(src.size() + 64, 0x5a);
      for (int64_t r = 0; r < rows; r += fk.interleaved.rows) {
        fk.interleaved.unpack(cols, packed.data() + r * row_bytes, back.data() + r * row_bytes, row_bytes);
      }
      for (size_t i = 0; i < src.size(); ++i) ASSERT_EQ(back[i], src[i]) << "byte " << i;
      for (size_t i = src.size(); i < back.size(); ++i) ASSERT_EQ(back[i], 0x5a) << "unpack overran";
    }
  }
}

TEST_P(InterleavedLegacyTest, GemvMatchesVecDot) {
  const GgmlType type = GetParam();
  const std::vector<const KernelTable*> tables = InterleavedTables(type);
  if (tables.empty()) GTEST_SKIP() << "no interleaved layout for " << GgmlTypeName(type);
  for (const KernelTable* table : tables) {
    for (int64_t cols : kCols) {
      // Every tile size (up to 8 tokens per pass) and tails after full tiles.
      for (int64_t tokens : {1, 2, 3, 4, 5, 6, 7, 8, 9, 13, 17}) {
        SCOPED_TRACE(Trace(*table, type, cols) + " tokens " + std::to_string(tokens));
        const Data d = MakeData(*table, type, cols, kGroups * table->format(type).interleaved.rows, tokens,
                                static_cast<uint32_t>(cols * 7 + tokens));
        ExpectGemvMatches(*table, *table, type, d);
      }
    }
  }
}

// Every quant byte (and qh byte) set to one pattern, f16 scales small and positive, activations all +1,
// all -1 or alternating (|q| = 127): the integer paths' worst cases (int16 saturation without VNNI).
TEST_P(InterleavedLegacyTest, ExtremeQuantsMatchScalarVecDot) {
  const GgmlType type = GetParam();
  const GgmlTypeInfo& info = GetGgmlTypeInfo(type);
  const int fp16_bytes = type == GgmlType::kQ4_1 || type == GgmlType::kQ5_1 ? 4 : 2;
  for (const KernelTable* table : InterleavedTables(type)) {
    for (uint8_t pattern : {uint8_t{0xff}, uint8_t{0x80}, uint8_t{0x7f}, uint8_t{0x00}, uint8_t{0x88}}) {
      for (int sign_mode = 0; sign_mode < 3; ++sign_mode) {
        SCOPED_TRACE(Trace(*table, type, 512) + " pattern " + std::to_string(pattern) + " signs " +
                     std::to_string(sign_mode));
        Data d = MakeData(*table, type, 512, 2 * table->format(type).interleaved.rows, 3, 3);
        for (size_t b = 0; b < d.w.size() / info.block_bytes; ++b) {
          uint8_t* blk = d.w.data() + b * info.block_bytes;
          for (int i = 0; i < static_cast<int>(info.block_bytes); ++i) {
            blk[i] = i < fp16_bytes ? (i % 2 == 0 ? 0x00 : 0x20) : pattern;  // fp16 0x2000 = 2^-7.
          }
        }
        for (size_t i = 0; i < d.x.size(); ++i) {
          const bool negative = sign_mode == 1 || (sign_mode == 2 && i % 2 == 1);
          d.x[i] = negative ? -1.0f : 1.0f;
        }
        QuantizeActivations(*table, type, d.x.data(), d.cols, d.cols, 0, d.tokens, d.act.data());
        ExpectGemvMatches(*table, ScalarKernels(), type, d);
      }
    }
  }
}

// The driver over an interleaved matrix (built by InterleaveMatrix in two row ranges), row ranges on
// group boundaries: 1 token takes gemv, 8 tokens the layout's gemm (or unpack + the format's gemm); both
// equal the file-layout MatMulRows.
TEST_P(InterleavedLegacyTest, MatMulRowsMatchesFileLayout) {
  const GgmlType type = GetParam();
  for (const KernelTable* table : InterleavedTables(type)) {
    const int64_t g = table->format(type).interleaved.rows;
    for (int64_t tokens : {int64_t{1}, int64_t{8}}) {
      SCOPED_TRACE(Trace(*table, type, 1536) + " tokens " + std::to_string(tokens));
      const Data d = MakeData(*table, type, 1536, 10 * g, tokens, 11);
      WeightMatrix w;
      w.type = type;
      w.cols = d.cols;
      w.rows = d.rows;
      w.row_bytes = d.row_bytes;
      w.data = d.w.data();
      ASSERT_TRUE(CanInterleave(*table, w));
      std::vector<uint8_t> buf(d.w.size());
      InterleaveMatrix(*table, w, 0, 4 * g, buf.data());
      const WeightMatrix wi = InterleaveMatrix(*table, w, 4 * g, d.rows, buf.data());
      ASSERT_TRUE(wi.interleaved());
      const std::vector<double> tol = Tolerances(*table, type, d);
      std::vector<float> y_file(static_cast<size_t>(tokens * d.rows));
      std::vector<float> y_il(static_cast<size_t>(tokens * d.rows));
      MatMulRows(*table, w, d.act.data(), tokens, y_file.data(), d.rows, 0, d.rows);
      for (int64_t b = 0; b < d.rows; b += 3 * g) {
        MatMulRows(*table, wi, d.act.data(), tokens, y_il.data(), d.rows, b, std::min(d.rows, b + 3 * g));
      }
      for (int64_t t = 0; t < tokens; ++t) {
        for (int64_t r = 0; r < d.rows; ++r) {
          const size_t i = static_cast<size_t>(t * d.rows + r);
          ASSERT_NEAR(y_il[i], y_file[i], 2 * tol[i]) << "row " << r << " token " << t;
        }
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Formats, InterleavedLegacyTest, ::testing::ValuesIn(kFormats),
                         [](const ::testing::TestParamInfo<GgmlType>& param_info) {
                           return std::string(GgmlTypeName(param_info.param));
                         });

}  // namespace
}  // namespace hearth::kernels
