// The NEON tables (every level in AvailableIsas() besides scalar: neon, neon-dotprod, neon-i8mm as the CPU
// allows) against the scalar reference: quantize_row (activation quantizers, float conversions) and
// dequantize_row bit-exact; vec_dot with unit scales (pure integer sums) exact, and with real scales within
// 1e-5 of sum |x * y|. Rows of 1, 3, 7 and 33 blocks, random and extreme data. Run under QEMU in CI
// (scripts/test_aarch64.sh), which also sets HEARTH_EXPECT_ISA to check what the dispatcher picks.
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "kernels/cpu_features.h"
#include "kernels/dispatch.h"
#include "kernels/formats/block_layouts.h"
#include "kernels/formats/fp16.h"
#include "kernels/formats/ggml_type.h"
#include "kernels/kernel_table.h"

namespace hearth::kernels {
namespace {

constexpr GgmlType kWeightFormats[] = {GgmlType::kQ4_0, GgmlType::kQ8_0, GgmlType::kQ4_K, GgmlType::kQ6_K,
                                       GgmlType::kQ4_1, GgmlType::kQ5_0, GgmlType::kQ5_1, GgmlType::kQ5_K,
                                       GgmlType::kQ3_K, GgmlType::kQ2_K, GgmlType::kIQ4_NL,
                                       GgmlType::kIQ4_XS};
constexpr GgmlType kFloatFormats[] = {GgmlType::kF32, GgmlType::kF16, GgmlType::kBF16};
constexpr GgmlType kActivationFormats[] = {GgmlType::kQ8_0, GgmlType::kQ8_1, GgmlType::kQ8_K};
constexpr int64_t kBlockCounts[] = {1, 3, 7, 33};
constexpr int64_t kFloatLengths[] = {1, 3, 7, 16, 33, 4099};

std::vector<Isa> NeonIsas() {
  std::vector<Isa> out;
  for (const Isa isa : AvailableIsas()) {
    if (isa == Isa::kNeon || isa == Isa::kNeonDotprod || isa == Isa::kNeonI8mm) out.push_back(isa);
  }
  return out;
}

size_t RowBytes(GgmlType type, int64_t n) {
  const GgmlTypeInfo& info = GetGgmlTypeInfo(type);
  return static_cast<size_t>(n / info.block_elems) * info.block_bytes;
}

int64_t BlockElems(GgmlType type) { return GetGgmlTypeInfo(type).block_elems; }

std::string Name(GgmlType type) { return std::string(GgmlTypeName(type)); }

// Byte offsets of the f16 scale fields (d, then dmin/m) inside one block.
std::vector<size_t> HalfScaleOffsets(GgmlType type) {
  switch (type) {
    case GgmlType::kQ4_1: case GgmlType::kQ5_1: case GgmlType::kQ8_1: case GgmlType::kQ4_K:
    case GgmlType::kQ5_K: return {0, 2};
    case GgmlType::kQ2_K: return {80, 82};
    case GgmlType::kQ3_K: return {108};
    case GgmlType::kQ6_K: return {208};
    default: return {0};
  }
}

std::vector<float> NormalRow(int64_t n, uint32_t seed, float scale = 1.0f) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> dist(0.0f, scale);
  std::vector<float> x(static_cast<size_t>(n));
  for (float& v : x) v = dist(rng);
  return x;
}

// Quantizer inputs: normal data at several scales, f16 extremes, zeros, tiny and subnormal values, exact
// rounding ties (both the half-away rule of Q8_0/Q8_1 and the half-even one of Q8_K), any bit pattern
// (NaNs, infinities), and rows beyond the f16 range.
std::vector<std::vector<float>> QuantizerRows(int64_t n, uint32_t seed) {
  std::vector<std::vector<float>> rows;
  for (const float scale : {1.0f, 1e-3f, 300.0f, 20000.0f}) rows.push_back(NormalRow(n, seed++, scale));
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> wide(-65504.0f, 65504.0f);
  std::vector<float> extreme(n), tiny(n), ties(n), bits(n);
  for (int64_t i = 0; i < n; ++i) {
    extreme[i] = (i % 4 == 0) ? ((i % 8 == 0) ? 65504.0f : -65504.0f) : wide(rng);
    tiny[i] = (i % 3 == 0) ? 1e-30f : ((i % 3 == 1) ? -1.4e-45f : 6e-8f * static_cast<float>(i % 7));
    ties[i] = (i % 32 == 0) ? 127.0f : static_cast<float>(static_cast<int>(i % 61) - 30) + 0.5f;
    bits[i] = BitsFloat(static_cast<uint32_t>(rng()));
  }
  for (auto* row : {&extreme, &tiny, &ties, &bits}) rows.push_back(*row);
  rows.emplace_back(n, 0.0f);
  rows.emplace_back(n, -0.0f);
  rows.emplace_back(n, 65504.0f);
  rows.emplace_back(n, 70000.0f);
  std::vector<float> special = NormalRow(n, seed + 1);
  for (int64_t i = 0; i < n; i += 5) {
    special[i] = (i % 3 == 0) ? std::numeric_limits<float>::quiet_NaN()
                              : ((i % 3 == 1) ? std::numeric_limits<float>::infinity()
                                              : -std::numeric_limits<float>::infinity());
  }
  rows.push_back(special);
  std::vector<float> all_nan(n, std::numeric_limits<float>::quiet_NaN());
  rows.push_back(all_nan);
  return rows;
}

enum class Fill { kRandom, kAllOnes, kAllZeros };
enum class Scales { kModerate, kExtreme, kUnit };

// Weight bytes: quants random (or all bits set / clear), f16 scales moderate, extreme (+-65504, the
// smallest subnormal, zero) or exactly 1.
std::vector<uint8_t> WeightBlocks(GgmlType type, int64_t n, uint32_t seed, Fill fill, Scales scales) {
  std::mt19937 rng(seed);
  std::vector<uint8_t> bytes(RowBytes(type, n));
  for (uint8_t& b : bytes) {
    b = fill == Fill::kRandom ? static_cast<uint8_t>(rng()) : (fill == Fill::kAllOnes ? 0xff : 0x00);
  }
  std::uniform_real_distribution<float> moderate(-0.05f, 0.05f);
  const uint16_t extremes[] = {0x7bff, 0xfbff, 0x0001, 0x8001, 0x0000, 0x3c00, 0x2e66};
  const size_t block_bytes = GetGgmlTypeInfo(type).block_bytes;
  for (size_t off = 0; off < bytes.size(); off += block_bytes) {
    for (const size_t field : HalfScaleOffsets(type)) {
      uint16_t h = 0x3c00;
      if (scales == Scales::kModerate) h = Fp32ToFp16(moderate(rng) * (field == 0 ? 1.0f : 20.0f));
      if (scales == Scales::kExtreme) h = extremes[rng() % 7];
      std::memcpy(&bytes[off + field], &h, sizeof(h));
    }
  }
  return bytes;
}

// Activation blocks with scale 1 and random quants in [-127, 127] (s and bsums consistent with them).
std::vector<uint8_t> UnitActivations(GgmlType type, int64_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> q(-127, 127);
  std::vector<uint8_t> bytes(RowBytes(type, n));
  if (type == GgmlType::kQ8_K) {
    auto* b = reinterpret_cast<BlockQ8_K*>(bytes.data());
    for (int64_t i = 0; i < n / kQKK; ++i) {
      b[i].d = 1.0f;
      for (int g = 0; g < kQKK / 16; ++g) {
        int sum = 0;
        for (int j = 0; j < 16; ++j) sum += (b[i].qs[16 * g + j] = static_cast<int8_t>(q(rng)));
        b[i].bsums[g] = static_cast<int16_t>(sum);
      }
    }
  } else if (type == GgmlType::kQ8_1) {
    auto* b = reinterpret_cast<BlockQ8_1*>(bytes.data());
    for (int64_t i = 0; i < n / kQK; ++i) {
      int sum = 0;
      for (int j = 0; j < kQK; ++j) sum += (b[i].qs[j] = static_cast<int8_t>(q(rng)));
      b[i].d = 0x3c00;
      b[i].s = Fp32ToFp16(static_cast<float>(sum));
    }
  } else {
    auto* b = reinterpret_cast<BlockQ8_0*>(bytes.data());
    for (int64_t i = 0; i < n / kQK; ++i) {
      for (int j = 0; j < kQK; ++j) b[i].qs[j] = static_cast<int8_t>(q(rng));
      b[i].d = 0x3c00;
    }
  }
  return bytes;
}

// Bit for bit, NaN payloads included (the reference keeps signalling NaNs of F16/BF16 as they are).
bool SameFloat(float a, float b) { return FloatBits(a) == FloatBits(b); }

class NeonKernelsTest : public ::testing::TestWithParam<Isa> {
 protected:
  void SetUp() override {
    absl::StatusOr<const KernelTable*> table = KernelsForIsa(GetParam());
    ASSERT_TRUE(table.ok()) << table.status();
    neon_ = *table;
    ASSERT_EQ(neon_->isa, GetParam());
  }
  const FormatKernels& Neon(GgmlType type) const { return neon_->format(type); }
  static const FormatKernels& Ref(GgmlType type) { return ScalarKernels().format(type); }

  void ExpectQuantizeExact(GgmlType type, const std::vector<float>& x, const std::string& what) {
    const int64_t n = static_cast<int64_t>(x.size());
    std::vector<uint8_t> want(RowBytes(type, n), 0xa5), got(RowBytes(type, n), 0xa5);
    Ref(type).quantize_row(x.data(), want.data(), n);
    Neon(type).quantize_row(x.data(), got.data(), n);
    for (size_t i = 0; i < want.size(); ++i) {
      ASSERT_EQ(got[i], want[i]) << Name(type) << " " << what << " n=" << n << ": byte " << i;
    }
  }

  void ExpectDequantizeExact(GgmlType type, const std::vector<uint8_t>& bytes, int64_t n,
                             const std::string& what) {
    std::vector<float> want(static_cast<size_t>(n)), got(static_cast<size_t>(n), -1.0f);
    Ref(type).dequantize_row(bytes.data(), want.data(), n);
    Neon(type).dequantize_row(bytes.data(), got.data(), n);
    for (int64_t i = 0; i < n; ++i) {
      ASSERT_TRUE(SameFloat(got[i], want[i]))
          << Name(type) << " " << what << " n=" << n << " [" << i << "]: " << got[i] << " vs " << want[i];
    }
  }

  const KernelTable* neon_ = nullptr;
};

TEST_P(NeonKernelsTest, ActivationQuantizersAreBitExact) {
  for (const GgmlType type : kActivationFormats) {
    for (const int64_t blocks : kBlockCounts) {
      const int64_t n = blocks * BlockElems(type);
      int row = 0;
      for (const auto& x : QuantizerRows(n, static_cast<uint32_t>(7 * n))) {
        ExpectQuantizeExact(type, x, "row " + std::to_string(row++));
      }
    }
  }
}

TEST_P(NeonKernelsTest, FloatConversionsAreBitExact) {
  for (const GgmlType type : kFloatFormats) {
    for (const int64_t n : kFloatLengths) {
      int row = 0;
      for (const auto& x : QuantizerRows(n, static_cast<uint32_t>(n))) {
        ExpectQuantizeExact(type, x, "row " + std::to_string(row++));
      }
      // Any 16- or 32-bit pattern, NaNs included.
      std::mt19937 rng(static_cast<uint32_t>(n));
      std::vector<uint8_t> bytes(RowBytes(type, n));
      for (uint8_t& b : bytes) b = static_cast<uint8_t>(rng());
      ExpectDequantizeExact(type, bytes, n, "random bits");
    }
  }
}

TEST_P(NeonKernelsTest, DequantizeIsBitExact) {
  std::vector<GgmlType> types(std::begin(kWeightFormats), std::end(kWeightFormats));
  types.push_back(GgmlType::kQ8_1);
  for (const GgmlType type : types) {
    for (const int64_t blocks : kBlockCounts) {
      const int64_t n = blocks * BlockElems(type);
      const uint32_t seed = static_cast<uint32_t>(n) + static_cast<uint32_t>(type);
      ExpectDequantizeExact(type, WeightBlocks(type, n, seed, Fill::kRandom, Scales::kModerate), n, "random");
      ExpectDequantizeExact(type, WeightBlocks(type, n, seed, Fill::kRandom, Scales::kExtreme), n, "extreme");
      ExpectDequantizeExact(type, WeightBlocks(type, n, seed, Fill::kAllOnes, Scales::kExtreme), n, "ones");
      ExpectDequantizeExact(type, WeightBlocks(type, n, seed, Fill::kAllZeros, Scales::kExtreme), n, "zeros");
    }
  }
  // Q8_K: a float scale and any quants.
  for (const int64_t blocks : kBlockCounts) {
    const int64_t n = blocks * kQKK;
    std::vector<uint8_t> bytes = WeightBlocks(GgmlType::kQ8_K, n, 5, Fill::kRandom, Scales::kUnit);
    for (size_t off = 0; off < bytes.size(); off += sizeof(BlockQ8_K)) {
      const float d = 0.013f * static_cast<float>(off % 7) - 0.04f;
      std::memcpy(&bytes[off], &d, sizeof(d));
    }
    ExpectDequantizeExact(GgmlType::kQ8_K, bytes, n, "random");
  }
}

// Unit scales make every product and sum an integer: the result is exact in both tables as long as the
// partial sums stay below 2^24, which the bound checks.
TEST_P(NeonKernelsTest, IntegerDotsAreExact) {
  for (const GgmlType type : kWeightFormats) {
    const GgmlType dot_type = Ref(type).dot_type;
    for (const int64_t blocks : kBlockCounts) {
      const int64_t n = blocks * BlockElems(type);
      for (const Fill fill : {Fill::kRandom, Fill::kAllOnes}) {
        const uint32_t seed = static_cast<uint32_t>(3 * n) + static_cast<uint32_t>(type);
        const std::vector<uint8_t> w = WeightBlocks(type, n, seed, fill, Scales::kUnit);
        const std::vector<uint8_t> a = UnitActivations(dot_type, n, seed + 1);
        std::vector<float> wx(static_cast<size_t>(n)), ay(static_cast<size_t>(n));
        Ref(type).dequantize_row(w.data(), wx.data(), n);
        Ref(dot_type).dequantize_row(a.data(), ay.data(), n);
        double bound = 0.0;
        for (int64_t i = 0; i < n; ++i) bound += std::fabs(static_cast<double>(wx[i]) * ay[i]);
        const float want = Ref(type).vec_dot(n, w.data(), a.data());
        const float got = Neon(type).vec_dot(n, w.data(), a.data());
        if (bound < 8388608.0) {
          EXPECT_EQ(got, want) << Name(type) << " n=" << n << " fill=" << static_cast<int>(fill);
        } else {
          EXPECT_NEAR(got, want, 1e-5 * bound) << Name(type) << " n=" << n;
        }
      }
    }
  }
}

TEST_P(NeonKernelsTest, DotsMatchScalarWithinFloatRounding) {
  for (const GgmlType type : kWeightFormats) {
    const GgmlType dot_type = Ref(type).dot_type;
    for (const int64_t blocks : kBlockCounts) {
      const int64_t n = blocks * BlockElems(type);
      const uint32_t seed = static_cast<uint32_t>(5 * n) + static_cast<uint32_t>(type);
      for (const Scales scales : {Scales::kModerate, Scales::kExtreme}) {
        const std::vector<uint8_t> w = WeightBlocks(type, n, seed, Fill::kRandom, scales);
        for (const float act_scale : {1.0f, 1000.0f}) {
          const std::vector<float> y = NormalRow(n, seed + 2, act_scale);
          std::vector<uint8_t> a(RowBytes(dot_type, n));
          Ref(dot_type).quantize_row(y.data(), a.data(), n);
          std::vector<float> wx(static_cast<size_t>(n)), ay(static_cast<size_t>(n));
          Ref(type).dequantize_row(w.data(), wx.data(), n);
          Ref(dot_type).dequantize_row(a.data(), ay.data(), n);
          double bound = 0.0;
          for (int64_t i = 0; i < n; ++i) bound += std::fabs(static_cast<double>(wx[i]) * ay[i]);
          const float want = Ref(type).vec_dot(n, w.data(), a.data());
          const float got = Neon(type).vec_dot(n, w.data(), a.data());
          if (!std::isfinite(bound) || !std::isfinite(want)) continue;  // Extreme scales may overflow.
          EXPECT_NEAR(got, want, 1e-5 * bound + 1e-30)
              << Name(type) << " n=" << n << " scales=" << static_cast<int>(scales) << " act=" << act_scale;
        }
      }
    }
  }
}

TEST_P(NeonKernelsTest, FloatDotsMatchScalarWithinFloatRounding) {
  for (const GgmlType type : kFloatFormats) {
    for (const int64_t n : kFloatLengths) {
      const std::vector<float> xf = NormalRow(n, static_cast<uint32_t>(n), 3.0f);
      const std::vector<float> yf = NormalRow(n, static_cast<uint32_t>(n) + 1, 0.5f);
      std::vector<uint8_t> x(RowBytes(type, n)), y(RowBytes(type, n));
      Ref(type).quantize_row(xf.data(), x.data(), n);
      Ref(type).quantize_row(yf.data(), y.data(), n);
      double bound = 0.0;
      for (int64_t i = 0; i < n; ++i) bound += std::fabs(static_cast<double>(xf[i]) * yf[i]);
      const float want = Ref(type).vec_dot(n, x.data(), y.data());
      const float got = Neon(type).vec_dot(n, x.data(), y.data());
      EXPECT_NEAR(got, want, 1e-5 * bound) << Name(type) << " n=" << n;
    }
  }
}

TEST_P(NeonKernelsTest, TableCoversEveryScalarFormat) {
  for (uint32_t id = 0; id < kGgmlTypeLimit; ++id) {
    const FormatKernels& ref = ScalarKernels().formats[id];
    const FormatKernels& got = neon_->formats[id];
    EXPECT_EQ(ref.vec_dot == nullptr, got.vec_dot == nullptr) << "type " << id;
    EXPECT_EQ(ref.dequantize_row == nullptr, got.dequantize_row == nullptr) << "type " << id;
    EXPECT_EQ(ref.dot_type, got.dot_type) << "type " << id;
  }
}

INSTANTIATE_TEST_SUITE_P(Levels, NeonKernelsTest, ::testing::ValuesIn(NeonIsas()),
                         [](const ::testing::TestParamInfo<Isa>& param_info) {
                           std::string name(IsaName(param_info.param));
                           for (char& c : name) c = c == '-' ? '_' : c;
                           return name;
                         });
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(NeonKernelsTest);

TEST(NeonDispatchTest, EveryAarch64CpuHasANeonLevel) {
  EXPECT_FALSE(NeonIsas().empty()) << "CPU features: " << DetectCpuFeatures().ToString();
}

// scripts/test_aarch64.sh runs this under several QEMU_CPU models and names the level each must get.
TEST(NeonDispatchTest, SelectsTheExpectedLevel) {
  const char* expected = std::getenv("HEARTH_EXPECT_ISA");
  absl::StatusOr<const KernelTable*> selected = SelectKernels();
  ASSERT_TRUE(selected.ok()) << selected.status();
  const std::string got(IsaName((*selected)->isa));
  std::printf("CPU features: %s; selected: %s\n", DetectCpuFeatures().ToString().c_str(), got.c_str());
  if (expected == nullptr || *expected == '\0') GTEST_SKIP() << "HEARTH_EXPECT_ISA not set";
  EXPECT_EQ(got, expected);
}

}  // namespace
}  // namespace hearth::kernels
