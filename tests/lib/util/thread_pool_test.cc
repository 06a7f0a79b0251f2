#include "lib/util/thread_pool.h"

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "gtest/gtest.h"

namespace hearth {
namespace {

TEST(ThreadPoolTest, ParallelForCoversEveryItemOnce) {
  for (int threads : {1, 2, 3, 8}) {
    ThreadPool pool(threads);
    EXPECT_EQ(pool.n_threads(), threads);
    for (int64_t n : {0, 1, 2, 7, 100, 1001}) {
      std::vector<std::atomic<int>> hits(static_cast<size_t>(n));
      for (int repeat = 0; repeat < 20; ++repeat) {
        pool.ParallelFor(n, [&](int64_t b, int64_t e) {
          ASSERT_LT(b, e);
          for (int64_t i = b; i < e; ++i) hits[static_cast<size_t>(i)]++;
        });
      }
      for (const auto& h : hits) EXPECT_EQ(h.load(), 20) << threads << " threads, n " << n;
    }
  }
}

TEST(ThreadPoolTest, RunGivesEachThreadItsIndex) {
  ThreadPool pool(4);
  std::vector<std::atomic<int>> seen(4);
  pool.Run([&](int index, int count) {
    EXPECT_EQ(count, 4);
    seen[static_cast<size_t>(index)]++;
  });
  for (const auto& s : seen) EXPECT_EQ(s.load(), 1);
}

TEST(ThreadPoolTest, NonPositiveCountMeansCallerOnly) {
  ThreadPool pool(0);
  EXPECT_EQ(pool.n_threads(), 1);
  int calls = 0;
  pool.ParallelFor(10, [&](int64_t b, int64_t e) {
    EXPECT_EQ(b, 0);
    EXPECT_EQ(e, 10);
    ++calls;
  });
  EXPECT_EQ(calls, 1);
}

TEST(ThreadPoolTest, SplitRangeIsContiguousAndComplete) {
  int64_t prev_end = 0;
  for (int i = 0; i < 5; ++i) {
    int64_t b, e;
    ThreadPool::SplitRange(13, i, 5, &b, &e);
    EXPECT_EQ(b, prev_end);
    prev_end = e;
  }
  EXPECT_EQ(prev_end, 13);
}

TEST(ThreadPoolTest, WakesSleepingWorkersAndRunsManyShortJobs) {
  for (int threads : {2, 3}) {
    ThreadPool pool(threads);
    std::atomic<int> calls{0};
    // Pauses longer than the spin window put the workers (and the caller's wait) to sleep.
    for (int repeat = 0; repeat < 5; ++repeat) {
      std::this_thread::sleep_for(std::chrono::milliseconds(3));
      pool.Run([&](int, int) { calls++; });
    }
    EXPECT_EQ(calls.load(), 5 * threads);
    // A worker slower than the spin window: the caller must sleep and be woken.
    pool.Run([&](int index, int) {
      if (index == threads - 1) std::this_thread::sleep_for(std::chrono::milliseconds(5));
      calls++;
    });
    EXPECT_EQ(calls.load(), 6 * threads);
    // Back-to-back jobs, as in a decode step.
    for (int repeat = 0; repeat < 10000; ++repeat) pool.Run([&](int, int) { calls++; });
    EXPECT_EQ(calls.load(), 10006 * threads);
  }
}

}  // namespace
}  // namespace hearth
