// Registers the scalar K-quant kernels. Every weight format dots with Q8_K activations; Q8_K itself only
// has the activation quantizer and a dequantizer (for tests).
#include "kernels/scalar/k_quants_internal.h"
#include "kernels/scalar/scalar_kernels.h"

namespace hearth::kernels::scalar {

void RegisterKQuants(KernelTable& table) {
  using namespace kquants;  // NOLINT(build/namespaces): local to this registration list.
  table.format(GgmlType::kQ2_K) = {DequantizeQ2K, QuantizeQ2K, VecDotQ2K, GgmlType::kQ8_K};
  table.format(GgmlType::kQ3_K) = {DequantizeQ3K, QuantizeQ3K, VecDotQ3K, GgmlType::kQ8_K};
  table.format(GgmlType::kQ4_K) = {DequantizeQ4K, QuantizeQ4K, VecDotQ4K, GgmlType::kQ8_K};
  table.format(GgmlType::kQ5_K) = {DequantizeQ5K, QuantizeQ5K, VecDotQ5K, GgmlType::kQ8_K};
  table.format(GgmlType::kQ6_K) = {DequantizeQ6K, QuantizeQ6K, VecDotQ6K, GgmlType::kQ8_K};
  table.format(GgmlType::kQ8_K) = {DequantizeQ8K, QuantizeQ8K, nullptr, GgmlType::kQ8_K};
}

}  // namespace hearth::kernels::scalar
