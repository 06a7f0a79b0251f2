// The interleaved decode layout through the matmul driver, for every table and format that has one:
// pack -> unpack restores the file rows byte for byte (also for arbitrary bytes); gemv, the gemm path
// over unpacked groups, vec_dot fallbacks and embedding-row lookups over an interleaved matrix all equal
// the file-layout results within float summation-order tolerance (1e-5 of sum |w * x|).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "kernels/dispatch.h"
#include "kernels/kernel_table.h"
#include "kernels/ops/matmul.h"

namespace hearth::kernels {
namespace {

struct Case {
  const KernelTable* table;
  GgmlType type;
};

std::vector<Case> InterleavedCases() {
  std::vector<Case> cases;
  for (Isa isa : AvailableIsas()) {
    const KernelTable* table = *KernelsForIsa(isa);
    for (uint32_t t = 0; t < kGgmlTypeLimit; ++t) {
      const GgmlType type = static_cast<GgmlType>(t);
      if (table->format(type).interleaved.rows > 0) cases.push_back({table, type});
    }
  }
  return cases;
}

std::string Name(const Case& c) {
  return std::string(IsaName(c.table->isa)) + "/" + std::string(GgmlTypeName(c.type));
}

struct Matrix {
  std::vector<uint8_t> bytes;
  WeightMatrix view;
};

Matrix QuantizedMatrix(const Case& c, int64_t cols, int64_t rows, uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> dist(0.0f, 1.0f);
  Matrix m;
  m.view.type = c.type;
  m.view.cols = cols;
  m.view.rows = rows;
  m.view.row_bytes = RowBytes(c.type, cols);
  m.bytes.resize(m.view.row_bytes * static_cast<size_t>(rows));
  std::vector<float> row(static_cast<size_t>(cols));
  for (int64_t r = 0; r < rows; ++r) {
    for (float& v : row) v = dist(rng) * (r % 5 == 0 ? 8.0f : 1.0f);
    ScalarKernels().format(c.type).quantize_row(row.data(), m.bytes.data() + r * m.view.row_bytes, cols);
  }
  m.view.data = m.bytes.data();
  return m;
}

struct Packed {
  std::unique_ptr<uint8_t[], decltype(&std::free)> bytes{nullptr, &std::free};
  WeightMatrix view;
};

Packed Interleave(const Case& c, const WeightMatrix& w) {
  Packed p;
  const size_t n = static_cast<size_t>(w.rows) * w.row_bytes;
  p.bytes.reset(static_cast<uint8_t*>(std::aligned_alloc(64, (n + 63) / 64 * 64)));
  p.view = InterleaveMatrix(*c.table, w, 0, w.rows, p.bytes.get());
  return p;
}

TEST(InterleavedTest, SomeTableHasALayoutOrThereIsNothingToTest) {
  for (const Case& c : InterleavedCases()) {
    const InterleavedKernels& ik = c.table->format(c.type).interleaved;
    EXPECT_TRUE(ik.rows == 4 || ik.rows == 8 || ik.rows == 16) << Name(c);
    EXPECT_NE(ik.pack, nullptr) << Name(c);
    EXPECT_NE(ik.unpack, nullptr) << Name(c);
    EXPECT_NE(ik.gemv, nullptr) << Name(c);
  }
}

TEST(InterleavedTest, UnpackInvertsPackForAnyBytes) {
  for (const Case& c : InterleavedCases()) {
    const InterleavedKernels& ik = c.table->format(c.type).interleaved;
    const int64_t block = GetGgmlTypeInfo(c.type).block_elems;
    for (int64_t cols : {block, 3 * block, 1536 / block * block + block}) {
      const size_t row_bytes = RowBytes(c.type, cols);
      std::vector<uint8_t> rows(row_bytes * static_cast<size_t>(ik.rows)), group(rows.size()), back(rows.size());
      std::mt19937 rng(static_cast<uint32_t>(cols));
      for (uint8_t& b : rows) b = static_cast<uint8_t>(rng());
      ik.pack(cols, rows.data(), row_bytes, group.data());
      ik.unpack(cols, group.data(), back.data(), row_bytes);
      EXPECT_EQ(rows, back) << Name(c) << " cols=" << cols;
    }
  }
}

// y over an interleaved matrix vs the file layout, through MatMulRows, for 1..3 tokens (gemv) and 9
// tokens (the layout's gemm, else the format's gemm over unpacked groups, else gemv), on split row ranges.
TEST(InterleavedTest, MatMulMatchesFileLayout) {
  for (const Case& c : InterleavedCases()) {
    const int64_t block = GetGgmlTypeInfo(c.type).block_elems;
    const int64_t g = c.table->format(c.type).interleaved.rows;
    const int64_t cols = std::max<int64_t>(block, 1536 / block * block) + block;
    const int64_t rows = 4 * g;
    const Matrix m = QuantizedMatrix(c, cols, rows, 7);
    const Packed p = Interleave(c, m.view);
    std::vector<float> deq(static_cast<size_t>(rows * cols));
    for (int64_t r = 0; r < rows; ++r) {
      c.table->format(c.type).dequantize_row(m.view.row(r), &deq[static_cast<size_t>(r * cols)], cols);
      std::vector<float> via(static_cast<size_t>(cols));
      DequantizeMatrixRow(*c.table, p.view, r, via.data());
      ASSERT_EQ(0, std::memcmp(via.data(), &deq[static_cast<size_t>(r * cols)], via.size() * sizeof(float)))
          << Name(c) << " embedding row " << r;
    }
    for (int64_t tokens : {1, 2, 3, 9}) {
      std::mt19937 rng(static_cast<uint32_t>(tokens));
      std::normal_distribution<float> dist(0.0f, 1.0f);
      std::vector<float> x(static_cast<size_t>(tokens * cols));
      for (float& v : x) v = dist(rng) * (rng() % 13 == 0 ? 20.0f : 1.0f);
      std::vector<uint8_t> act(ActivationBytes(*c.table, c.type, cols, tokens));
      QuantizeActivations(*c.table, c.type, x.data(), cols, cols, 0, tokens, act.data());
      std::vector<float> want(static_cast<size_t>(tokens * rows)), got(want.size(), NAN);
      MatMulRows(*c.table, m.view, act.data(), tokens, want.data(), rows, 0, rows);
      // Two ranges split at a group boundary, as the forward pass's row chunks are.
      MatMulRows(*c.table, p.view, act.data(), tokens, got.data(), rows, 0, g);
      MatMulRows(*c.table, p.view, act.data(), tokens, got.data(), rows, g, rows);
      for (int64_t t = 0; t < tokens; ++t) {
        for (int64_t r = 0; r < rows; ++r) {
          double mag = 0;
          for (int64_t k = 0; k < cols; ++k) {
            mag += std::fabs(double(deq[static_cast<size_t>(r * cols + k)]) * x[static_cast<size_t>(t * cols + k)]);
          }
          const size_t i = static_cast<size_t>(t * rows + r);
          ASSERT_NEAR(got[i], want[i], 1e-5 * mag + 1e-6)
              << Name(c) << " tokens=" << tokens << " token " << t << " row " << r;
        }
      }
    }
  }
}

TEST(InterleavedTest, CanInterleaveNeedsWholeGroups) {
  for (const Case& c : InterleavedCases()) {
    WeightMatrix w;
    w.type = c.type;
    w.cols = GetGgmlTypeInfo(c.type).block_elems;
    w.row_bytes = RowBytes(c.type, w.cols);
    const int64_t g = c.table->format(c.type).interleaved.rows;
    w.rows = 2 * g;
    EXPECT_TRUE(CanInterleave(*c.table, w)) << Name(c);
    w.rows = 2 * g + 1;
    EXPECT_FALSE(CanInterleave(*c.table, w)) << Name(c);
    w.rows = 2 * g;
    w.interleave_rows = static_cast<int>(g);  // Already interleaved.
    EXPECT_FALSE(CanInterleave(*c.table, w)) << Name(c);
  }
  EXPECT_FALSE(CanInterleave(ScalarKernels(), WeightMatrix{}));
}

}  // namespace
}  // namespace hearth::kernels
