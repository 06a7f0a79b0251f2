// hearth_kernel_benchmarks: every kernel x format x instruction set this CPU runs, registered at startup
// from AvailableIsas(). Single-threaded. Select with --benchmark_filter (e.g. avx512, Q4_K/1536x8960).
#include <cstring>
#include <vector>

#include "benchmark/benchmark.h"
#include "benchmarks/kernels/benchmark_util.h"

int main(int argc, char** argv) {
  // Default minimum time per benchmark, unless the caller gives one. Passed as a flag rather than set
  // with ->MinTime() because that appends "/min_time:..." to every name and breaks anchored filters.
  // 0.2 s is one to three iterations of a 512-token matmul and keeps the whole suite within minutes.
  static char kDefaultMinTime[] = "--benchmark_min_time=0.2";
  std::vector<char*> args(argv, argv + argc);
  bool has_min_time = false;
  for (int i = 1; i < argc; ++i) {
    if (std::strncmp(argv[i], "--benchmark_min_time", 20) == 0) has_min_time = true;
  }
  if (!has_min_time) args.insert(args.begin() + 1, kDefaultMinTime);
  int n_args = static_cast<int>(args.size());
  args.push_back(nullptr);

  hearth::bench::RegisterMatMulBenchmarks();
  hearth::bench::RegisterQuantizeBenchmarks();
  hearth::bench::RegisterFloatOpsBenchmarks();
  benchmark::Initialize(&n_args, args.data());
  if (benchmark::ReportUnrecognizedArguments(n_args, args.data())) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
