// The scalar float32 row operations of the forward pass (kernels/ops/float_ops.h) at the model width
// (1536) and the ffn width (8960). They do not depend on the instruction set table yet.
#include <cstdint>
#include <string>
#include <vector>

#include "benchmark/benchmark.h"
#include "benchmarks/kernels/benchmark_util.h"
#include "kernels/ops/float_ops.h"

namespace hearth::bench {
namespace {

constexpr int64_t kDims[] = {1536, 8960};
constexpr int kHeadDim = 128;

// Float bytes read and written per iteration, as GB/s.
void SetBandwidth(benchmark::State& state, int64_t floats_touched) {
  state.counters["GB/s"] = benchmark::Counter(static_cast<double>(floats_touched) * sizeof(float) * 1e-9,
                                              benchmark::Counter::kIsIterationInvariantRate);
  state.SetItemsProcessed(state.iterations() * floats_touched);
}

void BM_RmsNorm(benchmark::State& state, int64_t n) {
  const std::vector<float> x = RandomFloats(n, 1);
  const std::vector<float> weight = RandomFloats(n, 2);
  std::vector<float> out(static_cast<size_t>(n));
  for (auto _ : state) {
    kernels::RmsNorm(x.data(), weight.data(), n, 1e-6f, out.data());
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  SetBandwidth(state, 3 * n);
}

void BM_Softmax(benchmark::State& state, int64_t n) {
  // In place: repeated passes keep the values finite (a probability row of a probability row).
  std::vector<float> x = RandomFloats(n, 3, 4.0f);
  for (auto _ : state) {
    kernels::Softmax(x.data(), n);
    benchmark::DoNotOptimize(x.data());
    benchmark::ClobberMemory();
  }
  SetBandwidth(state, 2 * n);
}

void BM_SiluMul(benchmark::State& state, int64_t n) {
  const std::vector<float> gate = RandomFloats(n, 4);
  const std::vector<float> up = RandomFloats(n, 5);
  std::vector<float> out(static_cast<size_t>(n));
  for (auto _ : state) {
    kernels::SiluMul(gate.data(), up.data(), n, out.data());
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  SetBandwidth(state, 3 * n);
}

void BM_Add(benchmark::State& state, int64_t n) {
  const std::vector<float> a = RandomFloats(n, 6);
  const std::vector<float> b = RandomFloats(n, 7);
  std::vector<float> out(static_cast<size_t>(n));
  for (auto _ : state) {
    kernels::Add(a.data(), b.data(), n, out.data());
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  SetBandwidth(state, 3 * n);
}

// One token's RoPE as the forward pass does it: the cos/sin table for its position (qwen2 settings),
// then every 128-wide head of the row rotated in place.
void BM_Rope(benchmark::State& state, kernels::RopeStyle style, int64_t n) {
  std::vector<float> x = RandomFloats(n, 8);
  kernels::RopeParams params;
  params.n_rot = kHeadDim;
  params.freq_base = 1000000.0f;
  std::vector<float> cos_t(kHeadDim / 2);
  std::vector<float> sin_t(kHeadDim / 2);
  int64_t pos = 0;
  for (auto _ : state) {
    kernels::RopeCosSin(params, pos, nullptr, cos_t.data(), sin_t.data());
    for (int64_t h = 0; h < n / kHeadDim; ++h) {
      kernels::ApplyRope(x.data() + h * kHeadDim, kHeadDim, style, cos_t.data(), sin_t.data());
    }
    pos = (pos + 1) & 4095;
    benchmark::DoNotOptimize(x.data());
    benchmark::ClobberMemory();
  }
  SetBandwidth(state, 2 * (n / kHeadDim) * kHeadDim);
}

}  // namespace

void RegisterFloatOpsBenchmarks() {
  std::vector<benchmark::internal::Benchmark*> all;
  for (int64_t n : kDims) {
    const std::string dim = std::to_string(n);
    all.push_back(benchmark::RegisterBenchmark(("BM_RmsNorm/" + dim).c_str(), BM_RmsNorm, n));
    all.push_back(benchmark::RegisterBenchmark(("BM_Softmax/" + dim).c_str(), BM_Softmax, n));
    all.push_back(benchmark::RegisterBenchmark(("BM_SiluMul/" + dim).c_str(), BM_SiluMul, n));
    all.push_back(benchmark::RegisterBenchmark(("BM_Add/" + dim).c_str(), BM_Add, n));
    all.push_back(benchmark::RegisterBenchmark(("BM_Rope/normal/" + dim).c_str(), BM_Rope,
                                               kernels::RopeStyle::kNormal, n));
    all.push_back(benchmark::RegisterBenchmark(("BM_Rope/neox/" + dim).c_str(), BM_Rope,
                                               kernels::RopeStyle::kNeox, n));
  }
  for (benchmark::internal::Benchmark* b : all) b->Unit(benchmark::kMicrosecond);
}

}  // namespace hearth::bench
