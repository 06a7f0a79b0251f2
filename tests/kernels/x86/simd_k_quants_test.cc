// The SIMD tables (every level this CPU runs besides scalar) against the scalar reference for the K-quant
// formats (Q2_K..Q6_K), IQ4_XS and the Q8_K activation quantizer: Q8_K quantize_row and every
// dequantize_row must be bit-exact; vec_dot sums exact integer dots per super-block, so it may differ
// from the scalar result only by the order of the float accumulation across blocks.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "kernels/dispatch.h"
#include "kernels/formats/block_layouts.h"
#include "kernels/formats/fp16.h"
#include "kernels/formats/ggml_type.h"
#include "kernels/kernel_table.h"

namespace hearth::kernels {
namespace {

constexpr GgmlType kWeightFormats[] = {GgmlType::kQ2_K, GgmlType::kQ3_K, GgmlType::kQ4_K,
                                       GgmlType::kQ5_K, GgmlType::kQ6_K, GgmlType::kIQ4_XS};
// 1, 3 and 7 super-blocks, and the widths of a 4096-wide model's projections (4096 and 8960).
constexpr int64_t kRowLengths[] = {256, 768, 1792, 4096, 8960};
constexpr uint8_t kBytePatterns[] = {0x00, 0xff, 0x80, 0x7f, 0x55, 0xaa};

std::vector<Isa> SimdIsas() {
  std::vector<Isa> out;
  for (const Isa isa : AvailableIsas()) {
    if (isa != Isa::kScalar) out.push_back(isa);
  }
  return out;
}

const KernelTable& Table(Isa isa) { return **KernelsForIsa(isa); }
const FormatKernels& Scalar(GgmlType type) { return ScalarKernels().format(type); }

size_t RowBytes(GgmlType type, int64_t n) {
  const GgmlTypeInfo& info = GetGgmlTypeInfo(type);
  return static_cast<size_t>(n / info.block_elems) * info.block_bytes;
}

std::string Label(Isa isa, GgmlType type, int64_t n, const std::string& what) {
  return std::string(IsaName(isa)) + " " + std::string(GgmlTypeName(type)) + " n=" + std::to_string(n) + " " +
         what;
}

// Byte offsets of the f16 scale fields in one block of each weight format.
std::vector<size_t> HalfFields(GgmlType type) {
  switch (type) {
    case GgmlType::kQ2_K: return {offsetof(BlockQ2_K, d), offsetof(BlockQ2_K, dmin)};
    case GgmlType::kQ3_K: return {offsetof(BlockQ3_K, d)};
    case GgmlType::kQ4_K: return {offsetof(BlockQ4_K, d), offsetof(BlockQ4_K, dmin)};
    case GgmlType::kQ5_K: return {offsetof(BlockQ5_K, d), offsetof(BlockQ5_K, dmin)};
    case GgmlType::kQ6_K: return {offsetof(BlockQ6_K, d)};
    default: return {offsetof(BlockIQ4_XS, d)};
  }
}

// Overwrites every block's f16 scales with `value` (or, if value is NaN, random finite values) so that
// dot products stay finite; the quant bits are left as they are.
void SetScales(GgmlType type, std::vector<uint8_t>& bytes, std::mt19937& rng,
               float value = std::numeric_limits<float>::quiet_NaN()) {
  const size_t block = GetGgmlTypeInfo(type).block_bytes;
  std::uniform_real_distribution<float> dist(-0.05f, 0.05f);
  for (size_t b = 0; b < bytes.size() / block; ++b) {
    for (const size_t off : HalfFields(type)) {
      const uint16_t h = Fp32ToFp16(std::isnan(value) ? dist(rng) : value);
      std::memcpy(bytes.data() + b * block + off, &h, sizeof(h));
    }
  }
}

std::vector<uint8_t> RandomBytes(size_t size, std::mt19937& rng) {
  std::vector<uint8_t> bytes(size);
  for (uint8_t& v : bytes) v = static_cast<uint8_t>(rng());
  return bytes;
}

std::vector<float> NormalRow(int64_t n, std::mt19937& rng, float scale = 1.0f) {
  std::normal_distribution<float> dist(0.0f, scale);
  std::vector<float> x(static_cast<size_t>(n));
  for (float& v : x) v = dist(rng);
  return x;
}

// A valid Q8_K row (bsums are the group sums of qs) from arbitrary quants, the full int8 range included.
std::vector<uint8_t> Q8KRow(int64_t n, std::mt19937& rng, int fixed_q = 1000) {
  std::vector<uint8_t> bytes(RowBytes(GgmlType::kQ8_K, n));
  auto* blocks = reinterpret_cast<BlockQ8_K*>(bytes.data());
  std::uniform_real_distribution<float> scale(0.001f, 0.1f);
  for (int64_t b = 0; b < n / kQKK; ++b) {
    blocks[b].d = scale(rng);
    for (int i = 0; i < kQKK; ++i) {
      blocks[b].qs[i] = static_cast<int8_t>(fixed_q == 1000 ? static_cast<int>(rng() % 256) - 128 : fixed_q);
    }
    for (int g = 0; g < kQKK / 16; ++g) {
      int sum = 0;
      for (int i = 0; i < 16; ++i) sum += blocks[b].qs[16 * g + i];
      blocks[b].bsums[g] = static_cast<int16_t>(sum);
    }
  }
  return bytes;
}

// Bit-exact, except that any NaN matches any NaN (payloads may depend on operand order).
void ExpectSameFloats(const std::vector<float>& want, const std::vector<float>& got,
                      const std::string& label) {
  ASSERT_EQ(want.size(), got.size());
  for (size_t i = 0; i < want.size(); ++i) {
    if (std::isnan(want[i]) && std::isnan(got[i])) continue;
    uint32_t a, b;
    std::memcpy(&a, &want[i], 4);
    std::memcpy(&b, &got[i], 4);
    ASSERT_EQ(a, b) << label << " element " << i << ": want " << want[i] << ", got " << got[i];
  }
}

void CheckDequantize(Isa isa, GgmlType type, const std::vector<uint8_t>& bytes, int64_t n,
                     const std::string& what) {
  std::vector<float> want(static_cast<size_t>(n)), got(static_cast<size_t>(n), -1.0f);
  Scalar(type).dequantize_row(bytes.data(), want.data(), n);
  Table(isa).format(type).dequantize_row(bytes.data(), got.data(), n);
  ExpectSameFloats(want, got, Label(isa, type, n, "dequantize " + what));
}

// vec_dot within 1e-5 of sum |x_i * y_i| (the scale of the float rounding) of the scalar result.
void CheckVecDot(Isa isa, GgmlType type, const std::vector<uint8_t>& x, const std::vector<uint8_t>& y,
                 int64_t n, const std::string& what) {
  std::vector<float> xf(static_cast<size_t>(n)), yf(static_cast<size_t>(n));
  Scalar(type).dequantize_row(x.data(), xf.data(), n);
  Scalar(GgmlType::kQ8_K).dequantize_row(y.data(), yf.data(), n);
  double magnitude = 0;
  for (size_t i = 0; i < xf.size(); ++i) magnitude += std::fabs(static_cast<double>(xf[i]) * yf[i]);
  const float want = Scalar(type).vec_dot(n, x.data(), y.data());
  const float got = Table(isa).format(type).vec_dot(n, x.data(), y.data());
  ASSERT_TRUE(std::isfinite(want)) << Label(isa, type, n, what);
  EXPECT_NEAR(want, got, 1e-5 * magnitude + 1e-30) << Label(isa, type, n, "vec_dot " + what);
}

TEST(SimdKQuantsTest, TablesUseKQ8Activations) {
  for (const Isa isa : SimdIsas()) {
    for (const GgmlType type : kWeightFormats) {
      const FormatKernels& k = Table(isa).format(type);
      EXPECT_EQ(k.dot_type, GgmlType::kQ8_K) << Label(isa, type, 0, "");
      EXPECT_NE(k.vec_dot, nullptr);
      EXPECT_NE(k.dequantize_row, nullptr);
      EXPECT_NE(k.quantize_row, nullptr);
    }
  }
}

TEST(SimdKQuantsTest, DequantizeRandomBitsIsBitExact) {
  std::mt19937 rng(1);
  for (const Isa isa : SimdIsas()) {
    for (const GgmlType type : kWeightFormats) {
      for (const int64_t n : kRowLengths) {
        // Raw random bits: the f16 scales include infinities, NaNs and subnormals.
        CheckDequantize(isa, type, RandomBytes(RowBytes(type, n), rng), n, "random bits");
        std::vector<uint8_t> finite = RandomBytes(RowBytes(type, n), rng);
        SetScales(type, finite, rng);
        CheckDequantize(isa, type, finite, n, "random quants");
      }
      for (const uint8_t pattern : kBytePatterns) {
        std::vector<uint8_t> bytes(RowBytes(type, 768), pattern);
        CheckDequantize(isa, type, bytes, 768, "pattern " + std::to_string(pattern));
        SetScales(type, bytes, rng, 65504.0f);
        CheckDequantize(isa, type, bytes, 768, "pattern at max scale " + std::to_string(pattern));
      }
    }
    CheckDequantize(isa, GgmlType::kQ8_K, Q8KRow(8960, rng), 8960, "");
  }
}

TEST(SimdKQuantsTest, DequantizeQuantizedRowsIsBitExact) {
  std::mt19937 rng(2);
  for (const Isa isa : SimdIsas()) {
    for (const GgmlType type : kWeightFormats) {
      for (const int64_t n : {int64_t{256}, int64_t{1792}}) {
        const std::vector<float> x = NormalRow(n, rng, 0.02f);
        std::vector<uint8_t> bytes(RowBytes(type, n));
        Scalar(type).quantize_row(x.data(), bytes.data(), n);
        CheckDequantize(isa, type, bytes, n, "quantized");
      }
    }
  }
}

TEST(SimdKQuantsTest, VecDotRandomBlocks) {
  std::mt19937 rng(3);
  for (const Isa isa : SimdIsas()) {
    for (const GgmlType type : kWeightFormats) {
      for (const int64_t n : kRowLengths) {
        std::vector<uint8_t> x = RandomBytes(RowBytes(type, n), rng);
        SetScales(type, x, rng);
        CheckVecDot(isa, type, x, Q8KRow(n, rng), n, "random");
      }
    }
  }
}

TEST(SimdKQuantsTest, VecDotQuantizedRows) {
  std::mt19937 rng(4);
  for (const Isa isa : SimdIsas()) {
    for (const GgmlType type : kWeightFormats) {
      for (const int64_t n : kRowLengths) {
        const std::vector<float> w = NormalRow(n, rng, 0.02f);
        const std::vector<float> a = NormalRow(n, rng, 1.0f);
        std::vector<uint8_t> x(RowBytes(type, n)), y(RowBytes(GgmlType::kQ8_K, n));
        Scalar(type).quantize_row(w.data(), x.data(), n);
        Table(isa).format(GgmlType::kQ8_K).quantize_row(a.data(), y.data(), n);
        CheckVecDot(isa, type, x, y, n, "quantized");
      }
    }
  }
}

TEST(SimdKQuantsTest, VecDotExtremeValues) {
  std::mt19937 rng(5);
  for (const Isa isa : SimdIsas()) {
    for (const GgmlType type : kWeightFormats) {
      for (const uint8_t pattern : kBytePatterns) {
        // All-ones / sign-bit / alternating quants and scales, against activations at the int8 extremes.
        for (const int q : {-128, -127, 127, 0, 1000}) {
          std::vector<uint8_t> x(RowBytes(type, 1792), pattern);
          SetScales(type, x, rng, 1.0f);
          CheckVecDot(isa, type, x, Q8KRow(1792, rng, q), 1792,
                      "pattern " + std::to_string(pattern) + " q=" + std::to_string(q));
        }
      }
    }
  }
}

void CheckQuantizeQ8K(Isa isa, const std::vector<float>& x, const std::string& what) {
  const int64_t n = static_cast<int64_t>(x.size());
  std::vector<uint8_t> want(RowBytes(GgmlType::kQ8_K, n)), got(want.size(), 0xcd);
  Scalar(GgmlType::kQ8_K).quantize_row(x.data(), want.data(), n);
  Table(isa).format(GgmlType::kQ8_K).quantize_row(x.data(), got.data(), n);
  for (size_t b = 0; b < want.size() / sizeof(BlockQ8_K); ++b) {
    ASSERT_EQ(0, std::memcmp(want.data() + b * sizeof(BlockQ8_K), got.data() + b * sizeof(BlockQ8_K),
                             sizeof(BlockQ8_K)))
        << Label(isa, GgmlType::kQ8_K, n, "quantize " + what) << " block " << b;
  }
}

TEST(SimdKQuantsTest, QuantizeQ8KIsBitExact) {
  std::mt19937 rng(6);
  const float inf = std::numeric_limits<float>::infinity();
  const float nan = std::numeric_limits<float>::quiet_NaN();
  for (const Isa isa : SimdIsas()) {
    for (const int64_t n : kRowLengths) {
      for (const float scale : {1.0f, 1e-3f, 300.0f, 1e30f, 1e-40f}) {
        CheckQuantizeQ8K(isa, NormalRow(n, rng, scale), "normal " + std::to_string(scale));
      }
    }
    // amax = 127 makes d exactly 1, so the halves are exact rounding ties (nearest even wins).
    std::uniform_int_distribution<int> halves(-254, 254);
    std::vector<float> ties(4096);
    for (size_t i = 0; i < ties.size(); ++i) {
      ties[i] = i % 256 == 0 ? 127.0f : 0.5f * static_cast<float>(halves(rng));
    }
    CheckQuantizeQ8K(isa, ties, "ties");
    std::uniform_real_distribution<float> uni(-1.0f, 1.0f);
    std::vector<float> uniform(8960);
    for (float& v : uniform) v = uni(rng);
    CheckQuantizeQ8K(isa, uniform, "uniform");
    std::vector<float> special = NormalRow(1792, rng);
    special[3] = nan;  // Ignored by amax, quantized to -127.
    special[300] = -nan;
    special[600] = inf;     // amax infinite: d = 0 and the whole block quantizes to 0.
    special[900] = -3e38f;  // Finite extremes.
    special[1000] = 3e38f;
    special[1300] = 1e-45f;  // Subnormal.
    CheckQuantizeQ8K(isa, special, "special values");
    CheckQuantizeQ8K(isa, std::vector<float>(768, 0.0f), "zeros");
    CheckQuantizeQ8K(isa, std::vector<float>(768, -0.0f), "negative zeros");
    CheckQuantizeQ8K(isa, std::vector<float>(768, nan), "all NaN");
    CheckQuantizeQ8K(isa, std::vector<float>(768, 1e-45f), "smallest subnormal");
    CheckQuantizeQ8K(isa, std::vector<float>(768, -5.0f), "constant");
  }
}

}  // namespace
}  // namespace hearth::kernels
