#include "kernels/formats/ggml_type.h"

#include <array>

namespace hearth {
namespace {

// Q8_1 follows ggml's layout (f16 d and s, 36 bytes), not gguf-py's legacy 40-byte entry.
constexpr GgmlTypeInfo kTypes[] = {
    {GgmlType::kF32, "F32", 1, 4, false},         {GgmlType::kF16, "F16", 1, 2, false},
    {GgmlType::kQ4_0, "Q4_0", 32, 18, true},      {GgmlType::kQ4_1, "Q4_1", 32, 20, true},
    {GgmlType::kQ5_0, "Q5_0", 32, 22, true},      {GgmlType::kQ5_1, "Q5_1", 32, 24, true},
    {GgmlType::kQ8_0, "Q8_0", 32, 34, true},      {GgmlType::kQ8_1, "Q8_1", 32, 36, true},
    {GgmlType::kQ2_K, "Q2_K", 256, 84, true},     {GgmlType::kQ3_K, "Q3_K", 256, 110, true},
    {GgmlType::kQ4_K, "Q4_K", 256, 144, true},    {GgmlType::kQ5_K, "Q5_K", 256, 176, true},
    {GgmlType::kQ6_K, "Q6_K", 256, 210, true},    {GgmlType::kQ8_K, "Q8_K", 256, 292, true},
    {GgmlType::kIQ2_XXS, "IQ2_XXS", 256, 66, true}, {GgmlType::kIQ2_XS, "IQ2_XS", 256, 74, true},
    {GgmlType::kIQ3_XXS, "IQ3_XXS", 256, 98, true}, {GgmlType::kIQ1_S, "IQ1_S", 256, 50, true},
    {GgmlType::kIQ4_NL, "IQ4_NL", 32, 18, true},  {GgmlType::kIQ3_S, "IQ3_S", 256, 110, true},
    {GgmlType::kIQ2_S, "IQ2_S", 256, 82, true},   {GgmlType::kIQ4_XS, "IQ4_XS", 256, 136, true},
    {GgmlType::kI8, "I8", 1, 1, false},           {GgmlType::kI16, "I16", 1, 2, false},
    {GgmlType::kI32, "I32", 1, 4, false},         {GgmlType::kI64, "I64", 1, 8, false},
    {GgmlType::kF64, "F64", 1, 8, false},         {GgmlType::kIQ1_M, "IQ1_M", 256, 56, true},
    {GgmlType::kBF16, "BF16", 1, 2, false},       {GgmlType::kTQ1_0, "TQ1_0", 256, 54, true},
    {GgmlType::kTQ2_0, "TQ2_0", 256, 66, true},   {GgmlType::kMXFP4, "MXFP4", 32, 17, true},
    {GgmlType::kNVFP4, "NVFP4", 64, 36, true},    {GgmlType::kQ1_0, "Q1_0", 128, 18, true},
};

constexpr std::array<const GgmlTypeInfo*, kGgmlTypeLimit> BuildIndex() {
  std::array<const GgmlTypeInfo*, kGgmlTypeLimit> index{};
  for (const GgmlTypeInfo& info : kTypes) index[static_cast<uint32_t>(info.type)] = &info;
  return index;
}
constexpr auto kIndex = BuildIndex();

}  // namespace

const GgmlTypeInfo* FindGgmlTypeInfo(uint32_t id) { return id < kGgmlTypeLimit ? kIndex[id] : nullptr; }

const GgmlTypeInfo& GetGgmlTypeInfo(GgmlType type) { return *kIndex[static_cast<uint32_t>(type)]; }

}  // namespace hearth
