// Matrix x vector (one token, decode) and matrix x matrix (512 tokens, prompt processing) through the
// matmul driver, per weight format, instruction set and real layer shape (Qwen2.5-1.5B sizes).
// Single-threaded: the numbers are per-core kernel speed. Weights are in the layout a loaded model uses
// (the table's interleaved decode layout where it has one, labelled "interleaved"). Activation quantization is inside the timed
// region because every real matmul pays for it.
#include <cstdint>
#include <map>
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

// Weight shapes as ggml stores them: `cols` is the dot length, `rows` the number of outputs.
struct Shape {
  int64_t cols;
  int64_t rows;
};
constexpr Shape kShapes[] = {
    {1536, 1536},    // attention q/o projection
    {1536, 8960},    // ffn up/gate
    {8960, 1536},    // ffn down
    {1536, 151936},  // output (vocabulary) projection
};
constexpr int64_t kBatchTokens = 512;
constexpr int64_t kOutputRows = 151936;

// The matrix of the benchmark running now. One at a time, so that the output matrix (up to ~470 MB in
// F16) is never held in several formats at once; benchmarks are registered so that every instruction set
// of one (format, shape) runs back to back and shares it.
const kernels::WeightMatrix& CachedWeights(GgmlType type, int64_t cols, int64_t rows) {
  static OwnedWeights* cached = new OwnedWeights();
  const kernels::WeightMatrix& v = cached->view;
  if (cached->bytes == nullptr || v.type != type || v.cols != cols || v.rows != rows) {
    *cached = OwnedWeights();  // Free the old matrix before making the new one.
    *cached = MakeRandomWeights(type, cols, rows);
  }
  return cached->view;
}

// kBatchTokens rows of `cols` random activations, kept per width (a few MB each).
const std::vector<float>& CachedActivations(int64_t cols) {
  static auto* cache = new std::map<int64_t, std::vector<float>>();
  auto it = cache->find(cols);
  if (it == cache->end()) {
    it = cache->emplace(cols, RandomFloats(kBatchTokens * cols, /*seed=*/99)).first;
  }
  return it->second;
}

// Multiplies the weights by `n_tokens` activation rows: quantize the activations, then every row.
void RunMatMul(benchmark::State& state, const KernelTable* table, GgmlType type, Shape shape,
               int64_t n_tokens) {
  // The layout a loaded model computes from: the table's interleaved one where it has one.
  kernels::WeightMatrix w = CachedWeights(type, shape.cols, shape.rows);
  AlignedBuffer interleaved;
  if (kernels::CanInterleave(*table, w)) {
    interleaved = AllocateAligned(static_cast<size_t>(w.rows) * w.row_bytes);
    w = kernels::InterleaveMatrix(*table, w, 0, w.rows, interleaved.get());
    state.SetLabel("interleaved");
  }
  const std::vector<float>& x = CachedActivations(shape.cols);
  AlignedBuffer act = AllocateAligned(kernels::ActivationBytes(*table, type, shape.cols, n_tokens));
  std::vector<float> y(static_cast<size_t>(n_tokens * shape.rows));
  for (auto _ : state) {
    kernels::QuantizeActivations(*table, type, x.data(), shape.cols, shape.cols, 0, n_tokens,
                                 act.get());
    kernels::MatMulRows(*table, w, act.get(), n_tokens, y.data(), shape.rows, 0, shape.rows);
    benchmark::DoNotOptimize(y.data());
    benchmark::ClobberMemory();
  }
}

void BM_MatVec(benchmark::State& state, const KernelTable* table, GgmlType type, Shape shape) {
  RunMatMul(state, table, type, shape, 1);
  // Decode is bound by reading the weights once: report weight bytes per second.
  const double weight_bytes =
      static_cast<double>(kernels::RowBytes(type, shape.cols)) * static_cast<double>(shape.rows);
  state.counters["GB/s"] =
      benchmark::Counter(weight_bytes * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
}

void BM_MatMul(benchmark::State& state, const KernelTable* table, GgmlType type, Shape shape) {
  RunMatMul(state, table, type, shape, kBatchTokens);
  const double flops = 2.0 * static_cast<double>(shape.rows) * static_cast<double>(shape.cols) *
                       static_cast<double>(kBatchTokens);
  state.counters["GFLOP/s"] =
      benchmark::Counter(flops * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
}

}  // namespace

void RegisterMatMulBenchmarks() {
  std::vector<const KernelTable*> tables;
  for (kernels::Isa isa : kernels::AvailableIsas()) {
    absl::StatusOr<const KernelTable*> table = kernels::KernelsForIsa(isa);
    if (table.ok()) tables.push_back(*table);
  }
  // Format, then shape, then instruction set: one weight matrix serves a run of consecutive benchmarks.
  for (GgmlType type : kWeightFormats) {
    for (const Shape& shape : kShapes) {
      const std::string suffix =
          std::string(GgmlTypeName(type)) + "/" + ShapeName(shape.cols, shape.rows);
      for (const KernelTable* table : tables) {
        if (!kernels::CanMatMul(*table, type)) continue;
        const std::string isa(kernels::IsaName(table->isa));
        auto* b = benchmark::RegisterBenchmark(("BM_MatVec/" + isa + "/" + suffix).c_str(), BM_MatVec,
                                               table, type, shape);
        b->Unit(benchmark::kMicrosecond);
      }
      for (const KernelTable* table : tables) {
        if (!kernels::CanMatMul(*table, type)) continue;
        // Skipped: 512 tokens with the scalar kernels (tens of seconds per iteration per format) and
        // 512 tokens against the output matrix (119 GFLOP per iteration; prompt processing only needs
        // the last token's logits, so a real run multiplies the output matrix by one row).
        if (table->isa == kernels::Isa::kScalar || shape.rows == kOutputRows) continue;
        const std::string isa(kernels::IsaName(table->isa));
        auto* b = benchmark::RegisterBenchmark(("BM_MatMul/" + isa + "/" + suffix).c_str(), BM_MatMul,
                                               table, type, shape);
        b->Unit(benchmark::kMillisecond);
      }
    }
  }
}

}  // namespace hearth::bench
