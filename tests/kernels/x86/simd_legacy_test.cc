// The SIMD tables (every level this CPU runs besides scalar) against the scalar reference for the float
// formats (F32, F16, BF16) and the 32-element formats (Q4_0, Q4_1, Q5_0, Q5_1, Q8_0, Q8_1, IQ4_NL):
// quantize_row (activation quantizers and float conversions) and dequantize_row must be bit-exact;
// vec_dot sums exact per-block integer dots, so it may differ only by float rounding of the accumulation.
#include <cmath>
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

constexpr GgmlType kQuantFormats[] = {GgmlType::kQ4_0, GgmlType::kQ4_1, GgmlType::kQ5_0,
                                      GgmlType::kQ5_1, GgmlType::kQ8_0, GgmlType::kIQ4_NL};
constexpr GgmlType kFloatFormats[] = {GgmlType::kF32, GgmlType::kF16, GgmlType::kBF16};
constexpr GgmlType kActivationFormats[] = {GgmlType::kQ8_0, GgmlType::kQ8_1, GgmlType::kF32, GgmlType::kF16,
                                           GgmlType::kBF16};
constexpr int64_t kBlockCounts[] = {1, 3, 7, 33, 128};  // 128 blocks = a 4096-wide row.
constexpr int64_t kFloatLengths[] = {1, 3, 7, 8, 33, 4096, 4099};

std::vector<Isa> SimdIsas() {
  std::vector<Isa> out;
  for (const Isa isa : AvailableIsas()) {
    if (isa != Isa::kScalar) out.push_back(isa);
  }
  return out;
}

size_t RowBytes(GgmlType type, int64_t n) {
  const GgmlTypeInfo& info = GetGgmlTypeInfo(type);
  return static_cast<size_t>(n / info.block_elems) * info.block_bytes;
}

int64_t BlockElems(GgmlType type) { return GetGgmlTypeInfo(type).block_elems; }

std::vector<float> NormalRow(int64_t n, uint32_t seed, float scale = 1.0f) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> dist(0.0f, scale);
  std::vector<float> x(static_cast<size_t>(n));
  for (float& v : x) v = dist(rng);
  return x;
}

// Quantizer inputs: normal data at several scales, the f16 extremes, zeros, tiny and subnormal values,
// exact rounding ties, and non-finite values.
std::vector<std::vector<float>> QuantizerRows(int64_t n, uint32_t seed) {
  std::vector<std::vector<float>> rows;
  for (const float scale : {1.0f, 1e-3f, 300.0f, 20000.0f}) rows.push_back(NormalRow(n, seed++, scale));
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> wide(-65504.0f, 65504.0f);
  std::vector<float> extreme(n), tiny(n), ties(n), bits(n), mixed(n);
  for (int64_t i = 0; i < n; ++i) {
    extreme[i] = (i % 4 == 0) ? ((i % 8 == 0) ? 65504.0f : -65504.0f) : wide(rng);
    tiny[i] = (i % 3 == 0) ? 1e-30f : ((i % 3 == 1) ? -1.4e-45f : 6e-8f * static_cast<float>(i % 7));
    // With 127 present the scale is exactly 1: every x.5 is a tie for the round-half-away rule.
    ties[i] = (i % 32 == 0) ? 127.0f : static_cast<float>(static_cast<int>(i % 61) - 30) + 0.5f;
    bits[i] = BitsFloat(static_cast<uint32_t>(rng()));  // Any pattern, NaNs and infinities included.
    mixed[i] = (i % 5 == 0) ? 65504.0f : ((i % 3 == 0) ? -1e-20f : 1e-3f);
  }
  for (auto* row : {&extreme, &tiny, &ties, &bits, &mixed}) rows.push_back(*row);
  rows.emplace_back(n, 0.0f);
  rows.emplace_back(n, -0.0f);
  rows.emplace_back(n, 65504.0f);
  rows.emplace_back(n, 70000.0f);  // Beyond f16: d and s saturate or overflow the same way.
  std::vector<float> special = NormalRow(n, seed + 1);
  for (int64_t i = 0; i < n; i += 5) {
    special[i] = (i % 3 == 0) ? std::numeric_limits<float>::quiet_NaN()
                              : ((i % 3 == 1) ? std::numeric_limits<float>::infinity()
                                              : -std::numeric_limits<float>::infinity());
  }
  rows.push_back(special);
  return rows;
}

// Block bytes with every quant pattern and a finite f16 scale (and offset) in a realistic range.
std::vector<uint8_t> RandomBlocks(GgmlType type, int64_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<uint8_t> bytes(RowBytes(type, n));
  for (uint8_t& b : bytes) b = static_cast<uint8_t>(rng());
  const size_t block_bytes = GetGgmlTypeInfo(type).block_bytes;
  std::uniform_real_distribution<float> scale(-0.05f, 0.05f);
  const bool has_second_half = type == GgmlType::kQ4_1 || type == GgmlType::kQ5_1;
  for (size_t off = 0; off < bytes.size(); off += block_bytes) {
    const uint16_t d = Fp32ToFp16(scale(rng));
    std::memcpy(&bytes[off], &d, sizeof(d));
    if (has_second_half) {
      const uint16_t m = Fp32ToFp16(scale(rng) * 20.0f);
      std::memcpy(&bytes[off + 2], &m, sizeof(m));
    }
  }
  return bytes;
}

bool SameFloat(float a, float b) { return FloatBits(a) == FloatBits(b) || (std::isnan(a) && std::isnan(b)); }

class SimdLegacyTest : public ::testing::TestWithParam<Isa> {
 protected:
  void SetUp() override {
    absl::StatusOr<const KernelTable*> table = KernelsForIsa(GetParam());
    ASSERT_TRUE(table.ok()) << table.status();
    simd_ = *table;
  }
  const FormatKernels& Simd(GgmlType type) const { return simd_->format(type); }
  static const FormatKernels& Ref(GgmlType type) { return ScalarKernels().format(type); }

  // quantize_row bytes must equal the scalar ones exactly.
  void ExpectQuantizeExact(GgmlType type, int64_t n, const std::vector<float>& x, const std::string& what) {
    std::vector<uint8_t> want(RowBytes(type, n)), got(RowBytes(type, n), 0xa5);
    Ref(type).quantize_row(x.data(), want.data(), n);
    Simd(type).quantize_row(x.data(), got.data(), n);
    for (size_t i = 0; i < want.size(); ++i) {
      ASSERT_EQ(got[i], want[i]) << GgmlTypeName(type) << " " << what << " n=" << n << " byte " << i;
    }
  }

  // dequantize_row floats must equal the scalar ones bit for bit (any NaN matches any NaN only for the
  // quantized formats, whose NaNs come from arithmetic on a NaN scale).
  void ExpectDequantizeExact(GgmlType type, int64_t n, const std::vector<uint8_t>& bytes, bool exact_nan) {
    std::vector<float> want(n), got(n, 1234.5f);
    Ref(type).dequantize_row(bytes.data(), want.data(), n);
    Simd(type).dequantize_row(bytes.data(), got.data(), n);
    for (int64_t i = 0; i < n; ++i) {
      const bool same = exact_nan ? FloatBits(got[i]) == FloatBits(want[i]) : SameFloat(got[i], want[i]);
      ASSERT_TRUE(same) << GgmlTypeName(type) << " n=" << n << " element " << i << ": got " << got[i]
                        << " (0x" << std::hex << FloatBits(got[i]) << ") want " << want[i] << " (0x"
                        << FloatBits(want[i]) << ")";
    }
  }

  // vec_dot within 1e-5 of sum |x_i * y_i| (the dequantized operands) of the scalar result.
  void ExpectDotClose(GgmlType type, int64_t n, const std::vector<uint8_t>& x,
                      const std::vector<uint8_t>& y) {
    const GgmlType dot_type = Ref(type).dot_type;
    std::vector<float> xd(n), yd(n);
    Ref(type).dequantize_row(x.data(), xd.data(), n);
    Ref(dot_type).dequantize_row(y.data(), yd.data(), n);
    double magnitude = 0.0;
    for (int64_t i = 0; i < n; ++i) magnitude += std::fabs(static_cast<double>(xd[i]) * yd[i]);
    const float want = Ref(type).vec_dot(n, x.data(), y.data());
    const float got = Simd(type).vec_dot(n, x.data(), y.data());
    EXPECT_NEAR(got, want, 1e-5 * magnitude + 1e-30) << GgmlTypeName(type) << " n=" << n;
  }

  const KernelTable* simd_ = nullptr;
};

TEST_P(SimdLegacyTest, TableKeepsDotTypes) {
  for (uint32_t id = 0; id < kGgmlTypeLimit; ++id) {
    const FormatKernels& ref = ScalarKernels().formats[id];
    const FormatKernels& simd = simd_->formats[id];
    EXPECT_EQ(simd.dot_type, ref.dot_type) << "type " << id;
    EXPECT_EQ(simd.vec_dot == nullptr, ref.vec_dot == nullptr) << "type " << id;
    EXPECT_EQ(simd.dequantize_row == nullptr, ref.dequantize_row == nullptr) << "type " << id;
    EXPECT_EQ(simd.quantize_row == nullptr, ref.quantize_row == nullptr) << "type " << id;
  }
}

TEST_P(SimdLegacyTest, ActivationQuantizersAreBitExact) {
  for (const GgmlType type : kActivationFormats) {
    const int64_t unit = BlockElems(type);
    const auto& lengths = unit == 1 ? std::vector<int64_t>(std::begin(kFloatLengths), std::end(kFloatLengths))
                                    : std::vector<int64_t>(std::begin(kBlockCounts), std::end(kBlockCounts));
    for (const int64_t count : lengths) {
      const int64_t n = unit == 1 ? count : count * unit;
      const std::vector<std::vector<float>> rows = QuantizerRows(n, static_cast<uint32_t>(n));
      for (size_t r = 0; r < rows.size(); ++r) {
        ExpectQuantizeExact(type, n, rows[r], "row " + std::to_string(r));
      }
    }
  }
}

// Every float bit pattern class near the f16 and bf16 rounding boundaries: the tie cases of the dropped
// bits, overflow to infinity, and subnormal halves.
TEST_P(SimdLegacyTest, FloatConversionsRoundTiesToEven) {
  std::vector<float> x;
  for (uint32_t exp : {0u, 1u, 0x33u, 0x66u, 0x67u, 0x70u, 0x71u, 0x7fu, 0x8eu, 0x8fu, 0xfeu, 0xffu}) {
    for (uint32_t low : {0x0000u, 0x0fffu, 0x1000u, 0x1001u, 0x2000u, 0x3000u, 0x7fffu, 0x8000u, 0x8001u,
                         0x18000u, 0x7fe000u, 0x7ff000u, 0x7fffffu, 0x400000u, 0x400001u}) {
      for (uint32_t sign : {0u, 0x80000000u}) x.push_back(BitsFloat(sign | (exp << 23) | low));
    }
  }
  const int64_t n = static_cast<int64_t>(x.size());
  ExpectQuantizeExact(GgmlType::kF16, n, x, "boundaries");
  ExpectQuantizeExact(GgmlType::kBF16, n, x, "boundaries");
}

TEST_P(SimdLegacyTest, DequantizeIsBitExact) {
  for (const GgmlType type : kQuantFormats) {
    for (const int64_t blocks : kBlockCounts) {
      const int64_t n = blocks * kQK;
      ExpectDequantizeExact(type, n, RandomBlocks(type, n, static_cast<uint32_t>(blocks)), false);
      // Arbitrary bytes: scales may be infinite, NaN or subnormal.
      std::vector<uint8_t> raw(RowBytes(type, n));
      std::mt19937 rng(static_cast<uint32_t>(blocks) + 99);
      for (uint8_t& b : raw) b = static_cast<uint8_t>(rng());
      ExpectDequantizeExact(type, n, raw, false);
    }
  }
  for (const GgmlType type : {GgmlType::kQ8_0, GgmlType::kQ8_1}) {
    const int64_t n = 33 * kQK;
    std::vector<uint8_t> bytes(RowBytes(type, n));
    Ref(type).quantize_row(NormalRow(n, 5, 10.0f).data(), bytes.data(), n);
    ExpectDequantizeExact(type, n, bytes, false);
  }
  // Float formats: every 16-bit pattern (NaN payloads included) must convert identically.
  std::vector<uint8_t> halves(2 * 65536);
  for (uint32_t h = 0; h < 65536; ++h) {
    halves[2 * h] = static_cast<uint8_t>(h);
    halves[2 * h + 1] = static_cast<uint8_t>(h >> 8);
  }
  for (const GgmlType type : {GgmlType::kF16, GgmlType::kBF16}) {
    ExpectDequantizeExact(type, 65536, halves, true);
    for (const int64_t n : kFloatLengths) ExpectDequantizeExact(type, n, halves, true);
  }
  for (const int64_t n : kFloatLengths) {
    std::vector<uint8_t> bytes(static_cast<size_t>(n) * 4);
    std::mt19937 rng(static_cast<uint32_t>(n));
    for (uint8_t& b : bytes) b = static_cast<uint8_t>(rng());
    ExpectDequantizeExact(GgmlType::kF32, n, bytes, true);
  }
}

TEST_P(SimdLegacyTest, QuantDotsMatchScalar) {
  uint32_t seed = 1;
  for (const GgmlType type : kQuantFormats) {
    const GgmlType dot_type = Ref(type).dot_type;
    for (const int64_t blocks : kBlockCounts) {
      const int64_t n = blocks * kQK;
      // Activations always come from the activation quantizer (quants in [-127, 127]).
      for (const float y_scale : {1.0f, 1e-3f, 20000.0f}) {
        std::vector<uint8_t> y(RowBytes(dot_type, n));
        Ref(dot_type).quantize_row(NormalRow(n, ++seed, y_scale).data(), y.data(), n);
        // Weights: every quant pattern with random scales, and the reference quantizer's output.
        ExpectDotClose(type, n, RandomBlocks(type, n, ++seed), y);
        std::vector<float> w = NormalRow(n, ++seed);
        for (float& v : w) v += 0.3f;  // A non-zero mean exercises the offset formats' m * s term.
        std::vector<uint8_t> x(RowBytes(type, n));
        Ref(type).quantize_row(w.data(), x.data(), n);
        ExpectDotClose(type, n, x, y);
      }
      // Extremes: f16-range activations and all-zero rows.
      std::vector<float> big(n);
      for (int64_t i = 0; i < n; ++i) big[i] = (i % 2 == 0) ? 65504.0f : -65504.0f * (i % 3) / 2.0f;
      std::vector<uint8_t> yb(RowBytes(dot_type, n)), zeros(RowBytes(dot_type, n), 0);
      Ref(dot_type).quantize_row(big.data(), yb.data(), n);
      ExpectDotClose(type, n, RandomBlocks(type, n, ++seed), yb);
      ExpectDotClose(type, n, RandomBlocks(type, n, ++seed), zeros);
    }
  }
}

TEST_P(SimdLegacyTest, FloatDotsMatchScalar) {
  uint32_t seed = 100;
  for (const GgmlType type : kFloatFormats) {
    for (const int64_t n : kFloatLengths) {
      for (const float scale : {1.0f, 1e-4f, 100.0f}) {
        const std::vector<float> xf = NormalRow(n, ++seed, scale);
        const std::vector<float> yf = NormalRow(n, ++seed);
        std::vector<uint8_t> x(RowBytes(type, n)), y(RowBytes(type, n));
        Ref(type).quantize_row(xf.data(), x.data(), n);
        Ref(type).quantize_row(yf.data(), y.data(), n);
        ExpectDotClose(type, n, x, y);
      }
    }
  }
}

std::string IsaParamName(const ::testing::TestParamInfo<Isa>& info) {
  std::string name(IsaName(info.param));
  for (char& c : name) {
    if (c == '-') c = '_';
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(AllSimdIsas, SimdLegacyTest, ::testing::ValuesIn(SimdIsas()), IsaParamName);
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(SimdLegacyTest);

}  // namespace
}  // namespace hearth::kernels
