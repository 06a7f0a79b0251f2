// A persistent pool of worker threads for data-parallel loops (matmul rows, attention heads).
// Workers are created once. Between jobs they poll briefly (a decode step dispatches about five jobs per
// layer separated by microseconds of serial work, and a futex wake-up costs tens of microseconds), then
// sleep on a condition variable. Polling yields the core between bursts (see thread_pool.cc) and is
// disabled when the pool has more threads than the machine has hardware threads.
#ifndef HEARTH_LIB_UTIL_THREAD_POOL_H_
#define HEARTH_LIB_UTIL_THREAD_POOL_H_

#include <atomic>
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
  // Waits until generation_ differs from `seen` (or stop_), spinning first; returns the new generation.
  uint64_t AwaitJob(uint64_t seen);

  const int n_threads_;
  const bool spin_;
  std::vector<std::thread> workers_;

  // Published by Run before generation_ is bumped (release); read by workers after they see the bump.
  const absl::FunctionRef<void(int, int)>* job_ = nullptr;
  std::atomic<uint64_t> generation_{0};
  std::atomic<int> pending_{0};  // Workers still running the current job.
  std::atomic<bool> stop_{false};

  // Sleeping: a party increments its counter, then re-checks its condition under mu_ before waiting, and
  // the other side (after its seq_cst store) notifies only when the counter is non-zero.
  std::mutex mu_;
  std::condition_variable work_cv_;
  std::condition_variable done_cv_;
  std::atomic<int> sleeping_workers_{0};
  std::atomic<bool> caller_sleeping_{false};
};

}  // namespace hearth

#endif  // HEARTH_LIB_UTIL_THREAD_POOL_H_
