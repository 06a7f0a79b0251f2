// The interleaved decode layout of the K-quants and IQ4_XS, for every table this CPU runs that has one:
// pack then unpack is the identity on the bytes (valid blocks and random bytes); gemv matches the same
// table's vec_dot per (row, token) within float summation-order tolerance (1e-5 of sum |w * x|) for several
// row lengths, group counts and 1..9 tokens, and with every quant byte at an extreme against the scalar
// vec_dot; the layout's gemm equals the file-layout gemm bit for bit; MatMulRows over an interleaved
// matrix matches the file layout.
#include <algorithm>
#include <cmath>
#include <cstring>
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

constexpr GgmlType kFormats[] = {GgmlType::kQ2_K, GgmlType::kQ3_K, GgmlType::kQ4_K,
                                 GgmlType::kQ5_K, GgmlType::kQ6_K, GgmlType::kIQ4_XS};

// Bytes [begin, end) of a block holding the fp16 scales (d, and dmin where the format has mins).
struct Fp16Range {
  int begin, end;
};
Fp16Range Fp16Bytes(GgmlType type) {
  switch (type) {
    case GgmlType::kQ2_K: return {80, 84};
    case GgmlType::kQ3_K: return {108, 110};
    case GgmlType::kQ6_K: return {208, 210};
    case GgmlType::kIQ4_XS: return {0, 2};
    default: return {0, 4};  // Q4_K, Q5_K.
  }
}

struct Data {
  int64_t cols = 0, rows = 0, tokens = 0;
  std::vector<uint8_t> w, act;
  std::vector<float> x;
  size_t row_bytes = 0, act_row_bytes = 0;
};

void QuantizeAll(const KernelTable& table, GgmlType type, Data& d) {
  d.act_row_bytes = RowBytes(table.format(type).dot_type, d.cols);
  d.act.resize(ActivationBytes(table, type, d.cols, d.tokens));
  QuantizeActivations(table, type, d.x.data(), d.cols, d.cols, 0, d.tokens, d.act.data());
}

Data MakeData(const KernelTable& table, GgmlType type, int64_t cols, int64_t rows, int64_t tokens,
              uint32_t seed) {
  Data d;
  d.cols = cols;
  d.rows = rows;
  d.tokens = tokens;
  std::mt19937 rng(seed);
  std::normal_distribution<float> dist(0.0f, 1.0f);
  std::vector<float> wf(static_cast<size_t>(cols));
  d.row_bytes = RowBytes(type, cols);
  d.w.resize(d.row_bytes * static_cast<size_t>(rows));
  for (int64_t r = 0; r < rows; ++r) {
    for (float& v : wf) v = dist(rng);
    table.format(type).quantize_row(wf.data(), d.w.data() + r * d.row_bytes, cols);
  }
  d.x.resize(static_cast<size_t>(tokens * cols));
  // Activations with outliers, as real hidden states have.
  for (float& v : d.x) v = dist(rng) * (rng() % 17 == 0 ? 20.0f : 1.0f);
  QuantizeAll(table, type, d);
  return d;
}

// Tolerance for (row r, token t): 1e-5 of sum |w * x| over the dequantized weights.
std::vector<double> Magnitudes(const KernelTable& table, GgmlType type, const Data& d) {
  std::vector<float> deq(static_cast<size_t>(d.cols));
  std::vector<double> mag(static_cast<size_t>(d.rows * d.tokens));
  for (int64_t r = 0; r < d.rows; ++r) {
    table.format(type).dequantize_row(d.w.data() + r * d.row_bytes, deq.data(), d.cols);
    for (int64_t t = 0; t < d.tokens; ++t) {
      double m = 0.0;
      for (int64_t i = 0; i < d.cols; ++i) m += std::fabs(static_cast<double>(deq[i]) * d.x[t * d.cols + i]);
      mag[static_cast<size_t>(t * d.rows + r)] = m;
    }
  }
  return mag;
}

// Packs all rows of d.w (rows a multiple of the group size) into the interleaved layout.
std::vector<uint8_t> PackAll(const InterleavedKernels& ik, const Data& d) {
  std::vector<uint8_t> packed(d.w.size());
  for (int64_t r = 0; r < d.rows; r += ik.rows) {
    ik.pack(d.cols, d.w.data() + r * d.row_bytes, d.row_bytes, packed.data() + r * d.row_bytes);
  }
  return packed;
}

struct Case {
  const KernelTable* table;
  GgmlType type;
};

// Every (table, format) pair with an interleaved layout.
std::vector<Case> Cases(GgmlType type) {
  std::vector<Case> cases;
  for (Isa isa : AvailableIsas()) {
    absl::StatusOr<const KernelTable*> t = KernelsForIsa(isa);
    if (!t.ok()) continue;
    const InterleavedKernels& ik = (*t)->format(type).interleaved;
    if (ik.rows == 0) continue;
    EXPECT_TRUE(ik.pack != nullptr && ik.unpack != nullptr && ik.gemv != nullptr);
    EXPECT_EQ(16 % ik.rows, 0);
    cases.push_back({*t, type});
  }
  return cases;
}

std::string Name(const Case& c) {
  return std::string(IsaName(c.table->isa)) + " " + std::string(GgmlTypeName(c.type));
}

class InterleavedKQuantsTest : public ::testing::TestWithParam<GgmlType> {};

TEST_P(InterleavedKQuantsTest, PackUnpackRoundTrip) {
  const std::vector<Case> cases = Cases(GetParam());
  if (cases.empty()) GTEST_SKIP() << "no interleaved layout for " << GgmlTypeName(GetParam());
  for (const Case& c : cases) {
    const InterleavedKernels& ik = c.table->format(c.type).interleaved;
    for (int64_t cols : {int64_t{256}, int64_t{1536}}) {
      for (bool random_bytes : {false, true}) {
        SCOPED_TRACE(Name(c) + " cols " + std::to_string(cols) + (random_bytes ? " random bytes" : " blocks"));
        Data d = MakeData(*c.table, c.type, cols, 2 * ik.rows, 1, static_cast<uint32_t>(cols));
        if (random_bytes) {
          std::mt19937 rng(static_cast<uint32_t>(cols + 1));
          for (uint8_t& b : d.w) b = static_cast<uint8_t>(rng());
        }
        const std::vector<uint8_t> packed = PackAll(ik, d);
        ASSERT_NE(packed, d.w);  // A real rearrangement (the bytes are not all equal).
        // Unpack into rows further apart than row_bytes, sentinel-filled, to catch writes between rows.
        const size_t stride = d.row_bytes + 7;
        std::vector<uint8_t> out(stride * static_cast<size_t>(d.rows), 0xa5);
        for (int64_t r = 0; r < d.rows; r += ik.rows) {
          ik.unpack(cols, packed.data() + r * d.row_bytes, out.data() + r * stride, stride);
        }
        for (int64_t r = 0; r < d.rows; ++r) {
          for (size_t i = 0; i < stride; ++i) {
            const uint8_t got = out[r * stride + i];
            const uint8_t want = i < d.row_bytes ? d.w[r * d.row_bytes + i] : uint8_t{0xa5};
            ASSERT_EQ(got, want) << "row " << r << " byte " << i;
          }
        }
      }
    }
  }
}

TEST_P(InterleavedKQuantsTest, GemvMatchesVecDot) {
  const std::vector<Case> cases = Cases(GetParam());
  if (cases.empty()) GTEST_SKIP() << "no interleaved layout for " << GgmlTypeName(GetParam());
  for (const Case& c : cases) {
    const FormatKernels& fk = c.table->format(c.type);
    const InterleavedKernels& ik = fk.interleaved;
    for (int64_t cols : {int64_t{256}, int64_t{1536}, int64_t{8960}}) {
      const int64_t groups = cols == 8960 ? 2 : 3;
      const Data d = MakeData(*c.table, c.type, cols, groups * ik.rows, 9, static_cast<uint32_t>(cols + 3));
      const std::vector<double> mag = Magnitudes(*c.table, c.type, d);
      const std::vector<uint8_t> packed = PackAll(ik, d);
      for (int64_t tokens = 1; tokens <= d.tokens; ++tokens) {
        SCOPED_TRACE(Name(c) + " cols " + std::to_string(cols) + " tokens " + std::to_string(tokens));
        // Output stride wider than the rows, sentinel-filled, to catch writes outside them.
        const int64_t stride = d.rows + 3;
        std::vector<float> y(static_cast<size_t>(tokens * stride), -12345.0f);
        ik.gemv(cols, packed.data(), groups, d.act.data(), d.act_row_bytes, tokens, y.data(), stride);
        for (int64_t t = 0; t < tokens; ++t) {
          for (int64_t r = 0; r < d.rows; ++r) {
            const float ref = fk.vec_dot(cols, d.w.data() + r * d.row_bytes, d.act.data() + t * d.act_row_bytes);
            ASSERT_NEAR(y[t * stride + r], ref, 1e-5 * mag[t * d.rows + r]) << "row " << r << " token " << t;
          }
          for (int64_t r = d.rows; r < stride; ++r) {
            ASSERT_EQ(y[t * stride + r], -12345.0f) << "wrote past the rows, token " << t;
          }
        }
      }
    }
  }
}

// Worst cases for the integer paths (int16 saturation): every quant and integer scale byte set to one
// pattern, fp16 scales small and positive, activations all +1, all -1 or alternating (|q| = 127), against
// the scalar vec_dot (exact integer sums).
TEST_P(InterleavedKQuantsTest, ExtremeQuantsMatchScalarVecDot) {
  const std::vector<Case> cases = Cases(GetParam());
  if (cases.empty()) GTEST_SKIP() << "no interleaved layout for " << GgmlTypeName(GetParam());
  const GgmlTypeInfo& info = GetGgmlTypeInfo(GetParam());
  const auto [fp16_begin, fp16_end] = Fp16Bytes(GetParam());
  for (const Case& c : cases) {
    const InterleavedKernels& ik = c.table->format(c.type).interleaved;
    for (uint8_t pattern : {uint8_t{0xff}, uint8_t{0x80}, uint8_t{0x7f}, uint8_t{0x00}}) {
      for (int sign_mode = 0; sign_mode < 3; ++sign_mode) {
        SCOPED_TRACE(Name(c) + " pattern " + std::to_string(pattern) + " signs " + std::to_string(sign_mode));
        Data d = MakeData(*c.table, c.type, 1024, 2 * ik.rows, 3, 5);
        for (size_t b = 0; b < d.w.size() / info.block_bytes; ++b) {
          uint8_t* blk = d.w.data() + b * info.block_bytes;
          for (int i = 0; i < static_cast<int>(info.block_bytes); ++i) {
            const bool fp16 = i >= fp16_begin && i < fp16_end;
            blk[i] = fp16 ? ((i - fp16_begin) % 2 == 0 ? 0x00 : 0x20) : pattern;  // fp16 0x2000 = 2^-7.
          }
        }
        for (size_t i = 0; i < d.x.size(); ++i) {
          const bool negative = sign_mode == 1 || (sign_mode == 2 && i % 2 == 1);
          d.x[i] = negative ? -1.0f : 1.0f;
        }
        QuantizeAll(*c.table, c.type, d);
        const std::vector<double> mag = Magnitudes(*c.table, c.type, d);
        const std::vector<uint8_t> packed = PackAll(ik, d);
        std::vector<float> y(static_cast<size_t>(d.tokens * d.rows));
        ik.gemv(d.cols, packed.data(), d.rows / ik.rows, d.act.data(), d.act_row_bytes, d.tokens, y.data(),
                d.rows);
        for (int64_t t = 0; t < d.tokens; ++t) {
          for (int64_t r = 0; r < d.rows; ++r) {
            const float ref = ScalarKernels().format(c.type).vec_dot(d.cols, d.w.data() + r * d.row_bytes,
                                                                     d.act.data() + t * d.act_row_bytes);
            ASSERT_NEAR(y[t * d.rows + r], ref, 1e-5 * mag[t * d.rows + r] + 1e-6) << "row " << r << " token " << t;
          }
        }
      }
    }
  }
}

// The layout's own many-token gemm (panels packed straight from groups) against the same table's
// file-layout gemm: the panels must be identical, so the outputs are equal bit for bit. Random bytes in
// every quant and 6-bit scale field (fp16 scales fixed small), odd group counts (half panels on AVX-512)
// and token counts around the micro-kernel's tile.
TEST_P(InterleavedKQuantsTest, LayoutGemmEqualsFileLayoutGemm) {
  const GgmlType type = GetParam();
  const GgmlTypeInfo& info = GetGgmlTypeInfo(type);
  const auto [fp16_begin, fp16_end] = Fp16Bytes(type);
  int checked = 0;
  for (const Case& c : Cases(type)) {
    const FormatKernels& fk = c.table->format(type);
    if (fk.interleaved.gemm == nullptr || fk.gemm == nullptr) continue;
    const int64_t g = fk.interleaved.rows;
    for (int64_t cols : {int64_t{256}, int64_t{1536}}) {
      for (int64_t groups : {int64_t{1}, int64_t{3}, int64_t{6}}) {
        for (int64_t tokens : {int64_t{4}, int64_t{9}, int64_t{17}}) {
          SCOPED_TRACE(Name(c) + " cols " + std::to_string(cols) + " groups " + std::to_string(groups) +
                       " tokens " + std::to_string(tokens));
          Data d = MakeData(*c.table, type, cols, groups * g, tokens, static_cast<uint32_t>(cols + groups + tokens));
          std::mt19937 rng(static_cast<uint32_t>(7 * cols + groups));
          for (size_t b = 0; b < d.w.size() / info.block_bytes; ++b) {
            uint8_t* blk = d.w.data() + b * info.block_bytes;
            for (int i = 0; i < static_cast<int>(info.block_bytes); ++i) {
              const bool fp16 = i >= fp16_begin && i < fp16_end;
              blk[i] = fp16 ? static_cast<uint8_t>((i - fp16_begin) % 2 == 0 ? rng() : 0x20 + rng() % 8)
                            : static_cast<uint8_t>(rng());
            }
          }
          const std::vector<uint8_t> packed = PackAll(fk.interleaved, d);
          const int64_t stride = d.rows + 3;
          std::vector<float> y_file(static_cast<size_t>(tokens * stride), -1.0f), y_il(y_file);
          fk.gemm(d.cols, d.w.data(), d.row_bytes, d.rows, d.act.data(), d.act_row_bytes, tokens, y_file.data(),
                  stride);
          fk.interleaved.gemm(d.cols, packed.data(), groups, d.act.data(), d.act_row_bytes, tokens, y_il.data(),
                              stride);
          ASSERT_EQ(0, std::memcmp(y_file.data(), y_il.data(), y_file.size() * sizeof(float)));
          ++checked;
        }
      }
    }
  }
  if (checked == 0) GTEST_SKIP() << "no table has a layout gemm for " << GgmlTypeName(type);
}

// The driver over an interleaved matrix (decode path and, for 8 tokens, the layout's gemm or unpack +
// gemm) against the file layout, with row ranges split at group multiples as threads would.
TEST_P(InterleavedKQuantsTest, MatMulRowsInterleavedMatchesFileLayout) {
  const std::vector<Case> cases = Cases(GetParam());
  if (cases.empty()) GTEST_SKIP() << "no interleaved layout for " << GgmlTypeName(GetParam());
  for (const Case& c : cases) {
    const FormatKernels& fk = c.table->format(c.type);
    for (int64_t tokens : {int64_t{1}, int64_t{8}}) {
      SCOPED_TRACE(Name(c) + " tokens " + std::to_string(tokens));
      const Data d = MakeData(*c.table, c.type, 1536, 96, tokens, 11);
      const std::vector<double> mag = Magnitudes(*c.table, c.type, d);
      WeightMatrix w;
      w.type = c.type;
      w.cols = d.cols;
      w.rows = d.rows;
      w.row_bytes = d.row_bytes;
      w.data = d.w.data();
      ASSERT_TRUE(CanInterleave(*c.table, w));
      std::vector<uint8_t> buf(d.w.size());
      InterleaveMatrix(*c.table, w, 0, 48, buf.data());
      const WeightMatrix iw = InterleaveMatrix(*c.table, w, 48, d.rows, buf.data());
      ASSERT_TRUE(iw.interleaved());
      std::vector<float> y_file(static_cast<size_t>(tokens * d.rows)), y_il(y_file.size());
      MatMulRows(*c.table, w, d.act.data(), tokens, y_file.data(), d.rows, 0, d.rows);
      const int64_t g = fk.interleaved.rows;
      for (int64_t b = 0; b < d.rows; b += 5 * g) {
        MatMulRows(*c.table, iw, d.act.data(), tokens, y_il.data(), d.rows, b, std::min(d.rows, b + 5 * g));
      }
      for (int64_t t = 0; t < tokens; ++t) {
        for (int64_t r = 0; r < d.rows; ++r) {
          ASSERT_NEAR(y_il[t * d.rows + r], y_file[t * d.rows + r], 1e-5 * mag[t * d.rows + r])
              << "row " << r << " token " << t;
        }
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Formats, InterleavedKQuantsTest, ::testing::ValuesIn(kFormats),
                         [](const ::testing::TestParamInfo<GgmlType>& param_info) {
                           return std::string(GgmlTypeName(param_info.param));
                         });

}  // namespace
}  // namespace hearth::kernels
