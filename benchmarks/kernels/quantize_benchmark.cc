// Row conversions per instruction set: the activation quantizers every matmul runs first (Q8_0, Q8_1,
// Q8_K), and weight dequantization (embedding lookups, debugging paths) for every weight format.
#include <cstdint>
#include <string>
#include <vector>

#include "benchmark/benchmark.h"
#include "benchmarks/kernels/benchmark_util.h"
#include "kernels/dispatch.h"
#include "kernels/kernel_table.h"
#include "kernels/ops/matmul.h"

namespace hearth::bench {
namespace {

using kernels::KernelTable;

constexpr int64_t kDims[] = {1536, 8960};
constexpr GgmlType kActivationFormats[] = {GgmlType::kQ8_0, GgmlType::kQ8_1, GgmlType::kQ8_K};

// Floats read per second.
void BM_QuantizeRow(benchmark::State& state, kernels::QuantizeRowFn quantize, GgmlType type,
                    int64_t n) {
  const std::vector<float> x = RandomFloats(n, /*seed=*/7);
  AlignedBuffer out = AllocateAligned(kernels::RowBytes(type, n));
  for (auto _ : state) {
    quantize(x.data(), out.get(), n);
    benchmark::DoNotOptimize(out.get());
    benchmark::ClobberMemory();
  }
  state.counters["GB/s"] = benchmark::Counter(static_cast<double>(n) * sizeof(float) * 1e-9,
                                              benchmark::Counter::kIsIterationInvariantRate);
}

// Quantized bytes read per second (as for the matvec numbers).
void BM_DequantizeRow(benchmark::State& state, kernels::DequantizeRowFn dequantize, GgmlType type,
                      int64_t n) {
  const OwnedWeights w = MakeRandomWeights(type, n, 1);
  std::vector<float> out(static_cast<size_t>(n));
  for (auto _ : state) {
    dequantize(w.view.data, out.data(), n);
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  state.counters["GB/s"] = benchmark::Counter(static_cast<double>(w.view.row_bytes) * 1e-9,
                                              benchmark::Counter::kIsIterationInvariantRate);
}

}  // namespace

void RegisterQuantizeBenchmarks() {
  for (kernels::Isa isa : kernels::AvailableIsas()) {
    absl::StatusOr<const KernelTable*> table = kernels::KernelsForIsa(isa);
    if (!table.ok()) continue;
    const std::string isa_name(kernels::IsaName(isa));
    for (GgmlType type : kActivationFormats) {
      const kernels::QuantizeRowFn quantize = (*table)->format(type).quantize_row;
      if (quantize == nullptr) continue;
      for (int64_t n : kDims) {
        const std::string name = "BM_QuantizeRow/" + isa_name + "/" + std::string(GgmlTypeName(type)) +
                                 "/" + std::to_string(n);
        auto* b = benchmark::RegisterBenchmark(name.c_str(), BM_QuantizeRow, quantize, type, n);
        b->Unit(benchmark::kMicrosecond);
      }
    }
    for (GgmlType type : kWeightFormats) {
      const kernels::DequantizeRowFn dequantize = (*table)->format(type).dequantize_row;
      if (dequantize == nullptr) continue;
      for (int64_t n : kDims) {
        const std::string name = "BM_DequantizeRow/" + isa_name + "/" +
                                 std::string(GgmlTypeName(type)) + "/" + std::to_string(n);
        auto* b = benchmark::RegisterBenchmark(name.c_str(), BM_DequantizeRow, dequantize, type, n);
        b->Unit(benchmark::kMicrosecond);
      }
    }
  }
}

}  // namespace hearth::bench
