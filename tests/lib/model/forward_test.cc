// The forward pass's scheduling choices must not change results: a prompt longer than one attention block
// (kAttendBlock keys) gives the same logits in one batch, token by token and in uneven chunks, with 1, 2
// and 3 threads, and the last-token-only path (which prunes rows after the final attention) matches the
// all-logits path.
#include <algorithm>
#include <cmath>
#include <vector>

#include "gtest/gtest.h"
#include "lib/model/inference_context.h"
#include "tests/lib/model/synthetic_model.h"

namespace hearth::model {
namespace {

using ::hearth::model::testing::BuildSyntheticModel;
using ::hearth::model::testing::SyntheticModel;
using ::hearth::model::testing::SyntheticSpec;

constexpr int64_t kPrompt = 150;  // More than two attention blocks of keys.

std::vector<int32_t> Tokens() {
  std::vector<int32_t> t(kPrompt);
  for (int64_t i = 0; i < kPrompt; ++i) t[static_cast<size_t>(i)] = static_cast<int32_t>((i * 7 + 3) % 40);
  return t;
}

// Feeds the prompt in chunks; returns every row's logits (all_logits) or each chunk's last row.
std::vector<std::vector<float>> Feed(const Model& model, int64_t chunk, int n_threads, bool all_logits) {
  ContextParams params;
  params.n_ctx = 160;
  params.max_batch = kPrompt;
  params.n_threads = n_threads;
  params.all_logits = all_logits;
  auto ctx = InferenceContext::Create(model, params);
  EXPECT_TRUE(ctx.ok()) << ctx.status();
  const std::vector<int32_t> tokens = Tokens();
  std::vector<std::vector<float>> rows;
  for (size_t b = 0; b < tokens.size(); b += static_cast<size_t>(chunk)) {
    const size_t e = std::min(tokens.size(), b + static_cast<size_t>(chunk));
    EXPECT_TRUE((*ctx)->Eval(absl::MakeConstSpan(tokens.data() + b, e - b)).ok());
    for (int64_t i = 0; i < (*ctx)->n_logits(); ++i) {
      rows.emplace_back((*ctx)->logits(i).begin(), (*ctx)->logits(i).end());
    }
  }
  return rows;
}

void ExpectClose(const std::vector<float>& a, const std::vector<float>& b, const char* what) {
  ASSERT_EQ(a.size(), b.size());
  for (size_t j = 0; j < a.size(); ++j) {
    EXPECT_NEAR(a[j], b[j], 1e-4f * (1.0f + std::fabs(b[j]))) << what << j;
  }
}

class ForwardTest : public ::testing::TestWithParam<const char*> {};

TEST_P(ForwardTest, SchedulingDoesNotChangeLogits) {
  SyntheticSpec spec;
  spec.arch = GetParam();
  spec.n_ctx_train = 256;
  absl::StatusOr<SyntheticModel> m = BuildSyntheticModel(spec);
  ASSERT_TRUE(m.ok()) << m.status();
  const auto batch = Feed(*m->model, kPrompt, 1, true);
  ASSERT_EQ(batch.size(), static_cast<size_t>(kPrompt));
  for (int threads : {1, 2, 3}) {
    const auto single = Feed(*m->model, 1, threads, true);
    const auto chunks = Feed(*m->model, 37, threads, true);
    const auto threaded = Feed(*m->model, kPrompt, threads, true);
    ASSERT_EQ(single.size(), batch.size());
    ASSERT_EQ(chunks.size(), batch.size());
    for (size_t i = 0; i < batch.size(); ++i) {
      ExpectClose(single[i], batch[i], "token by token ");
      ExpectClose(chunks[i], batch[i], "chunks of 37 ");
      ExpectClose(threaded[i], batch[i], "one batch ");
    }
    // Last-token-only: each chunk's last row equals the all-logits row at that position.
    const auto last = Feed(*m->model, 37, threads, false);
    ASSERT_EQ(last.size(), 5u);
    for (size_t c = 0; c < last.size(); ++c) {
      const size_t pos = std::min<size_t>(batch.size(), (c + 1) * 37) - 1;
      ExpectClose(last[c], batch[pos], "last only ");
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Architectures, ForwardTest, ::testing::Values("llama", "qwen2", "qwen3"));

}  // namespace
}  // namespace hearth::model
