// InferenceContext behavior on small synthetic models: batching does not change results, Truncate/Reset
// roll back, cancellation, thread counts, and several contexts sharing one Model concurrently.
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "lib/model/inference_context.h"
#include "tests/lib/model/synthetic_model.h"

namespace hearth::model {
namespace {

using ::hearth::model::testing::BuildSyntheticModel;
using ::hearth::model::testing::SyntheticModel;
using ::hearth::model::testing::SyntheticSpec;

const std::vector<int32_t> kTokens = {3, 17, 5, 39, 0, 22, 8, 8, 11, 30, 2, 19};

std::vector<std::vector<float>> RunChunks(const Model& model, int64_t chunk, int n_threads) {
  ContextParams params;
  params.n_ctx = 32;
  params.max_batch = 16;
  params.n_threads = n_threads;
  params.all_logits = true;
  auto ctx = InferenceContext::Create(model, params);
  EXPECT_TRUE(ctx.ok()) << ctx.status();
  std::vector<std::vector<float>> rows;
  for (size_t b = 0; b < kTokens.size(); b += static_cast<size_t>(chunk)) {
    const size_t e = std::min(kTokens.size(), b + static_cast<size_t>(chunk));
    EXPECT_TRUE((*ctx)->Eval(absl::MakeConstSpan(kTokens.data() + b, e - b)).ok());
    for (int64_t i = 0; i < (*ctx)->n_logits(); ++i) {
      rows.emplace_back((*ctx)->logits(i).begin(), (*ctx)->logits(i).end());
    }
  }
  return rows;
}

void ExpectClose(const std::vector<std::vector<float>>& a, const std::vector<std::vector<float>>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    ASSERT_EQ(a[i].size(), b[i].size());
    for (size_t j = 0; j < a[i].size(); ++j) EXPECT_NEAR(a[i][j], b[i][j], 1e-5f) << i << "," << j;
  }
}

class ArchInferenceTest : public ::testing::TestWithParam<const char*> {};

TEST_P(ArchInferenceTest, BatchingAndThreadsDoNotChangeLogits) {
  SyntheticSpec spec;
  spec.arch = GetParam();
  absl::StatusOr<SyntheticModel> m = BuildSyntheticModel(spec);
  ASSERT_TRUE(m.ok()) << m.status();
  const auto batch = RunChunks(*m->model, 12, 1);
  ASSERT_EQ(batch.size(), kTokens.size());
  ExpectClose(batch, RunChunks(*m->model, 1, 1));
  ExpectClose(batch, RunChunks(*m->model, 5, 3));
  ExpectClose(batch, RunChunks(*m->model, 12, 4));
  // Logits vary with the position (the model is not degenerate).
  EXPECT_NE(batch[6], batch[7]);
}

INSTANTIATE_TEST_SUITE_P(Architectures, ArchInferenceTest,
                         ::testing::Values("llama", "qwen2", "qwen3"));

TEST(InferenceContextTest, TruncateAndResetRollBack) {
  absl::StatusOr<SyntheticModel> m = BuildSyntheticModel({});
  ASSERT_TRUE(m.ok()) << m.status();
  ContextParams params;
  params.n_ctx = 32;
  auto ctx = InferenceContext::Create(*m->model, params);
  ASSERT_TRUE(ctx.ok());
  ASSERT_TRUE((*ctx)->Eval({1, 2, 3, 4}).ok());
  const std::vector<float> after4((*ctx)->last_logits().begin(), (*ctx)->last_logits().end());
  ASSERT_TRUE((*ctx)->Eval({9, 9}).ok());
  ASSERT_TRUE((*ctx)->Truncate(3).ok());
  EXPECT_EQ((*ctx)->n_past(), 3);
  ASSERT_TRUE((*ctx)->Eval({4}).ok());
  EXPECT_EQ(std::vector<float>((*ctx)->last_logits().begin(), (*ctx)->last_logits().end()), after4);
  (*ctx)->Reset();
  EXPECT_EQ((*ctx)->n_past(), 0);
  ASSERT_TRUE((*ctx)->Eval({1, 2, 3, 4}).ok());
  EXPECT_EQ(std::vector<float>((*ctx)->last_logits().begin(), (*ctx)->last_logits().end()), after4);
}

TEST(InferenceContextTest, CancelStopsEvalAndKeepsState) {
  absl::StatusOr<SyntheticModel> m = BuildSyntheticModel({});
  ASSERT_TRUE(m.ok()) << m.status();
  ContextParams params;
  params.n_ctx = 32;
  auto ctx = InferenceContext::Create(*m->model, params);
  ASSERT_TRUE(ctx.ok());
  ASSERT_TRUE((*ctx)->Eval({1, 2}).ok());
  (*ctx)->RequestCancel();
  EXPECT_EQ((*ctx)->Eval({3, 4}).code(), absl::StatusCode::kCancelled);
  EXPECT_EQ((*ctx)->n_past(), 2);
  EXPECT_TRUE((*ctx)->Eval({3, 4}).ok());  // The request was consumed.
  EXPECT_EQ((*ctx)->n_past(), 4);
}

TEST(InferenceContextTest, ContextsShareOneModelAcrossThreads) {
  absl::StatusOr<SyntheticModel> m = BuildSyntheticModel({});
  ASSERT_TRUE(m.ok()) << m.status();
  const auto expected = RunChunks(*m->model, 12, 1);
  std::vector<std::vector<std::vector<float>>> results(3);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < results.size(); ++i) {
    threads.emplace_back([&, i] { results[i] = RunChunks(*m->model, static_cast<int64_t>(i + 1), 2); });
  }
  for (std::thread& t : threads) t.join();
  for (const auto& r : results) ExpectClose(expected, r);
}

TEST(InferenceContextTest, LastLogitsOnlyByDefault) {
  absl::StatusOr<SyntheticModel> m = BuildSyntheticModel({});
  ASSERT_TRUE(m.ok()) << m.status();
  const auto all = RunChunks(*m->model, 12, 1);
  ContextParams params;
  params.n_ctx = 32;
  auto ctx = InferenceContext::Create(*m->model, params);
  ASSERT_TRUE(ctx.ok());
  ASSERT_TRUE((*ctx)->Eval(kTokens).ok());
  EXPECT_EQ((*ctx)->n_logits(), 1);
  EXPECT_TRUE((*ctx)->logits(1).empty());
  ExpectClose({all.back()}, {std::vector<float>((*ctx)->last_logits().begin(),
                                                (*ctx)->last_logits().end())});
}

}  // namespace
}  // namespace hearth::model
