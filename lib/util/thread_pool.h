// A persistent pool of worker threads for data-parallel loops (matmul rows, attention heads).
// Workers are created once and sleep between jobs, so a forward pass never creates threads.
#ifndef HEARTH_LIB_UTIL_THREAD_POOL_H_
#define HEARTH_LIB_UTIL_THREAD_POOL_H_

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

#include "absl/functional/function_ref.h"

namespace hearth {

class ThreadPool {
 public:
  // A pool that runs jobs on `n_threads` threads in total: the caller plus n_threads - 1 workers.
  // Values below 1 are treated as 1 (no workers; everything runs on the caller).
  explicit ThreadPool(int n_threads);
  ~ThreadPool();

  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  int n_threads() const { return n_threads_; }

  // Calls fn(thread_index, n_threads) once on each of the n_threads threads (the caller is index 0) and
  // returns when all calls have returned. Not reentrant: one job at a time per pool.
  void Run(absl::FunctionRef<void(int thread_index, int n_threads)> fn);

  // Splits [0, n_items) into at most n_threads contiguous ranges, in thread order, and calls
  // fn(begin, end) for each non-empty one. The split depends only on n_items and n_threads.
  void ParallelFor(int64_t n_items, absl::FunctionRef<void(int64_t begin, int64_t end)> fn);

  // The range of [0, n_items) that thread `index` of `count` handles in ParallelFor.
  static void SplitRange(int64_t n_items, int index, int count, int64_t* begin, int64_t* end);

 private:
  void WorkerLoop(int index);

  const int n_threads_;
  std::vector<std::thread> workers_;
  std::mutex mu_;
  std::condition_variable work_cv_;
  std::condition_variable done_cv_;
  // Guarded by mu_.
  const absl::FunctionRef<void(int, int)>* job_ = nullptr;
  uint64_t generation_ = 0;
  int pending_ = 0;
  bool stop_ = false;
};

}  // namespace hearth

#endif  // HEARTH_LIB_UTIL_THREAD_POOL_H_
