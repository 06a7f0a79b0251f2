// hearth_kernel_benchmarks: every kernel x format x instruction set this CPU runs, registered at startup
// from AvailableIsas(). Single-threaded. Select with --benchmark_filter (e.g. avx512, Q4_K/1536x8960).
#include <cstring>

#include "benchmark/benchmark.h"
#include "benchmarks/kernels/benchmark_util.h"

int main(int argc, char** argv) {
  hearth::bench::Options options;
  for (int i = 1; i < argc; ++i) {
    if (std::strncmp(argv[i], "--benchmark_min_time", 20) == 0) options.user_min_time = true;
  }
  hearth::bench::RegisterMatMulBenchmarks(options);
  hearth::bench::RegisterQuantizeBenchmarks(options);
  hearth::bench::RegisterFloatOpsBenchmarks(options);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
