// The matmul driver against dequantize + float dot: for each weight format, y = W x must equal the dot of
// the dequantized weight rows with the activations as converted (once) into the format's dot_type.
#include "kernels/ops/matmul.h"

#include <cmath>
#include <random>
#include <vector>

#include "gtest/gtest.h"
#include "kernels/kernel_table.h"

namespace hearth::kernels {
namespace {

void SerialFor(int64_t n, absl::FunctionRef<void(int64_t, int64_t)> fn) {
  // Uneven pieces, as a thread pool would hand out.
  for (int64_t b = 0; b < n; b += 7) fn(b, std::min(n, b + 7));
}

class MatMulTest : public ::testing::TestWithParam<GgmlType> {};

TEST_P(MatMulTest, MatchesDequantizedDot) {
  const KernelTable& table = ScalarKernels();
  const GgmlType type = GetParam();
  ASSERT_TRUE(CanMatMul(table, type)) << GgmlTypeName(type);
  const FormatKernels& fk = table.format(type);
  const int64_t cols = 512, rows = 37, n_tokens = 5;

  std::mt19937 rng(42);
  std::normal_distribution<float> dist(0.0f, 1.0f);
  std::vector<float> w_float(static_cast<size_t>(rows * cols)), x(static_cast<size_t>(n_tokens * cols));
  for (float& v : w_float) v = dist(rng);
  for (float& v : x) v = dist(rng);

  WeightMatrix w;
  w.type = type;
  w.cols = cols;
  w.rows = rows;
  w.row_bytes = RowBytes(type, cols);
  std::vector<uint8_t> w_data(w.row_bytes * static_cast<size_t>(rows));
  for (int64_t r = 0; r < rows; ++r) {
    fk.quantize_row(&w_float[static_cast<size_t>(r * cols)], w_data.data() + r * w.row_bytes, cols);
  }
  w.data = w_data.data();

  std::vector<uint8_t> act(ActivationBytes(table, type, cols, n_tokens));
  std::vector<float> y(static_cast<size_t>(n_tokens * rows));
  MatMul(table, w, x.data(), cols, n_tokens, y.data(), rows, act.data(), SerialFor);

  // Reference: dequantized weights times the activations as the dot_type holds them.
  const FormatKernels& dk = table.format(fk.dot_type);
  std::vector<float> w_deq(static_cast<size_t>(cols)), x_deq(static_cast<size_t>(cols));
  std::vector<uint8_t> x_conv(RowBytes(fk.dot_type, cols));
  for (int64_t t = 0; t < n_tokens; ++t) {
    const float* xt = &x[static_cast<size_t>(t * cols)];
    dk.quantize_row(xt, x_conv.data(), cols);
    if (dk.dequantize_row != nullptr) {
      dk.dequantize_row(x_conv.data(), x_deq.data(), cols);
    } else {
      x_deq.assign(xt, xt + cols);
    }
    for (int64_t r = 0; r < rows; ++r) {
      fk.dequantize_row(w.row(r), w_deq.data(), cols);
      double ref = 0.0, ref_float = 0.0, mag = 0.0;
      for (int64_t i = 0; i < cols; ++i) {
        ref += static_cast<double>(w_deq[i]) * x_deq[i];
        ref_float += static_cast<double>(w_deq[i]) * xt[i];
        mag += std::fabs(static_cast<double>(w_deq[i]) * xt[i]);
      }
      const float got = y[static_cast<size_t>(t * rows + r)];
      const double tight = dk.dequantize_row != nullptr ? 1e-4 * mag : 2e-2 * mag;
      EXPECT_NEAR(got, ref, tight) << GgmlTypeName(type) << " token " << t << " row " << r;
      // Activation quantization error stays small next to the magnitude of the products.
      EXPECT_NEAR(got, ref_float, 2e-2 * mag) << GgmlTypeName(type) << " token " << t << " row " << r;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Formats, MatMulTest,
                         ::testing::Values(GgmlType::kF32, GgmlType::kF16, GgmlType::kBF16,
                                           GgmlType::kQ4_0, GgmlType::kQ4_1, GgmlType::kQ5_0,
                                           GgmlType::kQ5_1, GgmlType::kQ8_0, GgmlType::kQ2_K,
                                           GgmlType::kQ3_K, GgmlType::kQ4_K, GgmlType::kQ5_K,
                                           GgmlType::kQ6_K, GgmlType::kIQ4_NL, GgmlType::kIQ4_XS),
                         [](const ::testing::TestParamInfo<GgmlType>& param_info) {
                           return std::string(GgmlTypeName(param_info.param));
                         });

TEST(MatMulRowsTest, RowRangesAreIndependent) {
  const KernelTable& table = ScalarKernels();
  const int64_t cols = 64, rows = 10;
  std::vector<float> w_float(static_cast<size_t>(rows * cols)), x(static_cast<size_t>(cols));
  for (size_t i = 0; i < w_float.size(); ++i) w_float[i] = static_cast<float>(i % 13) - 6.0f;
  for (size_t i = 0; i < x.size(); ++i) x[i] = static_cast<float>(i % 5) * 0.5f;
  WeightMatrix w{GgmlType::kF32, cols, rows, cols * sizeof(float),
                 reinterpret_cast<const uint8_t*>(w_float.data())};
  std::vector<uint8_t> act(ActivationBytes(table, w.type, cols, 1));
  QuantizeActivations(table, w.type, x.data(), cols, cols, 0, 1, act.data());
  std::vector<float> y(rows, -1.0f);
  MatMulRows(table, w, act.data(), 1, y.data(), rows, 3, 6);
  for (int64_t r = 0; r < rows; ++r) {
    if (r < 3 || r >= 6) {
      EXPECT_EQ(y[r], -1.0f);
      continue;
    }
    double ref = 0;
    for (int64_t i = 0; i < cols; ++i) ref += w_float[r * cols + i] * x[i];
    EXPECT_NEAR(y[r], ref, 1e-4);
  }
}

}  // namespace
}  // namespace hearth::kernels
