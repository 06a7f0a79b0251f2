// Shared checks for the scalar format kernel tests: random rows, quantize/dequantize round trips, and
// vec_dot against the float dot of the dequantized operands.
#ifndef HEARTH_TESTS_KERNELS_SCALAR_TEST_UTIL_H_
#define HEARTH_TESTS_KERNELS_SCALAR_TEST_UTIL_H_

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "gtest/gtest.h"
#include "kernels/formats/block_layouts.h"
#include "kernels/formats/ggml_type.h"
#include "kernels/kernel_table.h"

namespace hearth::kernels::testing {

inline const FormatKernels& Scalar(GgmlType type) { return ScalarKernels().format(type); }

inline size_t RowBytes(GgmlType type, int64_t n) {
  const GgmlTypeInfo& info = GetGgmlTypeInfo(type);
  return static_cast<size_t>(n / info.block_elems) * info.block_bytes;
}

inline std::vector<float> NormalRow(int64_t n, uint32_t seed, float scale = 1.0f) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> dist(0.0f, scale);
  std::vector<float> x(static_cast<size_t>(n));
  for (float& v : x) v = dist(rng);
  return x;
}

// dequantize(quantize(x)) with the scalar kernels of `type`.
inline std::vector<float> RoundTrip(GgmlType type, const std::vector<float>& x,
                                    std::vector<uint8_t>* bytes_out = nullptr) {
  const FormatKernels& k = Scalar(type);
  const int64_t n = static_cast<int64_t>(x.size());
  std::vector<uint8_t> bytes(RowBytes(type, n));
  k.quantize_row(x.data(), bytes.data(), n);
  std::vector<float> y(x.size());
  k.dequantize_row(bytes.data(), y.data(), n);
  if (bytes_out != nullptr) *bytes_out = bytes;
  return y;
}

// Activations in `dot_type`, as bytes and dequantized. Q8_K is built here from its public layout (d = amax
// / 127, round to nearest, group sums of 16) so the weight dots don't depend on the Q8_K quantizer.
struct Activations {
  std::vector<uint8_t> bytes;
  std::vector<float> values;
};

inline Activations QuantizeActivations(GgmlType dot_type, const std::vector<float>& y) {
  const int64_t n = static_cast<int64_t>(y.size());
  Activations a;
  a.bytes.resize(RowBytes(dot_type, n));
  a.values.resize(y.size());
  if (dot_type != GgmlType::kQ8_K) {
    a.values = RoundTrip(dot_type, y, &a.bytes);
    return a;
  }
  auto* blocks = reinterpret_cast<BlockQ8_K*>(a.bytes.data());
  for (int64_t i = 0; i < n / kQKK; ++i) {
    const float* src = y.data() + i * kQKK;
    float amax = 0.0f;
    for (int j = 0; j < kQKK; ++j) amax = std::max(amax, std::fabs(src[j]));
    const float d = amax / 127.0f;
    const float id = d != 0.0f ? 1.0f / d : 0.0f;
    BlockQ8_K& b = blocks[i];
    b.d = d;
    for (int j = 0; j < kQKK; ++j) {
      b.qs[j] = static_cast<int8_t>(std::min(127.0f, std::max(-127.0f, std::round(src[j] * id))));
      a.values[static_cast<size_t>(i * kQKK + j)] = d * static_cast<float>(b.qs[j]);
    }
    for (int g = 0; g < kQKK / 16; ++g) {
      int sum = 0;
      for (int j = 0; j < 16; ++j) sum += b.qs[g * 16 + j];
      b.bsums[g] = static_cast<int16_t>(sum);
    }
  }
  return a;
}

// Checks vec_dot(x, y) against the double-precision dot of dequantized x and dequantized y on rows of
// `blocks` blocks each (one block of `unit` elements, and several odd counts). The tolerance is relative to
// sum |x_i * y_i|: per block the kernels sum exact integers and scale in float, so only a few float
// roundings per block enter; `extra_rel` widens it for formats whose activation sums are stored in f16.
inline void ExpectVecDotMatchesDequantized(GgmlType type, int64_t unit, double extra_rel = 0.0) {
  const FormatKernels& k = Scalar(type);
  ASSERT_NE(k.vec_dot, nullptr) << GgmlTypeName(type);
  ASSERT_NE(k.quantize_row, nullptr) << GgmlTypeName(type);
  uint32_t seed = 17;
  for (const int64_t blocks : {1, 3, 7, 13}) {
    const int64_t n = blocks * unit;
    for (const float offset : {0.0f, 0.7f}) {  // A non-zero mean exercises the min/offset terms.
      std::vector<float> x = NormalRow(n, ++seed);
      std::vector<float> y = NormalRow(n, ++seed, 3.0f);
      for (float& v : x) v += offset;
      std::vector<uint8_t> xq;
      const std::vector<float> xd = RoundTrip(type, x, &xq);
      const Activations act = QuantizeActivations(k.dot_type, y);
      double expected = 0.0, magnitude = 0.0;
      for (int64_t i = 0; i < n; ++i) {
        const double p = static_cast<double>(xd[i]) * act.values[i];
        expected += p;
        magnitude += std::fabs(p);
      }
      const float got = k.vec_dot(n, xq.data(), act.bytes.data());
      const double tol = (2e-6 * static_cast<double>(blocks + 4) + extra_rel) * magnitude + 1e-6;
      EXPECT_NEAR(got, expected, tol) << GgmlTypeName(type) << " n=" << n << " offset=" << offset;
    }
  }
}

// Quantizing degenerate and extreme rows must give finite values; zeros must come back as zeros.
inline void ExpectSpecialInputsStayFinite(GgmlType type, int64_t unit) {
  const int64_t n = 2 * unit;
  std::vector<std::vector<float>> rows;
  rows.emplace_back(n, 0.0f);
  rows.emplace_back(n, 1.25f);
  rows.emplace_back(n, -3.5f);
  rows.emplace_back(n, 65504.0f);
  rows.emplace_back(n, -65504.0f);
  rows.emplace_back(n, 1e-30f);
  rows.emplace_back(n, 6e-8f);  // About the smallest f16 subnormal.
  std::vector<float> alternating(n), mixed(n);
  for (int64_t i = 0; i < n; ++i) {
    alternating[i] = (i % 2 == 0) ? 65504.0f : -65504.0f;
    mixed[i] = (i % 5 == 0) ? 65504.0f : ((i % 3 == 0) ? -1e-20f : 1e-3f);
  }
  rows.push_back(alternating);
  rows.push_back(mixed);
  for (size_t r = 0; r < rows.size(); ++r) {
    const std::vector<float> y = RoundTrip(type, rows[r]);
    for (int64_t i = 0; i < n; ++i) {
      ASSERT_TRUE(std::isfinite(y[i])) << GgmlTypeName(type) << " row " << r << " element " << i;
      if (r == 0) {
        ASSERT_EQ(y[i], 0.0f) << GgmlTypeName(type);
      }
    }
  }
  // A constant row is reproduced closely by every format.
  for (size_t r = 1; r <= 4; ++r) {
    const std::vector<float> y = RoundTrip(type, rows[r]);
    for (int64_t i = 0; i < n; ++i) {
      EXPECT_NEAR(y[i], rows[r][i], std::fabs(rows[r][i]) * 0.01f) << GgmlTypeName(type) << " row " << r;
    }
  }
}

// Root-mean-square of dequantize(quantize(x)) - x relative to the RMS of x, on normal data.
inline double RelativeRmse(GgmlType type, int64_t n, uint32_t seed) {
  const std::vector<float> x = NormalRow(n, seed);
  const std::vector<float> y = RoundTrip(type, x);
  double err = 0.0, ref = 0.0;
  for (size_t i = 0; i < x.size(); ++i) {
    err += (static_cast<double>(y[i]) - x[i]) * (static_cast<double>(y[i]) - x[i]);
    ref += static_cast<double>(x[i]) * x[i];
  }
  return std::sqrt(err / ref);
}

}  // namespace hearth::kernels::testing

#endif  // HEARTH_TESTS_KERNELS_SCALAR_TEST_UTIL_H_
