#include "lib/util/thread_pool.h"

#include <algorithm>
#include <chrono>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

namespace hearth {
namespace {

// How long an idle thread polls before sleeping: longer than the serial gaps of a decode step, far
// shorter than the time between tokens of an interactive session.
constexpr std::chrono::microseconds kSpinTime{200};

inline void CpuRelax() {
#if defined(__x86_64__) || defined(__i386__)
  _mm_pause();
#elif defined(__aarch64__)
  asm volatile("yield");
#endif
}

// Polls `done` for up to kSpinTime; true if it became true. Between bursts of 64 polls the thread yields:
// on an idle machine that returns at once, on a loaded one it hands the core to runnable threads instead
// of burning it (pure busy-waiting made decode several times slower when other processes competed).
template <typename Pred>
bool SpinUntil(Pred done) {
  const auto deadline = std::chrono::steady_clock::now() + kSpinTime;
  for (;;) {
    for (int i = 0; i < 64; ++i) {
      if (done()) return true;
      CpuRelax();
    }
    std::this_thread::yield();
    if (std::chrono::steady_clock::now() >= deadline) return done();
  }
}

}  // namespace

ThreadPool::ThreadPool(int n_threads)
    : n_threads_(std::max(1, n_threads)),
      spin_(static_cast<unsigned>(n_threads_) <= std::max(1u, std::thread::hardware_concurrency())) {
  workers_.reserve(static_cast<size_t>(n_threads_ - 1));
  for (int i = 1; i < n_threads_; ++i) workers_.emplace_back([this, i] { WorkerLoop(i); });
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_.store(true, std::memory_order_seq_cst);
  }
  work_cv_.notify_all();
  for (std::thread& t : workers_) t.join();
}

uint64_t ThreadPool::AwaitJob(uint64_t seen) {
  const auto ready = [&] {
    return generation_.load(std::memory_order_seq_cst) != seen || stop_.load(std::memory_order_seq_cst);
  };
  if (!(spin_ && SpinUntil(ready))) {
    std::unique_lock<std::mutex> lock(mu_);
    sleeping_workers_.fetch_add(1, std::memory_order_seq_cst);
    work_cv_.wait(lock, ready);
    sleeping_workers_.fetch_sub(1, std::memory_order_relaxed);
  }
  return generation_.load(std::memory_order_acquire);
}

void ThreadPool::WorkerLoop(int index) {
  uint64_t seen = 0;
  for (;;) {
    seen = AwaitJob(seen);
    if (stop_.load(std::memory_order_acquire)) return;
    (*job_)(index, n_threads_);
    if (pending_.fetch_sub(1, std::memory_order_seq_cst) == 1 &&
        caller_sleeping_.load(std::memory_order_seq_cst)) {
      std::lock_guard<std::mutex> lock(mu_);
      done_cv_.notify_one();
    }
  }
}

void ThreadPool::Run(absl::FunctionRef<void(int, int)> fn) {
  if (n_threads_ == 1) {
    fn(0, 1);
    return;
  }
  job_ = &fn;
  pending_.store(n_threads_ - 1, std::memory_order_relaxed);
  generation_.fetch_add(1, std::memory_order_seq_cst);
  if (sleeping_workers_.load(std::memory_order_seq_cst) > 0) {
    std::lock_guard<std::mutex> lock(mu_);
    work_cv_.notify_all();
  }
  fn(0, n_threads_);
  const auto done = [&] { return pending_.load(std::memory_order_seq_cst) == 0; };
  if (!(spin_ && SpinUntil(done))) {
    std::unique_lock<std::mutex> lock(mu_);
    caller_sleeping_.store(true, std::memory_order_seq_cst);
    done_cv_.wait(lock, done);
    caller_sleeping_.store(false, std::memory_order_relaxed);
  }
  job_ = nullptr;
}

void ThreadPool::SplitRange(int64_t n_items, int index, int count, int64_t* begin, int64_t* end) {
  *begin = n_items * index / count;
  *end = n_items * (index + 1) / count;
}

void ThreadPool::ParallelFor(int64_t n_items, absl::FunctionRef<void(int64_t, int64_t)> fn) {
  if (n_items <= 0) return;
  if (n_threads_ == 1 || n_items == 1) {
    fn(0, n_items);
    return;
  }
  Run([&](int index, int count) {
    int64_t begin, end;
    SplitRange(n_items, index, count, &begin, &end);
    if (begin < end) fn(begin, end);
  });
}

}  // namespace hearth
