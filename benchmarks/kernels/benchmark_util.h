// Shared pieces of the kernel benchmarks: random activations, random quantized weight matrices at real
// layer shapes, and the registration entry points.
#ifndef HEARTH_BENCHMARKS_KERNELS_BENCHMARK_UTIL_H_
#define HEARTH_BENCHMARKS_KERNELS_BENCHMARK_UTIL_H_

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "kernels/formats/ggml_type.h"
#include "kernels/kernel_table.h"
#include "kernels/ops/matmul.h"

namespace hearth::bench {

// Weight formats with a vec_dot that real models ship (F32/BF16 and the activation formats are left out).
inline constexpr GgmlType kWeightFormats[] = {
    GgmlType::kF16,  GgmlType::kQ4_0, GgmlType::kQ4_1, GgmlType::kQ5_0,   GgmlType::kQ5_1,
    GgmlType::kQ8_0, GgmlType::kQ2_K, GgmlType::kQ3_K, GgmlType::kQ4_K,   GgmlType::kQ5_K,
    GgmlType::kQ6_K, GgmlType::kIQ4_NL, GgmlType::kIQ4_XS};

// Memory from aligned_alloc: 64-byte aligned like a mapped model file's tensor data, freed with free().
struct FreeDeleter {
  void operator()(void* p) const { std::free(p); }
};
using AlignedBuffer = std::unique_ptr<uint8_t[], FreeDeleter>;

inline AlignedBuffer AllocateAligned(size_t bytes) {
  const size_t rounded = (bytes + 63) / 64 * 64;  // aligned_alloc wants a multiple of the alignment.
  return AlignedBuffer(static_cast<uint8_t*>(std::aligned_alloc(64, rounded == 0 ? 64 : rounded)));
}

// n normally distributed floats (a fixed seed, so every run measures the same data).
inline std::vector<float> RandomFloats(int64_t n, uint32_t seed, float stddev = 1.0f) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> dist(0.0f, stddev);
  std::vector<float> out(static_cast<size_t>(n));
  for (float& v : out) v = dist(rng);
  return out;
}

// A weight matrix that owns its bytes.
struct OwnedWeights {
  AlignedBuffer bytes;
  kernels::WeightMatrix view;
};

// `rows` rows of `cols` random weights in `type`. Only kUniqueRows rows are quantized (with the scalar
// reference quantizer: K-quant quantizers are slow, and the 151936-row output matrix has 233M weights);
// the rest are copies of them. Every row still lives at its own address, so the kernels read the whole
// matrix from memory as they would a real one.
inline OwnedWeights MakeRandomWeights(GgmlType type, int64_t cols, int64_t rows) {
  constexpr int64_t kUniqueRows = 32;
  const size_t row_bytes = kernels::RowBytes(type, cols);
  OwnedWeights w;
  w.bytes = AllocateAligned(row_bytes * static_cast<size_t>(rows));
  const kernels::QuantizeRowFn quantize = kernels::ScalarKernels().format(type).quantize_row;
  const int64_t unique = rows < kUniqueRows ? rows : kUniqueRows;
  const std::vector<float> values = RandomFloats(unique * cols, /*seed=*/1234, /*stddev=*/0.02f);
  for (int64_t r = 0; r < unique; ++r) {
    quantize(values.data() + r * cols, w.bytes.get() + static_cast<size_t>(r) * row_bytes, cols);
  }
  for (int64_t r = unique; r < rows; ++r) {
    std::memcpy(w.bytes.get() + static_cast<size_t>(r) * row_bytes,
                w.bytes.get() + static_cast<size_t>(r % unique) * row_bytes, row_bytes);
  }
  w.view = kernels::WeightMatrix{type, cols, rows, row_bytes, w.bytes.get()};
  return w;
}

inline std::string ShapeName(int64_t cols, int64_t rows) {
  return std::to_string(cols) + "x" + std::to_string(rows);
}

// Registration entry points, one per source file; main calls them in order.
void RegisterMatMulBenchmarks();
void RegisterQuantizeBenchmarks();
void RegisterFloatOpsBenchmarks();

}  // namespace hearth::bench

#endif  // HEARTH_BENCHMARKS_KERNELS_BENCHMARK_UTIL_H_
